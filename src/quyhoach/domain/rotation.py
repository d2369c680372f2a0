"""The rotation rules the scenario builder applies (RULES.md §5), as pure functions.

The rotation problem builder (`services/rotation/problem.py`) prepares every number the
solver reads; the rules that decide those numbers live here, named by what they decide,
and read their numbers from the planning rule set's parameters (`rules.params`). A rule
set saved before a parameter existed falls back to the built-in default
(`rulesets.PLANNING_DEFAULTS`), which is the value the code used before it was a parameter.

No SQLModel, no Flask: these take plain values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from collections.abc import Mapping

from .dates import months_between
from .registry import rule
from .rulesets import PLANNING_DEFAULTS


def param(params: Mapping[str, Any] | None, key: str) -> Any:
    """A planning parameter, or the built-in default when the rule set predates it."""
    if params and key in params:
        return params[key]
    return PLANNING_DEFAULTS[key]


# --------------------------------------------------------------------------- fit and development

def fit_score(ratings: list[str | None], theory_level: str | None, state_mgmt_level: str | None,
              months_left: int, params: Mapping[str, Any] | None = None) -> int:
    """How well a cadre fits a leadership post, 0–100, from what the records show: the last
    three ratings, political theory and state management training, and the service left
    to give (one point a year, capped). The weights are `rotation_fit` of the rule set."""
    weights = param(params, "rotation_fit")
    by_rating = weights["rating"]
    score = int(weights["base"])
    score += sum(int(by_rating.get(r or "", 0)) for r in ratings[: int(weights["rating_years"])])
    score += int(weights["theory"].get(theory_level or "", 0))
    score += int(weights["state_mgmt"].get(state_mgmt_level or "", 0))
    score += min(months_left // 12, int(weights["service_years_max"]))
    return max(0, min(100, score))


@rule("R3")
def development_bonus(from_locality: str | None, to_locality: str | None, from_unit: int | None, to_unit: int | None,
                      from_level: str | None, to_level: str | None, params: Mapping[str, Any] | None = None) -> int:
    """What a move adds to a cadre's development: another locality, another unit, another
    level each count (QĐ 65 rotates to train). The points are `rotation_development`."""
    bonus = param(params, "rotation_development")
    points = 0
    if from_locality != to_locality:
        points += int(bonus["other_locality"])
    if from_unit != to_unit:
        points += int(bonus["other_unit"])
    if from_level != to_level:
        points += int(bonus["other_level"])
    return points


# --------------------------------------------------------------------------- R5

@rule("R5")
def head_terms(since: dt.date, on: dt.date, params: Mapping[str, Any] | None = None) -> int:
    """Whole terms (`head_term_months`, five years) already served as head in one place.
    At the limit (`head_max_consecutive_terms`, two) the head may not stay for another: the
    scenario opens the post, or the solver requires a move."""
    return max(0, months_between(since, on)) // int(param(params, "head_term_months"))


def head_term_limit(params: Mapping[str, Any] | None = None) -> int:
    """R5's limit: consecutive terms a head may serve in one place."""
    return int(param(params, "head_max_consecutive_terms"))


def at_head_term_limit(terms_served: int, params: Mapping[str, Any] | None = None) -> bool:
    return terms_served >= head_term_limit(params)


# --------------------------------------------------------------------------- P14 applied to posts held

@dataclass(frozen=True)
class HeldPost:
    """A post as QĐ 114 looks at it: its collective, its locality, whether it is a party
    secretary or government head, and the sensitive sector it heads (if any)."""

    collective: str
    locality: str | None
    top_leader: bool = False
    is_head: bool = False
    sector: str | None = None


def relatives_conflict_in_posts(a: HeldPost, b: HeldPost) -> bool:
    """Whether two relatives holding these posts breach QĐ 114 (P14): the same leadership
    collective, or a party secretary / government head and the head of a sensitive sector
    of the same locality.

    This is P14 (decided for a cadre and a title by `eligibility._p14_relatives`) applied
    to two posts already held, as the rotation problem needs it; it is not registered as
    P14 a second time."""
    if a.collective == b.collective:
        return True
    for top, other in ((a, b), (b, a)):
        if top.top_leader and other.is_head and other.sector and top.locality == other.locality:
            return True
    return False
