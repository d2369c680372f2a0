"""Issue 10, "Rule sets as the regulations wrote them" and "The right year's ratings": each
shipped set's own numbers, QĐ 377's ended-effect rule, a score that is a rating only under
QĐ 366, valid confidence votes, E5 and E6, and which years' ratings count on a day.

Every expected value is worked by hand from RULES.md §9 in the comment beside it."""

from __future__ import annotations

import dataclasses

import pytest

from quyhoach.domain.eligibility import (
    check,
    counted_years,
    disciplines_in_force,
    exit_findings,
    flags_of,
    latest_counted_year,
    rating_of,
    vote_valid,
    window_ratings,
)
from quyhoach.domain.facts import DisciplineFact, RatingFact
from quyhoach.domain.rulesets import BUILTIN, PLANNING, RATING, in_force

from tests.domain.fact_builders import NEXT_TERM, ON, cadre, d, discipline, good_years, rules, title, vote

HEAD = title(1, "Giám đốc Sở Xây dựng", 200, is_head=True)
QD50 = in_force(BUILTIN, PLANNING, d("07/10/2025"))
QD377 = in_force(BUILTIN, PLANNING, d("08/10/2025"))


def rule_of(rule, person, on=ON, ruleset=None, **kw):
    found = [f for f in check(person, HEAD, NEXT_TERM, ruleset or in_force(BUILTIN, PLANNING, on), on, **kw)
             if f.rule == rule]
    assert len(found) == 1
    return found[0]


def ended(level, decided, effect_to):
    return DisciplineFact(level=level, decision_date=d(decided), effective_to=d(effect_to), decision_no="01-QĐ/UBKT")


# --------------------------------------------------------------------------- P13 cooldowns by period

def test_each_planning_set_carries_its_own_cooldowns():
    # QĐ 80 (2022), the QĐ 50 era: 12 / 30 / 60 months; QĐ 377: 24 / 36 / 60 (RULES.md §9)
    assert {k: QD50["discipline_cooldown_months"][k] for k in ("reprimand", "warning", "removal")} == \
        {"reprimand": 12, "warning": 30, "removal": 60}
    assert {k: QD377["discipline_cooldown_months"][k] for k in ("reprimand", "warning", "removal")} == \
        {"reprimand": 24, "warning": 36, "removal": 60}
    assert "discipline_cooldown_months" in QD377.unconfirmed   # a news summary only


@pytest.mark.parametrize("level, decided, last_barred, first_free", [
    # QĐ 50 era (QĐ 80): reprimand 10/03/2024 + 12 months = 10/03/2025
    ("reprimand", "10/03/2024", "09/03/2025", "10/03/2025"),
    # warning 01/01/2023 + 30 months = 01/07/2025
    ("warning", "01/01/2023", "30/06/2025", "01/07/2025"),
])
def test_qd50_cooldowns_boundary_days(level, decided, last_barred, first_free):
    person = cadre(disciplines=(discipline(level, decided),))
    assert not rule_of("P13", person, on=d(last_barred), ruleset=QD50).passed
    free = rule_of("P13", person, on=d(first_free), ruleset=QD50)
    assert free.passed


def test_qd377_reprimand_cooldown_is_24_months():
    # reprimand 10/03/2025 + 24 months = 10/03/2027
    person = cadre(disciplines=(discipline("reprimand", "10/03/2025"),))
    f = rule_of("P13", person)
    assert not f.passed and f.from_date == d("10/03/2027") and "24 tháng" in f.message
    assert not rule_of("P13", person, on=d("09/03/2027")).passed
    assert rule_of("P13", person, on=d("10/03/2027")).passed


def test_the_switch_to_qd377_lengthens_a_reprimand_still_running():
    # reprimand 01/09/2024: QĐ 80's 12 months end 01/09/2025, so on 07/10/2025 (last day of the
    # QĐ 50 set) it no longer bars; on 08/10/2025 QĐ 377's 24 months run to 01/09/2026.
    person = cadre(disciplines=(discipline("reprimand", "01/09/2024"),))
    assert rule_of("P13", person, on=d("07/10/2025")).passed
    after = rule_of("P13", person, on=d("08/10/2025"))
    assert not after.passed and after.from_date == d("01/09/2026") and after.rule_set == "QD377-2025"


# --------------------------------------------------------------------------- QĐ 377: ended effect

def test_qd377_an_ended_reprimand_no_longer_blocks_planning():
    # reprimand 10/03/2025, its effect ends 09/03/2026: under QĐ 377 it bars planning until
    # then (P9, P13), and from 10/03/2026 it does not, though 24 months run to 10/03/2027.
    person = cadre(disciplines=(ended("reprimand", "10/03/2025", "09/03/2026"),))
    barred = rule_of("P9", person, on=d("09/03/2026"))
    assert not barred.passed and barred.from_date == d("10/03/2026")
    assert not rule_of("P13", person, on=d("09/03/2026")).passed
    p9 = rule_of("P9", person, on=d("10/03/2026"))
    assert p9.passed and any("hết hiệu lực ngày 09/03/2026" in e for e in p9.evidence)
    assert rule_of("P13", person, on=d("10/03/2026")).passed
    # the cooldown before a higher post (appointment) still runs 24 months
    assert [end for _, end in disciplines_in_force(person, QD377, d("10/03/2026"), for_appointment=True)] == \
        [d("10/03/2027")]
    assert disciplines_in_force(person, QD377, d("10/03/2026")) == []


def test_qd377_ended_effect_does_not_free_a_removal():
    # only reprimand and warning (RULES.md §9); removal 01/01/2025 + 60 months = 01/01/2030
    person = cadre(disciplines=(ended("removal", "01/01/2025", "31/12/2025"),))
    f = rule_of("P13", person, on=d("01/06/2026"))
    assert not f.passed and f.from_date == d("01/01/2030")


def test_qd50_reads_no_end_of_effect():
    # QĐ 50 era: reprimand 10/03/2024, effect ended 31/07/2024, still within QĐ 80's 12 months
    # (to 10/03/2025) on 01/08/2024: barred
    person = cadre(disciplines=(ended("reprimand", "10/03/2024", "31/07/2024"),))
    assert not rule_of("P9", person, on=d("01/08/2024"), ruleset=QD50).passed


# --------------------------------------------------------------------------- E2: a score is a rating only under QĐ 366

def test_a_score_is_a_rating_only_under_the_rating_set_of_its_year():
    # 2024 closed under QĐ 124 (until 29/08/2025): no score scale, 85 points are no rating;
    # 2025 closes under QĐ 366 (from 30/08/2025): 85 is good (70–<90), 95 excellent, 45 fail
    assert rating_of(RatingFact(2024, None, 85.0)) is None
    assert rating_of(RatingFact(2025, None, 85.0)) == "good"
    assert rating_of(RatingFact(2025, None, 95.0)) == "excellent"
    assert rating_of(RatingFact(2025, None, 45.0)) == "fail"
    assert rating_of(RatingFact(2024, "complete", 85.0)) == "complete"   # a recorded rating wins


def test_the_rating_set_in_force_for_that_year_decides_not_the_defaults():
    # a province's own rating set from 01/01/2026 puts "good" at 80 points: 75 in 2026 is
    # complete (50–<80) while 75 in 2025 (QĐ 366: good from 70) is good
    qd366 = in_force(BUILTIN, RATING, d("31/12/2025"))
    local = dataclasses.replace(qd366, code="TINH-2026", valid_from=d("01/01/2026"),
                                params={**qd366.params, "score_good_min": 80})
    sets = [r for r in BUILTIN if r.domain == RATING] + [local]
    assert rating_of(RatingFact(2026, None, 75.0), sets) == "complete"
    assert rating_of(RatingFact(2025, None, 75.0), sets) == "good"
    # the planning check reads it through the same sets
    person = cadre(ratings=good_years(2019, 2025) + (RatingFact(2026, None, 75.0),))
    f = rule_of("P8", person, on=d("01/01/2027"), rating_sets=sets)
    assert not f.passed and "75 điểm (tương đương HTNV)" in f.message


# --------------------------------------------------------------------------- P11: valid votes, dismissal

def test_a_vote_is_valid_from_two_thirds_present():
    # 60 convened: 40 present is exactly 2/3 (valid), 39 is 65 % (not valid)
    assert vote_valid(vote("01/05/2025", present=40, low=0, convened=60), QD377)
    assert not vote_valid(vote("01/05/2025", present=39, low=0, convened=60), QD377)


def test_p11_an_invalid_vote_does_not_count():
    # the 2025 vote (39 of 60 present) is not valid: the 2024 vote (10 low of 40) decides, and passes
    person = cadre(votes=(vote("01/05/2024", present=40, low=10, convened=60),
                          vote("01/05/2025", present=39, low=30, convened=60)))
    f = rule_of("P11", person)
    assert f.passed and "10/40" in f.message
    assert any("không hợp lệ" in e for e in f.evidence)
    only_invalid = cadre(votes=(vote("01/05/2025", present=39, low=30, convened=60),))
    assert rule_of("P11", only_invalid).passed


@pytest.mark.parametrize("present, low, fails, dismissal", [
    (40, 20, False, False),   # 50 %: not more than half
    (40, 21, True, False),    # 52,5 %: more than half, under 2/3
    (40, 26, True, False),    # 65 %: under 2/3 (66,7 %)
    (30, 20, True, True),     # exactly 2/3: grounds for dismissal
    (40, 27, True, True),     # 67,5 %
])
def test_p11_more_than_half_out_two_thirds_dismissal(present, low, fails, dismissal):
    f = rule_of("P11", cadre(votes=(vote("01/05/2025", present=present, low=low),)))
    assert f.passed is not fails
    assert f.compared["dismissal"] is dismissal
    assert ("miễn nhiệm" in f.message) is dismissal


# --------------------------------------------------------------------------- E5, E6

def test_e5_two_fail_years_in_a_row_flag_dismissal_in_the_review():
    # on 01/11/2025 the latest counted year is 2024 (2025 not rated yet): 2023 and 2024 fail
    person = cadre(ratings=good_years(2019, 2022) + (RatingFact(2023, "fail"), RatingFact(2024, "fail")),
                   pool_title_ids=frozenset({HEAD.id}))
    f = rule_of("E5", person)
    assert not f.passed and not f.blocking and "2023, 2024" in f.message and "miễn nhiệm" in f.message
    found = check(person, HEAD, NEXT_TERM, QD377, ON)
    assert [x.rule for x in flags_of(found)] == ["E5"]
    assert "E5" not in {x.rule for x in exit_findings(person, HEAD, NEXT_TERM, QD377, ON)}   # a flag, not an exit
    # fail, good, fail: no run of two
    broken = cadre(ratings=good_years(2019, 2021) + (RatingFact(2022, "fail"), RatingFact(2023, "good"),
                                                      RatingFact(2024, "fail")))
    assert rule_of("E5", broken).passed


def test_e5_a_year_not_rated_under_e6_is_no_break():
    person = cadre(ratings=good_years(2019, 2021) + (RatingFact(2022, "fail"), RatingFact(2023, None, months_worked=3),
                                                      RatingFact(2024, "fail")))
    assert not rule_of("E5", person).passed


@pytest.mark.parametrize("months, passes", [(5, True), (6, False), (None, False)])
def test_e6_a_year_under_six_months_is_skipped_not_missing(months, passes):
    # 2023 has no rating. Worked 5 months: not rated, skipped: the window on 01/11/2025 is
    # 2021, 2022, 2024 (all good) and P8 passes. 6 months (not under 6) or unknown: 2023 is missing.
    person = cadre(ratings=good_years(2019, 2022) + (RatingFact(2023, None, months_worked=months),
                                                      RatingFact(2024, "good")))
    assert rule_of("P8", person).passed is passes
    if passes:
        assert counted_years(QD377, ON, person) == [2021, 2022, 2024]


# --------------------------------------------------------------------------- which years count

def test_counted_years_follow_ratings_count_from():
    # "recorded" (shipped): on 01/11/2025 the window is 2022–2024; a cadre rated for 2025 already
    # counts 2023–2025
    assert counted_years(QD377, ON) == [2022, 2023, 2024]
    rated = cadre(ratings=good_years(2019, 2025))
    assert counted_years(QD377, ON, rated) == [2023, 2024, 2025]
    assert latest_counted_year(QD377, ON, rated) == 2025
    assert [y for y, _ in window_ratings(rated, QD377, ON)] == [2023, 2024, 2025]
    # "12-01": 2025 counts from 01/12/2025 for everyone
    december = rules(ratings_count_from="12-01")
    assert counted_years(december, d("30/11/2025")) == [2022, 2023, 2024]
    assert counted_years(december, d("01/12/2025")) == [2023, 2024, 2025]
    assert latest_counted_year(december, d("01/01/2026")) == 2025
