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
from typing import Any
from collections.abc import Mapping, Sequence

from .dates import add_months
from .facts import TermFact
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
def head_terms(start: dt.date, terms: Sequence[TermFact], on: dt.date) -> int:
    """Consecutive terms as head in one place on `on`, the current one included: the
    continuous holding that began on `start` is laid against the terms of the title's kind;
    the term running on `on` counts, and each earlier term counts when the head held the
    title for at least half of it (a head since 06/2019 under terms 10/2015–10/2020,
    10/2020–10/2025, 10/2025–10/2030 is in their second term on 01/06/2026: they came in
    after the middle of 2015–2020). With no term on record the current one is the first.

    The one count of R5: the vacancy forecast (`domain.forecast`) and the rotation problem
    builder both read it; `head_leaves` says when the limit sends the head away."""
    past = sorted((t for t in terms if t.start <= on), key=lambda t: t.start, reverse=True)
    if not past or start > on:
        return 1 if start <= on else 0
    count = 1  # the current term
    for term in past[1:]:
        half = term.start + (term.end - term.start) / 2
        if start <= half:
            count += 1
        else:
            break
    return count


def head_leaves(consecutive: int, upcoming: Sequence[TermFact], limit: int) -> tuple[TermFact, int] | None:
    """The term at whose end a head in their `consecutive`-th term (the current one, first of
    `upcoming`) must leave under R5, and the number of terms they will have served then; None
    when that is beyond the terms given. A head past the limit leaves at the end of the
    current term."""
    index = max(0, limit - consecutive)
    if index >= len(upcoming):
        return None
    return upcoming[index], consecutive + index


def head_term_limit(params: Mapping[str, Any] | None = None) -> int:
    """R5's limit: consecutive terms a head may serve in one place."""
    return int(param(params, "head_max_consecutive_terms"))


def at_head_term_limit(terms_served: int, params: Mapping[str, Any] | None = None) -> bool:
    return terms_served >= head_term_limit(params)


# --------------------------------------------------------------------------- R3's direction and the kinds of move

#: Levels from the top: a rotation to a later one goes down (R3).
LEVEL_ORDER = {"central": 0, "province": 1, "district": 2, "commune": 3}

DOWN, UP, LOCALITY, AGENCY = "down", "up", "locality", "agency"

#: The kinds of move (RULES.md §9): each is a different act with its own rules and legal basis.
APPOINTMENT, ROTATION, TRANSFER, SECONDMENT = "appointment", "rotation", "transfer", "secondment"
MOVE_KINDS = (APPOINTMENT, ROTATION, TRANSFER, SECONDMENT)
MOVE_BASIS = {
    APPOINTMENT: "QĐ 377-QĐ/TW điều 34",
    ROTATION: "QĐ 65-QĐ/TW",
    TRANSFER: "QĐ 65-QĐ/TW",
    SECONDMENT: "Luật Cán bộ, công chức",
}


def direction(from_level: str | None, to_level: str | None, from_locality: str | None, to_locality: str | None,
              from_rank: int = 0, to_rank: int = 0) -> str:
    """R3's direction of a rotation, to be recorded with it: down to a lower level, up to a
    higher one, between localities of one level, or between agencies of one locality."""
    a, b = LEVEL_ORDER.get(from_level or ""), LEVEL_ORDER.get(to_level or "")
    if a is not None and b is not None and a != b:
        return DOWN if b > a else UP
    if from_locality != to_locality:
        return LOCALITY
    return AGENCY


def planned_end(kind: str, start: dt.date, params: Mapping[str, Any] | None = None) -> dt.date | None:
    """The planned end of a posting of this kind that starts on `start`: a rotation lasts at
    least `rotation_min_tenure_months` (R8, 36 months, QĐ 65); a secondment at most
    `secondment_max_months` (36);
    an appointment or a transfer has none (the appointment term is the forecast's)."""
    if kind == ROTATION:
        return add_months(start, int(param(params, "rotation_min_tenure_months")))
    if kind == SECONDMENT:
        return add_months(start, int(param(params, "secondment_max_months")))
    return None
