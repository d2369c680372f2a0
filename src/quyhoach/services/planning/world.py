"""The planning world: every fact the rules read, built from the database in a handful
of batched queries (no query per cadre or per pool: `world_facts`), so the whole province can
be judged in well under a second; kept per process (`cached`) and brought up to date after a
write by a patch that reads again only what the change log names.

The rules themselves live in `quyhoach.domain`; this module only gathers facts.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import logging
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db.models import (
    Pool, PoolEntry, Relation, Unit,
)
from quyhoach.domain.facts import (
    CadreFacts, TermFact, TitleFact,
)
from quyhoach.domain.rulesets import RuleSetData
from quyhoach.services.planning import changes, rulesets as rule_service
from quyhoach.services.planning.world_facts import (  # noqa: F401 - PoolRecord and organisation are read through world
    PoolRecord, _cadre_facts, _holdings, _only, _pool_records, _pool_rows, _structure, _Structure, organisation,
)
from quyhoach.services.platform import heap, stamp


@dataclass(frozen=True)
class Changed:
    """What a patch read again: the cadres whose facts are new objects, the pools whose records
    are (added, removed or changed), the titles whose holders are. Everything else is the same
    object in both worlds, so a figure kept per cadre, pool or title is brought up to date by
    looking at these only (`World.changes_since`)."""

    cadres: frozenset[int] = frozenset()
    pools: frozenset[int] = frozenset()
    titles: frozenset[int] = frozenset()

    def __or__(self, other: Changed) -> Changed:
        return Changed(self.cadres | other.cadres, self.pools | other.pools, self.titles | other.titles)


_generations = itertools.count(1)
KEEP_CHANGES = 8      # earlier worlds a world can say what changed since


def merged(items: list, gone: set[int] | frozenset[int], fresh: Iterable, *, key: Callable, ident: Callable) -> list:
    """A list sorted by `key` brought up to date by a patch: the items whose `ident` is in
    `gone` dropped, `fresh` inserted in order (the same list a full sort gives when `key`
    orders every item apart)."""
    out = [x for x in items if ident(x) not in gone]
    for x in fresh:
        bisect.insort(out, x, key=key)
    return out


@dataclass
class World:
    on: dt.date
    units: dict[int, Unit]
    levels: dict[int, str]                 # level id -> level code
    titles: dict[int, TitleFact]
    terms: dict[int, TermFact]
    term_ids: dict[str, int]
    cadres: dict[int, CadreFacts]
    pools: dict[int, PoolRecord]
    rule_sets: list[RuleSetData]
    holders: dict[int, list[tuple[int, dt.date]]]   # title id -> [(cadre id, since)]
    title_of_cadre: dict[int, list[int]]
    title_seats: dict[int, int] = field(default_factory=dict)  # title id -> seats
    # judgements made on this world, kept as long as it is (a world never changes: any
    # write makes a new one)
    memo: dict = field(default_factory=dict)
    stamp: int = -1          # the data stamp it is complete at, when held by `cached` (-1: not known)
    generation: int = field(default_factory=lambda: next(_generations))   # this world, among a process's
    since: dict[int, Changed] = field(default_factory=dict)   # earlier generation -> what changed since

    def changes_since(self, generation: int) -> Changed | None:
        """What changed between the world of `generation` and this one (patches only, the last
        KEEP_CHANGES), or None when not known (a rebuild, or too long ago): recompute whole."""
        if generation == self.generation:
            return Changed()
        return self.since.get(generation)

    def rule_set(self, domain: str, on: dt.date | None = None) -> RuleSetData:
        from quyhoach.domain import rulesets

        # looked up once per domain and date (judging asks it for every pool)
        key = ("rule_set", domain, on or self.on)
        if key not in self.memo:
            self.memo[key] = rulesets.in_force(self.rule_sets, domain, on or self.on)
        return self.memo[key]

    def title_levels(self) -> dict[int, str]:
        return {t.id: t.level for t in self.titles.values()}

    def unit_ancestors(self, unit_id: int | None) -> list[int]:
        chain: list[int] = []
        while unit_id is not None and unit_id not in chain:
            chain.append(unit_id)
            unit_id = self.units[unit_id].parent_id if unit_id in self.units else None
        return chain

    def subtree(self, unit_id: int) -> set[int]:
        return _subtree(((u.id, u.parent_id) for u in self.units.values()), unit_id)


def _subtree(parents: Iterable[tuple[int, int | None]], unit_id: int) -> set[int]:
    """The unit and every unit under it, from (unit, parent) pairs (a cycle ends the walk)."""
    children: dict[int, list[int]] = defaultdict(list)
    for id_, parent in parents:
        if parent is not None:
            children[parent].append(id_)
    found, stack = set(), [unit_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children[current])
    return found


def build(session: Session, on: dt.date | None = None) -> World:
    """Everything the planning rules need, as of `on` (today by default)."""
    on = on or dt.date.today()
    org = _structure(session)
    holders: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
    title_of_cadre: dict[int, list[int]] = defaultdict(list)
    for cadre_id, title_id, start in _holdings(session, on):
        holders[title_id].append((cadre_id, start))
        title_of_cadre[cadre_id].append(title_id)
    cadres = _cadre_facts(session, on, org, title_of_cadre)
    pools = _pool_records(_pool_rows(session), org.titles, org.terms, cadres)
    return World(on=on, units=org.units, levels=org.levels, titles=org.titles, terms=org.terms, term_ids=org.term_ids,
                 cadres=cadres, pools=pools, rule_sets=rule_service.all_rule_sets(session),
                 holders=dict(holders), title_of_cadre=dict(title_of_cadre), title_seats=org.title_seats)


def subtree_of(session: Session, unit_id: int) -> set[int]:
    """The unit and every unit under it, read without building a world."""
    return _subtree(session.exec(select(Unit.id, Unit.parent_id)).all(), unit_id)


def build_part(session: Session, on: dt.date | None = None, *, pool_ids: Iterable[int] | None = None,
               unit_ids: Iterable[int] | None = None, org: _Structure | None = None) -> World:
    """A world holding only some pools (those named, or those of titles in `unit_ids`) and the
    facts of their members: what judging those pools reads, equal to the same pools of `build`
    (the same queries, filtered by cadre). Its `cadres` and `holders` are the members' alone.
    `org`: the organisation (`organisation`) read at the current data stamp, to read it once
    for many parts."""
    on = on or dt.date.today()
    org = org or _structure(session)
    if unit_ids is not None:
        units = set(unit_ids)
        wanted = {t.id for t in org.titles.values() if t.unit_id in units}
        pool_ids = session.exec(select(Pool.id).where(Pool.title_id.in_(sorted(wanted)))).all() if wanted else []
    rows = _pool_rows(session, () if pool_ids is None else pool_ids)
    members = {row[6] for row in rows if row[6] is not None and row[7] == "active"}
    relatives = {i for a, b in session.exec(select(Relation.cadre_id, Relation.relative_id).where(
        Relation.withdrawn_at.is_(None), sa.or_(_only(Relation.cadre_id, members),
                                                _only(Relation.relative_id, members)))).all()
                 for i in (a, b)} if members else set()
    holders: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
    title_of_cadre: dict[int, list[int]] = defaultdict(list)
    for cadre_id, title_id, start in _holdings(session, on, cadre_ids=members | relatives):
        holders[title_id].append((cadre_id, start))
        title_of_cadre[cadre_id].append(title_id)
    cadres = _cadre_facts(session, on, org, title_of_cadre, members) if members else {}
    pools = _pool_records(rows, org.titles, org.terms, cadres)
    return World(on=on, units=org.units, levels=org.levels, titles=org.titles, terms=org.terms, term_ids=org.term_ids,
                 cadres=cadres, pools=pools, rule_sets=rule_service.all_rule_sets(session),
                 holders=dict(holders), title_of_cadre=dict(title_of_cadre), title_seats=org.title_seats)


PATCH_LIMIT = 0.2    # a change touching more than this share of the cadres rebuilds instead

# Figures other services keep in `World.memo` under (kind, ...) keys, and the tables they read:
# a patch carries them over when the change wrote none of those tables. "cadre.name" stands
# for the cadres' codes and names (a corrected birth date leaves it alone).
MEMO_READS: dict[str, frozenset[str]] = {}
POOLS_KEPT = ("pools-kept",)   # the keys of the single pools judged and kept, oldest first (judging.judge_pool)


def _name_of(cadre: CadreFacts | None) -> tuple[str, str] | None:
    return (cadre.code, cadre.name) if cadre is not None else None


def patch(session: Session, world: World, change: changes.Touched) -> World | None:
    """A new world: `world` with the cadres and pools of `change` read again (and what their
    facts feed: relatives, the pools they sit in, the holders of their titles); judgements
    of the pools untouched carried over. None when only a rebuild will do."""
    if change.full:
        return None
    on = world.on
    org = _Structure(world.units, world.levels, world.titles, world.title_seats, world.terms, world.term_ids)
    pool_ids = set(change.pool_ids)
    touched = set(change.cadre_ids)
    for pool_id in pool_ids:   # a pool's status or term feeds its members' pool titles
        if pool_id in world.pools:
            touched.update(world.pools[pool_id].entry_ids)
    if pool_ids:
        touched.update(session.exec(select(PoolEntry.cadre_id).where(PoolEntry.pool_id.in_(sorted(pool_ids)))).all())
    if len(touched) > PATCH_LIMIT * max(len(world.cadres), 1):
        return None

    # holdings of the touched cadres, and the holders of every title they held or hold
    held = _holdings(session, on, cadre_ids=touched)
    title_ids = {t for c in touched for t in world.title_of_cadre.get(c, ())} | {t for _, t, _ in held}
    title_of_cadre = dict(world.title_of_cadre)
    for cadre_id in touched:
        title_of_cadre.pop(cadre_id, None)
    for cadre_id, title_id, _start in held:
        title_of_cadre.setdefault(cadre_id, []).append(title_id)
    holders = dict(world.holders)
    for title_id in title_ids:
        holders.pop(title_id, None)
    for cadre_id, title_id, start in _holdings(session, on, title_ids=title_ids):
        holders.setdefault(title_id, []).append((cadre_id, start))

    # relatives read the touched cadres' names and titles
    related = {i for a, b in session.exec(select(Relation.cadre_id, Relation.relative_id).where(
        Relation.withdrawn_at.is_(None), sa.or_(Relation.cadre_id.in_(sorted(touched)),
                                                Relation.relative_id.in_(sorted(touched))))).all() for i in (a, b)}
    again = touched | related
    fresh = _cadre_facts(session, on, org, title_of_cadre, again)
    cadres = dict(world.cadres)
    for cadre_id in again:
        cadres.pop(cadre_id, None)
    cadres.update(fresh)

    # the pools whose members were read again, and those touched themselves
    for record in world.pools.values():
        if not again.isdisjoint(record.entry_ids):
            pool_ids.add(record.id)
    pools = dict(world.pools)
    for pool_id in pool_ids:
        pools.pop(pool_id, None)
    if pool_ids:
        pools.update(_pool_records(_pool_rows(session, pool_ids), world.titles, world.terms, cadres))

    rule_sets = rule_service.all_rule_sets(session) if change.rules else world.rule_sets
    written = set(change.tables)
    if any(_name_of(world.cadres.get(i)) != _name_of(cadres.get(i)) for i in again):
        written.add("cadre.name")
    memo = {} if change.rules else {
        key: value for key, value in world.memo.items()
        if (key[0] == "pool" and key[1] not in pool_ids) or (key[0] == "qualifying" and key[1] not in again)
        or (key[0] in MEMO_READS and MEMO_READS[key[0]].isdisjoint(written))
    }
    if POOLS_KEPT in world.memo:     # the order of the pool judgements carried (judging.judge_pool)
        memo[POOLS_KEPT] = deque(k for k in world.memo[POOLS_KEPT] if k in memo)
    now = Changed(frozenset(again), frozenset(pool_ids), frozenset(title_ids))
    since = {g: c | now for g, c in sorted(world.since.items())[-(KEEP_CHANGES - 1):]}
    since[world.generation] = now
    return World(on=on, units=world.units, levels=world.levels, titles=world.titles, terms=world.terms,
                 term_ids=world.term_ids, cadres=cadres, pools=pools, rule_sets=rule_sets, holders=holders,
                 title_of_cadre=title_of_cadre, title_seats=world.title_seats, memo=memo, since=since)


@dataclass
class _Snapshot:
    """The world a process holds: complete at data stamp `counter`, and known current at
    `fresh_at` (time.monotonic(): every write committed before it is in the world)."""

    counter: int
    on: dt.date
    world: World
    fresh_at: float


_log = logging.getLogger(__name__)
MAX_STALE = 1.0    # seconds a reader may keep using the last complete world while another request patches it
_cache: dict[str, _Snapshot] = {}
_lock = threading.Lock()
_updating: dict[str, threading.Lock] = {}
# Figures worked out on a new world by the request that wrote (`after_write`), so that no
# reader has to: each takes the session and the world (registered by the services that keep
# them, as MEMO_READS).
AFTER_WRITE: list[Callable[[Session, World], object]] = []


def cached(session: Session, on: dt.date | None = None, *, wait: bool = False) -> World:
    """The world for `on`, current with the data stamp. A process holding an older world
    brings it up to date from the change log (only the cadres and pools written since are
    read again, `patch`); it rebuilds whole only when the log cannot say (a gap, a change to
    the organisation, another day).

    Readers never queue behind a patch: while another request of this process brings the
    world up to date, a reader gets the last complete world, as long as it was known current
    less than `MAX_STALE` ago (so any write it lacks is younger than that); past it, or with
    `wait` (the writer itself, `after_write`), the caller waits for the patch. The new world
    is swapped in whole; nothing a reader holds is changed."""
    on = on or dt.date.today()
    key = str(session.get_bind().url)
    read_at = time.monotonic()          # before the stamp: a write committed earlier is counted
    counter = stamp.current(session)
    with _lock:
        hit = _cache.get(key)
        updating = _updating.setdefault(key, threading.Lock())
    if hit and hit.counter == counter and hit.on == on:
        hit.fresh_at = max(hit.fresh_at, read_at)
        return hit.world
    recent = hit is not None and hit.on == on and hit.counter < counter and read_at - hit.fresh_at <= MAX_STALE
    if wait or not recent:
        updating.acquire()
    elif not updating.acquire(blocking=False):
        return hit.world   # type: ignore[union-attr]   # another request is patching it: the last complete world
    try:
        with _lock:
            hit = _cache.get(key)
        if hit and hit.on == on and (hit.counter == counter or (
                hit.counter > counter and changes.since(session, counter, hit.counter) is not None)):
            return hit.world   # brought up to date meanwhile (to this stamp or, by the log, past it)
        world, rebuilt = None, False
        if hit and hit.on == on and hit.counter < counter:
            change = changes.since(session, hit.counter, counter)
            if change is not None:
                world = patch(session, hit.world, change)
        if world is None:
            started = time.perf_counter()
            world, rebuilt = build(session, on), hit is not None
            _log.info("planning world of %s built whole at stamp %s%s: %.0f ms", on.strftime("%d/%m/%Y"), counter,
                      "" if hit is None else f" (held {hit.counter})", (time.perf_counter() - started) * 1000)
        world.stamp = counter
        with _lock:
            _cache[key] = _Snapshot(counter, on, world, read_at)
        heap.settle(rebuilt=rebuilt)     # the world it replaces may hold cycles: a full collection
        return world
    finally:
        updating.release()


def newest(session: Session, world: World) -> World:
    """The process's current world when `world` is an older one of its chain of patches (a reader
    served the last complete world while another request patched it), else `world` itself:
    for figures kept in one shared place (the Đánh giá ledger), worked out on the newest facts
    rather than read again whole for a world about to be let go."""
    now = cached(session, world.on)
    return now if now is not world and now.changes_since(world.generation) is not None else world


def after_write(session: Session) -> World | None:
    """Called by the request that committed a write, before it answers: the process's world of
    today, if it holds one, brought up to date now (after any patch under way), with the
    figures of `AFTER_WRITE`, so the writer's next page shows the write and the readers find
    it done. A process holding no world leaves it to its first reader."""
    with _lock:
        hit = _cache.get(str(session.get_bind().url))
    if hit is None or hit.on != dt.date.today():
        return None
    world = cached(session, wait=True)
    for work in AFTER_WRITE:
        try:
            work(session, world)
        except Exception:   # the write is committed: a figure not worked out now is left to its first reader
            _log.exception("after a write: %s", getattr(work, "__qualname__", work))
            session.rollback()
    return world


def clear_cache() -> None:
    with _lock:
        _cache.clear()
