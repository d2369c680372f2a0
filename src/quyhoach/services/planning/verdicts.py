"""Each pool's judgement kept in the database (`pool_verdict`, issue 15), where every process
sees it: a whole-province check reads the stored verdicts and judges again only the pools
the change log (services.planning.changes) says were touched after the stamp they are
current at. A gap in the log, a change to units, titles, terms or levels, or a rule set
changed judges every pool again.

The pools a change touches are those `world.patch` reads again: the pools written, the pools
of every cadre written or a member of a pool written, and of these cadres' relatives (a
relative's name and titles are facts of the cadre). They are judged on a world holding only
them (`world.build_part`), with the same `judging.judge_pool` the pages use.

A verdict row keeps what did not pass (the findings as `Finding.as_dict`) and the counts;
the passed findings are not kept (they are judged on demand, `quyhoach check` without
--failing).
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db.models import Pool, PoolEntry, PoolVerdict, PoolVerdictStamp, Relation, Term, Title
from quyhoach.domain.findings import ERROR, WARNING, Finding
from quyhoach.domain.phrase import Phrase
from quyhoach.services.planning import changes, judging, world as world_service
from quyhoach.services.platform import stamp

REJUDGE_ALL = 0.3   # a change touching more than this share of the pools judges them all again
TABLE = PoolVerdict.__table__
STAMPS = PoolVerdictStamp.__table__


def row_of(judged: judging.PoolJudgement, term_id: int, on: dt.date, at: int) -> dict[str, Any]:
    """The verdict row of one judgement, judged at data stamp `at`."""
    facts = judged.facts
    failing = [f for f in judged.findings() if not f.passed]
    worst = ERROR if any(f.severity == ERROR for f in failing) else WARNING if failing else ""
    return {
        "pool_id": judged.record.id, "on_date": on, "stamp": at, "title_id": facts.title.id,
        "term_id": term_id, "rule_set": judged.rules.code,
        "passes": not judged.failing_members() and not judged.structure_failures,
        "members": len(facts.members), "failing_members": len(judged.failing_members()),
        "structure_failures": len(judged.structure_failures), "severity": judged.severity_score, "worst": worst,
        "findings": [_stored(f) for f in failing],
        "names": {m.code: m.name for m in facts.members},
    }


def _stored(finding) -> dict[str, Any]:
    """A finding as a verdict keeps it: `as_dict`, and the words of its message (`said`) and of
    its evidence (`evidence_said`), each a Phrase's JSON, for a page in another language than
    Vietnamese."""
    out = finding.as_dict()
    if isinstance(finding.message, Phrase):
        out["said"] = finding.message.to_json()
    if any(isinstance(e, Phrase) for e in finding.evidence):
        out["evidence_said"] = [e.to_json() if isinstance(e, Phrase) else None for e in finding.evidence]
    return out


def finding_of(kept: dict[str, Any], said: tuple[Any, Any] | None) -> Finding:
    """A stored finding as the rules made it: its message and evidence in words again."""
    message, evidence = said or (None, None)
    words = None
    if evidence:
        words = tuple(Phrase.from_json(w) if w else e for e, w in zip(kept["evidence"], evidence, strict=True))
    return Finding.from_dict(kept, message=Phrase.from_json(message) if message else None, evidence=words)


@dataclass
class Refreshed:
    """The stored verdicts brought up to date, and how: `judged` pools judged again
    (`whole`: every pool, the log could not say)."""

    stamp: int
    judged: int
    whole: bool


def affected_pools(session: Session, change: changes.Touched) -> set[int]:
    """The pools whose verdict a change may move (the reading of `world.patch`)."""
    pool_ids = set(change.pool_ids)
    touched = set(change.cadre_ids)
    if pool_ids:
        touched.update(session.exec(select(PoolEntry.cadre_id).where(PoolEntry.pool_id.in_(sorted(pool_ids)))).all())
    if touched:
        ids = sorted(touched)
        touched.update(i for a, b in session.exec(select(Relation.cadre_id, Relation.relative_id).where(
            sa.or_(Relation.cadre_id.in_(ids), Relation.relative_id.in_(ids)))).all() for i in (a, b))
        pool_ids.update(session.exec(select(PoolEntry.pool_id).where(PoolEntry.cadre_id.in_(sorted(touched)))).all())
    return pool_ids


def judge_and_store(session: Session, on: dt.date, at: int, *, pool_ids: Iterable[int] | None = None,
                    unit_ids: Iterable[int] | None = None, world: world_service.World | None = None,
                    org: tuple[int, Any] | None = None) -> int:
    """Judge the pools named (or those of the units named; every pool when neither) as of `on`,
    on a world holding only them, and store their verdicts at stamp `at` (read before the facts,
    so a write meanwhile is judged again by the next refresh). A `world` given (a web process's,
    current at `at`) is judged instead, its judgements kept with it. The caller commits; the
    number of pools judged is returned."""
    if world is not None:
        wanted = set(world.pools) if pool_ids is None else set(pool_ids)
        if unit_ids is not None:
            units = set(unit_ids)
            wanted = {i for i in wanted if i in world.pools and world.pools[i].facts.title.unit_id in units}
        gone = set(wanted) if pool_ids is not None or unit_ids is not None else None
        if gone is None:
            session.connection().execute(sa.delete(TABLE).where(TABLE.c.on_date == on))
        elif gone:
            session.connection().execute(sa.delete(TABLE).where(TABLE.c.on_date == on,
                                                                TABLE.c.pool_id.in_(sorted(gone))))
        judged_world = world
        chosen = [i for i in sorted(wanted) if i in world.pools]
    elif pool_ids is None and unit_ids is None:
        judged_world = world_service.build(session, on)
        session.connection().execute(sa.delete(TABLE).where(TABLE.c.on_date == on))
        chosen = list(judged_world.pools)
    else:
        # `org`: (stamp, a function giving `world.organisation` read at that stamp), for many parts
        # to read the organisation once; used only while that stamp is the one judged at
        structure = org[1]() if org is not None and org[0] == at else None
        judged_world = world_service.build_part(session, on, pool_ids=pool_ids, unit_ids=unit_ids, org=structure)
        gone = set(pool_ids or ()) | set(judged_world.pools)
        if gone:
            session.connection().execute(sa.delete(TABLE).where(TABLE.c.on_date == on,
                                                                TABLE.c.pool_id.in_(sorted(gone))))
        chosen = list(judged_world.pools)
    # each pool's row made and written in batches as the pools are judged, the judgements let go
    # (a web process's world too: its pages read the stored verdicts, and judge only the pool a
    # page shows): memory is a batch's, not every pool's findings
    done, batch = 0, []
    with judging.bulk():
        for judged in judging.each(judged_world, chosen, on):
            batch.append(row_of(judged, judged_world.term_ids[judged.facts.term.code], on, at))
            if len(batch) == 2000:
                session.connection().execute(sa.insert(TABLE), batch)
                done, batch = done + len(batch), []
    if batch:
        session.connection().execute(sa.insert(TABLE), batch)
    return done + len(batch)


def refresh(session: Session, on: dt.date, *, unit_ids: Iterable[int] | None = None,
            world: world_service.World | None = None, org: tuple[int, Any] | None = None) -> Refreshed:
    """Bring the stored verdicts for `on` up to date with the data (the caller commits): of every
    pool, or of the pools of the units named (a part of the spread check). The pools to judge
    again are judged on `world` when it is current (a web process's, `world.stamp`), else on a
    world read for them."""
    now = stamp.current(session)
    if world is not None and (world.stamp != now or world.on != on):
        world = None
    scope = None if unit_ids is None else set(unit_ids)
    pools = select(Pool.id)
    if scope is not None:
        pools = pools.join(Title, Title.id == Pool.title_id).where(Title.unit_id.in_(sorted(scope)))
    in_scope = set(session.exec(pools).all())
    where = [TABLE.c.on_date == on] + ([] if scope is None else [TABLE.c.pool_id.in_(sorted(in_scope))])
    low, count = session.connection().execute(sa.select(sa.func.min(TABLE.c.stamp), sa.func.count()).where(*where)).one()
    every = session.connection().execute(sa.select(STAMPS.c.stamp).where(STAMPS.c.on_date == on)).scalar()
    if low is not None and every is not None:
        low = max(low, every)    # every verdict of the date is current at `every`, each at its own stamp
    change = changes.since(session, low, now) if count and low is not None and count >= len(in_scope) else None
    if change is not None and low == now:
        return Refreshed(now, 0, False)
    pool_ids = set() if change is None or change.full or change.rules else affected_pools(session, change)
    if change is None or change.full or change.rules or len(pool_ids & in_scope) > REJUDGE_ALL * len(in_scope):
        judged = judge_and_store(session, on, now, unit_ids=scope, world=world, org=org)
        if scope is None:
            _prune(session, now)
        return Refreshed(now, judged, True)
    if scope is not None:
        pool_ids &= in_scope
    judged = judge_and_store(session, on, now, pool_ids=pool_ids, world=world, org=org) if pool_ids else 0
    if scope is None:
        _current_at(session, on, now)     # one row moved, not the stamp of every verdict
    else:
        session.connection().execute(sa.update(TABLE).where(*where, TABLE.c.stamp < now).values(stamp=now))
    return Refreshed(now, judged, False)


def _current_at(session: Session, on: dt.date, now: int) -> None:
    """Every verdict of `on` is current at `now` (two processes inserting at once: the key refuses
    the second, `refresh_and_commit` tries again)."""
    connection = session.connection()
    if not connection.execute(sa.update(STAMPS).where(STAMPS.c.on_date == on).values(stamp=now)).rowcount:
        connection.execute(sa.insert(STAMPS).values(on_date=on, stamp=now))


def _prune(session: Session, now: int) -> None:
    """Verdicts older than the change log reaches can only be judged again whole: gone (those
    of a date whose verdicts are all current at a later stamp are kept)."""
    connection = session.connection()
    recent = sa.select(STAMPS.c.on_date).where(STAMPS.c.stamp >= now - changes.KEEP)
    connection.execute(sa.delete(TABLE).where(TABLE.c.stamp < now - changes.KEEP, TABLE.c.on_date.not_in(recent)))
    connection.execute(sa.delete(STAMPS).where(STAMPS.c.stamp < now - changes.KEEP))


VerdictRow = namedtuple("VerdictRow", [c.name for c in TABLE.c])   # type: ignore[misc]
TitleRow = namedtuple("TitleRow", "code name rank unit_id")
TermRow = namedtuple("TermRow", "code name")


@dataclass
class Verdict:
    """A stored verdict with its pool's title and term, as `quyhoach check` prints it (plain
    tuples read through the connection: a province has thousands)."""

    row: VerdictRow
    title: TitleRow
    term: TermRow
    said: tuple = ()     # each finding's words (message, evidence: Phrase JSON or None), kept apart from what the CLI prints

    @property
    def key(self) -> str:
        return f"{self.title.code}@{self.term.code}"


def stored(session: Session, on: dt.date, *, unit_ids: set[int] | None = None, title_code: str | None = None,
           term_code: str | None = None, pool_ids: Iterable[int] | None = None) -> list[Verdict]:
    """The stored verdicts for `on` (call `refresh` first), worst first as `judging.judge_all`."""
    query = (sa.select(*TABLE.c, Title.code, Title.name, Title.rank, Title.unit_id, Term.code, Term.name)
             .join(Title, Title.id == TABLE.c.title_id).join(Term, Term.id == TABLE.c.term_id)
             .join(Pool, Pool.id == TABLE.c.pool_id)
             .where(TABLE.c.on_date == on).order_by(TABLE.c.pool_id))
    if title_code:
        query = query.where(Title.code == title_code)
    if term_code:
        query = query.where(Term.code == term_code)
    if pool_ids is not None:
        query = query.where(TABLE.c.pool_id.in_(sorted(pool_ids)))
    n = len(TABLE.c)
    found = [_verdict(r, n) for r in session.connection().execute(query).all() if unit_ids is None or r[n + 3] in unit_ids]
    found.sort(key=lambda v: (-v.row.severity, -v.title.rank, v.title.code))
    return found


def _verdict(r, n: int) -> Verdict:
    row = VerdictRow(*r[:n])
    said = tuple((f.pop("said", None), f.pop("evidence_said", None)) for f in row.findings)
    return Verdict(row, TitleRow(*r[n:n + 4]), TermRow(*r[n + 4:]), said)


def refresh_and_commit(session: Session, on: dt.date, *, unit_ids: Iterable[int] | None = None,
                       world: world_service.World | None = None, org: tuple[int, Any] | None = None) -> Refreshed:
    """`refresh`, committed. Two processes storing the same pools at once: the second to commit
    is refused (the key) and tries again, reading what the first stored."""
    for attempt in (1, 2):
        try:
            done = refresh(session, on, unit_ids=unit_ids, world=world, org=org)
            session.commit()
            return done
        except sa.exc.IntegrityError:
            session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def current(session: Session, on: dt.date, **filters: Any) -> list[Verdict]:
    """The verdicts for `on`, brought up to date and stored (committed) first."""
    refresh_and_commit(session, on)
    return stored(session, on, **filters)


# --------------------------------------------------------------------------- read by the pages

@dataclass(frozen=True)
class PoolFactsRef:
    title: Any      # TitleFact
    term: Any       # TermFact


@dataclass(frozen=True)
class PoolRef:
    id: int


class StoredJudgement:
    """A stored verdict read as the pages read a judgement (`judging.PoolJudgement`): the pool,
    its title and term, its members, who does not qualify and why, what the pool lacks, and
    its severity; nothing judged again. The findings are read when a page shows them (the
    list shows 20 of ~700)."""

    def __init__(self, verdict: Verdict, world: world_service.World) -> None:
        self.row = verdict.row
        self.said = verdict.said
        self.record = PoolRef(verdict.row.pool_id)
        self.facts = PoolFactsRef(world.titles[verdict.row.title_id], world.terms[verdict.row.term_id])
        self.severity_score = verdict.row.severity

    @cached_property
    def findings(self) -> list[Finding]:
        """What did not pass, in the order judged (the pool's structure, then each member's)."""
        said = self.said or (None,) * len(self.row.findings)
        return [finding_of(f, words) for f, words in zip(self.row.findings, said, strict=True)]

    @cached_property
    def _split(self) -> tuple[list[Finding], dict[str, list[Finding]]]:
        codes = set(self.row.names)
        failing: dict[str, list[Finding]] = {}
        for f in self.findings:
            if f.subject in codes and f.blocking:
                failing.setdefault(f.subject, []).append(f)
        return [f for f in self.findings if f.subject not in codes], failing

    @property
    def structure_failures(self) -> list[Finding]:
        return self._split[0]

    def failing_members(self) -> dict[str, list[Finding]]:
        return self._split[1]

    @property
    def depth(self) -> int:
        """Members who meet every rule (the forecast's successors for the title and term)."""
        return int(self.row.members) - int(self.row.failing_members)

    @property
    def passes(self) -> bool:
        return bool(self.row.passes)

    @property
    def member_count(self) -> int:
        return int(self.row.members)

    @property
    def member_keys(self) -> set[str]:
        return set(self.row.names)

    def member_name(self, key: str) -> str:
        return str(self.row.names.get(key, key))


def worst_first(j: StoredJudgement) -> tuple:
    """The order of the lists of pools (`judging.worst_first`, the pool's id apart ties)."""
    return (-j.severity_score, -j.facts.title.rank, j.facts.title.code, j.record.id)


@dataclass
class _Held:
    generation: int                           # the world they were read for
    by_pool: dict[int, StoredJudgement]
    ordered: list[StoredJudgement]            # worst first


def judgements(session: Session, world: world_service.World) -> list[StoredJudgement]:
    """Every pool's stored verdict for the world's date, worst first, read as judgements (the
    dashboard, the home page's failing pools, the review, the forecast's successors). Brought
    up to date first (committed), judging only what the change log says moved, on `world` when
    it is current; read once per world, and after a patch only for the pools it read again (the
    others' verdicts are those of the same facts), the list kept in order, not sorted again."""
    key = ("stored-verdicts",)
    if key not in world.memo:
        refresh_and_commit(session, world.on, world=world)
        held: _Held | None = world.memo.get(("stored-by-pool",))
        changed = world.changes_since(held.generation) if held is not None else None
        fresh = [] if changed is not None and not changed.pools else stored(
            session, world.on, pool_ids=None if changed is None else changed.pools)
        made = [StoredJudgement(v, world) for v in fresh if v.row.pool_id in world.pools
                and v.row.title_id in world.titles and v.row.term_id in world.terms]
        if held is None or changed is None:
            by_pool = {j.record.id: j for j in made}
            ordered = sorted(made, key=worst_first)
        else:
            by_pool = {i: j for i, j in held.by_pool.items() if i not in changed.pools}
            by_pool.update((j.record.id, j) for j in made)
            ordered = world_service.merged(held.ordered, changed.pools, made, key=worst_first, ident=_pool_id)
        world.memo[("stored-by-pool",)] = _Held(world.generation, by_pool, ordered)
        world.memo[key] = ordered
    return world.memo[key]


def current_by_pool(session: Session, world: world_service.World) -> dict[int, StoredJudgement]:
    """Each pool's stored verdict for the world (`judgements`, by pool id)."""
    judgements(session, world)
    return world.memo[("stored-by-pool",)].by_pool


def _pool_id(j: StoredJudgement) -> int:
    return j.record.id


def selection(session: Session, world: world_service.World, key: tuple,
              wanted: Callable[[StoredJudgement], bool]) -> list[StoredJudgement]:
    """The stored verdicts `wanted` keeps (the failing pools of some units...), worst first:
    kept in the world's memo under `key` (its first part registered in MEMO_READS by the
    caller) and, after a patch, brought up to date from the pools it read again."""
    judged = judgements(session, world)
    held = world.memo.get(key)
    if held is not None and held[0] == world.generation:
        return held[1]
    changed = world.changes_since(held[0]) if held is not None else None
    if changed is None:
        chosen = [j for j in judged if wanted(j)]
    else:
        by_pool = current_by_pool(session, world)
        fresh = [by_pool[i] for i in changed.pools if i in by_pool and wanted(by_pool[i])]
        chosen = world_service.merged(held[1], changed.pools, fresh, key=worst_first, ident=_pool_id)
    world.memo[key] = (world.generation, chosen)
    return chosen


# carried over by every patch, brought up to date with what it changed (`World.changes_since`)
world_service.MEMO_READS["stored-by-pool"] = frozenset()


def after_write(session: Session, world: world_service.World) -> None:
    """The stored verdicts of today brought up to date by the request that wrote, judged on its
    new world (the pools the write touched), when there are stored verdicts to keep."""
    if session.connection().execute(sa.select(TABLE.c.pool_id).where(TABLE.c.on_date == world.on).limit(1)).first():
        judgements(session, world)


world_service.AFTER_WRITE.append(after_write)
