"""Retirement date and remaining service by the Nghị định 135/2020 roadmap (RULES.md §3).

Men retire at 60y3m in 2021, three months more each year up to 62y0m from 2028; women at
55y4m in 2021, four months more each year up to 60y0m from 2035; before 2021 men at 60 and
women at 55. These numbers are the `roadmap` parameter of the retirement rule set
(`rulesets.RETIREMENT_DEFAULTS`, set ND135-2020), read here once. The age that applies is the
one *for the year in which it is reached*; the person serves to the end of the month in which
they reach it and is retired from the 1st of the next month (the pages say so where a date is shown).

    >>> retirement_date("M", dt.date(1961, 10, 5))     # 60y3m would fall in 01/2022: 60y6m applies
    datetime.date(2022, 4, 30)

`remaining_service_months(person, on)` is the one function every age rule uses.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, NamedTuple

from . import rulesets
from .dates import months_between
from .rulesets import RuleSetData


class Step(NamedTuple):
    """One sex's roadmap: (first year, age before it, step per year, cap), ages in months."""

    first_year: int
    base: int
    step: int
    cap: int


Roadmap = dict[str, Step]


def roadmap_of(rules: RuleSetData) -> Roadmap:
    """The roadmap of a retirement rule set (its `roadmap` parameter), per sex."""
    return {
        sex: Step(int(row["first_year"]), int(row["base_months"]), int(row["step_months"]), int(row["cap_months"]))
        for sex, row in rules.params["roadmap"].items()
    }


# The numbers are the shipped retirement rule set's (rulesets.RETIREMENT_DEFAULTS), never
# literals here.
_ROADMAP: Roadmap = roadmap_of(rulesets.builtin(rulesets.RETIREMENT))


class RetirementAge(NamedTuple):
    years: int
    months: int

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months

    def __str__(self) -> str:
        return f"{self.years} tuổi {self.months} tháng" if self.months else f"{self.years} tuổi"


def _sex(sex: str) -> str:
    code = (sex or "").strip().upper()[:1]
    if code not in _ROADMAP:
        raise ValueError(f"giới tính không hợp lệ: {sex!r} (cần 'M' hoặc 'F')")
    return code


def _required_months(sex: str, year: int, roadmap: Roadmap | None = None) -> int:
    first_year, base, step, cap = (roadmap or _ROADMAP)[sex]
    if year < first_year:
        return base
    return min(base + step * (year - first_year + 1), cap)


def required_age(sex: str, year: int) -> RetirementAge:
    """The statutory retirement age for someone reaching it in `year`, as (years, months)."""
    return RetirementAge(*divmod(_required_months(_sex(sex), year), 12))


def _month_end(month_index: int) -> dt.date:
    """Last day of the month numbered year*12 + (month-1)."""
    year, month0 = divmod(month_index + 1, 12)
    return dt.date(year, month0 + 1, 1) - dt.timedelta(days=1)


def _statutory_under(roadmap: Roadmap, sex: str, birth_year: int, birth_month: int) -> tuple[dt.date, int]:
    """(retirement date, required age in months) under a roadmap. Only the month of birth matters."""
    birth_index = birth_year * 12 + birth_month - 1
    # The person reaches an age of k months in month birth + k. Retirement is in the first
    # month m with m - birth >= required(year of m). When m falls short, every month before
    # birth + required(year of m) falls short too (the requirement never decreases), so jump.
    month = birth_index + _required_months(sex, 0, roadmap)
    for _ in range(100):
        months = _required_months(sex, month // 12, roadmap)
        if month - birth_index >= months:
            return _month_end(month), month - birth_index
        month = birth_index + months
    raise AssertionError("retirement roadmap did not converge")  # pragma: no cover


@lru_cache(maxsize=4096)
def _statutory(sex: str, birth_year: int, birth_month: int) -> tuple[dt.date, int]:
    return _statutory_under(_ROADMAP, sex, birth_year, birth_month)


def retirement_date_under(rules: RuleSetData, sex: str, birth_date: dt.date) -> dt.date:
    """The retirement date by the roadmap of a given retirement rule set (no override)."""
    return _statutory_under(roadmap_of(rules), _sex(sex), birth_date.year, birth_date.month)[0]


def statutory_retirement_date(sex: str, birth_date: dt.date) -> dt.date:
    """Retirement date by the roadmap alone (no override)."""
    return _statutory(_sex(sex), birth_date.year, birth_date.month)[0]


def retirement_age_applied(sex: str, birth_date: dt.date) -> RetirementAge:
    """The required age that applies to this person (the one of the year they reach it)."""
    return RetirementAge(*divmod(_statutory(_sex(sex), birth_date.year, birth_date.month)[1], 12))


def retirement_date(sex: str, birth_date: dt.date, override: dt.date | None = None) -> dt.date:
    """The last day of service: the end of the month in which the person reaches the
    required age; a per-person override (armed forces, early retirement...) wins."""
    if override is not None:
        return override
    return statutory_retirement_date(sex, birth_date)


def _person(person: Any) -> tuple[str, dt.date, dt.date | None]:
    if isinstance(person, tuple):
        if len(person) == 2:
            return person[0], person[1], None
        return person[0], person[1], person[2]
    return person.sex, person.birth_date, getattr(person, "retirement_override", None)


def retirement_of(person: Any) -> dt.date:
    """Retirement date of a CadreFacts (or anything with sex, birth_date and optionally
    retirement_override), or of a (sex, birth_date[, override]) tuple."""
    return retirement_date(*_person(person))


def remaining_service_months(person: Any, on: dt.date) -> int:
    """Whole months of service left from `on`: the person serves through their retirement
    date, so someone retiring on 30/09/2035 has exactly 60 months on 01/10/2030.
    0 on the day after retirement, negative after that.

    `person` is a CadreFacts (or anything with sex, birth_date, retirement_override) or a
    (sex, birth_date[, override]) tuple."""
    last_day = retirement_of(person)
    return months_between(on, last_day + dt.timedelta(days=1))


def service_end(person: Any) -> dt.date:
    """The first day without service (the day after the retirement date): the day a seat
    held by the person falls vacant."""
    return retirement_of(person) + dt.timedelta(days=1)
