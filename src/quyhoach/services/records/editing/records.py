"""The lists of a cadre's record edited on the dossier — evaluations (a year, a quarter, a
month), confidence votes, disciplines, family relations, and postings corrected — added,
corrected, or withdrawn with a reason (never deleted). A record withdrawn earlier with the
same identity is restored rather than duplicated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db.models import Cadre, ConfidenceVote, Discipline, Evaluation, Posting, Relation, utcnow
from quyhoach.domain import rotation as rules_of_rotation
from quyhoach.services.platform import audit
from quyhoach.services.records.editing.base import (
    ENTITY_OF, RECORD_FIELDS, RECORDS, STORED_COLUMNS, EditError, _cadre, _diff, _entity, _sees_withdrawn, _written,
    check, decision_of, read_row, reason_of,
)
from quyhoach.services.records.editing.posting_rules import _check_posting, _posting_position, rotation_direction
from quyhoach.services.records.importer import LOADERS
from quyhoach.services.records.tabular import SHEETS

def _record(session: Session, kind: str, cadre: Cadre, record_id: int) -> Any:
    found = session.get(RECORDS[kind], record_id)
    if found is None:
        raise EditError("không có bản ghi này trong hồ sơ")
    owner = (found.cadre_id, found.relative_id) if isinstance(found, Relation) else (found.cadre_id,)
    if cadre.id not in owner:
        raise EditError("không có bản ghi này trong hồ sơ")
    return found


def _cadre_codes(session: Session, record: Any) -> tuple[str, ...]:
    if isinstance(record, Relation):
        codes = dict(session.exec(select(Cadre.id, Cadre.code).where(
            Cadre.id.in_([record.cadre_id, record.relative_id]))).all())
        return codes[record.cadre_id], codes[record.relative_id]
    return (session.exec(select(Cadre.code).where(Cadre.id == record.cadre_id)).one(),)


def _fixed(kind: str, cadre: Cadre) -> dict[str, Any]:
    return {"cadre_code": cadre.code}


def _stored(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    return {k: record[k] for k in STORED_COLUMNS[kind] if k in record}


def _same_identity(session: Session, kind: str, values: dict[str, Any], exclude: int | None) -> Any:
    """An existing record the new values would collide with (the import's identity)."""
    model = RECORDS[kind]
    if kind == "relations":
        a, b = values["cadre_id"], values["relative_id"]
        query = select(model).where(sa.or_(sa.and_(model.cadre_id == a, model.relative_id == b),
                                           sa.and_(model.cadre_id == b, model.relative_id == a)))
    else:
        loader = LOADERS[kind](session)
        query = select(model).where(*(getattr(model, k) == values[k] for k in loader.identity_fields))
    for found in session.exec(query):
        if found.id != exclude:
            return found
    return None


@_sees_withdrawn
def add_record(session: Session, kind: str, code: str, form: Mapping[str, Any], *, reason: str,
               act: str | None = None, rotated_from: Posting | None = None) -> Any:
    """A new evaluation, vote, discipline, relation or posting in a cadre's record. A record
    withdrawn earlier with the same identity (the same period, the same pair) is restored
    with the new values rather than duplicated."""
    reason = reason_of(reason)
    act = act or f"{ENTITY_OF[kind]}.add"
    decision = decision_of(form, act)
    cadre = _cadre(session, code)
    if kind == "postings":
        form = _posting_position(session, form)
    row = read_row(SHEETS[kind], form, RECORD_FIELDS[kind], _fixed(kind, cadre))
    record = _stored(kind, check(session, kind, row))
    record.setdefault("cadre_id", cadre.id)
    if kind == "relations":
        record["cadre_id"] = cadre.id
    if kind == "postings":
        _check_posting(session, record, act)
        record.update(decision_no=decision.number, decision_date=decision.date)
        if record.get("kind") == rules_of_rotation.ROTATION and rotated_from is not None:
            record["direction"] = rotation_direction(session, rotated_from, record)
    existing = _same_identity(session, kind, record, None)
    if existing is not None and existing.withdrawn_at is None:
        raise EditError("hồ sơ đã có bản ghi này; hãy sửa bản ghi đó")
    model = RECORDS[kind]
    if existing is not None:
        before = {**audit.snapshot(existing, list(STORED_COLUMNS[kind])), "withdrawn": True}
        for key, value in record.items():
            setattr(existing, key, value)
        existing.withdrawn_at = existing.withdrawn_reason = existing.withdrawn_by = None
        item, action = existing, f"{ENTITY_OF[kind]}.restore"
    else:
        before = {}
        item, action = model(**record), act
    session.add(item)
    session.flush()
    after = {"id": item.id, **audit.snapshot(item, list(STORED_COLUMNS[kind]))}
    if decision.number and kind != "postings":
        after["decision_no"] = decision.number
    _written(session, action, _entity(*_cadre_codes(session, item)), before, after, reason)
    return item


@_sees_withdrawn
def update_record(session: Session, kind: str, code: str, record_id: int, form: Mapping[str, Any], *,
                  reason: str) -> dict[str, Any]:
    """Correct a record of a cadre; returns the fields changed (before → after)."""
    reason = reason_of(reason)
    cadre = _cadre(session, code)
    item = _record(session, kind, cadre, record_id)
    if item.withdrawn_at is not None:
        raise EditError("bản ghi đã bị rút; không sửa được")
    if kind == "relations":
        raise EditError("quan hệ gia đình ghi sai thì rút bản ghi rồi ghi lại")
    fixed = _fixed(kind, cadre)
    if kind == "postings":
        form = _posting_position(session, form)
    row = read_row(SHEETS[kind], form, RECORD_FIELDS[kind], fixed)
    record = _stored(kind, check(session, kind, row))
    if kind == "postings":
        _check_posting(session, record)
        decision = decision_of(form, "posting.update")
        if decision.number:
            record.update(decision_no=decision.number, decision_date=decision.date)
    record.pop("cadre_id", None)
    clash = _same_identity(session, kind, {"cadre_id": item.cadre_id, **record}, item.id)
    if clash is not None:
        raise EditError("sau khi sửa, bản ghi trùng với một bản ghi khác của hồ sơ")
    before, after = _diff(audit.snapshot(item, list(STORED_COLUMNS[kind])), record)
    if not after:
        raise EditError("không có trường nào thay đổi")
    for key in after:
        setattr(item, key, record[key])
    session.add(item)
    _written(session, f"{ENTITY_OF[kind]}.update", _entity(*_cadre_codes(session, item)),
             {"id": item.id, **before}, {"id": item.id, **after}, reason)
    return after


@_sees_withdrawn
def withdraw(session: Session, kind: str, code: str, record_id: int, *, reason: str) -> Any:
    """Withdraw a wrong record: kept, marked with when, why and by whom, out of the facts."""
    reason = reason_of(reason)
    cadre = _cadre(session, code)
    item = _record(session, kind, cadre, record_id)
    if item.withdrawn_at is not None:
        raise EditError("bản ghi này đã được rút trước đó")
    item.withdrawn_at, item.withdrawn_reason, item.withdrawn_by = utcnow(), reason, audit.current_actor()[:120]
    session.add(item)
    _written(session, f"{ENTITY_OF[kind]}.withdraw", _entity(*_cadre_codes(session, item)),
             {"id": item.id, **audit.snapshot(item, list(STORED_COLUMNS[kind]))},
             {"id": item.id, "withdrawn": True}, reason)
    return item


@_sees_withdrawn
def withdrawn_records(session: Session, cadre_id: int) -> dict[str, list[Any]]:
    """The withdrawn records of a cadre, by kind: shown apart in the dossier, never counted."""
    out: dict[str, list[Any]] = {}
    for kind, model in RECORDS.items():
        owner = (sa.or_(model.cadre_id == cadre_id, model.relative_id == cadre_id) if kind == "relations"
                 else model.cadre_id == cadre_id)
        rows = list(session.exec(select(model).where(owner, model.withdrawn_at.is_not(None))
                                 .order_by(model.withdrawn_at)))
        if rows:
            out[kind] = rows
    return out


def active_records(session: Session, cadre_id: int) -> dict[str, list[Any]]:
    """The records a dossier's forms act on, by kind (withdrawn ones left out)."""
    out: dict[str, list[Any]] = {}
    orders = {"postings": Posting.start_date, "evaluations": Evaluation.year, "votes": ConfidenceVote.vote_date,
              "disciplines": Discipline.decision_date, "relations": Relation.id}
    for kind, model in RECORDS.items():
        owner = (sa.or_(model.cadre_id == cadre_id, model.relative_id == cadre_id) if kind == "relations"
                 else model.cadre_id == cadre_id)
        out[kind] = list(session.exec(select(model).where(owner, model.withdrawn_at.is_(None))
                                      .order_by(orders[kind].desc(), model.id.desc())))
    return out
