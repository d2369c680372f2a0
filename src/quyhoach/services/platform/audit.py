"""The audit trail (QĐ 114: every step of cadre work is recorded): who, when, what,
before and after, and the reason. Entries form a hash chain — each entry's hash covers its
content and the previous entry's hash — so an edited, inserted or deleted entry shows.

Every service that writes calls `record` in the same transaction as the change, so the
change and its record land together or not at all. The actor comes from the request (the
signed-in user) or the command line.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any
from collections.abc import Iterator

import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db.models import AuditEntry, AuditHead, utcnow

_actor: contextvars.ContextVar[str] = contextvars.ContextVar("quyhoach_actor", default="hệ thống")


def set_actor(actor: str) -> contextvars.Token:
    return _actor.set(actor)


def current_actor() -> str:
    return _actor.get()


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _digest(prev_hash: str, seq: int, at: dt.datetime, actor: str, action: str, entity: str,
            before: dict, after: dict, reason: str, *, canonical: bool = False) -> str:
    """`canonical`: before and after are canonical already (record_many), which saves
    doing it twice; the digest is the same."""
    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    if not canonical:
        before, after = _canonical(before), _canonical(after)
    body = json.dumps([prev_hash, seq, at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
                       actor, action, entity, before, after, reason],
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def record(session: Session, action: str, entity: str = "", *, before: dict | None = None,
           after: dict | None = None, reason: str = "", actor: str | None = None) -> AuditEntry:
    """Append one entry, in the caller's transaction."""
    # Taking the head row first serialises concurrent writers (a row lock on PostgreSQL,
    # the write lock on SQLite), so the chain never forks.
    updated = session.execute(sa.update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
    if updated.rowcount == 0:
        session.add(AuditHead(id=1, seq=1, last_hash=""))
        session.flush()
    head = session.exec(select(AuditHead).where(AuditHead.id == 1)).one()
    session.refresh(head)
    entry = AuditEntry(seq=head.seq, at=utcnow(), actor=(actor or current_actor())[:120], action=action[:60],
                       entity=entity[:200], before=_canonical(before or {}), after=_canonical(after or {}),
                       reason=(reason or "")[:1000], prev_hash=head.last_hash, hash="")
    entry.hash = _digest(entry.prev_hash, entry.seq, entry.at, entry.actor, entry.action, entry.entity,
                         entry.before, entry.after, entry.reason)
    head.last_hash = entry.hash
    session.add(head)
    session.add(entry)
    session.flush()
    return entry


def record_many(session: Session, items: list[tuple[str, str, dict | None, dict | None]], *, reason: str = "",
                actor: str | None = None) -> int:
    """Append one entry per (action, entity, before, after), in the caller's transaction,
    chained exactly as `record` chains them; for an import's thousands of records in one go
    (the head row is taken once, the entries inserted in bulk). Returns how many."""
    if not items:
        return 0
    count = len(items)
    updated = session.execute(sa.update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + count))
    if updated.rowcount == 0:
        session.add(AuditHead(id=1, seq=count, last_hash=""))
        session.flush()
    head = session.exec(select(AuditHead).where(AuditHead.id == 1)).one()
    session.refresh(head)
    who, why, at = (actor or current_actor())[:120], (reason or "")[:1000], utcnow()
    prev, seq = head.last_hash, head.seq - count
    rows = []
    for action, entity, before, after in items:
        seq += 1
        before_, after_ = _canonical(before or {}), _canonical(after or {})
        digest = _digest(prev, seq, at, who, action[:60], entity[:200], before_, after_, why, canonical=True)
        rows.append({"seq": seq, "at": at, "actor": who, "action": action[:60], "entity": entity[:200],
                     "before": before_, "after": after_, "reason": why, "prev_hash": prev, "hash": digest})
        prev = digest
    head.last_hash = prev
    session.add(head)
    table = AuditEntry.__table__  # Core executemany: the ORM's bulk path costs more than the rows
    for start in range(0, len(rows), 2000):
        session.execute(table.insert(), rows[start:start + 2000])
    session.flush()
    return count


@dataclass
class Verification:
    entries: int
    broken_at: int | None = None      # seq of the first entry that does not verify
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(session: Session) -> Verification:
    """Walk the chain from the first entry: every hash recomputed, every link checked."""
    prev, count, expected_seq = "", 0, 1
    for entry in session.exec(select(AuditEntry).order_by(AuditEntry.seq)):
        count += 1
        if entry.seq != expected_seq:
            return Verification(count, expected_seq, f"thiếu mục số {expected_seq} (mục bị xóa)")
        if entry.prev_hash != prev:
            return Verification(count, entry.seq, f"mục {entry.seq} không nối với mục trước (bị chèn hoặc sửa)")
        digest = _digest(entry.prev_hash, entry.seq, entry.at, entry.actor, entry.action, entry.entity,
                         entry.before, entry.after, entry.reason)
        if digest != entry.hash:
            return Verification(count, entry.seq, f"nội dung mục {entry.seq} đã bị sửa")
        prev, expected_seq = entry.hash, expected_seq + 1
    head = session.exec(select(AuditHead).where(AuditHead.id == 1)).one_or_none()
    if head is not None and count and head.last_hash != prev:
        return Verification(count, head.seq, "mục cuối cùng của nhật ký đã bị xóa")
    return Verification(count)


def about(subject: str) -> sa.ColumnElement[bool]:
    """Entries about `subject` ("cadre:CB00001") and what belongs to it
    ("cadre:CB00001/evaluations"), not about another subject that merely starts the same
    ("cadre:CB000011")."""
    return sa.or_(AuditEntry.entity == subject,
                  sa.func.substr(AuditEntry.entity, 1, len(subject) + 1) == subject + "/")


def entries(session: Session, *, actor: str = "", action: str = "", entity: str = "",
            since: dt.date | None = None, until: dt.date | None = None, limit: int = 100,
            offset: int = 0, subjects: list[str] | None = None,
            where: sa.ColumnElement[bool] | None = None) -> tuple[int, list[AuditEntry]]:
    """Entries newest first, filtered. `subjects`: entries about any of them (see `about`);
    `where`: any further condition the caller builds (e.g. the cadres of a unit)."""
    query = select(AuditEntry)
    if subjects is not None:
        query = query.where(sa.or_(sa.false(), *(about(s) for s in subjects)))
    if where is not None:
        query = query.where(where)
    if actor:
        query = query.where(AuditEntry.actor.contains(actor))
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    if entity:
        query = query.where(AuditEntry.entity.contains(entity))
    if since:
        query = query.where(AuditEntry.at >= dt.datetime.combine(since, dt.time(), dt.UTC))
    if until:
        query = query.where(AuditEntry.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC))
    total = session.exec(select(sa.func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(AuditEntry.seq.desc()).offset(offset).limit(limit)).all()
    return total, list(rows)


def snapshot(obj: Any, fields: Iterator[str] | list[str] | None = None) -> dict[str, Any]:
    """The fields of a record, for before/after."""
    data = obj.model_dump() if hasattr(obj, "model_dump") else dict(obj)
    if fields is not None:
        data = {k: data.get(k) for k in fields}
    return _canonical(data)
