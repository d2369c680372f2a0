"""Evaluation analytics: making inflated ratings visible (RULES.md §6; the seeds' complaint
that ratings are "chưa thực chất").

Five figures, each with its evidence, read in three batched queries (yearly ratings,
monthly scores, disciplines) plus the planning world for names and the organisation tree:

- **E4 per unit and year**: excellent (HTXSNV) against the cap of the rating rule set in
  force at that year's end (`excellent_max_share_of_good`, 20 % under QĐ 124 and QĐ 366).
  The cap is counted on those rated good or better: excellent ratings are chosen among the
  cadres rated good (HD 21/2019), so a unit with 10 rated HTTNV-or-better may have at most
  2 rated HTXSNV. `excess` is how many excellent ratings lie above the cap.
- **Ratings that never change**: the same yearly rating for at least `constant_years`
  consecutive years up to the cadre's latest rating (the whole run is shown).
- **Good or better in a year with a discipline**: a yearly rating of HTTNV or HTXSNV in the
  calendar year of a disciplinary decision (a member disciplined in the year is rated at most
  HTNV).
- **Monthly scores against the year's rating**: per unit and year, the mean of each cadre's
  monthly scores (E3) read through the year's score thresholds (E2), against the rating the
  cadre got at year end; `above` counts year ratings higher than the months support.
- **Units against comparable units**: over the last `window` years, each unit's excellent
  share against the pooled share of the other units of the same level and kind; `z` is that
  difference in binomial standard errors of the unit's size, so a large unit well above its
  peers ranks first and a small unit's chance swing does not.

The rules themselves (E2 score thresholds, E3 monthly scores, E4 cap, E6 months) are decided
in `quyhoach.domain.evaluations`; this module runs the queries and calls them.

The page (`web/evaluations.py`), the report section and the XLSX all read `Analytics`.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from sqlmodel import Session, select

from quyhoach.db.models import Discipline, Evaluation
from quyhoach.domain.evaluations import enough_months, excellent_cap, excellent_excess, months_support, rating_for_score
from quyhoach.domain.rulesets import RATING_DEFAULTS, NoRuleSetError
from quyhoach.domain.vocab import RATING_ORDER
from quyhoach.services.planning.world import MEMO_READS, World

RATINGS = ("excellent", "good", "complete", "fail")
CONSTANT_YEARS = 5        # "never changes over five years"
COMPARISON_WINDOW = 5     # years compared between units
COMPARISON_MIN_RATED = 10  # a unit with fewer ratings in the window is not ranked
COMPARISON_MIN_PEERS = 3   # nor a unit with fewer comparable units (same level and kind)
FLAG_Z = 3.5              # flagged: at least this many standard errors above its peers ...
FLAG_POINTS = 0.15        # ... and at least 15 percentage points
MONTHS_MIN = 6            # a year's monthly scores are read with at least this many months (E6)
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

    @property
    def cadres(self) -> int:
        return len(self.rows)

    @property
    def mean_month(self) -> float:
        return sum(r.mean for r in self.rows) / len(self.rows) if self.rows else 0.0

    @property
    def above(self) -> int:
        return sum(1 for r in self.rows if r.steps_above > 0)

    @property
    def below(self) -> int:
        return sum(1 for r in self.rows if r.steps_above < 0)

    @property
    def above_share(self) -> float:
        return self.above / len(self.rows) if self.rows else 0.0

    @property
    def mean_steps(self) -> float:
        """Mean of (year rating − rating the months support), in rating steps."""
        return sum(r.steps_above for r in self.rows) / len(self.rows) if self.rows else 0.0

    @property
    def score_gap(self) -> float | None:
        """Mean of (year score − mean monthly score) over cadres with a year score."""
        pairs = [r.score - r.mean for r in self.rows if r.score is not None]
        return sum(pairs) / len(pairs) if pairs else None

    @property
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

    @cached_property
    def breaches(self) -> list[UnitYear]:
        rows = [u for u in self.unit_years if u.breaks]
        rows.sort(key=lambda u: (-u.year, -u.excess, -u.share, u.unit.name))
        return rows

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
        out = []
        for year in self.years:
            counts: Counter = Counter()
            for u in self.unit_years:
                if u.year == year:
                    counts.update(u.counts)
            out.append(UnitYear(self.scope or UnitRef(0, "", "", "", ""), year, dict(counts),
                                self.rule_sets.get(year, ""), self.cap_shares.get(year, 0.2)))
        return out


def _rating_params(world: World, year: int) -> tuple[str, dict]:
    """The rating rule set in force at the end of `year` (QĐ 124 until 29/08/2025, then QĐ 366)."""
    try:
        rules = world.rule_set("rating", dt.date(year, 12, 31))
        return rules.code, {**RATING_DEFAULTS, **rules.params}
    except NoRuleSetError:
        return "", dict(RATING_DEFAULTS)


def implied_rating(score: float, params: dict) -> str:
    """The rating a score supports under E2's thresholds."""
    return rating_for_score(score, params)


def _unit_ref(world: World, unit_id: int | None) -> UnitRef | None:
    unit = world.units.get(unit_id) if unit_id is not None else None
    if unit is None:
        return None
    return UnitRef(unit.id, unit.code, unit.name, world.levels.get(unit.level_id, ""), unit.kind)


def _cadre_ref(world: World, cadre_id: int) -> CadreRef:
    c = world.cadres.get(cadre_id)
    return CadreRef(cadre_id, c.code if c else str(cadre_id), c.name if c else "")


def evaluation_analytics(session: Session, world: World, *, unit_id: int | None = None,
                         constant_years: int = CONSTANT_YEARS, window: int = COMPARISON_WINDOW) -> Analytics:
    """Every figure of the Đánh giá page for the province, or for one unit's subtree: computed
    once per planning world and carried over to the next one while no write touches the
    evaluations, the disciplines or the cadres' names (`world.MEMO_READS`)."""
    key = ("analytics", unit_id, constant_years, window)
    if key not in world.memo:
        with _computing:   # worked out by one request; the others of this process wait for it
            if key not in world.memo:
                world.memo[key] = _evaluation_analytics(session, world, unit_id=unit_id,
                                                        constant_years=constant_years, window=window)
    return world.memo[key]


_computing = threading.Lock()


MEMO_READS["analytics"] = frozenset({Evaluation.__tablename__, Discipline.__tablename__, "cadre.name"})


def _evaluation_analytics(session: Session, world: World, *, unit_id: int | None, constant_years: int,
                          window: int) -> Analytics:
    scope_ids = world.subtree(unit_id) if unit_id is not None else None
    refs: dict[int, UnitRef] = {}

    def ref(uid: int | None) -> UnitRef | None:
        if uid is None:
            return None
        if uid not in refs:
            found = _unit_ref(world, uid)
            if found is None:
                return None
            refs[uid] = found
        return refs[uid]

    yearly = session.exec(select(Evaluation.cadre_id, Evaluation.unit_id, Evaluation.year, Evaluation.rating,
                                 Evaluation.score).where(Evaluation.period == "year")).all()
    # every yearly rating of every cadre (the cadre-level flags read the whole history)
    history: dict[int, dict[int, tuple[str | None, float | None, int | None]]] = defaultdict(dict)
    for cadre_id, uid, year, rating, score in yearly:
        history[cadre_id][year] = (rating, score, uid)

    def in_scope(uid: int | None) -> bool:
        return scope_ids is None or (uid is not None and uid in scope_ids)

    years = sorted({year for _, _, year, rating, _ in yearly if rating in RATINGS})
    params = {year: _rating_params(world, year) for year in years}

    # E4 per unit and year
    counts: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for _cadre_id, uid, year, rating, _ in yearly:
        if rating in RATINGS and uid is not None and in_scope(uid):
            counts[(uid, year)][rating] += 1
    unit_years = []
    for (uid, year), c in counts.items():
        unit = ref(uid)
        if unit is None:
            continue
        code, p = params[year]
        unit_years.append(UnitYear(unit, year, dict(c), code, float(p["excellent_max_share_of_good"])))
    unit_years.sort(key=lambda u: (u.unit.name, u.year))

    # ratings that never change: the run of identical ratings ending at the latest year
    constants = []
    for cadre_id, by_year in history.items():
        rated = sorted(y for y, (r, _, _) in by_year.items() if r in RATINGS)
        if len(rated) < constant_years:
            continue
        last = rated[-1]
        rating = by_year[last][0]
        run = [last]
        for y in reversed(rated[:-1]):
            if y == run[0] - 1 and by_year[y][0] == rating:
                run.insert(0, y)
            else:
                break
        unit_id_last = by_year[last][2]
        if len(run) >= constant_years and in_scope(unit_id_last):
            constants.append(ConstantRating(_cadre_ref(world, cadre_id), ref(unit_id_last), rating, run))
    constants.sort(key=lambda c: (-RATING_ORDER[c.rating], -len(c.years), c.unit.name if c.unit else "", c.cadre.name))

    # good or better in the year of a discipline
    disciplined = []
    for d in session.exec(select(Discipline)):
        year = d.decision_date.year
        rating, score, uid = history.get(d.cadre_id, {}).get(year, (None, None, None))
        if rating in ("excellent", "good") and in_scope(uid):
            disciplined.append(DisciplineFlag(_cadre_ref(world, d.cadre_id), ref(uid), year, rating, score, d.level,
                                              d.decision_date, d.decision_no, d.authority))
    disciplined.sort(key=lambda f: (-RATING_ORDER[f.rating], -f.year, f.cadre.name))

    # monthly scores against the year's rating
    monthly: dict[tuple[int, int], list[tuple[float, int | None]]] = defaultdict(list)
    for cadre_id, uid, year, score in session.exec(
            select(Evaluation.cadre_id, Evaluation.unit_id, Evaluation.year, Evaluation.score)
            .where(Evaluation.period == "month", Evaluation.score.is_not(None))):
        monthly[(cadre_id, year)].append((score, uid))
    gaps: dict[tuple[int, int], MonthGap] = {}
    for (cadre_id, year), scores in monthly.items():
        if not enough_months(len(scores), MONTHS_MIN):
            continue
        rating, score, uid = history.get(cadre_id, {}).get(year, (None, None, None))
        if rating not in RATINGS or not in_scope(uid) or ref(uid) is None:
            continue
        code, p = params.get(year) or _rating_params(world, year)
        mean, implied = months_support([s for s, _ in scores], p)
        gap = gaps.get((uid, year))
        if gap is None:
            gap = gaps[(uid, year)] = MonthGap(ref(uid), year, code, [])
        gap.rows.append(MonthRow(_cadre_ref(world, cadre_id), len(scores), round(mean, 2),
                                 implied, rating, score))
    month_gaps = sorted(gaps.values(), key=lambda g: (-g.year, -g.above_share, -g.mean_steps, g.unit.name))
    for g in month_gaps:
        g.rows.sort(key=lambda r: (-r.steps_above, r.cadre.name))

    # units against comparable units (same level and kind) over the last `window` years
    recent = years[-window:] if years else []
    per_unit: dict[int, Counter] = defaultdict(Counter)
    for (uid, year), c in counts.items():
        if year in recent:
            per_unit[uid].update(c)
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for uid in per_unit:
        unit = ref(uid)
        if unit is not None:
            groups[(unit.level, unit.kind)].append(uid)
    # peers are read over the whole province even for a subtree's page: "comparable units"
    if scope_ids is not None:
        all_counts: dict[int, Counter] = defaultdict(Counter)
        for _cadre_id, uid, year, rating, _ in yearly:
            if rating in RATINGS and uid is not None and year in recent:
                all_counts[uid][rating] += 1
        peer_groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for uid in all_counts:
            unit = ref(uid)
            if unit is not None:
                peer_groups[(unit.level, unit.kind)].append(uid)
    else:
        all_counts, peer_groups = per_unit, groups

    def points(c: Counter) -> float:
        n = sum(c[r] for r in RATINGS)
        return sum(RATING_ORDER[r] * c[r] for r in RATINGS) / n if n else 0.0

    comparisons = []
    for key, members in groups.items():
        peers_all = peer_groups.get(key, [])
        group_total: Counter = Counter()
        for uid in peers_all:
            group_total.update(all_counts[uid])
        for uid in members:
            own = per_unit[uid]
            rated = sum(own[r] for r in RATINGS)
            if rated < COMPARISON_MIN_RATED or len(peers_all) - 1 < COMPARISON_MIN_PEERS:
                continue
            others = group_total - all_counts[uid]
            comparisons.append(UnitComparison(
                ref(uid), rated, own["excellent"], len(peers_all) - 1, sum(others[r] for r in RATINGS),
                others["excellent"], round(points(own), 3), round(points(others), 3)))
    comparisons.sort(key=lambda c: (-c.z, -c.difference, c.unit.name))

    return Analytics(
        on=world.on, scope=ref(unit_id) if unit_id is not None else None, years=years, window=recent,
        unit_years=unit_years, constants=constants, disciplined=disciplined, month_gaps=month_gaps,
        comparisons=comparisons, constant_years=constant_years,
        rule_sets={y: params[y][0] for y in years},
        cap_shares={y: float(params[y][1]["excellent_max_share_of_good"]) for y in years},
    )


def unit_ratings(session: Session, world: World, unit_id: int, year: int | None = None) -> list[dict]:
    """The evidence behind a unit's flags: every yearly rating given in the unit (one year or
    all), with the cadre's mean monthly score that year and any discipline decided that year."""
    query = select(Evaluation.cadre_id, Evaluation.year, Evaluation.rating, Evaluation.score).where(
        Evaluation.period == "year", Evaluation.unit_id == unit_id)
    if year is not None:
        query = query.where(Evaluation.year == year)
    rows = session.exec(query).all()
    cadre_ids = list({r[0] for r in rows})
    months: dict[tuple[int, int], list[float]] = defaultdict(list)
    disciplines: dict[tuple[int, int], list[Discipline]] = defaultdict(list)
    if cadre_ids:
        for cadre_id, y, score in session.exec(
                select(Evaluation.cadre_id, Evaluation.year, Evaluation.score)
                .where(Evaluation.period == "month", Evaluation.cadre_id.in_(cadre_ids), Evaluation.score.is_not(None))):
            months[(cadre_id, y)].append(score)
        for d in session.exec(select(Discipline).where(Discipline.cadre_id.in_(cadre_ids))):
            disciplines[(d.cadre_id, d.decision_date.year)].append(d)
    out = []
    for cadre_id, y, rating, score in rows:
        m = months.get((cadre_id, y))
        out.append({"cadre": _cadre_ref(world, cadre_id), "year": y, "rating": rating, "score": score,
                    "month_mean": round(sum(m) / len(m), 2) if m else None, "months": len(m) if m else 0,
                    "disciplines": disciplines.get((cadre_id, y), [])})
    out.sort(key=lambda r: (-r["year"], -RATING_ORDER.get(r["rating"] or "", -1), r["cadre"].name))
    return out
