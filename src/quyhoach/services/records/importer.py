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
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from quyhoach.db.engine import including_withdrawn
from quyhoach.db.models import (
    Cadre, ConfidenceVote, Discipline, Ethnicity, Evaluation, Level, PoliticalConclusion, Pool, PoolEntry, PoolEvent,
    Posting, Relation, Term, Title, Unit, utcnow,
)
from quyhoach.domain import vocab
from quyhoach.domain.dates import add_months, format_date
from quyhoach.domain.text import fold
from quyhoach.services.records import cadres as cadre_service, history
from quyhoach.services.platform import audit, stamp
from quyhoach.services.records.tabular import (
    DOSSIER_2C_FIELDS,
    SHEETS, Column, ParsedRow, Problem, ReadInfo, ReadOptions, Sheet, Table, parse, precision_of, read_table,
)

CHUNK = 500
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

    def read(self, value: Any) -> Any:
        if _is_clear(value):
            return CLEAR
        return super().read(value)


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
    with including_withdrawn(session):
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
    with including_withdrawn(session):
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
        reason = f"Nhập tệp «{filename}»"
        audit.record_many(session, plan.audit_items(), reason=reason)
        audit.record(session, f"import.{kind}", filename, after={
            "rows": result.rows, "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged}, reason=reason)
        session.flush()
        result.written = True


# Model fields a loader produces, and the column of the list each comes from (the others
# have the column's own key; derived fields such as search_text are not compared).
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "ethnicity_code": ("ethnicity",), "hometown_unit_id": ("hometown_unit_code",), "unit_id": ("unit_code",),
    "title_id": ("title_code",), "cadre_id": ("cadre_code",), "relative_id": ("relative_code",),
    "level_id": ("level",), "_parent_code": ("parent_code",), "added_reason": ("reason",),
    "_post": ("unit_code", "title_code", "position", "position_since"),
}
NOT_COMPARED = frozenset({"updated_at", "created_at", "search_text", "sort_key", "name_key", "status", "id"})
DERIVED = ("search_text", "sort_key", "name_key", "updated_at")


class _Plan:
    """What a file will do: each row matched to the record it updates (merged with that
    record's current values, so what the file leaves out stays) or creates, checked, and
    compared field by field."""

    def __init__(self, session: Session, sheet: Sheet, rows: list[ParsedRow], present: set[str]) -> None:
        self.session, self.sheet, self.present = session, sheet, present
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        plain = [self._guarded(ParsedRow(r.row, {k: (None if v is CLEAR else v) for k, v in r.values.items()},
                                         r.invalid)) for r in rows]
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
        if self.before_values or any(v is CLEAR for r in rows for v in r.values.values()):
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
        missing = {c.key for c in self.sheet.columns if c.required and row.values.get(c.key) is None}
        return ParsedRow(row.row, row.values, row.invalid | missing) if missing - row.invalid else row

    def _merge(self, row: ParsedRow, existing: int | None) -> ParsedRow:
        before = self.before_values.get(existing) if existing is not None else None
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
                fields = [history.FieldChange(c.header, "", history.words(c, row.values.get(c.key)))
                          for c in self.sheet.columns if row.values.get(c.key) is not None]
                out.append(history.RecordChange(row.row, "create", self._label(row.values), fields))
            elif changed:
                fields = [history.FieldChange(self.sheet.column(k).header,
                                              history.words(self.sheet.column(k), old),
                                              history.words(self.sheet.column(k), new))
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
        for chunk in _chunks(births):
            for code, name, birth in self.session.exec(
                    select(Cadre.code, Cadre.full_name, Cadre.birth_date).where(Cadre.birth_date.in_(chunk))):
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
    for chunk in _chunks(sorted(cadre_ids)):
        for cadre_id, unit_id in session.exec(select(Posting.cadre_id, Posting.unit_id).where(
                Posting.cadre_id.in_(chunk), Posting.end_date.is_(None))):
            current.setdefault(cadre_id, set()).add(unit_id)
    title_units: dict[int, int] = {}
    if kind == "pools":
        wanted = sorted({r["_title_id"] for r in records if r.get("_title_id") is not None})
        for chunk in _chunks(wanted):
            title_units.update(session.exec(select(Title.id, Title.unit_id).where(Title.id.in_(chunk))).all())

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


def _column_index(sheet: Sheet, header: str) -> int:
    for index, column in enumerate(sheet.columns):
        if column.header == header:
            return index
    return -1


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class Loader:
    """Resolves references and writes one kind of row. Subclasses fill `check` and `write`."""

    sheet: Sheet
    model: type[SQLModel]

    def __init__(self, session: Session) -> None:
        self.session = session
        self.problems: list[Problem] = []
        self._existing: dict[tuple, int] = {}

    # -- helpers -----------------------------------------------------------------
    def problem(self, row: ParsedRow, key: str, message: str) -> None:
        value = row.values.get(key)
        self.problems.append(Problem(row.row, self.sheet.column(key).header, message,
                                     "" if value is None else str(value)))

    def codes(self, model: type[SQLModel], codes: Iterable[str]) -> dict[str, int]:
        wanted = sorted({c for c in codes if c})
        found: dict[str, int] = {}
        for chunk in _chunks(wanted):
            for code, id_ in self.session.exec(select(model.code, model.id).where(model.code.in_(chunk))):
                found[code] = id_
        return found

    def resolve(self, row: ParsedRow, key: str, mapping: dict[str, int], what: str) -> int | None:
        code = row.values.get(key)
        if code is None:
            return None
        if code not in mapping:
            self.problem(row, key, f"không có {what} mã «{code}» trong cơ sở dữ liệu")
            return None
        return mapping[code]

    # -- the three steps ---------------------------------------------------------
    def check(self, rows: list[ParsedRow]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def identity(self, record: dict[str, Any]) -> tuple:
        raise NotImplementedError

    def load_existing(self, records: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    def plan(self, records: list[dict[str, Any]]) -> tuple[int, int]:
        self.load_existing(records)
        updated = sum(1 for r in records if self.identity(r) in self._existing)
        return len(records) - updated, updated

    def write(self, records: list[dict[str, Any]]) -> None:
        """Insert new rows; update, in existing ones, only the fields that change (an
        unchanged record is not written at all). In bulk."""
        inserts = []
        updates: dict[frozenset[str], list[dict[str, Any]]] = {}
        for record in records:
            values = {k: v for k, v in record.items() if not k.startswith("_")}
            existing = self._existing.get(self.identity(record))
            if existing is None:
                inserts.append(values)
                continue
            fields = self.fields_to_write(record, values)
            if fields:
                update = {k: values[k] for k in fields}
                updates.setdefault(frozenset(update), []).append({**update, "id": existing})
        for chunk in _chunks(inserts, 2000):
            self.session.execute(sa.insert(self.model), chunk)
        for group in updates.values():
            for chunk in _chunks(group, 2000):
                self.session.execute(sa.update(self.model), chunk)

    def fields_to_write(self, record: dict[str, Any], values: dict[str, Any]) -> set[str]:
        """The model fields of an existing record that the file changes (with their derived
        fields); all of them when the change is not known."""
        changed = record.get("_changed")
        if changed is None:
            return set(values)
        keys = set(changed)
        fields = {name for name in values if name not in NOT_COMPARED
                  and set(FIELD_COLUMNS.get(name, (name,))) & keys}
        if fields:
            fields |= {name for name in DERIVED if name in values}
        return fields


class UnitLoader(Loader):
    sheet = SHEETS["units"]
    model = Unit

    def check(self, rows):
        levels = {}
        for level in self.session.exec(select(Level)):
            levels[fold(level.code)] = level.id
            levels[fold(level.name)] = level.id
        in_file = {r.values["code"] for r in rows}
        parents_in_db = self.codes(Unit, (r.values.get("parent_code") for r in rows))
        records = []
        parent_of: dict[str, str | None] = {}
        for row in rows:
            v = row.values
            level_id = levels.get(fold(v["level"] or ""))
            if level_id is None and v["level"] is not None:
                names = ", ".join(sorted({lv.name for lv in self.session.exec(select(Level))}))
                self.problem(row, "level", f"không có cấp «{v['level']}»; các cấp hiện có: {names}")
            parent = v.get("parent_code")
            if parent == v["code"]:
                self.problem(row, "parent_code", "đơn vị không thể là cấp trên của chính nó")
            elif parent and parent not in in_file and parent not in parents_in_db:
                self.problem(row, "parent_code", f"không có đơn vị cấp trên mã «{parent}» trong tệp hay cơ sở dữ liệu")
            parent_of[v["code"]] = parent
            records.append({
                "_row": row, "_parent_code": parent,
                "code": v["code"], "name": v["name"], "short_name": v.get("short_name"),
                "level_id": level_id, "kind": v["kind"], "is_locality": bool(v.get("is_locality")),
                "sort_order": v.get("sort_order") or 0,
                "search_text": fold(" ".join(filter(None, (v["name"], v.get("short_name"), v["code"])))),
            })
        self._check_cycles(records, parent_of)
        return records

    def _check_cycles(self, records, parent_of):
        existing_parent: dict[str, str | None] = {}
        parent_ids = dict(self.session.exec(select(Unit.id, Unit.parent_id)).all())
        code_of = dict(self.session.exec(select(Unit.id, Unit.code)).all())
        for id_, parent_id in parent_ids.items():
            existing_parent[code_of[id_]] = code_of.get(parent_id) if parent_id else None
        graph = {**existing_parent, **parent_of}
        for record in records:
            seen = {record["code"]}
            node = graph.get(record["code"])
            while node:
                if node in seen:
                    self.problem(record["_row"], "parent_code", "quan hệ cấp trên tạo thành vòng lặp")
                    break
                seen.add(node)
                node = graph.get(node)

    def identity(self, record):
        return (record["code"],)

    def load_existing(self, records):
        self._existing = {(c,): i for c, i in self.codes(Unit, (r["code"] for r in records)).items()}

    def write(self, records):
        for record in records:
            record["parent_id"] = None
        super().write([{k: v for k, v in r.items() if k != "parent_id"} for r in records])
        ids = self.codes(Unit, (r["code"] for r in records))
        ids.update(self.codes(Unit, (r["_parent_code"] for r in records)))
        updates = [{"id": ids[r["code"]], "parent_id": ids.get(r["_parent_code"]) if r["_parent_code"] else None}
                   for r in records if r.get("_changed") is None or "parent_code" in r["_changed"]]
        for chunk in _chunks(updates, 2000):
            self.session.execute(sa.update(Unit), chunk)


def _requirements(v: dict[str, Any]) -> dict[str, str | None]:
    """A title's standards (P15); "none" (chưa qua đào tạo) is no requirement."""
    return {key: (v.get(key) if v.get(key) not in (None, "none") else None)
            for key in ("required_theory", "required_state_mgmt", "required_degree")}


class TitleLoader(Loader):
    sheet = SHEETS["titles"]
    model = Title

    def check(self, rows):
        units = self.codes(Unit, (r.values["unit_code"] for r in rows))
        records = []
        for row in rows:
            v = row.values
            unit_id = self.resolve(row, "unit_code", units, "đơn vị")
            if v.get("is_head") and v.get("is_deputy"):
                self.problem(row, "is_deputy", "một chức danh không thể vừa là người đứng đầu vừa là cấp phó")
            records.append({
                "code": v["code"], "unit_id": unit_id, "name": v["name"], "rank": v["rank"],
                "seats": v.get("seats") or 1, "term_kind": v.get("term_kind") or "party",
                "is_head": bool(v.get("is_head")), "is_deputy": bool(v.get("is_deputy")),
                "non_local": bool(v.get("non_local")), "sensitive_sector": v.get("sensitive_sector"),
                "appointing_authority": v.get("appointing_authority"),
                "leadership_role": v.get("leadership_role"),
                **_requirements(v),
                "search_text": fold(f"{v.get('name') or ''} {v.get('code') or ''}"),
            })
            if v.get("rank") is not None and not 0 <= v["rank"] <= 1000:
                self.problem(row, "rank", "thứ bậc phải từ 0 đến 1000")
            if v.get("seats") is not None and not 1 <= v["seats"] <= 50:
                self.problem(row, "seats", "số lượng phải từ 1 đến 50")
        return records

    def identity(self, record):
        return (record["code"],)

    def load_existing(self, records):
        self._existing = {(c,): i for c, i in self.codes(Title, (r["code"] for r in records)).items()}


# Spellings in common use besides the official list's (Mông for Hmông, Khmer...).
ETHNICITY_ALIASES = {"Mông": "08", "H'Mông": "08", "Mèo": "08", "Khmer": "05", "Vân Kiều": "23"}


def _plain(text: str) -> str:
    """Folded, without spaces, hyphens or apostrophes: «Khơ-mú» = «Khơ Mú» = «khomu»."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


class CadreLoader(Loader):
    sheet = SHEETS["cadres"]
    model = Cadre

    def check(self, rows):
        ethnicities: dict[str, str] = {}
        for eth in self.session.exec(select(Ethnicity)):
            for spelling in (eth.code, eth.code.lstrip("0"), eth.name_vi, eth.name_en):
                ethnicities[_plain(spelling)] = eth.code
        for alias, code in ETHNICITY_ALIASES.items():
            ethnicities.setdefault(_plain(alias), code)
        units = self.codes(Unit, [r.values.get("unit_code") for r in rows]
                           + [r.values.get("hometown_unit_code") for r in rows])
        titles: dict[str, tuple[int, int, str]] = {}
        wanted = sorted({r.values["title_code"] for r in rows if r.values.get("title_code")})
        for chunk in _chunks(wanted):
            for code, id_, unit_id, name in self.session.exec(
                select(Title.code, Title.id, Title.unit_id, Title.name).where(Title.code.in_(chunk))
            ):
                titles[code] = (id_, unit_id, name)
        today = dt.date.today()
        records = []
        for row in rows:
            v = row.values
            ethnicity = ethnicities.get(_plain(v["ethnicity"] or ""))
            if ethnicity is None and v["ethnicity"] is not None:
                self.problem(
                    row, "ethnicity", f"«{v['ethnicity']}» không thuộc 54 dân tộc (ghi tên, ví dụ «Thái», hoặc mã 01–54)"
                )
            birth = v["birth_date"]
            if birth and not (add_months(today, -12 * 90) <= birth <= add_months(today, -12 * 16)):
                self.problem(row, "birth_date", "ngày sinh không hợp lý (tuổi phải từ 16 đến 90)")
            for key in ("party_entry_date", "party_official_date", "position_since"):
                day = v.get(key)
                if day and birth and day < add_months(birth, 12 * 16):
                    self.problem(row, key, "trước khi cán bộ đủ 16 tuổi")
                elif day and day > today:
                    self.problem(row, key, "là ngày trong tương lai")
            if v.get("party_entry_date") and v.get("party_official_date") and v["party_official_date"] < v["party_entry_date"]:
                self.problem(row, "party_official_date", "trước ngày vào Đảng")
            hometown_unit_id = self.resolve(row, "hometown_unit_code", units, "đơn vị")
            unit_id = self.resolve(row, "unit_code", units, "đơn vị")
            title_id, position = None, v.get("position")
            if v.get("title_code"):
                if v["title_code"] not in titles:
                    self.problem(row, "title_code", f"không có chức danh mã «{v['title_code']}» trong cơ sở dữ liệu")
                else:
                    title_id, title_unit, title_name = titles[v["title_code"]]
                    position = position or title_name
                    if unit_id is not None and title_unit != unit_id:
                        self.problem(row, "title_code",
                                     f"chức danh «{v['title_code']}» không thuộc đơn vị «{v.get('unit_code')}»")
                    if not v.get("unit_code"):
                        unit_id = title_unit
            has_post = v.get("position") or v.get("title_code") or v.get("position_since")
            if has_post and not (v.get("unit_code") or v.get("title_code")):
                self.problem(row, "unit_code", "có chức vụ nhưng chưa ghi mã đơn vị công tác")
            if v.get("unit_code") and not position:
                self.problem(row, "position", "có đơn vị công tác nhưng chưa ghi chức vụ")
            record = {key: v.get(key) for key in (
                "code", "full_name", "other_names", "birth_date", "sex", "religion", "hometown",
                "birthplace", "party_entry_date", "party_official_date", "education",
                "foreign_language", "it_level", "note", *DOSSIER_2C_FIELDS,
            )}
            record.update(
                birth_date_precision=precision_of(v.get("birth_date")),
                ethnicity_code=ethnicity, hometown_unit_id=hometown_unit_id,
                theory_level=v.get("theory_level") or "none",
                state_mgmt_level=v.get("state_mgmt_level") or "none",
                updated_at=utcnow(),
                _post=(unit_id, title_id, position, v.get("position_since")) if unit_id else None,
                **cadre_service.derived_fields(v["full_name"] or "", v["code"] or ""),
            )
            records.append(record)
        return records

    def identity(self, record):
        return (record["code"],)

    def load_existing(self, records):
        self._existing = {(c,): i for c, i in self.codes(Cadre, (r["code"] for r in records)).items()}

    def write(self, records):
        new = [r for r in records if self.identity(r) not in self._existing]
        now = utcnow()
        for record in new:
            record["created_at"] = now
        super().write(records)
        ids = self.codes(Cadre, (r["code"] for r in records))
        current: dict[int, tuple[int, int | None, int | None, str, dt.date]] = {}
        cadre_ids = sorted(ids.values())
        for chunk in _chunks(cadre_ids):
            for post in self.session.exec(select(Posting).where(
                Posting.cadre_id.in_(chunk), Posting.end_date.is_(None), Posting.is_concurrent.is_(False)
            )):
                current[post.cadre_id] = (post.id, post.unit_id, post.title_id, post.position, post.start_date)
        inserts, updates = [], []
        today = dt.date.today()
        post_columns = set(FIELD_COLUMNS["_post"])
        for record in records:
            if not record["_post"]:
                continue
            if record.get("_changed") is not None and not post_columns & set(record["_changed"]):
                continue  # the post is as it was
            unit_id, title_id, position, since = record["_post"]
            cadre_id = ids[record["code"]]
            held = current.get(cadre_id)
            if held and (held[1], held[2], held[3]) == (unit_id, title_id, position):
                if since and since != held[4]:
                    updates.append({"id": held[0], "start_date": since})
                continue
            start = since or today
            if held:
                # The post changed: the old one ends the day before the new one starts.
                end = max(held[4], start - dt.timedelta(days=1))
                updates.append({"id": held[0], "end_date": end})
            inserts.append({"cadre_id": cadre_id, "unit_id": unit_id, "title_id": title_id,
                            "position": position, "start_date": start, "end_date": None,
                            "is_concurrent": False})
        for chunk in _chunks(updates, 2000):
            self.session.execute(sa.update(Posting), chunk)
        for chunk in _chunks(inserts, 2000):
            self.session.execute(sa.insert(Posting), chunk)


class CadreRowsLoader(Loader):
    """Rows that belong to a cadre (by code) and are identified by some of their fields."""

    def cadre_ids(self, rows: list[ParsedRow]) -> dict[str, int]:
        return self.codes(Cadre, (r.values["cadre_code"] for r in rows))

    def identity(self, record):
        return tuple(record[k] for k in self.identity_fields)

    identity_fields: tuple[str, ...] = ()

    def load_existing(self, records):
        cadre_ids = sorted({r["cadre_id"] for r in records if r["cadre_id"] is not None})
        model = self.model
        columns = [getattr(model, k) for k in self.identity_fields]
        self._existing = {}
        for chunk in _chunks(cadre_ids):
            for found in self.session.exec(select(model.id, *columns).where(model.cadre_id.in_(chunk))):
                self._existing[tuple(found[1:])] = found[0]


class PostingLoader(CadreRowsLoader):
    sheet = SHEETS["postings"]
    model = Posting
    identity_fields = ("cadre_id", "unit_id", "position", "start_date")

    def check(self, rows):
        cadres = self.cadre_ids(rows)
        units = self.codes(Unit, (r.values["unit_code"] for r in rows))
        titles = self.codes(Title, (r.values.get("title_code") for r in rows))
        records = []
        for row in rows:
            v = row.values
            if v.get("end_date") and v.get("start_date") and v["end_date"] < v["start_date"]:
                self.problem(row, "end_date", "ngày kết thúc trước ngày bắt đầu")
            if v.get("planned_end") and v.get("start_date") and v["planned_end"] < v["start_date"]:
                self.problem(row, "planned_end", "ngày dự kiến kết thúc trước ngày bắt đầu")
            records.append({
                "cadre_id": self.resolve(row, "cadre_code", cadres, "cán bộ"),
                "unit_id": self.resolve(row, "unit_code", units, "đơn vị"),
                "title_id": self.resolve(row, "title_code", titles, "chức danh"),
                "position": v["position"], "start_date": v["start_date"], "end_date": v.get("end_date"),
                "is_concurrent": bool(v.get("is_concurrent")),
                "kind": v.get("kind"), "planned_end": v.get("planned_end"),
            })
        return records


class EvaluationLoader(CadreRowsLoader):
    sheet = SHEETS["evaluations"]
    model = Evaluation
    identity_fields = ("cadre_id", "period", "year", "period_no")

    def check(self, rows):
        cadres = self.cadre_ids(rows)
        names: dict[int, str] = {}
        current_unit: dict[int, int] = {}
        ids = sorted(set(cadres.values()))
        for chunk in _chunks(ids):
            names.update(self.session.exec(select(Cadre.id, Cadre.full_name).where(Cadre.id.in_(chunk))).all())
            current_unit.update(self.session.exec(select(Posting.cadre_id, Posting.unit_id).where(
                Posting.cadre_id.in_(chunk), Posting.end_date.is_(None), Posting.is_concurrent.is_(False))).all())
        units = self.codes(Unit, (r.values.get("unit_code") for r in rows))
        this_year = dt.date.today().year
        records = []
        for row in rows:
            v = row.values
            cadre_id = self.resolve(row, "cadre_code", cadres, "cán bộ")
            if cadre_id is not None and v.get("full_name") and fold(v["full_name"]) != fold(names.get(cadre_id)):
                self.problem(row, "full_name", f"không khớp với mã cán bộ: trong cơ sở dữ liệu là «{names[cadre_id]}»")
            period = v.get("period") or "year"
            number = v.get("period_no") or 0
            if period == "quarter" and not 1 <= number <= 4:
                self.problem(row, "period_no", "kỳ quý phải ghi quý từ 1 đến 4")
            elif period == "month" and not 1 <= number <= 12:
                self.problem(row, "period_no", "kỳ tháng phải ghi tháng từ 1 đến 12")
            elif period in ("year", "term") and number:
                self.problem(row, "period_no", "kỳ năm hoặc nhiệm kỳ không ghi quý/tháng")
            if v["year"] is not None and not 1975 <= v["year"] <= this_year:
                self.problem(row, "year", f"năm phải từ 1975 đến {this_year}")
            if v.get("rating") is None and v.get("score") is None and not row.invalid & {"rating", "score"}:
                self.problem(row, "rating", "phải có xếp loại hoặc điểm")
            if v.get("score") is not None and not 0 <= v["score"] <= 100:
                self.problem(row, "score", "điểm phải từ 0 đến 100")
            unit_id = self.resolve(row, "unit_code", units, "đơn vị") if v.get("unit_code") else current_unit.get(cadre_id)
            records.append({
                "cadre_id": cadre_id, "unit_id": unit_id, "period": period, "year": v["year"],
                "period_no": number, "rating": v.get("rating"), "score": v.get("score"), "note": v.get("note"),
            })
        return records


class VoteLoader(CadreRowsLoader):
    sheet = SHEETS["votes"]
    model = ConfidenceVote
    identity_fields = ("cadre_id", "vote_date", "body")

    def check(self, rows):
        cadres = self.cadre_ids(rows)
        records = []
        for row in rows:
            v = row.values
            for key in ("convened", "present", "high", "normal", "low"):
                if v[key] is not None and v[key] < 0:
                    self.problem(row, key, "không được âm")
            if row.invalid:
                pass  # the counts that could be read are reported already
            elif v["present"] > v["convened"]:
                self.problem(row, "present", f"số có mặt ({v['present']}) lớn hơn số được triệu tập ({v['convened']})")
            if not row.invalid and v["high"] + v["normal"] + v["low"] > v["present"]:
                total = v["high"] + v["normal"] + v["low"]
                self.problem(row, "low", f"tổng số phiếu ({total}) lớn hơn số có mặt ({v['present']})")
            records.append({"cadre_id": self.resolve(row, "cadre_code", cadres, "cán bộ"),
                            **{k: v[k] for k in ("vote_date", "body", "convened", "present", "high", "normal", "low")}})
        return records


class DisciplineLoader(CadreRowsLoader):
    sheet = SHEETS["disciplines"]
    model = Discipline
    identity_fields = ("cadre_id", "level", "decision_date")

    def check(self, rows):
        cadres = self.cadre_ids(rows)
        records = []
        for row in rows:
            v = row.values
            if v.get("effective_to") and v.get("decision_date") and v["effective_to"] < v["decision_date"]:
                self.problem(row, "effective_to", "ngày hết hiệu lực trước ngày quyết định")
            records.append({"cadre_id": self.resolve(row, "cadre_code", cadres, "cán bộ"),
                            **{k: v.get(k) for k in ("level", "decision_date", "effective_to", "decision_no", "authority",
                                                     "reason")}})
        return records


class ConclusionLoader(CadreRowsLoader):
    """Political-standard conclusions (P9): one row per conclusion."""

    sheet = SHEETS["conclusions"]
    model = PoliticalConclusion
    identity_fields = ("cadre_id", "concluded_on", "body")

    def check(self, rows):
        cadres = self.cadre_ids(rows)
        names: dict[int, str] = {}
        for chunk in _chunks(sorted(set(cadres.values()))):
            names.update(self.session.exec(select(Cadre.id, Cadre.full_name).where(Cadre.id.in_(chunk))).all())
        today = dt.date.today()
        records = []
        for row in rows:
            v = row.values
            cadre_id = self.resolve(row, "cadre_code", cadres, "cán bộ")
            if cadre_id is not None and v.get("full_name") and fold(v["full_name"]) != fold(names.get(cadre_id)):
                self.problem(row, "full_name", f"không khớp với mã cán bộ: trong cơ sở dữ liệu là «{names[cadre_id]}»")
            if v.get("concluded_on") and v["concluded_on"] > today:
                self.problem(row, "concluded_on", "ngày kết luận sau ngày hôm nay")
            records.append({"cadre_id": cadre_id,
                            **{k: v.get(k) for k in ("concluded_on", "body", "document_no", "content")}})
        return records


class RelationLoader(CadreRowsLoader):
    sheet = SHEETS["relations"]
    model = Relation
    identity_fields = ("cadre_id", "relative_id")

    def check(self, rows):
        cadres = self.codes(Cadre, [r.values["cadre_code"] for r in rows] + [r.values["relative_code"] for r in rows])
        records, pairs = [], {}
        for row in rows:
            v = row.values
            a = self.resolve(row, "cadre_code", cadres, "cán bộ")
            b = self.resolve(row, "relative_code", cadres, "cán bộ")
            if v["cadre_code"] and v["cadre_code"] == v["relative_code"]:
                self.problem(row, "relative_code", "một người không thể là người thân của chính mình")
            pair = frozenset((v["cadre_code"], v["relative_code"]))
            if pair in pairs:
                self.problem(row, "relative_code", f"cặp này đã ghi ở dòng {pairs[pair]} (theo chiều ngược lại)")
            pairs[pair] = row.row
            records.append({"cadre_id": a, "relative_id": b, "kind": v["kind"]})
        return records

    def load_existing(self, records):
        ids = sorted({r["cadre_id"] for r in records if r["cadre_id"]} | {r["relative_id"] for r in records if r["relative_id"]})
        self._existing = {}
        for chunk in _chunks(ids):
            for id_, a, b in self.session.exec(select(Relation.id, Relation.cadre_id, Relation.relative_id).where(
                sa.or_(Relation.cadre_id.in_(chunk), Relation.relative_id.in_(chunk)))):
                # A pair stored the other way round is the same relation: the file's
                # direction and kind replace it.
                self._existing[(a, b)] = id_
                self._existing[(b, a)] = id_


class PoolLoader(Loader):
    """Pool lists: entries are added to the pool of (title, term), the pool created if
    needed, each new entry recorded in the pool's history. Rules are not applied here:
    the pool pages judge every entry."""

    sheet = SHEETS["pools"]
    model = PoolEntry

    def check(self, rows):
        title_codes = sorted({r.values["title_code"] for r in rows if r.values.get("title_code")})
        titles = {code: (id_, kind) for code, id_, kind in self.session.exec(
            select(Title.code, Title.id, Title.term_kind).where(Title.code.in_(title_codes)))}
        terms = self.session.exec(select(Term)).all()
        cadres = self.codes(Cadre, (r.values["cadre_code"] for r in rows))
        names = (dict(self.session.exec(select(Cadre.id, Cadre.full_name).where(Cadre.id.in_(sorted(cadres.values())))).all())
                 if cadres else {})
        records = []
        for row in rows:
            v = row.values
            title = titles.get(v["title_code"]) if v.get("title_code") else None
            if v.get("title_code") and title is None:
                self.problem(row, "title_code", f"không có chức danh mã «{v['title_code']}» trong cơ sở dữ liệu")
            term_id = None
            if v.get("term") and title:
                term_id = self._term(v["term"], title[1], terms)
                if term_id is None:
                    known = ", ".join(t.code for t in terms if t.kind == title[1])
                    self.problem(row, "term", f"không có nhiệm kỳ «{v['term']}» cho chức danh này; các nhiệm kỳ: {known}")
            cadre_id = self.resolve(row, "cadre_code", cadres, "cán bộ")
            if cadre_id is not None and v.get("full_name") and fold(v["full_name"]) != fold(names.get(cadre_id)):
                self.problem(row, "full_name", f"không khớp với mã cán bộ: trong cơ sở dữ liệu là «{names[cadre_id]}»")
            records.append({
                "_title_id": title[0] if title else None, "_term_id": term_id, "cadre_id": cadre_id,
                "source": v.get("source") or "internal", "status": "active", "added_on": v.get("added_on"),
                "added_reason": v.get("reason") or "Nhập từ danh sách quy hoạch",
            })
        return records

    @staticmethod
    def _term(text: str, kind: str, terms) -> int | None:
        wanted = fold(text).replace("–", "-").replace(" ", "")
        for term in terms:
            years = f"{term.start_date.year}-{term.end_date.year}"
            if wanted == fold(term.code).replace(" ", "") or (term.kind == kind and wanted.endswith(years)):
                return term.id
        return None

    def identity(self, record):
        return (record["_title_id"], record["_term_id"], record["cadre_id"])

    def load_existing(self, records):
        self._existing = {}
        self._pools = {(t, m): p for p, t, m in self.session.exec(select(Pool.id, Pool.title_id, Pool.term_id))}
        for entry_id, pool_id, cadre_id in self.session.exec(select(PoolEntry.id, PoolEntry.pool_id, PoolEntry.cadre_id)):
            self._existing[(pool_id, cadre_id)] = entry_id
        pool_of = self._pools
        self._existing = {
            (t, m, c): self._existing[(pool_of[(t, m)], c)]
            for (t, m, c) in (self.identity(r) for r in records)
            if (t, m) in pool_of and (pool_of[(t, m)], c) in self._existing
        }

    def write(self, records):
        for title_id, term_id in sorted({(r["_title_id"], r["_term_id"]) for r in records} - set(self._pools)):
            pool = Pool(title_id=title_id, term_id=term_id)
            self.session.add(pool)
            self.session.flush()
            self._pools[(title_id, term_id)] = pool.id
        for record in records:
            record["pool_id"] = self._pools[(record["_title_id"], record["_term_id"])]
        new = [r for r in records if self.identity(r) not in self._existing]
        super().write(records)
        events = [{"pool_id": r["pool_id"], "cadre_id": r["cadre_id"], "kind": "add", "on": r["added_on"],
                   "reason": r["added_reason"], "actor": "nhập danh sách", "created_at": utcnow()} for r in new]
        for chunk in _chunks(events, 2000):
            self.session.execute(sa.insert(PoolEvent), chunk)


LOADERS: dict[str, Callable[[Session], Loader]] = {
    "units": UnitLoader, "titles": TitleLoader, "cadres": CadreLoader, "postings": PostingLoader,
    "evaluations": EvaluationLoader, "votes": VoteLoader, "disciplines": DisciplineLoader,
    "relations": RelationLoader, "pools": PoolLoader, "conclusions": ConclusionLoader,
}
