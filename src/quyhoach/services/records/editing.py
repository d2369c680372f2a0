"""Records edited in the app: a cadre's fields, postings (appoint, move, close, correct),
evaluations, confidence votes, disciplines, family relations, units and titles (rename,
merge, close).

Every form is read with the import's own column readers (`tabular.Column.read`) and checked
by the import's own loader (`importer.LOADERS[kind].check`): the app accepts in a form
exactly what it accepts in a file. Every change needs a reason (and, for an act that has
one, the decision reference), is audited field by field — before → after — with the actor
of the request (`audit.current_actor()`), and moves the data stamp so the planning pages
judge again. A wrong record is withdrawn with a reason, never deleted: it stays in the
history and leaves the facts the rules read.

Services flush; the caller commits once.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from quyhoach.db.models import (
    AuditEntry, Cadre, ConfidenceVote, Discipline, Evaluation, Level, Posting, Relation, RuleSet, Title, Unit,
    utcnow,
)
from quyhoach.db.engine import including_withdrawn
from quyhoach.domain import rotation as rules_of_rotation
from quyhoach.domain.dates import add_months, format_date
from quyhoach.domain.text import nfc
from quyhoach.services.platform import audit, stamp
from quyhoach.services.records import history as history_words
from quyhoach.services.records.importer import LOADERS
from quyhoach.services.records.tabular import DOSSIER_2C_FIELDS, SHEETS, CellError, ParsedRow, Sheet

MIN_REASON, MAX_REASON = 5, 500


class EditError(ValueError):
    """A change refused: the message, and the problem of each form field (by column key)."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


# The records a dossier edits: the import list that checks them, and their table.
RECORDS: dict[str, type[SQLModel]] = {
    "postings": Posting, "evaluations": Evaluation, "votes": ConfidenceVote, "disciplines": Discipline,
    "relations": Relation,
}
# The fields of a record that a form edits (besides the cadre), by import column.
RECORD_FIELDS: dict[str, tuple[str, ...]] = {
    "postings": ("unit_code", "title_code", "position", "start_date", "end_date", "is_concurrent", "kind",
                 "planned_end"),
    "evaluations": ("period", "year", "period_no", "rating", "score", "unit_code", "note"),
    "votes": ("vote_date", "body", "convened", "present", "high", "normal", "low"),
    "disciplines": ("level", "decision_date", "effective_to", "decision_no", "authority", "reason"),
    "relations": ("relative_code", "kind"),
}
# The cadre's own fields a form edits (the current post is edited as postings).
CADRE_FIELDS = tuple(c.key for c in SHEETS["cadres"].columns
                     if c.key not in ("code", "unit_code", "position", "title_code", "position_since"))
# The stored columns those fields become (compared before → after).
CADRE_COLUMNS = ("full_name", "other_names", "birth_date", "sex", "ethnicity_code", "religion", "hometown",
                 "hometown_unit_id", "birthplace", "party_entry_date", "party_official_date", "education",
                 "theory_level", "state_mgmt_level", "foreign_language", "it_level", "note", *DOSSIER_2C_FIELDS)
STORED_COLUMNS: dict[str, tuple[str, ...]] = {
    "postings": ("unit_id", "title_id", "position", "start_date", "end_date", "is_concurrent", "kind", "planned_end",
                 "direction", "decision_no", "decision_date"),
    "evaluations": ("period", "year", "period_no", "rating", "score", "unit_id", "note"),
    "votes": ("vote_date", "body", "convened", "present", "high", "normal", "low"),
    "disciplines": ("level", "decision_date", "effective_to", "decision_no", "authority", "reason"),
    "relations": ("cadre_id", "relative_id", "kind"),
}
# The acts that have a decision, whose number the form must give.
NEEDS_DECISION = {"posting.appoint", "posting.move", "posting.close", "discipline.add", "unit.merge", "unit.close",
                  "title.merge", "title.close"}
ENTITY_OF = {"postings": "posting", "evaluations": "evaluation", "votes": "vote", "disciplines": "discipline",
             "relations": "relation"}


# --------------------------------------------------------------------------- reading a form

_T = TypeVar("_T")


def _sees_withdrawn(fn: Callable[..., _T]) -> Callable[..., _T]:
    """The editing acts on withdrawn records too (restores, refuses twice, lists them):
    their queries see what every other reader leaves out (db.engine._hide_withdrawn)."""
    @functools.wraps(fn)
    def wrapper(session: Session, *args: Any, **kwargs: Any) -> _T:
        with including_withdrawn(session):
            return fn(session, *args, **kwargs)
    return wrapper


def reason_of(text: str | None) -> str:
    reason = nfc(text or "") or ""
    if len(reason) < MIN_REASON:
        raise EditError("cần ghi lý do thay đổi (ít nhất 5 ký tự)", {"reason": "bắt buộc"})
    if len(reason) > MAX_REASON:
        raise EditError("lý do dài quá 500 ký tự", {"reason": "quá dài"})
    return reason


@dataclass
class Decision:
    number: str | None = None
    date: dt.date | None = None


def decision_of(form: Mapping[str, Any], act: str) -> Decision:
    """The decision reference of an act (its number and date), read like a file's cells."""
    problems: dict[str, str] = {}
    number = date = None
    try:
        number = SHEETS["disciplines"].column("decision_no").read(form.get("decision_no"))
    except CellError as exc:
        problems["decision_no"] = str(exc)
    try:
        date = SHEETS["disciplines"].column("decision_date").read(form.get("decision_date")) \
            if form.get("decision_date") else None
    except CellError as exc:
        problems["decision_date"] = str(exc)
    if act in NEEDS_DECISION and not number and "decision_no" not in problems:
        problems["decision_no"] = "cần ghi số quyết định"
    if date and date > dt.date.today():
        problems["decision_date"] = "là ngày trong tương lai"
    if problems:
        raise EditError("quyết định chưa đúng", problems)
    return Decision(number, date)


def read_row(sheet: Sheet, form: Mapping[str, Any], keys: tuple[str, ...], fixed: dict[str, Any]) -> ParsedRow:
    """The form's fields read by the import's column readers; a cell that cannot be read is
    reported by field, as the import reports it by column."""
    values: dict[str, Any] = {column.key: None for column in sheet.columns}
    values.update(fixed)
    problems: dict[str, str] = {}
    for key in keys:
        try:
            values[key] = sheet.column(key).read(form.get(key))
        except CellError as exc:
            problems[key] = str(exc)
    if problems:
        raise EditError("có ô chưa đúng", problems)
    return ParsedRow(0, values)


def check(session: Session, kind: str, row: ParsedRow) -> dict[str, Any]:
    """The import's own checks of one row (references, cross-field rules): the record to write."""
    sheet = SHEETS[kind]
    loader = LOADERS[kind](session)
    records = loader.check([row])
    if loader.problems:
        by_header = {c.header: c.key for c in sheet.columns}
        fields = {by_header.get(p.column, p.column): p.message for p in loader.problems}
        raise EditError("; ".join(p.message for p in loader.problems), fields)
    return records[0]


# --------------------------------------------------------------------------- writing

def _plain(value: Any) -> Any:
    return audit.snapshot({"v": value})["v"]


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [k for k in after if _plain(before.get(k)) != _plain(after[k])]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def _entity(*codes: str) -> str:
    """Audit entities of a cadre's records name the cadre ("cadre:CB1"); a relation names
    both cadres, as an import files it (history.relation_entity), so each dossier finds it."""
    if len(codes) == 2:
        return history_words.relation_entity(*codes)
    return history_words.cadre_entity(codes[0])


def _written(session: Session, action: str, entity: str, before: dict, after: dict, reason: str) -> None:
    stamp.bump(session)
    session.flush()
    audit.record(session, action, entity, before=before, after=after, reason=reason)


def _cadre(session: Session, code: str) -> Cadre:
    cadre = session.exec(select(Cadre).where(Cadre.code == code)).one_or_none()
    if cadre is None:
        raise EditError(f"không có cán bộ mã «{code}»")
    return cadre


def update_cadre(session: Session, code: str, form: Mapping[str, Any], *, reason: str) -> dict[str, Any]:
    """Correct the 2C fields of a cadre; returns the fields changed (before → after)."""
    reason = reason_of(reason)
    cadre = _cadre(session, code)
    row = read_row(SHEETS["cadres"], form, CADRE_FIELDS, {"code": cadre.code})
    record = check(session, "cadres", row)
    wanted = {k: record[k] for k in CADRE_COLUMNS}
    before, after = _diff(audit.snapshot(cadre, list(CADRE_COLUMNS)), wanted)
    if not after:
        raise EditError("không có trường nào thay đổi")
    for key in after:
        setattr(cadre, key, wanted[key])
    cadre.search_text, cadre.sort_key = record["search_text"], record["sort_key"]
    cadre.updated_at = utcnow()
    session.add(cadre)
    _written(session, "cadre.update", _entity(code), before, after, reason)
    return after


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


def _posting_position(session: Session, form: Mapping[str, Any]) -> dict[str, Any]:
    """A posting to a title may leave the position empty: the title's name is written."""
    data = dict(form)
    if not (data.get("position") or "").strip() and data.get("title_code"):
        name = session.exec(select(Title.name).where(Title.code == str(data["title_code"]).strip())).first()
        if name:
            data["position"] = name
    return data


# The kinds of move a form may record for each act (vocab.MOVE_KIND; RULES.md §9).
ACT_KINDS = {
    "posting.appoint": (rules_of_rotation.APPOINTMENT,),
    "posting.move": (rules_of_rotation.ROTATION, rules_of_rotation.TRANSFER, rules_of_rotation.SECONDMENT),
}
# A secondment lasts at most this many months (Luật Cán bộ, công chức), as domain.rotation.planned_end.
SECONDMENT_MAX_MONTHS = 36


def rotation_params(session: Session, on: dt.date) -> dict[str, Any]:
    """The parameters of the rotation rule set in force on a day (R8's minimum tenure...);
    empty when none is stored (the domain's defaults apply)."""
    row = session.exec(select(RuleSet).where(
        RuleSet.domain == "rotation", RuleSet.valid_from <= on,
        sa.or_(RuleSet.valid_to.is_(None), RuleSet.valid_to >= on)).order_by(RuleSet.valid_from.desc())).first()
    return dict(row.params) if row is not None else {}


def rotation_months(session: Session, on: dt.date) -> int:
    return int(rules_of_rotation.param(rotation_params(session, on), "rotation_min_tenure_months"))


def _check_kind(session: Session, record: dict[str, Any], act: str | None) -> None:
    """The kind of a posting and its planned end: an appointment is a bổ nhiệm, a move a
    luân chuyển, điều động or biệt phái; a rotation is planned for at least the rule set's
    minimum tenure (R8, 36 months), a secondment for at most 36 months. Left empty, the
    planned end is the rule's own (the start plus those months)."""
    kind, start, planned = record.get("kind"), record["start_date"], record.get("planned_end")
    allowed = ACT_KINDS.get(act or "")
    if allowed is not None:
        if kind is None and len(allowed) == 1:
            kind = record["kind"] = allowed[0]
        if kind not in allowed:
            raise EditError("cần chọn hình thức luân chuyển, điều động hoặc biệt phái" if len(allowed) > 1
                            else "bổ nhiệm ghi hình thức «Bổ nhiệm»", {"kind": "không hợp lệ"})
    if kind not in (rules_of_rotation.ROTATION, rules_of_rotation.SECONDMENT):
        if planned is not None:
            raise EditError("chỉ luân chuyển và biệt phái có ngày dự kiến kết thúc", {"planned_end": "bỏ trống"})
        return
    if planned is None:
        record["planned_end"] = rules_of_rotation.planned_end(kind, start, rotation_params(session, start))
        return
    if kind == rules_of_rotation.ROTATION:
        months = rotation_months(session, start)
        earliest = add_months(start, months)
        if planned < earliest:
            raise EditError(f"luân chuyển kéo dài ít nhất {months} tháng: dự kiến đến ngày {format_date(earliest)} "
                            "trở đi", {"planned_end": f"từ {format_date(earliest)} trở đi"})
    else:
        latest = add_months(start, SECONDMENT_MAX_MONTHS)
        if planned > latest:
            raise EditError(f"biệt phái không quá {SECONDMENT_MAX_MONTHS} tháng: dự kiến đến ngày {format_date(latest)} "
                            "là muộn nhất", {"planned_end": f"muộn nhất {format_date(latest)}"})


def _check_posting(session: Session, record: dict[str, Any], act: str | None = None) -> None:
    _check_title(session, record)
    _check_kind(session, record, act)


def _check_title(session: Session, record: dict[str, Any]) -> None:
    if record.get("title_id") is not None:
        title = session.get(Title, record["title_id"])
        if title.unit_id != record["unit_id"]:
            raise EditError("chức danh không thuộc đơn vị đã chọn", {"title_code": "không thuộc đơn vị"})
        if not title.active:
            raise EditError("chức danh đã thôi sử dụng", {"title_code": "đã thôi sử dụng"})


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


# --------------------------------------------------------------------------- postings

def _current_posts(session: Session, cadre: Cadre) -> list[Posting]:
    return list(session.exec(select(Posting).where(
        Posting.cadre_id == cadre.id, Posting.end_date.is_(None), Posting.withdrawn_at.is_(None),
        Posting.is_concurrent.is_(False))))


def _locality(session: Session, unit_id: int) -> tuple[str | None, int | None]:
    """The level and the territory (tỉnh, xã) a unit belongs to: the unit itself or the
    nearest locality above it."""
    unit = session.get(Unit, unit_id)
    seen: set[int] = set()
    while unit is not None and not unit.is_locality and unit.parent_id is not None and unit.id not in seen:
        seen.add(unit.id)
        unit = session.get(Unit, unit.parent_id)
    if unit is None:
        return None, None
    level = session.exec(select(Level.code).where(Level.id == unit.level_id)).first()
    return level, unit.id


def rotation_direction(session: Session, old: Posting, new: dict[str, Any]) -> str:
    """R3's direction of a rotation, recorded with it: down, up, between localities or
    between agencies (domain.rotation.direction), from the post left to the post taken."""
    (a_level, a_place), (b_level, b_place) = _locality(session, old.unit_id), _locality(session, new["unit_id"])
    ranks = [session.get(Title, t).rank if t is not None else 0 for t in (old.title_id, new.get("title_id"))]
    return rules_of_rotation.direction(a_level, b_level, str(a_place), str(b_place), ranks[0], ranks[1])


def appoint(session: Session, code: str, form: Mapping[str, Any], *, reason: str, move: bool = False) -> Posting:
    """Appoint a cadre to a title or position (bổ nhiệm). A move (điều động, luân chuyển)
    also ends the current main post on the day before the new one starts."""
    act = "posting.move" if move else "posting.appoint"
    decision_of(form, act)  # the decision is refused first, with the other problems after
    cadre = _cadre(session, code)
    closing = _current_posts(session, cadre) if move and not form.get("is_concurrent") else []
    posting = add_record(session, "postings", code, {**form, "end_date": ""}, reason=reason, act=act,
                         rotated_from=closing[0] if closing else None)
    for old in closing:
        end = posting.start_date - dt.timedelta(days=1)
        if end < old.start_date:
            raise EditError("ngày bắt đầu vị trí mới phải sau ngày bắt đầu vị trí cũ", {"start_date": "quá sớm"})
        before = audit.snapshot(old, ["end_date", "decision_no", "decision_date"])
        old.end_date = end
        session.add(old)
        _written(session, "posting.close", _entity(code), {"id": old.id, **before},
                 {"id": old.id, "end_date": end, "by_move_to": posting.id}, reason_of(reason))
    return posting


def close_posting(session: Session, code: str, record_id: int, form: Mapping[str, Any], *, reason: str) -> Posting:
    """End a post (thôi giữ chức vụ, nghỉ hưu, chuyển công tác) on the given day."""
    reason = reason_of(reason)
    decision = decision_of(form, "posting.close")
    cadre = _cadre(session, code)
    posting = _record(session, "postings", cadre, record_id)
    if posting.withdrawn_at is not None or posting.end_date is not None:
        raise EditError("vị trí này đã kết thúc hoặc đã bị rút")
    try:
        end = SHEETS["postings"].column("end_date").read(form.get("end_date"))
    except CellError as exc:
        raise EditError(str(exc), {"end_date": str(exc)}) from None
    if end is None:
        raise EditError("cần ghi ngày kết thúc", {"end_date": "bắt buộc"})
    if end < posting.start_date:
        raise EditError("ngày kết thúc trước ngày bắt đầu", {"end_date": "trước ngày bắt đầu"})
    before = audit.snapshot(posting, ["end_date"])
    posting.end_date = end
    session.add(posting)
    _written(session, "posting.close", _entity(code), {"id": posting.id, **before},
             {"id": posting.id, "end_date": end, "kind": posting.kind, "decision_no": decision.number,
              "decision_date": decision.date}, reason)
    return posting


# --------------------------------------------------------------------------- units and titles

def _unit(session: Session, code: str) -> Unit:
    unit = session.exec(select(Unit).where(Unit.code == code)).one_or_none()
    if unit is None:
        raise EditError(f"không có đơn vị mã «{code}»")
    return unit


def _title(session: Session, code: str) -> Title:
    title = session.exec(select(Title).where(Title.code == code)).one_or_none()
    if title is None:
        raise EditError(f"không có chức danh mã «{code}»")
    return title


def _read(sheet: str, key: str, value: Any) -> Any:
    try:
        return SHEETS[sheet].column(key).read(value)
    except CellError as exc:
        raise EditError(str(exc), {key: str(exc)}) from None


def _effective(form: Mapping[str, Any]) -> dt.date:
    on = _read("postings", "start_date", form.get("on"))
    if on is None:
        raise EditError("cần ghi ngày có hiệu lực", {"on": "bắt buộc"})
    return on


def rename_unit(session: Session, code: str, form: Mapping[str, Any], *, reason: str) -> Unit:
    reason = reason_of(reason)
    unit = _unit(session, code)
    name = _read("units", "name", form.get("name"))
    short = _read("units", "short_name", form.get("short_name"))
    if not name:
        raise EditError("cần ghi tên đơn vị", {"name": "bắt buộc"})
    from quyhoach.domain.text import fold

    before, after = _diff(audit.snapshot(unit, ["name", "short_name"]), {"name": name, "short_name": short})
    if not after:
        raise EditError("không có trường nào thay đổi")
    unit.name, unit.short_name = name, short
    unit.search_text = fold(" ".join(filter(None, (name, short, unit.code))))
    session.add(unit)
    _written(session, "unit.rename", f"unit:{code}", before, after, reason)
    return unit


def _current_in(session: Session, *, unit_id: int | None = None, title_id: int | None = None) -> list[Posting]:
    query = select(Posting).where(Posting.end_date.is_(None), Posting.withdrawn_at.is_(None))
    query = query.where(Posting.unit_id == unit_id) if unit_id is not None else query.where(Posting.title_id == title_id)
    return list(session.exec(query))


def _transfer(session: Session, posts: list[Posting], on: dt.date, decision: Decision, *, unit_id: int,
              title_id: int | None, keep_title: bool) -> int:
    """Posts held in a unit or title that closes by merger: each ends the day before `on` and
    continues in the unit (or title) it merged into, the same position, from `on`."""
    moved = 0
    for old in posts:
        if old.start_date >= on:
            raise EditError("có người nhận chức vụ từ ngày có hiệu lực trở đi; hãy chọn ngày khác")
        old.end_date = on - dt.timedelta(days=1)
        session.add(old)
        session.add(Posting(cadre_id=old.cadre_id, unit_id=unit_id, title_id=old.title_id if keep_title else title_id,
                            position=old.position, start_date=on, is_concurrent=old.is_concurrent,
                            decision_no=decision.number, decision_date=decision.date))
        moved += 1
    return moved


def merge_unit(session: Session, code: str, form: Mapping[str, Any], *, reason: str) -> Unit:
    """Merge a unit into another (the 2025 reform merged communes and provinces): its
    sub-units and titles move to the other, the posts held in it continue there from the
    effective day, and it closes. The history before that day is left as it was."""
    reason = reason_of(reason)
    decision = decision_of(form, "unit.merge")
    unit = _unit(session, code)
    into = _unit(session, (_read("units", "parent_code", form.get("into")) or ""))
    on = _effective(form)
    if into.id == unit.id or not unit.active or not into.active:
        raise EditError("chỉ hợp nhất vào một đơn vị khác đang hoạt động", {"into": "không hợp lệ"})
    ancestor = into
    while ancestor.parent_id is not None:
        if ancestor.parent_id == unit.id:
            raise EditError("không thể hợp nhất vào đơn vị cấp dưới của chính nó", {"into": "là đơn vị cấp dưới"})
        ancestor = session.get(Unit, ancestor.parent_id)
    children = list(session.exec(select(Unit).where(Unit.parent_id == unit.id)))
    titles = list(session.exec(select(Title).where(Title.unit_id == unit.id)))
    moved = _transfer(session, _current_in(session, unit_id=unit.id), on, decision, unit_id=into.id, title_id=None,
                      keep_title=True)
    for child in children:
        child.parent_id = into.id
        session.add(child)
    for title in titles:
        title.unit_id = into.id
        session.add(title)
    unit.active = False
    session.add(unit)
    _written(session, "unit.merge", f"unit:{code}", {"active": True},
             {"active": False, "into": into.code, "on": on, "decision_no": decision.number,
              "decision_date": decision.date, "sub_units": [c.code for c in children],
              "titles": [t.code for t in titles], "posts_moved": moved}, reason)
    return unit


def close_unit(session: Session, code: str, form: Mapping[str, Any], *, reason: str) -> Unit:
    """Close a unit that no longer has anyone working in it nor active sub-units."""
    reason = reason_of(reason)
    decision = decision_of(form, "unit.close")
    unit = _unit(session, code)
    if not unit.active:
        raise EditError("đơn vị đã thôi hoạt động")
    if _current_in(session, unit_id=unit.id):
        raise EditError("đơn vị còn cán bộ đang công tác: kết thúc hoặc điều động họ trước, hoặc hợp nhất đơn vị")
    if session.exec(select(Unit.id).where(Unit.parent_id == unit.id, Unit.active.is_(True))).first() is not None:
        raise EditError("đơn vị còn đơn vị cấp dưới đang hoạt động")
    unit.active = False
    session.add(unit)
    _written(session, "unit.close", f"unit:{code}", {"active": True},
             {"active": False, "decision_no": decision.number, "decision_date": decision.date}, reason)
    return unit


def rename_title(session: Session, code: str, form: Mapping[str, Any], *, reason: str) -> Title:
    reason = reason_of(reason)
    title = _title(session, code)
    name = _read("titles", "name", form.get("name"))
    if not name:
        raise EditError("cần ghi tên chức danh", {"name": "bắt buộc"})
    if name == title.name:
        raise EditError("không có trường nào thay đổi")
    from quyhoach.domain.text import fold

    before = {"name": title.name}
    title.name, title.search_text = name, fold(f"{name} {title.code}")
    session.add(title)
    _written(session, "title.rename", f"title:{code}", before, {"name": name}, reason)
    return title


def close_title(session: Session, code: str, form: Mapping[str, Any], *, reason: str) -> Title:
    reason = reason_of(reason)
    decision = decision_of(form, "title.close")
    title = _title(session, code)
    if not title.active:
        raise EditError("chức danh đã thôi sử dụng")
    if _current_in(session, title_id=title.id):
        raise EditError("chức danh còn người đảm nhiệm: kết thúc hoặc điều động họ trước, hoặc hợp nhất chức danh")
    title.active = False
    session.add(title)
    _written(session, "title.close", f"title:{code}", {"active": True},
             {"active": False, "decision_no": decision.number, "decision_date": decision.date}, reason)
    return title


def merge_title(session: Session, code: str, form: Mapping[str, Any], *, reason: str) -> Title:
    """Merge a title into another: its holders continue in the other from the effective day."""
    reason = reason_of(reason)
    decision = decision_of(form, "title.merge")
    title = _title(session, code)
    into = _title(session, _read("titles", "code", form.get("into")) or "")
    on = _effective(form)
    if into.id == title.id or not title.active or not into.active:
        raise EditError("chỉ hợp nhất vào một chức danh khác đang sử dụng", {"into": "không hợp lệ"})
    moved = _transfer(session, _current_in(session, title_id=title.id), on, decision, unit_id=into.unit_id,
                      title_id=into.id, keep_title=False)
    title.active = False
    session.add(title)
    _written(session, "title.merge", f"title:{code}", {"active": True},
             {"active": False, "into": into.code, "on": on, "decision_no": decision.number,
              "decision_date": decision.date, "posts_moved": moved}, reason)
    return title


# --------------------------------------------------------------------------- history

@dataclass
class Change:
    field: str
    before: Any
    after: Any


@dataclass
class HistoryEntry:
    at: dt.datetime
    actor: str
    action: str
    reason: str
    changes: list[Change] = field(default_factory=list)
    created: bool = False   # a record written anew: its values, no before



def history(session: Session, code: str, limit: int = 200) -> list[HistoryEntry]:
    """The audit entries of a cadre's records, newest first, field by field: the edits, the
    imports' rows, and the family relations filed under the other cadre too."""
    rows = session.exec(
        select(AuditEntry).where(history_words.about_cadre(code)).order_by(AuditEntry.seq.desc()).limit(limit)
    ).all()
    out = []
    for row in rows:
        before, after = row.before or {}, row.after or {}
        # the cadre the dossier is about goes without saying (an import's rows name it)
        obvious = {"id"} | ({"full_name"} if not row.action.startswith("cadre") else set())
        keys = [k for k in dict.fromkeys([*before, *after]) if k not in obvious
                and not (k == "cadre_code" and after.get(k) == code and before.get(k) in (None, code))]
        sheet = history_words.sheet_of(row.action)   # an import's row: its values in the list's words
        changes = [Change(k, _said(sheet, k, before.get(k)), _said(sheet, k, after.get(k))) for k in keys]
        out.append(HistoryEntry(row.at, row.actor, row.action, row.reason, changes, created=not before))
    return out


def _said(sheet: Any, key: str, value: Any) -> Any:
    """A value an import wrote, in the words of its list (labels, dd/mm/yyyy, 99,5)."""
    if sheet is None or value is None or value == "":
        return value
    return history_words.words(next((c for c in sheet.columns if c.key == key), None), value)


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
