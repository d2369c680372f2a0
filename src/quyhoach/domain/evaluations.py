"""Evaluation rules (docs/RULES.md §6, E2–E6): pure functions of ratings, scores and the
numbers of the rating rule set in force (QĐ 124 until 29/08/2025, QĐ 366 from 30/08/2025).

The analytics (`services/evaluations/analytics.py`) run the queries and call these; the
planning rules read a year's rating through `eligibility.rating_of`, which reads a score-only
year through `rating_for_score` here. No rule is decided twice.

    >>> excellent_cap(10, 0.20)          # E4: 10 rated good or better -> at most 2 excellent
    2
    >>> fail_run({2023: "fail", 2024: "fail"}, 2)   # E5: two fail years in a row
    [2023, 2024]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .registry import rule

FAIL = "fail"


@rule("E2")
def rating_for_score(score: float, params: Mapping[str, Any]) -> str:
    """The rating a 100-point score supports (QĐ 366): excellent from `score_excellent_min`
    (90), good from `score_good_min` (70), complete from `score_complete_min` (50), else fail.
    The task shares of E2 (≥ 30 % exceeded for excellent, ≤ 20 % late for complete) are not
    recorded, so not read."""
    if score >= float(params["score_excellent_min"]):
        return "excellent"
    if score >= float(params["score_good_min"]):
        return "good"
    if score >= float(params["score_complete_min"]):
        return "complete"
    return FAIL


@rule("E3")
def months_support(scores: Sequence[float], params: Mapping[str, Any]) -> tuple[float, str]:
    """Monthly scores feed the year: their mean, and the rating that mean supports under E2's
    thresholds. The caller decides whether there are enough months to read (E6)."""
    if not scores:
        raise ValueError("no monthly scores to read")
    mean = sum(scores) / len(scores)
    return mean, rating_for_score(mean, params)


@rule("E4")
def excellent_cap(good_or_better: int, cap_share: float) -> int:
    """The most excellent ratings an organisation may give in a year: `cap_share`
    (`excellent_max_share_of_good`, 20 %) of those rated good or better, rounded down.
    Excellent ratings are chosen among the cadres rated good (HD 21/2019), so 10 rated good or
    better allow 2 excellent and 9 allow 1."""
    return math.floor(cap_share * good_or_better + 1e-9)


def excellent_excess(excellent: int, good_or_better: int, cap_share: float) -> int:
    """How many excellent ratings lie above the E4 cap (0 within it)."""
    return max(0, excellent - excellent_cap(good_or_better, cap_share))


@rule("E5")
def fail_run(ratings: Mapping[int, str | None], years: int) -> list[int]:
    """The latest run of consecutive years rated fail, when it is at least `years` long
    (`fail_years_for_dismissal`, 2): grounds for dismissal from the post. Empty otherwise.
    A year without a rating breaks the run."""
    failed = sorted(year for year, rating in ratings.items() if rating == FAIL)
    best: list[int] = []
    run: list[int] = []
    for year in failed:
        run = run + [year] if run and year == run[-1] + 1 else [year]
        if len(run) >= years:
            best = list(run)
    return best if years > 0 else []


@rule("E6")
def enough_months(months: int, minimum: int) -> bool:
    """A year is read only with at least `minimum` months behind it (worked under 6 months:
    not rated, and the year is skipped, not a gap)."""
    return months >= minimum
