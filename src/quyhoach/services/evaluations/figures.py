"""The Đánh giá figures as objects (`analytics` computes them, the page, the report section and
the XLSX read them): E4 per unit and year, ratings that never change, good or better in a year
with a discipline, monthly scores against the year's rating, units against comparable units."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from quyhoach.domain.evaluations import excellent_cap, excellent_excess
from quyhoach.domain.vocab import RATING_ORDER

RATINGS = ("excellent", "good", "complete", "fail")
CONSTANT_YEARS = 5        # "never changes over five years"
FLAG_Z = 3.5              # flagged: at least this many standard errors above its peers ...
FLAG_POINTS = 0.15        # ... and at least 15 percentage points
MONTH_GAP_FLAG_SHARE = 0.2  # a unit-year is flagged when more than this share is rated above its months


@dataclass(frozen=True)
class UnitRef:
    id: int
    code: str
    name: str
    level: str
    kind: str


@dataclass(frozen=True)
class CadreRef:
    id: int
    code: str
    name: str


@dataclass
class UnitYear:
    """E4 for one unit and one year."""

    unit: UnitRef
    year: int
    counts: dict[str, int]
    rule_set: str
    cap_share: float

    @cached_property
    def rated(self) -> int:
        return sum(self.counts.get(r, 0) for r in RATINGS)

    @property
    def excellent(self) -> int:
        return self.counts.get("excellent", 0)

    @cached_property
    def good_or_better(self) -> int:
        return self.counts.get("excellent", 0) + self.counts.get("good", 0)

    @property
    def cap(self) -> int:
        """The most excellent ratings the rule allows (rounded down)."""
        return excellent_cap(self.good_or_better, self.cap_share)

    @property
    def share(self) -> float:
        return self.excellent / self.good_or_better if self.good_or_better else 0.0

    @cached_property
    def excess(self) -> int:
        return excellent_excess(self.excellent, self.good_or_better, self.cap_share)

    @cached_property
    def breaks(self) -> bool:
        return self.excess > 0


@dataclass
class ConstantRating:
    cadre: CadreRef
    unit: UnitRef | None
    rating: str
    years: list[int]

    @property
    def first(self) -> int:
        return self.years[0]

    @property
    def last(self) -> int:
        return self.years[-1]


@dataclass
class DisciplineFlag:
    cadre: CadreRef
    unit: UnitRef | None
    year: int
    rating: str
    score: float | None
    level: str
    decision_date: dt.date
    decision_no: str | None
    authority: str | None


@dataclass
class MonthRow:
    """One cadre's year: the monthly scores' mean and what it supports, against the rating."""

    cadre: CadreRef
    months: int
    mean: float
    implied: str
    rating: str
    score: float | None

    @property
    def steps_above(self) -> int:
        return RATING_ORDER[self.rating] - RATING_ORDER[self.implied]


@dataclass
class MonthGap:
    unit: UnitRef
    year: int
    rule_set: str
    rows: list[MonthRow]

    @cached_property
    def cadres(self) -> int:
        return len(self.rows)

    @cached_property
    def mean_month(self) -> float:
        return sum(r.mean for r in self.rows) / len(self.rows) if self.rows else 0.0

    @cached_property
    def above(self) -> int:
        return sum(1 for r in self.rows if r.steps_above > 0)

    @cached_property
    def below(self) -> int:
        return sum(1 for r in self.rows if r.steps_above < 0)

    @cached_property
    def above_share(self) -> float:
        return self.above / len(self.rows) if self.rows else 0.0

    @cached_property
    def mean_steps(self) -> float:
        """Mean of (year rating − rating the months support), in rating steps."""
        return sum(r.steps_above for r in self.rows) / len(self.rows) if self.rows else 0.0

    @cached_property
    def score_gap(self) -> float | None:
        """Mean of (year score − mean monthly score) over cadres with a year score."""
        pairs = [r.score - r.mean for r in self.rows if r.score is not None]
        return sum(pairs) / len(pairs) if pairs else None

    @cached_property
    def flagged(self) -> bool:
        return self.above_share > MONTH_GAP_FLAG_SHARE


@dataclass
class UnitComparison:
    unit: UnitRef
    rated: int
    excellent: int
    peers: int                 # other units of the same level and kind
    peer_rated: int
    peer_excellent: int
    mean_points: float         # excellent 3, good 2, complete 1, fail 0
    peer_mean_points: float

    @property
    def share(self) -> float:
        return self.excellent / self.rated if self.rated else 0.0

    @property
    def peer_share(self) -> float:
        return self.peer_excellent / self.peer_rated if self.peer_rated else 0.0

    @property
    def difference(self) -> float:
        return self.share - self.peer_share

    @property
    def z(self) -> float:
        p = self.peer_share
        if not self.rated or self.peer_rated == 0:
            return 0.0
        p = min(max(p, 0.5 / self.peer_rated), 1 - 0.5 / self.peer_rated)
        return self.difference / math.sqrt(p * (1 - p) / self.rated)

    @property
    def flagged(self) -> bool:
        return self.z >= FLAG_Z and self.difference >= FLAG_POINTS


@dataclass
class Analytics:
    on: dt.date
    scope: UnitRef | None
    years: list[int]
    window: list[int]                       # the comparison's years
    unit_years: list[UnitYear]
    constants: list[ConstantRating]         # every constant run (excellent first)
    disciplined: list[DisciplineFlag]
    month_gaps: list[MonthGap]
    comparisons: list[UnitComparison]       # most above their peers first
    constant_years: int = CONSTANT_YEARS
    rule_sets: dict[int, str] = field(default_factory=dict)   # year -> rating rule set code
    cap_shares: dict[int, float] = field(default_factory=dict)
    # what the page drew from these figures, per language (the figures never change once summed)
    drawn: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def breaches(self) -> list[UnitYear]:
        rows = [u for u in self.unit_years if u.breaks]
        rows.sort(key=lambda u: (-u.year, -u.excess, -u.share, u.unit.name))
        return rows

    def breaches_in(self, year: int) -> int:
        """How many units break the cap in `year`."""
        if "_breaches_by_year" not in self.__dict__:
            self.__dict__["_breaches_by_year"] = Counter(u.year for u in self.breaches)
        return self.__dict__["_breaches_by_year"][year]

    @cached_property
    def breaking_units(self) -> list[UnitRef]:
        seen: dict[int, UnitRef] = {}
        for u in self.breaches:
            seen.setdefault(u.unit.id, u.unit)
        return list(seen.values())

    @cached_property
    def constant_excellent(self) -> list[ConstantRating]:
        return [c for c in self.constants if c.rating == "excellent"]

    @cached_property
    def flagged_units(self) -> list[UnitComparison]:
        return [c for c in self.comparisons if c.flagged]

    @cached_property
    def flagged_month_gaps(self) -> list[MonthGap]:
        return [g for g in self.month_gaps if g.flagged]

    def matrix(self) -> list[tuple[UnitRef, dict[int, UnitYear]]]:
        """Units × years for the E4 table: units breaking most often first (worked out once:
        the figures are kept with the planning world and drawn on every visit)."""
        if "_matrix" not in self.__dict__:
            self.__dict__["_matrix"] = self._matrix()
        return self.__dict__["_matrix"]

    def _matrix(self) -> list[tuple[UnitRef, dict[int, UnitYear]]]:
        by_unit: dict[int, dict[int, UnitYear]] = defaultdict(dict)
        refs: dict[int, UnitRef] = {}
        for u in self.unit_years:
            by_unit[u.unit.id][u.year] = u
            refs[u.unit.id] = u.unit
        order = sorted(by_unit, key=lambda uid: (-sum(1 for y in by_unit[uid].values() if y.breaks),
                                                 -sum(y.excess for y in by_unit[uid].values()), refs[uid].name))
        return [(refs[uid], by_unit[uid]) for uid in order]

    def year_totals(self) -> list[UnitYear]:
        """E4 over the whole scope, one line per year."""
        if "_year_totals" not in self.__dict__:
            self.__dict__["_year_totals"] = self._year_totals()
        return self.__dict__["_year_totals"]

    def _year_totals(self) -> list[UnitYear]:
        # one pass over the unit-years (6,294 at 30,000 cadres), not one per year
        totals: dict[int, dict[str, int]] = {year: {} for year in self.years}
        for u in self.unit_years:
            counts = totals.setdefault(u.year, {})
            for rating, n in u.counts.items():
                counts[rating] = counts.get(rating, 0) + n
        return [UnitYear(self.scope or UnitRef(0, "", "", "", ""), year, totals[year],
                         self.rule_sets.get(year, ""), self.cap_shares.get(year, 0.2)) for year in self.years]
