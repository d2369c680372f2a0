"""The planning change log: which cadres and pools each write transaction changed.

Every session is watched (SQLAlchemy events, registered once on import of the planning
package), so no service or handler can forget to say what it touched:

- after each flush, the rows added, changed or deleted are mapped to the cadres and pools
  whose planning facts they feed (a rating → its cadre; a pool entry → its cadre and pool;
  a unit, title, term or level → "rebuild whole"; a rule set → "judge again");
- bulk statements (`session.execute(update(...))`, `insert(...)` with rows) are read the same
  way, from their parameters or their `WHERE id = …`; one whose rows cannot be told marks the
  change "whole";
- before the commit, the data stamp is moved (if no service did) and one `PlanningChange`
  row records the stamp moved from and to, with the ids.

A process holding the planning world at stamp S reads the rows from S to the current stamp
(`since`); a complete chain lets it re-read only those cadres and pools
(`world.cached`); a gap (a write by a process without this module, a stamp moved by hand) or
a "whole" change makes it rebuild, as before. Over-reporting (an id touched then rolled back
in a savepoint) costs a re-read, never a wrong fact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, SQLModel

from quyhoach.db import bulk, outside_writes
from quyhoach.db.models import (
    Cadre, ConfidenceVote, DataStamp, Discipline, Evaluation, Level, PlanningChange, PoliticalConclusion, Pool,
    PoolEntry, Posting, Proposal, Relation, RuleSet, Term, Title, Unit,
)

_KEY = "quyhoach.planning_changes"
COMMITTED = "quyhoach.planning_committed"
KEEP = 5000            # change rows kept behind the current stamp (a process further behind rebuilds)

# table -> the columns naming the cadres whose facts a row of it feeds
CADRE_COLUMNS: dict[str, tuple[str, ...]] = {
    Posting.__tablename__: ("cadre_id",), Evaluation.__tablename__: ("cadre_id",),
    ConfidenceVote.__tablename__: ("cadre_id",), Discipline.__tablename__: ("cadre_id",),
    PoliticalConclusion.__tablename__: ("cadre_id",), Proposal.__tablename__: ("cadre_id",),
    Relation.__tablename__: ("cadre_id", "relative_id"), PoolEntry.__tablename__: ("cadre_id",),
}
STRUCTURE = {Unit.__tablename__, Title.__tablename__, Term.__tablename__, Level.__tablename__}
CADRE = Cadre.__tablename__
POOL = Pool.__tablename__
RULES = RuleSet.__tablename__
STAMP = DataStamp.__tablename__
WATCHED = {*CADRE_COLUMNS, *STRUCTURE, CADRE, POOL, RULES}




@event.listens_for(SQLModel.metadata, "after_create")
def _watch_outside_writes(_metadata, connection, **_kw) -> None:
    """A schema made from the models (the tests, a fresh database) gets the triggers that log
    writes made outside the app, as migration 0019 gives an upgraded one."""
    outside_writes.install(connection, WATCHED)


@dataclass
class Touched:
    """What a transaction has touched so far (or what a chain of changes touched)."""

    cadre_ids: set[int] = field(default_factory=set)
    pool_ids: set[int] = field(default_factory=set)
    tables: set[str] = field(default_factory=set)
    full: bool = False
    rules: bool = False
    bumps: int = 0          # data stamp increments made in this transaction
    stamp_created: bool = False

    def __bool__(self) -> bool:
        return bool(self.cadre_ids or self.pool_ids or self.full or self.rules or self.bumps or self.stamp_created)

    def merge(self, other: Touched) -> None:
        self.cadre_ids |= other.cadre_ids
        self.pool_ids |= other.pool_ids
        self.tables |= other.tables
        self.full = self.full or other.full
        self.rules = self.rules or other.rules


def _state(session: OrmSession) -> Touched:
    found = session.info.get(_KEY)
    if found is None:
        found = session.info[_KEY] = Touched()
    return found


def touched(session: OrmSession, *, cadre_ids=(), pool_ids=(), full: bool = False, rules: bool = False) -> None:
    """Say by hand what a write touched (for writes the events cannot see, e.g. raw SQL)."""
    state = _state(session)
    state.cadre_ids.update(int(i) for i in cadre_ids)
    state.pool_ids.update(int(i) for i in pool_ids)
    state.full = state.full or full
    state.rules = state.rules or rules


def _note_row(state: Touched, table: str, values: dict) -> bool:
    """Record one row's ids; False when the row does not say which cadre or pool it is."""
    state.tables.add(table)
    if table in STRUCTURE:
        state.full = True
    elif table == RULES:
        state.rules = True
    elif table == CADRE:
        if values.get("id") is None:
            return False
        state.cadre_ids.add(int(values["id"]))
    elif table == POOL:
        if values.get("id") is None:
            return False
        state.pool_ids.add(int(values["id"]))
    elif table in CADRE_COLUMNS:
        ids = [values.get(c) for c in CADRE_COLUMNS[table]]
        if any(i is None for i in ids):
            return False
        state.cadre_ids.update(int(i) for i in ids)
        if table == PoolEntry.__tablename__:
            if values.get("pool_id") is None:
                return False
            state.pool_ids.add(int(values["pool_id"]))
    return True


def _object_values(obj) -> list[dict]:
    """The object's ids now and before this flush (a rating moved to another cadre touches both)."""
    insp = sa.inspect(obj)
    now, before = {}, {}
    for column in ("id", "cadre_id", "relative_id", "pool_id"):
        if column not in insp.mapper.columns:
            continue
        history = insp.attrs[column].history
        now[column] = insp.dict[column] if column in insp.dict else getattr(obj, column)
        before[column] = history.deleted[0] if history.deleted else now[column]
    return [now] if now == before else [now, before]


@event.listens_for(OrmSession, "before_flush")
def _before_flush(session: OrmSession, _context, _instances) -> None:
    """Rows about to be deleted: their ids read now, while the row is still there to load."""
    state = _state(session)
    for obj in list(session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in WATCHED:
            for values in _object_values(obj):
                if not _note_row(state, table, values):
                    state.full = True


@event.listens_for(OrmSession, "after_flush")
def _after_flush(session: OrmSession, _context) -> None:
    """Rows added or changed: their ids (a new row has its id now) before and after."""
    state = _state(session)
    for obj in [*session.new, *session.dirty]:
        table = getattr(obj, "__tablename__", None)
        if table == STAMP and obj in session.new:
            state.stamp_created = True
        if table not in WATCHED:
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        for values in _object_values(obj):
            if not _note_row(state, table, values):
                state.full = True


def _id_columns(table: sa.Table) -> list[sa.Column]:
    names = CADRE_COLUMNS.get(table.name, ()) + (("pool_id",) if table.name == PoolEntry.__tablename__ else ())
    return [table.c.id, *(table.c[n] for n in names)]


def _rows_matched(execute_state: ORMExecuteState, table: sa.Table, where) -> list[dict]:
    """The ids of the rows a bulk statement is about to change, read before it runs."""
    columns = _id_columns(table)
    found = execute_state.session.connection().execute(sa.select(*columns).where(where)).all()
    return [dict(zip([c.name for c in columns], row, strict=True)) for row in found]


@event.listens_for(OrmSession, "do_orm_execute")
def _bulk(execute_state: ORMExecuteState) -> None:
    if not (execute_state.is_update or execute_state.is_delete or execute_state.is_insert):
        return
    statement = execute_state.statement
    table = getattr(statement, "table", None)
    if not isinstance(table, sa.Table):
        return
    state = _state(execute_state.session)
    if table.name == STAMP:
        state.bumps += 1 if execute_state.is_update else 0
        state.stamp_created = state.stamp_created or execute_state.is_insert or execute_state.is_delete
        return
    if table.name not in WATCHED:
        return
    if table.name in STRUCTURE or table.name == RULES:
        _note_row(state, table.name, {})
        return
    params = execute_state.parameters
    rows = [dict(r) for r in (params if isinstance(params, list) else [params] if params else [])]
    unknown = [r["id"] for r in rows if not _note_row(state, table.name, r) and r.get("id") is not None]
    if unknown:           # a bulk UPDATE by primary key: the rows' cadres, read before it runs
        rows_before = _rows_matched(execute_state, table, table.c.id.in_(unknown))
        if len(rows_before) < len(set(unknown)) or not all(_note_row(state, table.name, r) for r in rows_before):
            state.full = True
    if any(r.get("id") is None and not _note_row(state, table.name, r) for r in rows):
        state.full = True
    where = getattr(statement, "whereclause", None)
    if not rows and where is not None and (execute_state.is_update or execute_state.is_delete):
        # UPDATE/DELETE … WHERE: the rows it matches now; the values it sets must not move a row to
        # another cadre or pool unseen
        moved = {c.key if hasattr(c, "key") else str(c) for c in getattr(statement, "_values", None) or {}}
        if moved & {"cadre_id", "relative_id", "pool_id"}:
            state.full = True
        for row in _rows_matched(execute_state, table, where):
            _note_row(state, table.name, row)
    elif not rows and where is None and not execute_state.is_insert:
        state.full = True     # every row of the table
    state.tables.add(table.name)


def _copied(session: OrmSession, table: str, rows: list[dict]) -> None:
    """Rows written by COPY (db/bulk.py: an import on PostgreSQL), which the execute events
    do not see: read like a bulk INSERT's parameters."""
    if table not in WATCHED:
        return
    state = _state(session)
    state.tables.add(table)
    if table in STRUCTURE or table == RULES:
        _note_row(state, table, {})
    elif not all([_note_row(state, table, r) for r in rows]):
        state.full = True


bulk.observers.append(_copied)


@event.listens_for(OrmSession, "before_commit")
def _before_commit(session: OrmSession) -> None:
    session.flush()   # the rows pending now are part of this change
    state = session.info.get(_KEY)
    if not state:
        return
    connection = session.connection()
    if state.bumps == 0 and not state.stamp_created:
        moved = connection.execute(sa.update(DataStamp.__table__).where(DataStamp.__table__.c.id == 1)
                                   .values(counter=DataStamp.__table__.c.counter + 1))
        if moved.rowcount == 0:
            return   # no stamp yet (an empty database): the next reader builds from scratch
        state.bumps = 1
    counter = connection.execute(sa.select(DataStamp.__table__.c.counter).where(DataStamp.__table__.c.id == 1)).scalar()
    if counter is None:
        return
    table = PlanningChange.__table__
    connection.execute(sa.insert(table).values(
        # a stamp created in this transaction starts at random: nothing before it chains on
        stamp_from=-1 if state.stamp_created else counter - state.bumps, stamp_to=counter,
        full=state.full or state.stamp_created, rules=state.rules, cadre_ids=sorted(state.cadre_ids),
        pool_ids=sorted(state.pool_ids), tables=sorted(state.tables)))
    if counter % 100 == 0:
        connection.execute(sa.delete(table).where(table.c.stamp_to < counter - KEEP))
    session.info.pop(_KEY, None)
    session.info[COMMITTED] = counter


def committed(session: OrmSession) -> int | None:
    """The data stamp of the last planning change this session committed (once: the call
    forgets it), or None when it committed none since the last call."""
    return session.info.pop(COMMITTED, None)


@event.listens_for(OrmSession, "after_transaction_end")
def _forget(session: OrmSession, transaction) -> None:
    if transaction.parent is None:     # the outermost transaction ended: committed or rolled back
        session.info.pop(_KEY, None)


def since(session: Session, start: int, end: int) -> Touched | None:
    """Everything changed between two stamps, or None when the chain has a gap (or the log
    was pruned) and only a rebuild can be trusted."""
    if end < start:
        return None
    table = PlanningChange.__table__
    rows = session.connection().execute(
        sa.select(table.c.stamp_from, table.c.stamp_to, table.c.full, table.c.rules, table.c.cadre_ids,
                  table.c.pool_ids, table.c.tables)
        .where(table.c.stamp_to > start, table.c.stamp_to <= end).order_by(table.c.stamp_to)).all()
    out, at = Touched(), start
    for stamp_from, stamp_to, full, rules, cadre_ids, pool_ids, tables in rows:
        if stamp_from != at:
            return None
        out.merge(Touched(set(cadre_ids), set(pool_ids), set(tables), full, rules))
        at = stamp_to
    return out if at == end else None
