"""One rule engine: planning, the vacancy forecast and the rotation problem read the same
facts the same way (issue 10). Each case below used to be read differently by the rotation
problem builder, which had its own copies of the rules:

- several disciplines, the latest one's cooldown over but an earlier, heavier one's not;
- a year with a 100-point score and no category;
- a head for 7 years across two terms (real terms, not blocks of 60 months).
"""

from __future__ import annotations

import datetime as dt

import pytest

from quyhoach.domain import eligibility
from quyhoach.domain import forecast as domain_forecast
from quyhoach.services.planning import forecast as planning_forecast
from quyhoach.services.planning import world as world_service
from quyhoach.services.rotation import problem as rotation_problem
from quyhoach.services.rotation.settings import ScenarioSettings
from solver import eligibility as solver_rules
from tests.builders import make_cadre, make_discipline, make_evaluation, make_title, make_unit

ON = dt.date(2026, 6, 1)   # QĐ 377 in force; party term 01/10/2025–30/09/2030 running


@pytest.fixture
def case(session):
    province = make_unit(session, "Tỉnh Lai Châu", level="province", kind="locality", is_locality=True)
    department = make_unit(session, "Sở Tài chính", level="province", parent=province, kind="department")
    head = make_title(session, department, "Giám đốc Sở Tài chính", rank=600, is_head=True, term_kind="party")
    # head since 01/06/2019: 7 years on ON. Party terms 10/2020–09/2025 (fully held) and
    # 10/2025–09/2030 (current) count; 10/2015–09/2020 does not (held from 06/2019, after its middle).
    # So: 2 consecutive terms, the current one included; R5 (at most 2) ends the holding at the end
    # of the current term: the seat falls vacant on 01/10/2030.
    cadre = make_cadre(session, "Nguyễn Văn Bình", title=head, since=dt.date(2019, 6, 1),
                       birth_date=dt.date(1978, 2, 10))
    # ratings of the window 2023–2025 (P8 on 01/06/2026 counts the three years before): 2024 has
    # only a score (85/100), no category.
    make_evaluation(session, cadre, 2023, rating="good")
    make_evaluation(session, cadre, 2024, score=85)
    make_evaluation(session, cadre, 2025, rating="excellent")
    # disciplines: removal from post on 01/03/2022 (60 months: barred until 01/03/2027), then a
    # reprimand on 02/01/2024 (24 months: over on 02/01/2026). The latest is over; the removal is not.
    make_discipline(session, cadre, level="removal", decision_date=dt.date(2022, 3, 1))
    make_discipline(session, cadre, level="reprimand", decision_date=dt.date(2024, 1, 2))
    session.commit()
    return {"session": session, "cadre": cadre, "head": head}


def _built(session, months: int):
    world = world_service.build(session, ON)
    built = rotation_problem.build_problem(
        world, ScenarioSettings(retiring_within_months=months), ON, "Thử",
        head_starts=rotation_problem.head_starts(session, world))
    return world, built


def test_planning_and_the_rotation_problem_read_disciplines_and_ratings_alike(case):
    session, cadre = case["session"], case["cadre"]
    world, built = _built(session, 12)
    facts = world.cadres[cadre.id]
    title = world.titles[case["head"].id]
    term = next(t for t in world.terms.values() if t.kind == "party" and t.start <= ON <= t.end)
    rules = world.rule_set("planning", ON)
    findings = {f.rule: f for f in eligibility.check(facts, title, term, rules, ON, rating_sets=world.rule_sets)}
    solver_cadre = next(c for c in built.problem.cadres if c.id == cadre.code)
    solver_failed = solver_rules.cadre_failures(solver_cadre, built.problem.rules, "appointment")

    # P13: the removal of 2022 still bars a higher post on 01/06/2026 (until 01/03/2027)
    assert not findings["P13"].passed
    assert solver_rules.discipline_active(solver_cadre, built.problem.rules)
    assert "discipline" in solver_failed
    assert solver_cadre.discipline is not None and solver_cadre.discipline.level == "removal"

    # P8: whatever the rule set says of a score-only year, planning and rotation say the same
    assert findings["P8"].passed == ("rating" not in solver_failed)
    window = [r for _, r in reversed(eligibility.window_ratings(facts, rules, ON, rating_sets=world.rule_sets))]
    assert solver_cadre.ratings[:len(window)] == window


@pytest.mark.parametrize("months, opened", [(12, False), (60, True)])
def test_the_forecast_and_the_rotation_problem_count_a_heads_terms_alike(case, months, opened):
    session, cadre = case["session"], case["cadre"]
    world, built = _built(session, months)
    seat = next(s for s in planning_forecast.seats(session, world) if s.holder and s.holder.id == cadre.id)
    assert seat.consecutive_terms == 2
    terms = planning_forecast.horizon_terms(list(world.terms.values()), ON)
    vacancy = domain_forecast.vacancy_of(seat, terms, world.rule_set("planning", ON), ON)
    assert vacancy is not None
    limit = next(c for c in vacancy.causes if c.reason == domain_forecast.TERM_LIMIT)
    assert limit.date == dt.date(2030, 10, 1)
    horizon_end = dt.date(2026 + months // 12, 6, 1)
    assert (limit.date <= horizon_end) is opened
    post = next(p for p in built.problem.posts if p.id.startswith(case["head"].code + "#"))
    # the rotation problem opens the post (R5) exactly when the forecast's day falls in the horizon
    assert (post.holder is None) is opened
    if opened:
        assert "R5" in built.opened[post.id]
    else:
        solver_cadre = next(c for c in built.problem.cadres if c.id == cadre.code)
        assert not solver_rules.head_limit_reached(solver_cadre, post, built.problem.rules)
