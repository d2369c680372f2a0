"""What every form of the records shares: the refusal (`EditError`), the reason and the
decision reference an act asks for, a form read by the import's own column readers and
checked by the import's own loader, and a change written with its audit entry (before →
after, field by field) and the data stamp moved.

Services flush; the caller commits once.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, select

from quyhoach.db.engine import including_withdrawn
from quyhoach.db.models import Cadre, ConfidenceVote, Discipline, Evaluation, Posting, Relation
from quyhoach.domain.text import nfc
from quyhoach.services.platform import audit, stamp
from quyhoach.services.records import history as history_words
from quyhoach.services.records.importer import LOADERS
from quyhoach.services.records.tabular import SHEETS, CellError, ParsedRow, Sheet

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
