"""How a cadre's yearly ratings are read (RULES.md E1, E2, E6): a year under the rating rule
set in force on its 31/12, a score counted as a rating only where that set has the scale, a
year with too few months worked skipped rather than missing. The planning rules
(`eligibility`) read the years through `_Years`; the pages and lists through `rating_of`."""

from __future__ import annotations

import datetime as dt
from typing import Any
from collections.abc import Sequence

from .evaluations import enough_months, rating_for_score
from .facts import CadreFacts, RatingFact
from .registry import rule
from .rulesets import BUILTIN, RATING, NoRuleSetError, RuleSetData, in_force


def count_from_of(value: Any) -> tuple[int, int] | None:
    """`ratings_count_from`: None for "recorded", else (month, day) of "MM-DD". Raises
    ValueError for anything else (the rule-set page refuses such a value)."""
    text = str(value or "recorded").strip()
    if text == "recorded":
        return None
    month, day = (int(x) for x in text.split("-"))
    dt.date(2024, month, day)  # raises ValueError on a day that does not exist
    return month, day


class _RatingSets:
    """The rating rule sets (QĐ 124, QĐ 366 ...): a year is read under the set in force at the
    year's end (31/12); cached per year."""

    __slots__ = ("sets", "by_year")

    def __init__(self, sets: Sequence[RuleSetData]) -> None:
        self.sets = sets
        self.by_year: dict[int, RuleSetData | None] = {}

    def for_year(self, year: int) -> RuleSetData | None:
        if year not in self.by_year:
            try:
                self.by_year[year] = in_force(self.sets, RATING, dt.date(year, 12, 31))
            except NoRuleSetError:
                self.by_year[year] = None
        return self.by_year[year]


_BUILTIN_RATING_SETS = tuple(r for r in BUILTIN if r.domain == RATING)
_RATING_READERS: dict[int, _RatingSets] = {}


def _ratings(rating_sets: Sequence[RuleSetData] | None) -> _RatingSets:
    sets = rating_sets if rating_sets else _BUILTIN_RATING_SETS
    reader = _RATING_READERS.get(id(sets))
    if reader is None or reader.sets is not sets:
        if len(_RATING_READERS) > 64:
            _RATING_READERS.clear()
        reader = _RATING_READERS[id(sets)] = _RatingSets(sets)  # holds `sets`: its id stays unique
    return reader


def rating_set_of_year(year: int, rating_sets: Sequence[RuleSetData] | None = None) -> RuleSetData | None:
    """The rating rule set a year is judged under: the one in force on 31/12 of that year
    (the shipped sets when `rating_sets` is None)."""
    return _ratings(rating_sets).for_year(year)


@rule("E1")
def rating_of(fact: RatingFact, rating_sets: Sequence[RuleSetData] | None = None) -> str | None:
    """The rating of a year, one of the four of E1. A score-only year is a rating only when the
    rating rule set of that year has the 100-point score (`uses_score`: QĐ 366, from
    30/08/2025), read by that set's thresholds (E2); an earlier score is informative only."""
    if fact.rating:
        return fact.rating
    if fact.score is None:
        return None
    rating_rules = _ratings(rating_sets).for_year(fact.year)
    if rating_rules is None or not rating_rules.params.get("uses_score"):
        return None
    return rating_for_score(fact.score, rating_rules.params)


def not_rated(fact: RatingFact, rating_sets: Sequence[RuleSetData] | None = None) -> bool:
    """E6: a year without a rating in which the cadre worked fewer than `min_months_worked`
    months (recorded) is not rated: it is skipped, not missing."""
    if fact.months_worked is None or rating_of(fact, rating_sets) is not None:
        return False
    rating_rules = _ratings(rating_sets).for_year(fact.year)
    minimum = int(rating_rules.params.get("min_months_worked", 6)) if rating_rules else 6
    return not enough_months(fact.months_worked, minimum)


class _Years:
    """A cadre's years as the rating rules read them: the rating (or None) of each recorded
    year and the years skipped under E6."""

    __slots__ = ("facts", "rating", "skipped", "min_months")

    def __init__(self, cadre: CadreFacts, reader: _RatingSets) -> None:
        self.facts: dict[int, RatingFact] = {}
        self.rating: dict[int, str | None] = {}
        self.skipped: set[int] = set()
        self.min_months: dict[int, int] = {}
        sets = reader.sets
        for fact in cadre.ratings:
            self.facts[fact.year] = fact
            self.rating[fact.year] = rating_of(fact, sets)
            if fact.months_worked is not None and not_rated(fact, sets):
                self.skipped.add(fact.year)
                rating_rules = reader.for_year(fact.year)
                self.min_months[fact.year] = int(rating_rules.params.get("min_months_worked", 6)) if rating_rules else 6

    def recorded(self, year: int) -> bool:
        return self.rating.get(year) is not None or year in self.skipped
