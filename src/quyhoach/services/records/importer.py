"""Import lists from spreadsheets: every row checked, every problem reported by row and
column, then everything written or nothing.

`run` never commits: the caller (a web handler or a CLI command) commits once when
the result has no problems, and rolls back otherwise. A dry run checks the same way
and writes nothing.

Nothing is lost silently. A row about a record that exists changes only the columns the
file has, and only where a cell is filled: an empty cell, or a column the file does not
have, leaves the value as it is. To empty a value on purpose, write `(xóa)` in the cell
(CLEAR_MARKER). The check lists, per record, each field that will change (before → after,
in words), the records that will be created, and likely duplicates (same name and birth
date under another code); the write records one audit entry per record it touches with
those fields before and after, and one entry for the import as a whole.

Here: the check and the plan (match, merge, compare) and the write's one transaction
step (`_apply`). Each list's loader (its references, its checks across fields, its write)
is in a module of its own: load_units, load_cadres, load_postings, load_evaluations,
load_votes, load_disciplines, load_conclusions, load_family, load_pools (their common part
in loading).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any
from collections.abc import Callable

from sqlmodel import Session, select

from quyhoach.db.engine import including_withdrawn
from quyhoach.db.models import Cadre, Posting, Title
from quyhoach.domain import vocab
from quyhoach.domain.dates import format_date
from quyhoach.domain.phrase import Phrase
from quyhoach.domain.text import fold
from quyhoach.services.records import history
from quyhoach.services.platform import audit, heap, stamp
from quyhoach.services.records.load_cadres import CadreLoader
from quyhoach.services.records.load_conclusions import ConclusionLoader
from quyhoach.services.records.load_disciplines import DisciplineLoader
from quyhoach.services.records.load_evaluations import EvaluationLoader
from quyhoach.services.records.load_family import RelationLoader
from quyhoach.services.records.load_pools import PoolLoader
from quyhoach.services.records.load_postings import PostingLoader
from quyhoach.services.records.load_units import TitleLoader, UnitLoader
from quyhoach.services.records.load_votes import VoteLoader
from quyhoach.services.records.cells import date_words, precision_of
from quyhoach.services.records.loading import FIELD_COLUMNS, NOT_COMPARED, Loader, among
from quyhoach.services.records.tabular import (
    SHEETS, Column, ParsedRow, Problem, ReadInfo, ReadOptions, RowValues, Sheet, Table, parse, read_table,
)

LOADERS: dict[str, Callable[[Session], Loader]] = {
    "units": UnitLoader, "titles": TitleLoader, "cadres": CadreLoader, "postings": PostingLoader,
    "evaluations": EvaluationLoader, "votes": VoteLoader, "disciplines": DisciplineLoader,
    "relations": RelationLoader, "pools": PoolLoader, "conclusions": ConclusionLoader,
}

CLEAR_MARKER = "(xóa)"
PREVIEW_LIMIT = 500  # records listed one by one in the check's preview; the rest are counted


class _Clear:
    """A cell asking to empty its field on purpose (CLEAR_MARKER)."""

    def __repr__(self) -> str:
        return "CLEAR"


CLEAR = _Clear()


_CLEAR_FOLDED = fold(CLEAR_MARKER)


def _is_clear(raw: Any) -> bool:
    # Cheap tests first: this runs on every cell of every file.
    return (isinstance(raw, str) and len(raw) < 16 and "(" in raw
            and fold(raw) == _CLEAR_FOLDED)


@dataclass(frozen=True)
class _PartialColumn(Column):
    """A column read for a partial import: the clear marker reads as CLEAR."""

    def reader(self) -> Callable[[Any], Any]:
        inner = super().reader()

        def read(value: Any) -> Any:
            return CLEAR if _is_clear(value) else inner(value)

        return read


def _partial(sheet: Sheet) -> Sheet:
    """The sheet as a partial import reads it: only the identifying columns must be there
    (the others are required of new records only, which `run` checks), and `(xóa)` reads
    as CLEAR."""
    columns = tuple(
        _PartialColumn(**{**{f.name: getattr(c, f.name) for f in dataclasses.fields(c)},
                          "required": c.required and c.key in sheet.key})
        for c in sheet.columns)
    return dataclasses.replace(sheet, columns=columns)


def _present_columns(sheet: Sheet, table: Table) -> set[str]:
    """The columns the file has, matched by the same reading `parse` does (synonyms and
    all): a header-only probe with every column required names the absent ones."""
    probe = dataclasses.replace(sheet, columns=tuple(dataclasses.replace(c, required=True) for c in sheet.columns))
    _rows, problems = parse(probe, Table(list(table.headers), []))
    absent = {p.column for p in problems if p.row == 1}
    return {c.key for c in sheet.columns if c.header not in absent}


@dataclass
class ImportResult:
    kind: str
    filename: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    written: bool = False
    reading: ReadInfo | None = None  # how the file was read (sheet, encoding, hidden rows...), for the preview
    _plan: _Plan | None = field(default=None, repr=False, compare=False)
    _changes: list[history.RecordChange] | None = field(default=None, repr=False, compare=False)

    @property
    def changes(self) -> list[history.RecordChange]:
        """Per record created or changed, its fields in words (worked out when first asked:
        a large import that nobody previews does not pay for it)."""
        if self._changes is None:
            self._changes = self._plan.changes() if self._plan is not None else []
        return self._changes

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def title(self) -> str:
        return SHEETS[self.kind].title

    @property
    def preview(self) -> list[history.RecordChange]:
        return self.changes[:PREVIEW_LIMIT]

    def message(self) -> str:
        if self.problems:
            rows = len({p.row for p in self.problems if p.row})
            return (f"«{self.filename}»: {len(self.problems)} lỗi ở {rows} dòng; "
                    "chưa ghi gì vào cơ sở dữ liệu. Sửa tệp rồi nhập lại.")
        verb = "sẽ thêm" if self.dry_run else "đã thêm"
        tail = " (kiểm tra thử, chưa ghi)" if self.dry_run else ""
        same = f", không đổi {self.unchanged}" if self.unchanged else ""
        return (f"«{self.filename}»: {self.rows} dòng hợp lệ; {verb} {self.created}, "
                f"cập nhật {self.updated}{same}{tail}.")

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "filename": self.filename, "dry_run": self.dry_run,
            "rows": self.rows, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "written": self.written,
            "problems": [{"row": p.row, "column": p.column, "letter": p.letter, "message": p.message, "value": p.value}
                         for p in self.problems],
            "warnings": [{"row": p.row, "column": p.column, "message": p.message} for p in self.warnings],
            "changes": [{"row": c.row, "action": c.action, "record": c.label,
                         "fields": [{"column": f.label, "before": f.before, "after": f.after} for f in c.fields]}
                        for c in self.changes],
        }


def run(session: Session, kind: str, data: bytes, filename: str, *, dry_run: bool = False,
        scope: set[int] | None = None, options: ReadOptions | None = None) -> ImportResult:
    """Check a file of `kind` and, unless dry_run or anything is wrong, write it (flush only).
    A row is matched to the record it updates even when that record was withdrawn."""
    with including_withdrawn(session), heap.paused():
        return _run(session, kind, data, filename, dry_run=dry_run, scope=scope, options=options)


def _run(session: Session, kind: str, data: bytes, filename: str, *, dry_run: bool = False,
         scope: set[int] | None = None, options: ReadOptions | None = None) -> ImportResult:
    """Check a file of `kind` and, unless dry_run or anything is wrong, write it (flush only).

    `scope`: the units a user is limited to; every row must then concern a cadre working
    in them now (or, for cadres, a post in them), and the lists of units, titles and
    relations are for province-wide officers only."""
    sheet = SHEETS[kind]
    result = ImportResult(kind, filename, dry_run)
    if scope is not None and kind in ("units", "titles", "relations"):
        result.problems.append(Problem(0, "", f"danh sách «{sheet.title}» chỉ do cán bộ cấp tỉnh nhập"))
        return result
    table = read_table(data, filename, sheet, options)
    rows, problems = parse(_partial(sheet), table)
    result.reading = table.info
    result.problems.extend(problems)
    if rows:
        _apply(session, sheet, rows, _present_columns(sheet, table), result, scope=scope, letter_of=table.letter_of)
    return result


def run_rows(session: Session, kind: str, rows: list[ParsedRow], filename: str, present: set[str], *,
             dry_run: bool = False, scope: set[int] | None = None,
             letter_of: Callable[[str], str] | None = None) -> ImportResult:
    """The same check and write as `run`, for rows already read (a list that feeds several
    kinds at once, such as a printed trích ngang: services/records/trichngang.py). `present`:
    the columns the rows carry; the others are left as they are."""
    with including_withdrawn(session), heap.paused():
        result = ImportResult(kind, filename, dry_run)
        if rows:
            _apply(session, SHEETS[kind], rows, present, result, scope=scope, letter_of=letter_of or (lambda _h: ""))
        return result


def _apply(session: Session, sheet: Sheet, rows: list[ParsedRow], present: set[str], result: ImportResult, *,
           scope: set[int] | None, letter_of: Callable[[str], str]) -> None:
    kind, filename, dry_run = sheet.kind, result.filename, result.dry_run
    plan = _Plan(session, sheet, rows, present)
    loader, checked = plan.loader, plan.records
    if scope is not None:
        _check_scope(session, loader, plan.rows, checked, scope)
    result.problems.extend(p if p.letter or not p.row else replace(p, letter=letter_of(p.column))
                           for p in [*plan.problems, *loader.problems])
    result.problems.sort(key=lambda p: (p.row, _column_index(sheet, p.column)))
    result.warnings = plan.warnings
    result.rows = len(checked)
    result.created, result.updated, result.unchanged = plan.counts()
    result._plan = plan
    if not result.problems and not dry_run:
        loader.write(checked)
        stamp.bump(session)
        reason = Phrase(audit.IMPORTED, file=filename)     # the app's words: said in the reader's language
        audit.record_many(session, plan.audit_items(), reason=reason)
        audit.record(session, f"import.{kind}", filename, after={
            "rows": result.rows, "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged}, reason=reason)
        session.flush()
        result.written = True


class _Plan:
    """What a file will do: each row matched to the record it updates (merged with that
    record's current values, so what the file leaves out stays) or creates, checked, and
    compared field by field."""

    def __init__(self, session: Session, sheet: Sheet, rows: list[ParsedRow], present: set[str]) -> None:
        self.session, self.sheet, self.present = session, sheet, present
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self._required = [c.key for c in sheet.columns if c.required]
        plain = [self._guarded(_without_clear(r)) for r in rows]
        first = LOADERS[sheet.kind](session)
        first_records = first.check(plain)
        first.load_existing(first_records)
        self.existing_ids: list[int | None] = [first._existing.get(first.identity(r)) for r in first_records]
        self.before_values: dict[int, dict[str, Any]] = {}
        if any(i is not None for i in self.existing_ids):
            from quyhoach.services.records import exporter

            wanted = {i for i in self.existing_ids if i is not None}
            for found in exporter.rows_of(session, sheet.kind, every=True):
                if found.get("id") in wanted:
                    self.before_values[found["id"]] = {c.key: found.get(c.key) for c in sheet.columns}
        self.rows = [self._merge(row, existing) for row, existing in zip(rows, self.existing_ids, strict=True)]
        self._require_for_new(rows)
        self.rows = [self._guarded(row) for row in self.rows]
        if self.before_values or any(_has_clear(r) for r in rows):
            self.loader = LOADERS[sheet.kind](session)
            self.records = self.loader.check(self.rows)
            self.loader.load_existing(self.records)
        else:
            self.loader, self.records = first, first_records
        self.before_records: dict[int, dict[str, Any]] = {}
        if self.before_values:
            judge = LOADERS[sheet.kind](session)
            ids = list(self.before_values)
            olds = judge.check([ParsedRow(0, self.before_values[i]) for i in ids])
            self.before_records = dict(zip(ids, olds, strict=True))
        self._changed: list[dict[str, tuple[Any, Any]] | None] = [self._compare(i) for i in range(len(self.rows))]
        for record, changed in zip(self.records, self._changed, strict=True):
            record["_changed"] = changed
        if sheet.kind == "cadres":
            self._warn_duplicates()

    # -- reading ------------------------------------------------------------------
    def _guarded(self, row: ParsedRow) -> ParsedRow:
        """A required value still missing counts as unreadable, so the loaders' checks
        across fields (which assume the required ones) skip it; its problem is reported."""
        values = row.values
        missing = {key for key in self._required if values.get(key) is None}
        return ParsedRow(row.row, row.values, row.invalid | missing) if missing - row.invalid else row

    def _merge(self, row: ParsedRow, existing: int | None) -> ParsedRow:
        before = self.before_values.get(existing) if existing is not None else None
        if before is None and isinstance(row.values, RowValues) and not _has_clear(row):
            return row  # a new record as read (every column): nothing to merge; 190,000 rows stay one copy
        values: dict[str, Any] = {}
        for column in self.sheet.columns:
            value = row.values.get(column.key)
            if value is CLEAR:
                if column.required or column.key in self.sheet.key:
                    self.problems.append(Problem(row.row, column.header,
                                                 f"cột bắt buộc: không xóa được (bỏ «{CLEAR_MARKER}»)", CLEAR_MARKER))
                value = None
            elif value is None and before is not None and column.key not in row.invalid:
                value = before.get(column.key)
                if self.sheet.kind == "relations" and column.key == "kind" and value \
                        and before.get("cadre_code") != row.values.get("cadre_code"):
                    value = vocab.RELATION_INVERSE.get(value, value)  # the pair stored the other way round
            values[column.key] = value
        if before is not None and self.sheet.kind == "cadres" and row.values.get("title_code") \
                and row.values.get("position") is None and values.get("title_code") != before.get("title_code"):
            values["position"] = None  # a new title without a position: the title's name, not the old post's
        return ParsedRow(row.row, values, row.invalid)

    def _require_for_new(self, rows: list[ParsedRow]) -> None:
        """New records need every required column; existing ones keep what they have."""
        new = [(row, merged) for row, merged, existing in zip(rows, self.rows, self.existing_ids, strict=True)
               if existing is None]
        if not new:
            return
        for column in self.sheet.columns:
            if not column.required or column.key in self.sheet.key:
                continue
            if column.key not in self.present:
                self.problems.append(Problem(1, column.header,
                                             f"thiếu cột bắt buộc (cần khi thêm mới {self.sheet.noun})"))
                continue
            for row, merged in new:
                if merged.values.get(column.key) is None and column.key not in row.invalid \
                        and row.values.get(column.key) is not CLEAR:
                    self.problems.append(Problem(row.row, column.header,
                                                 f"bắt buộc khi thêm mới {self.sheet.noun}, đang để trống"))

    # -- comparing ----------------------------------------------------------------
    def _compare(self, index: int) -> dict[str, tuple[Any, Any]] | None:
        """The columns whose value changes: {key: (before, after)}, in the list's values;
        None for a new record."""
        existing = self.existing_ids[index]
        if existing is None:
            return None
        before_record = self.before_records.get(existing)
        before_values = self.before_values.get(existing)
        if before_record is None or before_values is None:
            return {k: (None, v) for k, v in self.rows[index].values.items() if v is not None}
        after_record = self.records[index]
        changed_keys: set[str] = set()
        for name, after in after_record.items():
            if name in NOT_COMPARED or name == "_changed" or (name.startswith("_") and name not in FIELD_COLUMNS):
                continue
            before = before_record.get(name)
            if name == "_post":
                before, after = tuple(before or (None,) * 4), tuple(after or (None,) * 4)
                for key, old, new in zip(FIELD_COLUMNS[name], before, after, strict=True):
                    if old != new:
                        changed_keys.add(key)
            elif before != after:
                changed_keys.update(FIELD_COLUMNS.get(name, (name,)))
        after_values = self.rows[index].values
        return {k: (before_values.get(k), after_values.get(k)) for k in sorted(changed_keys)
                if any(c.key == k for c in self.sheet.columns)}

    def counts(self) -> tuple[int, int, int]:
        created = sum(1 for c in self._changed if c is None)
        updated = sum(1 for c in self._changed if c)
        return created, updated, len(self._changed) - created - updated

    def _label(self, values: dict[str, Any]) -> str:
        key = " · ".join(history.words(self.sheet.column(k), values.get(k)) for k in self.sheet.key)
        name = values.get("full_name") or values.get("name")
        return f"{key} — {name}" if name and name not in key else key

    def changes(self) -> list[history.RecordChange]:
        out = []
        for row, changed in zip(self.rows, self._changed, strict=True):
            if changed is None:
                fields = [history.FieldChange(c.header, "", history.words(c, _shown(row.values.get(c.key))))
                          for c in self.sheet.columns if row.values.get(c.key) is not None]
                out.append(history.RecordChange(row.row, "create", self._label(row.values), fields))
            elif changed:
                fields = [history.FieldChange(self.sheet.column(k).header,
                                              history.words(self.sheet.column(k), _shown(old)),
                                              history.words(self.sheet.column(k), _shown(new)))
                          for k, (old, new) in changed.items()]
                out.append(history.RecordChange(row.row, "update", self._label(row.values), fields))
        return out

    def audit_items(self) -> list[tuple[str, str, dict | None, dict | None]]:
        """One entry per record touched: the identifying columns and each changed field,
        before and after (a new record: every value it gets)."""
        items: list[tuple[str, str, dict | None, dict | None]] = []
        kind = self.sheet.kind
        for row, changed in zip(self.rows, self._changed, strict=True):
            entity = history.entity_for(kind, row.values)
            ident = {k: row.values.get(k) for k in self.sheet.key}
            if changed is None:
                after = {k: v for k, v in row.values.items() if v is not None}
                items.append((f"{kind}.create", entity, None, after))
            elif changed:
                before = {**ident, **{k: old for k, (old, _new) in changed.items()}}
                after = {**ident, **{k: new for k, (_old, new) in changed.items()}}
                items.append((f"{kind}.update", entity, before, after))
        return items

    def _warn_duplicates(self) -> None:
        """Likely duplicates: the same name and birth date as a cadre under another code,
        in the database or elsewhere in the file."""
        births = sorted({r.values["birth_date"] for r in self.rows if r.values.get("birth_date")})
        known: dict[tuple[str, dt.date], set[str]] = {}
        for where in among(self.session, Cadre.birth_date, births):
            for code, name, birth in self.session.exec(
                    select(Cadre.code, Cadre.full_name, Cadre.birth_date).where(where)):
                known.setdefault((fold(name), birth), set()).add(code)
        in_file: dict[tuple[str, dt.date], list[ParsedRow]] = {}
        for row in self.rows:
            v = row.values
            if not v.get("full_name") or not v.get("birth_date"):
                continue
            person = (fold(v["full_name"]), v["birth_date"])
            in_file.setdefault(person, []).append(row)
            others = sorted(known.get(person, set()) - {v["code"]})
            if others:
                self.warnings.append(Problem(
                    row.row, self.sheet.column("code").header,
                    f"có thể trùng người: «{v['full_name']}», sinh {format_date(v['birth_date'])}, "
                    f"đã có với mã {', '.join(others)}", v["code"] or ""))
        for same in in_file.values():
            codes = sorted({r.values["code"] for r in same})
            if len(codes) > 1:
                for row in same:
                    lines = ", ".join(str(r.row) for r in same if r is not row)
                    self.warnings.append(Problem(
                        row.row, self.sheet.column("code").header,
                        f"có thể trùng người với dòng {lines} của tệp (cùng họ tên và ngày sinh, mã khác)",
                        row.values["code"] or ""))
        self.warnings.sort(key=lambda p: p.row)


def _check_scope(session: Session, loader: Loader, rows: list[ParsedRow], records: list[dict[str, Any]],
                 scope: set[int]) -> None:
    """Rows outside the user's jurisdiction are refused like any other bad row, each with
    its own message: an existing cadre is touched only when one of their current units is
    in scope (a new cadre's post must be), a pool only when its title's unit is, a posting
    or an evaluation only when its unit is."""
    kind = loader.sheet.kind
    cadre_ids = {r["cadre_id"] for r in records if r.get("cadre_id") is not None}
    if kind == "cadres":
        cadre_ids |= {i for i in (loader._existing.get(loader.identity(r)) for r in records) if i is not None}
    current: dict[int, set[int]] = {}
    for where in among(session, Posting.cadre_id, sorted(cadre_ids)):
        for cadre_id, unit_id in session.exec(select(Posting.cadre_id, Posting.unit_id).where(
                where, Posting.end_date.is_(None))):
            current.setdefault(cadre_id, set()).add(unit_id)
    title_units: dict[int, int] = {}
    if kind == "pools":
        wanted = sorted({r["_title_id"] for r in records if r.get("_title_id") is not None})
        for where in among(session, Title.id, wanted):
            title_units.update(session.exec(select(Title.id, Title.unit_id).where(where)).all())

    def outside(cadre_id: int | None) -> bool:
        return cadre_id is not None and not current.get(cadre_id, set()) & scope

    for row, record in zip(rows, records, strict=False):
        if kind == "cadres":
            existing = loader._existing.get(loader.identity(record))
            if outside(existing):
                loader.problem(row, "code", "cán bộ đang công tác ở đơn vị ngoài phạm vi quản lý của tài khoản: "
                                            "không sửa được hồ sơ này")
                continue
            post = record.get("_post")
            if (existing is None or row.values.get("unit_code") or row.values.get("title_code")) \
                    and (post is None or post[0] not in scope):
                loader.problem(row, "unit_code", "đơn vị công tác ngoài phạm vi quản lý của tài khoản")
            continue
        if outside(record.get("cadre_id")):
            loader.problem(row, "cadre_code", "cán bộ không công tác tại đơn vị thuộc phạm vi quản lý của tài khoản")
        elif kind == "pools" and record.get("_title_id") is not None \
                and title_units.get(record["_title_id"]) not in scope:
            loader.problem(row, "title_code", "chức danh thuộc đơn vị ngoài phạm vi quản lý của tài khoản: "
                                              "không thêm được vào nguồn quy hoạch này")
        elif kind == "postings" and record.get("unit_id") is not None and record["unit_id"] not in scope:
            loader.problem(row, "unit_code", "quá trình công tác ở đơn vị ngoài phạm vi quản lý của tài khoản")
        elif kind == "evaluations" and record.get("unit_id") is not None and record["unit_id"] not in scope:
            column = "unit_code" if row.values.get("unit_code") else "cadre_code"
            loader.problem(row, column, "kết quả đánh giá ghi cho đơn vị ngoài phạm vi quản lý của tài khoản")


def _has_clear(row: ParsedRow) -> bool:
    values = row.values
    data = values._data if isinstance(values, RowValues) else tuple(values.values())
    return CLEAR in data  # (in C: CLEAR equals nothing but itself)


def _without_clear(row: ParsedRow) -> ParsedRow:
    """The row with the clear marker read as empty (the row itself when it has none)."""
    if not _has_clear(row):
        return row
    return ParsedRow(row.row, {k: (None if v is CLEAR else v) for k, v in row.values.items()}, row.invalid)


def _shown(value: Any) -> Any:
    """A date known to the month or the year is shown as such ("05/1972", "1968")."""
    return date_words(value) if isinstance(value, dt.date) and precision_of(value) != "day" else value


def _column_index(sheet: Sheet, header: str) -> int:
    for index, column in enumerate(sheet.columns):
        if column.header == header:
            return index
    return -1


