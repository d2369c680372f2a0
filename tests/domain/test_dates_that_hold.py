"""Issue 10, "Dates that hold": "eligible from D" is a day on which the cadre passes every
rule judged on D; "never" when no such day exists, distinct from "not yet known" (waiting for
a rating, a vote, a decision). Hand-worked cases, then a property test over random cadres."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quyhoach.domain.eligibility import check
from quyhoach.domain.qualifying import FROM, NEVER, NOW, UNKNOWN, qualifying_date
from quyhoach.domain.facts import DisciplineFact, RatingFact
from quyhoach.domain.findings import eligible_from
from quyhoach.domain.rulesets import BUILTIN, PLANNING, in_force

from tests.domain.fact_builders import CURRENT_TERM, NEXT_TERM, ON, cadre, d, discipline, good_years, rules, title, vote

HEAD = title(1, "Giám đốc Sở Xây dựng", 200, is_head=True)
SETS = list(BUILTIN)


def blocking(person, on, term=NEXT_TERM, sets=SETS):
    found = check(person, HEAD, term, in_force(sets, PLANNING, on), on, rating_sets=sets)
    return [f.rule for f in found if f.blocking]


def test_eligible_now():
    q = qualifying_date(cadre(), HEAD, NEXT_TERM, SETS, ON)
    assert q.kind == NOW and q.date == ON


def test_remaining_service_shrinks_while_a_cooldown_runs_so_never():
    # Current term (started 01/10/2025), a rank-200 title: P7 on the day, 72 months needed.
    # Retires 31/12/2032: on 01/11/2025, 86 months left (11/2025 to 12/2032). Reprimand
    # 10/03/2025: QĐ 377's 24 months end 10/03/2027, when only 69 whole months are left
    # (10/03/2027 to 01/01/2033 = 5 years 9 months 22 days): P7 fails then and forever after.
    person = cadre(retirement_override=d("31/12/2032"), ratings=good_years(2019, 2025),
                   disciplines=(discipline("reprimand", "10/03/2025"),))
    findings = check(person, HEAD, CURRENT_TERM, rules(), ON)
    assert eligible_from(findings) == d("10/03/2027")          # the old answer, which does not hold
    assert "P7" in blocking(person, d("10/03/2027"), CURRENT_TERM)
    q = qualifying_date(person, HEAD, CURRENT_TERM, SETS, ON)
    assert q.kind == NEVER and q.date is None and [f.rule for f in q.blocking] == ["P7"]


def test_the_same_cadre_retiring_a_year_later_qualifies_on_the_cooldown_end():
    # retiring 31/12/2033: on 10/03/2027, 81 months left (6 years 9 months 22 days) >= 72.
    # But on 10/03/2027 the window is 2024–2026 ("recorded": 2026 counts from 01/01/2027 in any
    # case) and 2026 is not rated on 01/11/2025: the day is not yet known ...
    person = cadre(retirement_override=d("31/12/2033"), ratings=good_years(2019, 2025),
                   disciplines=(discipline("reprimand", "10/03/2025"),))
    q = qualifying_date(person, HEAD, CURRENT_TERM, SETS, ON)
    assert q.kind == UNKNOWN and q.waiting_for == "xếp loại"
    # ... and once 2026 is rated good, the day holds
    rated = dataclasses.replace(person, ratings=good_years(2019, 2026))
    q = qualifying_date(rated, HEAD, CURRENT_TERM, SETS, d("01/12/2026"))
    assert q.kind == FROM and q.date == d("10/03/2027")
    assert blocking(rated, d("10/03/2027"), CURRENT_TERM) == []
    assert blocking(rated, d("09/03/2027"), CURRENT_TERM) == ["P9", "P13"]


def test_a_fail_recorded_for_the_current_year_is_taken_into_account():
    # "12-01": on 01/11/2025 the latest counted year is 2024, a fail (P8, P10). 2025 is already
    # recorded as a fail. P10 alone would say "from 01/12/2025 if 2025 is not a fail"; judged on
    # 01/12/2025, 2025 counts and fails; the next chance needs the 2026 rating: not yet known.
    december = dataclasses.replace(in_force(BUILTIN, PLANNING, ON), code="TEST-1201",
                                   params={**in_force(BUILTIN, PLANNING, ON).params, "ratings_count_from": "12-01"})
    person = cadre(ratings=good_years(2019, 2023) + (RatingFact(2024, "fail"), RatingFact(2025, "fail")))
    p10 = [f for f in check(person, HEAD, NEXT_TERM, december, ON) if f.rule == "P10"][0]
    assert p10.from_date == d("01/12/2025")
    q = qualifying_date(person, HEAD, NEXT_TERM, december, ON)
    assert q.kind == UNKNOWN and {f.rule for f in q.blocking} >= {"P8"}
    # "recorded": the 2025 fail counts already on 01/11/2025 (P10 names 01/01/2027 at best)
    assert qualifying_date(person, HEAD, NEXT_TERM, SETS, ON).kind == UNKNOWN


def test_a_new_rule_set_taking_effect_is_a_candidate_day():
    # The Board enters a set valid from 01/01/2026 with a 12-month reprimand cooldown. A
    # reprimand of 10/03/2025 bars until 10/03/2027 under QĐ 377 but only until 10/03/2026
    # under the new set: the cadre qualifies on 10/03/2026, not 10/03/2027.
    qd377 = in_force(BUILTIN, PLANNING, ON)
    cooldowns = {**qd377.params["discipline_cooldown_months"], "reprimand": 12}
    local = dataclasses.replace(qd377, code="TINH-2026", valid_from=d("01/01/2026"),
                                params={**qd377.params, "discipline_cooldown_months": cooldowns})
    sets = SETS + [local]
    person = cadre(ratings=good_years(2019, 2025), disciplines=(discipline("reprimand", "10/03/2025"),))
    # shipped sets only: on 10/03/2027 the window is 2024–2026 and 2026 is not rated: not yet known
    assert qualifying_date(person, HEAD, NEXT_TERM, SETS, ON).kind == UNKNOWN
    # with the new set: on 10/03/2026 the window is 2023–2025, all good, and the bar has ended
    q = qualifying_date(person, HEAD, NEXT_TERM, sets, ON)
    assert q.kind == FROM and q.date == d("10/03/2026")


def test_never_for_a_title_not_above_the_one_held():
    person = cadre(titles=(title(name="Giám đốc Sở Nội vụ", rank=250),))
    assert qualifying_date(person, HEAD, NEXT_TERM, SETS, ON).kind == NEVER


def test_not_yet_known_while_a_low_vote_stands():
    person = cadre(votes=(vote("01/05/2025", present=40, low=25),))
    q = qualifying_date(person, HEAD, NEXT_TERM, SETS, ON)
    assert q.kind == UNKNOWN and q.waiting_for == "phiếu tín nhiệm"


# --------------------------------------------------------------------------- property

LEVELS = ("reprimand", "warning", "removal")
RATINGS = ("excellent", "good", "good", "good", "complete", "fail")


@st.composite
def cadres(draw):
    birth = draw(st.dates(dt.date(1963, 1, 1), dt.date(1995, 12, 31)))
    ratings = []
    for year in range(2019, 2027):
        kind = draw(st.sampled_from(("rating", "rating", "rating", "score", "none", "short")))
        if kind == "rating":
            ratings.append(RatingFact(year, draw(st.sampled_from(RATINGS))))
        elif kind == "score":
            ratings.append(RatingFact(year, None, float(draw(st.integers(30, 100)))))
        elif kind == "short":
            ratings.append(RatingFact(year, None, months_worked=draw(st.integers(0, 8))))
    disciplines = []
    for _ in range(draw(st.integers(0, 2))):
        decided = draw(st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 1)))
        effect = draw(st.one_of(st.none(), st.integers(30, 800)))
        disciplines.append(DisciplineFact(draw(st.sampled_from(LEVELS)), decided,
                                          decided + dt.timedelta(days=effect) if effect else None))
    votes = []
    for _ in range(draw(st.integers(0, 2))):
        convened = draw(st.integers(10, 60))
        present = draw(st.integers(1, convened))
        low = draw(st.integers(0, present))
        votes.append(vote(draw(st.dates(dt.date(2022, 1, 1), dt.date(2026, 11, 1))).strftime("%d/%m/%Y"),
                          present=present, low=low, convened=convened))
    return cadre(sex=draw(st.sampled_from("MF")), birth=birth, ratings=tuple(ratings),
                 disciplines=tuple(disciplines), votes=tuple(votes))


# Found by the property once (pinned so CI does not pass or fail by luck): a weak 2023 with 2026
# already recorded under "recorded" leaves the window on 01/01/2026, not 01/01/2027; judging only
# from 2027 met a warning of 05/2026 whose cooldown outlives P7's service, and answered "never".
@example(person=cadre(sex="M", birth=dt.date(1973, 1, 1),
                      ratings=tuple(RatingFact(y, "complete" if y == 2023 else "excellent") for y in range(2019, 2027)),
                      disciplines=(DisciplineFact("warning", dt.date(2026, 5, 1), None),)),
         on=dt.date(2025, 10, 8), term=CURRENT_TERM, rank=200, count_from="recorded")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(person=cadres(), on=st.dates(dt.date(2025, 10, 8), dt.date(2027, 12, 31)),
       term=st.sampled_from((CURRENT_TERM, NEXT_TERM)), rank=st.sampled_from((80, 200)),
       count_from=st.sampled_from(("recorded", "12-01", "11-15")))
def test_judging_on_the_returned_day_passes(person, on, term, rank, count_from):
    qd377 = in_force(BUILTIN, PLANNING, on)
    sets = [r for r in SETS if r.code != qd377.code] + [
        dataclasses.replace(qd377, params={**qd377.params, "ratings_count_from": count_from})]
    target = dataclasses.replace(HEAD, rank=rank)
    q = qualifying_date(person, target, term, sets, on)
    if q.kind in (NOW, FROM):
        assert q.date is not None and q.date >= on
        day_rules = in_force(sets, PLANNING, q.date)
        assert not [f for f in check(person, target, term, day_rules, q.date, rating_sets=sets) if f.blocking]
    elif q.kind == NEVER:
        # no later day within the term passes either (sampled)
        for offset in (0, 200, 700, 1500):
            day = on + dt.timedelta(days=offset)
            if day <= term.end:
                day_rules = in_force(sets, PLANNING, day)
                assert [f for f in check(person, target, term, day_rules, day, rating_sets=sets) if f.blocking]
