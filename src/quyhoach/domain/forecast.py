"""Vacancy forecast: which seats fall vacant in the current and the next term, when and
why, year by year, against the depth of each title's succession pool.

A seat falls vacant on the first day its holder may no longer hold it:
- retirement: the day after the retirement date of the NĐ 135/2020 roadmap (or override);
- term limit (R5): a head who will have held the post for `head_max_consecutive_terms`
  consecutive terms leaves at the end of that term;
- appointment end: an appointed post's appointment lasts `appointment_term_years` from the
  day it started (renewable: a vacancy opportunity, said so in the message);
- a seat without a holder is vacant now.

    result = forecast(seats, terms, rules, on)
    for year in result.years: print(year.message)
    # "3 chức danh khuyết năm 2027 chưa có người kế cận đủ điều kiện"
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from collections.abc import Iterable, Mapping, Sequence

from .dates import add_months
from .eligibility import format_date
from .facts import CadreFacts, TermFact, TitleFact
from .phrase import Phrase
from .retirement import retirement_of
from .rotation import head_leaves, head_term_limit
from .rulesets import RuleSetData
from .vocab import N_

VACANT = "vacant"
RETIREMENT = "retirement"
TERM_LIMIT = "term_limit"
APPOINTMENT_END = "appointment_end"

REASON_LABELS = {
    VACANT: N_("đang khuyết"),
    RETIREMENT: N_("nghỉ hưu"),
    TERM_LIMIT: N_("hết số nhiệm kỳ liên tiếp của người đứng đầu"),
    APPOINTMENT_END: N_("hết thời hạn bổ nhiệm"),
}

_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Seat:
    """A title and who holds it now."""

    title: TitleFact
    holder: CadreFacts | None = None
    since: dt.date | None = None          # the day the holder started in the title
    consecutive_terms: int = 1            # terms in a row the holder has held it as head, the current one included
    appointed: bool = False               # appointed post: the appointment ends after appointment_term_years
    successors: int = 0                   # eligible members of the title's pool
    successors_by_term: Mapping[str, int] | None = None  # per term code, when the pools of the terms differ

    def successors_in(self, term: TermFact | None) -> int:
        if term is not None and self.successors_by_term is not None and term.code in self.successors_by_term:
            return int(self.successors_by_term[term.code])
        return self.successors


@dataclass(frozen=True)
class Cause:
    reason: str                           # VACANT, RETIREMENT, TERM_LIMIT, APPOINTMENT_END
    date: dt.date                         # the first day the seat is vacant for this reason
    message: str


@dataclass(frozen=True)
class Vacancy:
    seat: Seat
    date: dt.date                         # the first day the seat is vacant (the earliest cause)
    reason: str
    message: str
    term: TermFact | None                 # the term in which it falls vacant
    successors: int                       # eligible pool members for that term
    causes: tuple[Cause, ...]             # every cause within the horizon, earliest first

    @property
    def title(self) -> TitleFact:
        return self.seat.title

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def covered(self) -> bool:
        return self.successors > 0


@dataclass(frozen=True)
class YearSummary:
    year: int
    vacancies: tuple[Vacancy, ...]
    uncovered: tuple[Vacancy, ...]        # no eligible successor in the pool
    message: str


@dataclass(frozen=True)
class Forecast:
    on: dt.date
    horizon_end: dt.date
    vacancies: tuple[Vacancy, ...]        # by date, then title rank (highest first)
    years: tuple[YearSummary, ...]        # every year from on.year to horizon_end.year

    def by_year(self) -> dict[int, YearSummary]:
        return {y.year: y for y in self.years}

    @property
    def uncovered(self) -> tuple[Vacancy, ...]:
        return tuple(v for v in self.vacancies if not v.covered)

    @property
    def messages(self) -> list[str]:
        return [y.message for y in self.years]


def _terms_for(title: TitleFact, terms: Sequence[TermFact], on: dt.date) -> list[TermFact]:
    """The current and next terms of the title's kind (all terms if none of its kind)."""
    same = [t for t in terms if t.kind == title.term_kind] or list(terms)
    return sorted((t for t in same if t.end >= on), key=lambda t: t.start)[:2]


def _term_of(day: dt.date, terms: list[TermFact]) -> TermFact | None:
    for term in terms:
        if term.start <= day <= term.end:
            return term
    return None


def _retirement(seat: Seat, on: dt.date) -> Cause | None:
    holder = seat.holder
    assert holder is not None
    last_day = retirement_of(holder)
    first_free = max(last_day + _ONE_DAY, on)
    how = (Phrase.of(N_("theo quyết định riêng")) if holder.retirement_override is not None
           else Phrase.of(N_("theo lộ trình Nghị định 135/2020")))
    template = (N_("%(name)s đã nghỉ hưu ngày %(date)s (%(how)s)") if last_day < on
                else N_("%(name)s nghỉ hưu ngày %(date)s (%(how)s)"))
    return Cause(RETIREMENT, first_free, Phrase(template, name=holder.name, date=format_date(last_day), how=how))


def _term_limit(seat: Seat, terms: list[TermFact], max_terms: int) -> Cause | None:
    # R5: a head serves at most `max_terms` consecutive terms in one place.
    if not seat.title.is_head or seat.holder is None or not terms:
        return None
    leaves = head_leaves(seat.consecutive_terms, terms, max_terms)   # R5, domain.rotation
    if leaves is None:
        return None
    term, held = leaves
    return Cause(TERM_LIMIT, term.end + _ONE_DAY,
                 Phrase(N_("%(name)s hết nhiệm kỳ %(term)s là nhiệm kỳ thứ %(held)s liên tiếp giữ chức người đứng "
                           "đầu (tối đa %(max)s) ngày %(date)s"), name=seat.holder.name, term=term.name, held=held,
                        max=max_terms, date=format_date(term.end)))


def _appointment_end(seat: Seat, on: dt.date, years: int) -> Cause | None:
    if not seat.appointed or seat.since is None or seat.holder is None or years <= 0:
        return None
    k = 1
    end = add_months(seat.since, 12 * years)
    while end < on:
        k += 1
        end = add_months(seat.since, 12 * years * k)
    args = {"name": seat.holder.name, "years": years, "date": format_date(end - _ONE_DAY),
            "since": format_date(seat.since)}
    if k == 1:
        return Cause(APPOINTMENT_END, end, Phrase(N_("%(name)s hết thời hạn bổ nhiệm %(years)s năm ngày %(date)s, bổ "
                                                     "nhiệm từ %(since)s (có thể được bổ nhiệm lại)"), **args))
    return Cause(APPOINTMENT_END, end, Phrase(N_("%(name)s hết thời hạn bổ nhiệm %(years)s năm (lần bổ nhiệm thứ %(k)s) "
                                                 "ngày %(date)s, bổ nhiệm từ %(since)s (có thể được bổ nhiệm lại)"),
                                              k=k, **args))


def vacancy_of(seat: Seat, terms: Sequence[TermFact], rules: RuleSetData, on: dt.date) -> Vacancy | None:
    """When and why the seat falls vacant within the current and the next term, or None."""
    relevant = _terms_for(seat.title, terms, on)
    if not relevant:
        return None
    horizon_end = relevant[-1].end
    if seat.holder is None:
        causes = [Cause(VACANT, on, Phrase(N_("%(title)s đang khuyết"), title=seat.title.name))]
    else:
        found = (
            _retirement(seat, on),
            _term_limit(seat, relevant, head_term_limit(rules.params)),
            _appointment_end(seat, on, int(rules.params.get("appointment_term_years", 5))),
        )
        causes = [c for c in found if c is not None and c.date <= horizon_end]
    if not causes:
        return None
    causes.sort(key=lambda c: c.date)
    first = causes[0]
    term = _term_of(first.date, relevant)
    successors = seat.successors_in(term)
    depth = (Phrase(N_("%(n)s người kế cận đủ điều kiện trong quy hoạch"), n=successors) if successors
             else Phrase.of(N_("chưa có người kế cận đủ điều kiện trong quy hoạch")))
    when = Phrase.of(N_("hiện")) if first.reason == VACANT else Phrase(N_("từ %(date)s"), date=format_date(first.date))
    message = Phrase(N_("%(title)s khuyết %(when)s (%(reason)s): %(cause)s; %(depth)s"), title=seat.title.name,
                     when=when, reason=Phrase.of(REASON_LABELS[first.reason]), cause=first.message, depth=depth)
    return Vacancy(seat=seat, date=first.date, reason=first.reason, message=message, term=term,
                   successors=successors, causes=tuple(causes))


def _year_message(year: int, vacancies: list[Vacancy], uncovered: list[Vacancy]) -> str:
    if not vacancies:
        return Phrase(N_("năm %(year)s: không có chức danh khuyết"), year=year)
    if uncovered and len(uncovered) < len(vacancies):
        return Phrase(N_("%(n)s chức danh khuyết năm %(year)s chưa có người kế cận đủ điều kiện (trong %(all)s chức danh "
                         "khuyết)"), n=len(uncovered), year=year, all=len(vacancies))
    if uncovered:
        return Phrase(N_("%(n)s chức danh khuyết năm %(year)s chưa có người kế cận đủ điều kiện"), n=len(uncovered),
                      year=year)
    return Phrase(N_("năm %(year)s: %(n)s chức danh khuyết, đều đã có người kế cận đủ điều kiện"), year=year,
                  n=len(vacancies))


def forecast(seats: Iterable[Seat], terms: Sequence[TermFact], rules: RuleSetData, on: dt.date) -> Forecast:
    """Every seat that falls vacant from `on` to the end of the next term, with its reasons
    and its pool depth, and a summary per calendar year."""
    return summarise([v for v in (vacancy_of(seat, terms, rules, on) for seat in seats) if v is not None], terms, on)


def summarise(vacancies: Iterable[Vacancy], terms: Sequence[TermFact], on: dt.date) -> Forecast:
    """The forecast of vacancies already worked out seat by seat (`vacancy_of`): sorted, and
    summed up per calendar year."""
    ordered = sorted(vacancies, key=lambda v: (v.date, -v.title.rank, v.title.code))
    ends = [t.end for t in terms if t.end >= on]
    horizon_end = max(ends) if ends else on
    by_year: dict[int, list[Vacancy]] = {}
    for vacancy in ordered:
        by_year.setdefault(vacancy.year, []).append(vacancy)
    years = []
    for year in range(on.year, horizon_end.year + 1):
        items = by_year.get(year, [])
        uncovered = [v for v in items if not v.covered]
        years.append(YearSummary(year, tuple(items), tuple(uncovered), _year_message(year, items, uncovered)))
    return Forecast(on=on, horizon_end=horizon_end, vacancies=tuple(ordered), years=tuple(years))
