"""Issue 10 in an installed database: seeding corrects a built-in parameter only while it still
holds the value an earlier version shipped; the planning world feeds E6 from monthly
evaluations and reads each year's score under that year's rating set; the pages say which year
is the latest counted."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from quyhoach.db.models import RuleSet
from quyhoach.domain import eligibility
from quyhoach.domain.rulesets import QD50_COOLDOWNS, SUPERSEDED
from quyhoach.services.planning import views, world as world_service
from quyhoach.services.records import reference
from tests.builders import make_cadre, make_evaluation

OLD_QD50 = SUPERSEDED["QD50-2021"]["discipline_cooldown_months"][0]


def _qd50(session) -> RuleSet:
    return session.exec(select(RuleSet).where(RuleSet.code == "QD50-2021")).one()


def test_seeding_replaces_an_old_shipped_default(session):
    row = _qd50(session)
    # an installation seeded by the earlier version: QĐ 377's numbers in the QĐ 50 set, no
    # ratings_count_from, fewer parameters marked unconfirmed
    params = {k: v for k, v in row.params.items() if k != "ratings_count_from"}
    row.params = {**params, "discipline_cooldown_months": dict(OLD_QD50)}
    row.unconfirmed = [k for k in row.unconfirmed if k != "supplement_rank_min"]
    session.add(row)
    session.commit()
    reference.seed_rule_sets(session)
    session.commit()
    row = _qd50(session)
    assert row.params["discipline_cooldown_months"] == QD50_COOLDOWNS     # 12 / 30 / 60 (QĐ 80)
    assert row.params["ratings_count_from"] == "recorded"                  # a new parameter added
    assert "supplement_rank_min" in row.unconfirmed                        # newly marked unconfirmed


def test_seeding_keeps_an_edited_value(session):
    row = _qd50(session)
    edited = {**OLD_QD50, "reprimand": 18}      # the Board's own value: not a shipped one
    row.params = {**row.params, "discipline_cooldown_months": edited}
    session.add(row)
    session.commit()
    reference.seed_rule_sets(session)
    session.commit()
    assert _qd50(session).params["discipline_cooldown_months"] == edited


def test_world_reads_e6_and_scores_by_the_year_rating_set(session):
    cadre = make_cadre(session, "Lò Văn Bình", code="CB9", birth_date=dt.date(1985, 1, 1))
    make_evaluation(session, cadre, 2022, rating="good")
    # 2023: no yearly rating, 4 monthly scores (joined in September): under 6 months, skipped
    for month in range(9, 13):
        make_evaluation(session, cadre, 2023, score=80.0, period="month", period_no=month)
    make_evaluation(session, cadre, 2024, score=85.0)      # QĐ 124 year: a score is no rating
    make_evaluation(session, cadre, 2025, score=85.0)      # QĐ 366 year: 85 is good
    session.commit()
    world = world_service.build(session, dt.date(2026, 3, 1))
    facts = world.cadres[cadre.id]
    assert [r.months_worked for r in facts.ratings if r.year == 2023] == [4]
    rules = world.rule_set("planning")
    # on 01/03/2026 the window is three counted years back from 2025, passing over 2023:
    # 2025 (good by score), 2024 (a score under QĐ 124: no rating), 2022 (good)
    assert eligibility.window_ratings(facts, rules, world.on, rating_sets=world.rule_sets) == \
        [(2022, "good"), (2024, None), (2025, "good")]
    assert views.counted_through(world).year == 2025


def test_the_latest_counted_year_under_recorded_says_the_current_year_counts_once_rated(session):
    world = world_service.build(session, dt.date(2026, 12, 5))
    counted = views.counted_through(world)
    assert counted.year == 2025 and counted.next_when_recorded == 2026
