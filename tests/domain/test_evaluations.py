"""The evaluation rules E2–E6, on figures worked by hand."""

from __future__ import annotations

import pytest

from quyhoach.domain.evaluations import (
    enough_months, excellent_cap, excellent_excess, fail_run, months_support, rating_for_score,
)
from quyhoach.domain.facts import RatingFact
from quyhoach.domain.eligibility import rating_of
from quyhoach.domain.rulesets import BUILTIN, RATING_DEFAULTS


@pytest.mark.parametrize(("score", "rating"), [
    (100, "excellent"), (90, "excellent"), (89.99, "good"), (70, "good"), (69.5, "complete"),
    (50, "complete"), (49.9, "fail"), (0, "fail"),
])
def test_e2_score_thresholds_at_and_below_each_boundary(score, rating):
    assert rating_for_score(score, RATING_DEFAULTS) == rating


def test_e2_thresholds_are_read_from_the_rule_set():
    params = {**RATING_DEFAULTS, "score_excellent_min": 95}
    assert rating_for_score(92, params) == "good"
    assert rating_for_score(95, params) == "excellent"


def test_e1_a_score_only_year_is_read_through_e2():
    assert rating_of(RatingFact(2024, "good", score=95)) == "good"        # the recorded rating wins
    assert rating_of(RatingFact(2025, None, score=72.0)) == "good"
    assert rating_of(RatingFact(2025, None)) is None


def test_e3_monthly_scores_feed_the_year():
    # twelve months 75, 76, 74, ...: mean 75, which supports "good" (70 ≤ 75 < 90)
    mean, rating = months_support([74 + (m % 3) for m in range(1, 13)], RATING_DEFAULTS)
    assert mean == pytest.approx(75.0) and rating == "good"
    assert months_support([90.0, 89.0], RATING_DEFAULTS) == (89.5, "good")
    with pytest.raises(ValueError):
        months_support([], RATING_DEFAULTS)


@pytest.mark.parametrize(("good_or_better", "cap"), [(0, 0), (4, 0), (5, 1), (9, 1), (10, 2), (11, 2), (15, 3)])
def test_e4_cap_is_a_fifth_of_those_rated_good_or_better_rounded_down(good_or_better, cap):
    assert excellent_cap(good_or_better, 0.20) == cap


def test_e4_excess_over_the_cap():
    assert excellent_excess(3, 10, 0.20) == 1      # 3 excellent of 10: cap 2, one over
    assert excellent_excess(2, 10, 0.20) == 0      # exactly at the cap passes
    assert excellent_excess(0, 0, 0.20) == 0


def test_e4_cap_of_every_shipped_rating_rule_set_is_20_percent():
    shares = {r.code: r.params["excellent_max_share_of_good"] for r in BUILTIN if r.domain == "rating"}
    assert shares == {"QD124-2023": 0.20, "QD366-2025": 0.20}


def test_e5_two_fail_years_in_a_row():
    assert fail_run({2022: "good", 2023: "fail", 2024: "fail", 2025: "good"}, 2) == [2023, 2024]
    assert fail_run({2021: "fail", 2022: "fail", 2023: "fail"}, 2) == [2021, 2022, 2023]


def test_e5_fail_years_apart_or_a_single_one_are_not_grounds():
    assert fail_run({2022: "fail", 2023: "complete", 2024: "fail"}, 2) == []
    assert fail_run({2022: "fail", 2024: "fail"}, 2) == []         # a year without a rating breaks the run
    assert fail_run({2024: "fail"}, 2) == []
    assert fail_run({}, 2) == []


def test_e5_the_latest_run_is_given_and_the_length_is_a_parameter():
    ratings = {2018: "fail", 2019: "fail", 2023: "fail", 2024: "fail"}
    assert fail_run(ratings, 2) == [2023, 2024]
    assert fail_run(ratings, 3) == []
    assert fail_run({2024: "fail"}, 1) == [2024]


def test_e6_a_year_is_read_from_six_months_on():
    assert enough_months(6, 6) and enough_months(12, 6)
    assert not enough_months(5, 6) and not enough_months(0, 6)
