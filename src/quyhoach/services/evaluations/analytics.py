"""Evaluation analytics: making inflated ratings visible (RULES.md §6; the seeds' complaint
that ratings are "chưa thực chất").

Five figures, each with its evidence, summed from each cadre's part kept in the process's
`ledger` (brought up to date from the planning change log: a changed rating reads that
cadre again, not every evaluation), with the planning world for names and the organisation
tree. The province's figures are kept summed with the ledger (`Summary`): after a write only
the unit-years and cadres whose parts moved are worked out again, and the comparisons of
their units' groups (at 30,000 cadres: ≈ 9 ms after a rating write instead of ≈ 85 ms summed
whole); a unit's subtree is the province's figures filtered:

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

import bisect
import contextlib
import datetime as dt
import operator
from collections import defaultdict

from sqlmodel import Session, select

from quyhoach.db.models import Discipline, Evaluation
from quyhoach.domain.vocab import RATING_ORDER
from quyhoach.services.evaluations import ledger as ledger_service
from quyhoach.services.evaluations.figures import (
    CONSTANT_YEARS, RATINGS, Analytics, ConstantRating, DisciplineFlag, MonthGap, UnitComparison, UnitRef, UnitYear,
)
from quyhoach.services.evaluations.ledger import cadre_ref as _cadre_ref
from quyhoach.services.planning.world import AFTER_WRITE, MEMO_READS, World, newest
from quyhoach.services.platform import heap

COMPARISON_WINDOW = 5     # years compared between units
COMPARISON_MIN_RATED = 10  # a unit with fewer ratings in the window is not ranked
COMPARISON_MIN_PEERS = 3   # nor a unit with fewer comparable units (same level and kind)


def _unit_ref(world: World, unit_id: int | None) -> UnitRef | None:
    unit = world.units.get(unit_id) if unit_id is not None else None
    if unit is None:
        return None
    return UnitRef(unit.id, unit.code, unit.name, world.levels.get(unit.level_id, ""), unit.kind)


def evaluation_analytics(session: Session, world: World, *, unit_id: int | None = None,
                         constant_years: int = CONSTANT_YEARS, window: int = COMPARISON_WINDOW) -> Analytics:
    """Every figure of the Đánh giá page for the province, or for one unit's subtree: read once
    per planning world from the province's summary (brought up to date for what the ledger saw
    move), and carried over to the next world while no write touches the evaluations, the
    disciplines or the cadres' names (`world.MEMO_READS`)."""
    key = ("analytics", unit_id, constant_years, window)
    if key not in world.memo:
        with ledger_service.lock:   # worked out by one request; the others of this process wait for it
            if key not in world.memo:
                # a stale world of this process (read while another request patched it): the
                # figures of the world that replaced it, not the ledger read whole for it (1.3 s
                # and 150 MB at 30,000 cadres, every other Đánh giá request waiting)
                target = newest(session, world) if world.on == dt.date.today() else world
                while key not in target.memo:
                    held = ledger_service.current(session, target)
                    if held is None:          # the ledger followed a newer world meanwhile: that one
                        later = newest(session, target)
                        if later is not target:
                            target = later
                            continue
                        held = ledger_service.read_all(session, target)    # none newer: its own
                    target.memo[key] = _sum(held, target, unit_id=unit_id, constant_years=constant_years,
                                            window=window)
                world.memo[key] = target.memo[key]
    return world.memo[key]


MEMO_READS["analytics"] = frozenset({Evaluation.__tablename__, Discipline.__tablename__, "cadre.name"})


def _after_write(session: Session, world: World) -> None:
    """The province's figures on the writer's new world, in a process that keeps them (a Đánh
    giá page was read): the ledger brought up to date and summed by the writer, not by the
    next reader."""
    if ledger_service.held(session):
        evaluation_analytics(session, world)


AFTER_WRITE.append(_after_write)


def _sum(held: ledger_service.Ledger, world: World, *, unit_id: int | None, constant_years: int,
         window: int) -> Analytics:
    """The figures of the province (`unit_id` None) or of a unit's subtree, from the province's
    summary kept with the ledger, brought up to date for what moved since it was last read."""
    key = (constant_years, window)
    summary = held.summaries.get(key)
    if not isinstance(summary, Summary):
        summary = held.summaries[key] = Summary(constant_years, window)
        held.pending[key] = None
    try:
        summary.update(held, world, held.take(key))
    except BaseException:
        held.pending[key] = None    # left half brought up to date: summed whole next time
        raise
    return summary.view(world, unit_id)


class _Ordered:
    """Figures kept in the order of a key unique to each (it ends with the figure's own name):
    one put or dropped without sorting the others again."""

    def __init__(self) -> None:
        self.keys: list[tuple] = []
        self.items: list = []
        self.key_of: dict[object, tuple] = {}

    def put(self, name: object, key: tuple, item: object) -> None:
        self.drop(name)
        at = bisect.bisect_left(self.keys, key)
        self.keys.insert(at, key)
        self.items.insert(at, item)
        self.key_of[name] = key

    def drop(self, name: object) -> None:
        key = self.key_of.pop(name, None)
        if key is not None:
            at = bisect.bisect_left(self.keys, key)
            del self.keys[at], self.items[at]

    def swap(self, gone: list, entries: list[tuple[object, tuple, object]]) -> None:
        """Some figures dropped and others put: one at a time when they are few, else the
        others kept in their order and one sort (timsort merges the two runs)."""
        if len(gone) + len(entries) < 64:
            for name in gone:
                self.drop(name)
            for name, key, item in entries:
                self.put(name, key, item)
            return
        dropped = {self.key_of.pop(name) for name in gone if name in self.key_of}
        for name, key, _ in entries:
            if name in self.key_of:
                dropped.add(self.key_of[name])
            self.key_of[name] = key
        pairs = [(key, item) for key, item in zip(self.keys, self.items, strict=True) if key not in dropped]
        pairs += [(key, item) for _, key, item in entries]
        pairs.sort(key=lambda e: e[0])
        self.keys = [key for key, _ in pairs]
        self.items = [item for _, item in pairs]

    def fill(self, entries: list[tuple[object, tuple, object]]) -> None:
        """Every figure at once (the summary summed whole): one sort."""
        entries.sort(key=lambda e: e[1])
        self.keys = [key for _, key, _ in entries]
        self.items = [item for _, _, item in entries]
        self.key_of = {name: key for name, key, _ in entries}


_NONE = [0] * len(RATINGS)   # a unit's counts with no rating in the window


_WEIGHTS = tuple(RATING_ORDER[r] for r in RATINGS)


def _points(counts: list[int], n: int) -> float:
    """The mean points (excellent 3 ... fail 0) of `n` ratings counted in RATINGS order."""
    a, b, c, d = _WEIGHTS
    e, g, m, f = counts
    return (a * e + b * g + c * m + d * f) / n if n else 0.0


class Summary:
    """The province's figures as parts: one `UnitYear` and one `MonthGap` per (unit, year), one
    `ConstantRating` per cadre, a cadre's `DisciplineFlag`s, each unit's ratings over the
    comparison's years and the comparisons of each group of comparable units. After a write
    only the cells and cadres the ledger noted are worked out again (`update`); a unit's
    subtree is the same figures filtered (`view`). Summed whole, it is the same code with
    every cell and cadre noted."""

    def __init__(self, constant_years: int, window: int) -> None:
        self.constant_years = constant_years
        self.window = window
        self._clear()

    def _clear(self) -> None:
        self.years: list[int] = []
        self.params: dict[int, tuple[str, dict]] = {}
        self.recent: list[int] = []
        self.refs: dict[int, UnitRef | None] = {}
        self.cells: dict[tuple[int, int], UnitYear] = {}
        self.unit_years = _Ordered()
        self.month_gaps = _Ordered()
        self.constants = _Ordered()
        self.disciplined = _Ordered()
        self.flags: dict[int, list[tuple[int, int]]] = {}   # cadre -> the names of its flags
        self.rated: dict[int, list[int]] = {}               # unit -> its counts over `recent`, in RATINGS order
        self.members: dict[tuple[str, str], set[int]] = defaultdict(set)   # (level, kind) -> units rated
        self.compared: dict[tuple[str, str], list[int]] = {}
        self.comparisons = _Ordered()

    def _ref(self, world: World, uid: int | None) -> UnitRef | None:
        if uid is None:
            return None
        if uid not in self.refs:
            self.refs[uid] = _unit_ref(world, uid)
        return self.refs[uid]

    # ------------------------------------------------------------------ bringing up to date
    def update(self, held: ledger_service.Ledger, world: World, moved: ledger_service.Pending | None) -> None:
        years = sorted(held.year_rated)
        params = {year: held.param(world, year) for year in years}
        whole = moved is None or any(self.params.get(y, p) != p for y, p in params.items())
        if whole:
            self._clear()
            cells: set[tuple[int, int]] = set(held.counts) | set(held.gaps)
            cadres: set[int] = set(held.runs) | set(held.disciplines)
        else:
            assert moved is not None
            cells, cadres = moved.cells, moved.cadres
        self.years, self.params = years, params
        before: dict[int, list[int]] = {}     # the counts over the window of the units moved, before
        entries: dict[str, list] | None = defaultdict(list) if whole else None
        with heap.paused() if whole else contextlib.nullcontext():   # tens of thousands of figures made
            for cell in cells:
                self._cell(held, world, cell, before, entries)
            for cadre_id in cadres:
                self._cadre(held, world, cadre_id, entries)
        if entries is not None:
            for name in ("unit_years", "month_gaps", "constants", "disciplined"):
                getattr(self, name).fill(entries[name])
        # a group's comparisons again when one of its units' counts over the window moved (each
        # unit's peers are the others); a name, a discipline or a year outside the window moves none
        groups = {self._group(uid) for uid, counts in before.items() if self.rated.get(uid, _NONE) != counts}
        recent = years[-self.window:] if years else []
        if recent != self.recent:     # another window of years: every unit's counts over it again
            self.recent = recent
            self.rated, self.members = {}, defaultdict(set)
            for (uid, year), unit_year in self.cells.items():
                if year in recent:
                    self._rate(uid, unit_year.counts, 1, {})
            groups = set(self.members) | set(self.compared)
        for group in groups:
            self._compare(group)

    def _cell(self, held: ledger_service.Ledger, world: World, cell: tuple[int, int], before: dict[int, list[int]],
              entries: dict[str, list] | None) -> None:
        uid, year = cell
        if entries is None:     # (summed whole, there is nothing to drop)
            old = self.cells.pop(cell, None)
            if old is not None:
                self.unit_years.drop(cell)
                if year in self.recent:
                    self._rate(uid, old.counts, -1, before)
            self.month_gaps.drop(cell)
        unit = self._ref(world, uid)
        if unit is None:
            return
        code, p = self.params.get(year, ("", {}))
        counts = held.counts.get(cell)
        if counts:
            new = self.cells[cell] = UnitYear(unit, year, dict(counts), code, float(p["excellent_max_share_of_good"]))
            self._put("unit_years", cell, (unit.name, year, uid), new, entries)
            if year in self.recent:
                self._rate(uid, new.counts, 1, before)
        if cell in held.gaps:
            gap = MonthGap(unit, year, code, held.gap_rows(cell))
            self._put("month_gaps", cell, (-year, -gap.above_share, -gap.mean_steps, unit.name, uid), gap, entries)

    def _cadre(self, held: ledger_service.Ledger, world: World, cadre_id: int, entries: dict[str, list] | None) -> None:
        if entries is None:     # (summed whole, there is nothing to drop)
            self.constants.drop(cadre_id)
            for name in self.flags.pop(cadre_id, ()):
                self.disciplined.drop(name)
        # ratings that never change: the run of identical ratings ending at the latest year
        run = held.runs.get(cadre_id)
        if run is not None and len(run[1]) >= self.constant_years:
            rating, years, uid = run
            unit = self._ref(world, uid)
            constant = ConstantRating(_cadre_ref(world, cadre_id), unit, rating, list(years))
            self._put("constants", cadre_id, (-RATING_ORDER[rating], -len(years), unit.name if unit else "",
                                              constant.cadre.name, cadre_id), constant, entries)
        # good or better in the year of a discipline
        names = []
        for i, d in enumerate(held.disciplines.get(cadre_id, ())):
            year = d.decision_date.year
            rating, score, uid = held.history.get(cadre_id, {}).get(year, (None, None, None))
            if rating not in ("excellent", "good"):
                continue
            flag = DisciplineFlag(_cadre_ref(world, cadre_id), self._ref(world, uid), year, rating, score, d.level,
                                  d.decision_date, d.decision_no, d.authority)
            key = (-RATING_ORDER[rating], -year, flag.cadre.name, cadre_id, d.decision_date, d.level,
                   d.decision_no or "", d.authority or "", i)
            self._put("disciplined", (cadre_id, i), key, flag, entries)
            names.append((cadre_id, i))
        if names:
            self.flags[cadre_id] = names

    def _put(self, kind: str, name: object, key: tuple, item: object, entries: dict[str, list] | None) -> None:
        if entries is not None:
            entries[kind].append((name, key, item))
        else:
            getattr(self, kind).put(name, key, item)

    def _group(self, uid: int) -> tuple[str, str]:
        unit = self.refs[uid]
        assert unit is not None
        return unit.level, unit.kind

    def _rate(self, uid: int, counts: dict[str, int], sign: int, before: dict[int, list[int]]) -> None:
        """A unit-year's counts added to (or taken from) its unit's over the comparison's years
        (`before` keeps the unit's counts as they were first)."""
        if self.refs.get(uid) is None:
            return
        rated = self.rated.setdefault(uid, list(_NONE))
        before.setdefault(uid, list(rated))
        for i, r in enumerate(RATINGS):
            rated[i] += sign * counts.get(r, 0)
        group = self._group(uid)
        if any(rated):
            self.members[group].add(uid)
        else:
            del self.rated[uid]
            self.members[group].discard(uid)

    def _compare(self, group: tuple[str, str]) -> None:
        """Units against comparable units (same level and kind) over the last `window` years:
        every unit of the group again (each one's peers are the others)."""
        gone = self.compared.pop(group, [])
        members = self.members.get(group, set())
        if len(members) - 1 < COMPARISON_MIN_PEERS:
            self.comparisons.swap(gone, [])
            return
        total = [sum(column) for column in zip(*(self.rated[uid] for uid in members), strict=True)]
        everyone = sum(total)
        excellent = RATINGS.index("excellent")
        compared: list[tuple[object, tuple, object]] = []
        for uid in members:
            own = self.rated[uid]
            rated = sum(own)
            if rated < COMPARISON_MIN_RATED:
                continue
            others = [total[0] - own[0], total[1] - own[1], total[2] - own[2], total[3] - own[3]]
            unit = self.refs[uid]
            assert unit is not None
            c = UnitComparison(unit, rated, own[excellent], len(members) - 1, everyone - rated, others[excellent],
                               round(_points(own, rated), 3), round(_points(others, everyone - rated), 3))
            compared.append((uid, (-c.z, -c.difference, unit.name, uid), c))
        self.comparisons.swap(gone, compared)
        self.compared[group] = [uid for uid, _, _ in compared]

    # ------------------------------------------------------------------ reading
    def view(self, world: World, unit_id: int | None) -> Analytics:
        """The province's figures, or those of a unit's subtree (its units' figures; each still
        compared with the whole province's comparable units)."""
        if unit_id is None:
            def pick(items: list, unit_of) -> list:
                return list(items)
        else:
            scope_ids = world.subtree(unit_id)

            def pick(items: list, unit_of) -> list:
                return [x for x in items if (u := unit_of(x)) is not None and u.id in scope_ids]
        unit = operator.attrgetter("unit")
        return Analytics(
            on=world.on, scope=_unit_ref(world, unit_id) if unit_id is not None else None, years=list(self.years),
            window=list(self.recent), unit_years=pick(self.unit_years.items, unit),
            constants=pick(self.constants.items, unit), disciplined=pick(self.disciplined.items, unit),
            month_gaps=pick(self.month_gaps.items, unit), comparisons=pick(self.comparisons.items, unit),
            constant_years=self.constant_years,
            rule_sets={y: self.params[y][0] for y in self.years},
            cap_shares={y: float(self.params[y][1]["excellent_max_share_of_good"]) for y in self.years},
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
