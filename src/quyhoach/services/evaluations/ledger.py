"""The evaluations as the Đánh giá figures read them, one cadre at a time.

A `Ledger` holds every cadre's yearly ratings, monthly scores and disciplines, and what each
cadre adds to the figures (its rated years counted per unit and year, its latest run of an
unchanged rating, its monthly-score rows per unit and year). The figures of a unit or of the
province (`analytics`) are summed from these parts.

One ledger is kept per process and database, at a data stamp. After a write, the planning
change log (`planning.changes.since`) names the cadres written: only their rows are read
again and only their parts replaced, so a changed rating costs a few small queries instead of
reading the 53,654 evaluations of the demo province again. A gap in the log, or a change to
the organisation, reads everything again; a change to a rating rule set (its score
thresholds) works every cadre's parts out again from what is held.

The province's figures summed from the parts are kept with the ledger too
(`analytics.Summary`, one per choice of `constant_years` and `window`): each replaced part
notes what it moved (`Pending`: the unit-years its old and new part count in, and the cadre),
and the figures are worked out again for those alone.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import weakref
from collections import Counter, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, select

from quyhoach.db.models import Cadre, Discipline, Evaluation
from quyhoach.domain.evaluations import enough_months, months_support
from quyhoach.domain.rulesets import RATING_DEFAULTS, NoRuleSetError
from quyhoach.services.evaluations.figures import RATINGS, CadreRef, MonthRow
from quyhoach.services.planning import changes
from quyhoach.services.planning import world as world_service
from quyhoach.services.planning.world import World
from quyhoach.services.platform import heap, stamp

MONTHS_MIN = 6            # a year's monthly scores are read with at least this many months (E6)
READS = frozenset({Evaluation.__tablename__, Discipline.__tablename__, Cadre.__tablename__})
CHUNK = 500               # cadre ids per IN (…) when reading a few cadres again
BATCH = 5_000             # rows fetched at a time when reading every cadre

_log = logging.getLogger(__name__)


def rating_params(world: World, year: int) -> tuple[str, dict]:
    """The rating rule set in force at the end of `year` (QĐ 124 until 29/08/2025, then QĐ 366)."""
    try:
        rules = world.rule_set("rating", dt.date(year, 12, 31))
        return rules.code, {**RATING_DEFAULTS, **rules.params}
    except NoRuleSetError:
        return "", dict(RATING_DEFAULTS)


def cadre_ref(world: World, cadre_id: int) -> CadreRef:
    c = world.cadres.get(cadre_id)
    return CadreRef(cadre_id, c.code if c else str(cadre_id), c.name if c else "")


@dataclass(frozen=True)
class DisciplineRow:
    cadre_id: int
    decision_date: dt.date
    level: str
    decision_no: str | None
    authority: str | None


@dataclass(frozen=True)
class Part:
    """What one cadre adds to the figures."""

    counted: tuple[tuple[int, int, str], ...]           # (unit, year, rating) of each rated year in a unit
    rated_years: tuple[int, ...]                        # every rated year (with or without a unit)
    run: tuple[str, tuple[int, ...], int | None] | None  # latest run of one rating: rating, years, unit
    month_rows: tuple[tuple[int, int, MonthRow], ...]   # (unit, year, row) of each year read from its months


@dataclass
class Pending:
    """What the parts replaced since a summary was last brought up to date: the (unit, year)
    cells their old and new parts count in, and the cadres themselves."""

    cells: set[tuple[int, int]]
    cadres: set[int]

    def note(self, cadre_id: int, part: Part) -> None:
        self.cadres.add(cadre_id)
        self.cells.update((uid, year) for uid, year, _ in part.counted)
        self.cells.update((uid, year) for uid, year, _ in part.month_rows)


class Ledger:
    def __init__(self) -> None:
        self.stamp = 0
        self.served: weakref.WeakValueDictionary[int, World] = weakref.WeakValueDictionary()  # worlds it served
        self.generations: deque[int] = deque(maxlen=16)   # theirs, the last ones (World.changes_since)
        self.history: dict[int, dict[int, tuple[str | None, float | None, int | None]]] = {}
        self.months: dict[int, dict[int, list[float]]] = {}
        self.disciplines: dict[int, list[DisciplineRow]] = {}
        self.params: dict[int, tuple[str, dict]] = {}
        self.parts: dict[int, Part] = {}
        # the parts summed
        self.counts: dict[tuple[int, int], Counter] = {}
        self.year_rated: Counter = Counter()
        self.runs: dict[int, tuple[str, tuple[int, ...], int | None]] = {}
        self.gaps: dict[tuple[int, int], dict[int, MonthRow]] = {}
        self._sorted: dict[tuple[int, int], list[MonthRow]] = {}
        # the figures kept summed (analytics.Summary, by its settings), and what moved under each
        # since it was last brought up to date (None: everything, it is summed whole)
        self.summaries: dict[tuple[int, int], object] = {}
        self.pending: dict[tuple[int, int], Pending | None] = {}

    # ------------------------------------------------------------------ reading
    def read(self, session: Session, world: World, cadre_ids: Iterable[int] | None = None) -> None:
        """Read every cadre's rows (`cadre_ids` None) or those of a few cadres again, and
        replace their parts."""
        ids = None if cadre_ids is None else sorted(set(cadre_ids))
        chunks = [None] if ids is None else [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]
        history: dict[int, dict[int, tuple[str | None, float | None, int | None]]] = defaultdict(dict)
        months: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
        disciplines: dict[int, list[DisciplineRow]] = defaultdict(list)
        for chunk in chunks:
            yearly = select(Evaluation.cadre_id, Evaluation.unit_id, Evaluation.year, Evaluation.rating,
                            Evaluation.score).where(Evaluation.period == "year")
            monthly = select(Evaluation.cadre_id, Evaluation.year, Evaluation.score).where(
                Evaluation.period == "month", Evaluation.score.is_not(None))
            decided = select(Discipline.cadre_id, Discipline.decision_date, Discipline.level, Discipline.decision_no,
                             Discipline.authority)
            if chunk is not None:
                yearly = yearly.where(Evaluation.cadre_id.in_(chunk))
                monthly = monthly.where(Evaluation.cadre_id.in_(chunk))
                decided = decided.where(Discipline.cadre_id.in_(chunk))
            # in batches (PostgreSQL: a server-side cursor), not every row at once: reading the
            # 537,000 evaluations of a 30,000-cadre province whole took the process's resident
            # memory up by 640 MB for the 100 MB kept (issue 15)
            for cadre_id, uid, year, rating, score in session.exec(yearly.execution_options(yield_per=BATCH)):
                history[cadre_id][year] = (rating, score, uid)
            for cadre_id, year, score in session.exec(monthly.execution_options(yield_per=BATCH)):
                months[cadre_id][year].append(score)
            for row in session.exec(decided):
                disciplines[row[0]].append(DisciplineRow(*row))
        if ids is None:
            ids = sorted(set(history) | set(months) | set(self.parts))
            self.disciplines = {}
            self.pending = dict.fromkeys(self.pending)
        for cadre_id in ids:
            self.history.pop(cadre_id, None)
            self.months.pop(cadre_id, None)
            self.disciplines.pop(cadre_id, None)
            if cadre_id in history:
                self.history[cadre_id] = history[cadre_id]
            if cadre_id in months:
                self.months[cadre_id] = dict(months[cadre_id])
            if cadre_id in disciplines:
                self.disciplines[cadre_id] = disciplines[cadre_id]
        self.contribute(world, ids)

    # ------------------------------------------------------------------ parts
    def param(self, world: World, year: int) -> tuple[str, dict]:
        if year not in self.params:
            self.params[year] = rating_params(world, year)
        return self.params[year]

    def rules_moved(self, world: World) -> bool:
        return any(rating_params(world, year) != held for year, held in self.params.items())

    def contribute(self, world: World, cadre_ids: Iterable[int]) -> None:
        pending = [p for p in self.pending.values() if p is not None]
        for cadre_id in cadre_ids:
            old = self.parts.pop(cadre_id, None)
            if old is not None:
                self._add(cadre_id, old, -1)
            part = self._part(world, cadre_id)
            if part is not None:
                self.parts[cadre_id] = part
                self._add(cadre_id, part, 1)
            for moved in pending:
                moved.cadres.add(cadre_id)   # its disciplines and history may have moved without a part
                for p in (old, part):
                    if p is not None:
                        moved.note(cadre_id, p)

    def take(self, key: tuple[int, int]) -> Pending | None:
        """What moved under the summary `key` since the last call (None: everything), and a
        fresh note from now on."""
        moved = self.pending.get(key)
        self.pending[key] = Pending(set(), set())
        return moved

    def _part(self, world: World, cadre_id: int) -> Part | None:
        by_year = self.history.get(cadre_id, {})
        scores = self.months.get(cadre_id, {})
        if not by_year and not scores:
            return None
        rated = sorted(y for y, (r, _, _) in by_year.items() if r in RATINGS)
        counted = tuple((by_year[y][2], y, by_year[y][0]) for y in rated if by_year[y][2] is not None)
        run = None
        if rated:
            last = rated[-1]
            rating = by_year[last][0]
            years = [last]
            for y in reversed(rated[:-1]):
                if y == years[0] - 1 and by_year[y][0] == rating:
                    years.insert(0, y)
                else:
                    break
            run = (rating, tuple(years), by_year[last][2])
        rows = []
        ref = None
        for year, month_scores in scores.items():
            if not enough_months(len(month_scores), MONTHS_MIN):
                continue
            rating, score, uid = by_year.get(year, (None, None, None))
            if rating not in RATINGS or uid is None:
                continue
            mean, implied = months_support(month_scores, self.param(world, year)[1])
            ref = ref or cadre_ref(world, cadre_id)
            rows.append((uid, year, MonthRow(ref, len(month_scores), round(mean, 2), implied, rating, score)))
        return Part(counted, tuple(rated), run, tuple(rows))

    def _add(self, cadre_id: int, part: Part, sign: int) -> None:
        for uid, year, rating in part.counted:
            counter = self.counts.setdefault((uid, year), Counter())
            counter[rating] += sign
            if counter[rating] == 0:
                del counter[rating]
            if not counter:
                del self.counts[(uid, year)]
        for year in part.rated_years:
            self.year_rated[year] += sign
            if self.year_rated[year] == 0:
                del self.year_rated[year]
        if sign > 0 and part.run is not None:
            self.runs[cadre_id] = part.run
        elif sign < 0:
            self.runs.pop(cadre_id, None)
        for uid, year, row in part.month_rows:
            rows = self.gaps.setdefault((uid, year), {})
            if sign > 0:
                rows[cadre_id] = row
            else:
                rows.pop(cadre_id, None)
                if not rows:
                    del self.gaps[(uid, year)]
            self._sorted.pop((uid, year), None)

    def gap_rows(self, key: tuple[int, int]) -> list[MonthRow]:
        """A unit-year's rows, most above their months first (sorted once, until a row changes)."""
        if key not in self._sorted:
            self._sorted[key] = sorted(self.gaps[key].values(), key=lambda r: (-r.steps_above, r.cadre.name))
        return self._sorted[key]


def read_all(session: Session, world: World) -> Ledger:
    ledger = Ledger()
    with heap.paused():     # 537,000 evaluations read at 30,000 cadres: no full collection walks them meanwhile
        ledger.read(session, world)
    return ledger


_ledgers: dict[str, Ledger] = {}
lock = threading.Lock()   # held by the caller while it reads a ledger or brings it up to date


def current(session: Session, world: World) -> Ledger | None:
    """The ledger for `world`. The process's worlds (today's, from `world.cached`) share the
    process's ledger, brought up to date from the change log to the world's own stamp (the
    cadres' names and units it records are the world's); any other world (a report on another
    date, a world built by hand) gets a ledger read whole for it. None when the ledger is
    already past `world` (an older world of the process, read while another request patched
    it): ask again with the newer one (`world.newest`). The caller holds `lock`."""
    if world.on != dt.date.today():
        return read_all(session, world)
    key = str(session.get_bind().url)
    ledger = _ledgers.get(key)
    known = ledger is not None and ledger.served.get(id(world)) is world
    # a later world of the chain the ledger followed (patched from one it served)
    follows = ledger is not None and not known and any(world.changes_since(g) is not None for g in ledger.generations)
    if ledger is not None and not known and not follows and 0 <= world.stamp < ledger.stamp:
        return None       # an older world of the process's: the ledger is past it
    if not known and not follows and world_service.cached(session) is not world:
        _log.info("evaluation ledger read whole for a world that is not the process's (generation %s)",
                  world.generation)
        return read_all(session, world)
    # the world's own stamp when it has one (a process's world): the rows read are at least that
    # recent, and the facts that name the cadres are the world's
    counter = world.stamp if world.stamp >= 0 else stamp.current(session)
    if ledger is not None and ledger.stamp > counter and (known or follows):
        return None
    if ledger is not None and not known and not follows and ledger.stamp == counter:
        ledger = None     # a world built again at the same stamp (the cache cleared, a new day): read again
    if ledger is not None and ledger.stamp != counter:
        # the stamp only moves up: one behind the ledger's is another database at that address
        change = changes.since(session, ledger.stamp, counter) if ledger.stamp < counter else None
        if change is None or change.full:
            ledger = None
        else:
            if not change.tables.isdisjoint(READS):
                ledger.read(session, world, change.cadre_ids)
            ledger.stamp = counter
    if ledger is None:
        _log.info("evaluation ledger read whole at stamp %s (%s)", counter,
                  "none held" if key not in _ledgers else "the change log cannot say what moved")
        ledger = read_all(session, world)
        ledger.stamp = counter
    elif ledger.rules_moved(world):
        ledger.params = {}
        ledger.pending = dict.fromkeys(ledger.pending)    # every figure read under other numbers
        ledger.contribute(world, list(ledger.parts))
    ledger.served[id(world)] = world
    ledger.generations.append(world.generation)
    _ledgers[key] = ledger
    return ledger


def held(session: Session) -> bool:
    """This process keeps a ledger for the session's database (a Đánh giá page was read)."""
    return str(session.get_bind().url) in _ledgers


def forget() -> None:
    """Drop the ledgers kept (tests that empty a database)."""
    _ledgers.clear()
