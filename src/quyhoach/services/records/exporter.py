"""Export lists in the same shapes the importer reads, so an exported file can be
edited and imported back. XLSX with a frozen, filtered header; or CSV (UTF-8 with BOM)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from collections.abc import Callable, Iterator

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from quyhoach.db.models import (
    Cadre, ConfidenceVote, Discipline, Ethnicity, Evaluation, Level, PoliticalConclusion, Pool, PoolEntry, Posting,
    Relation, Term, Title, Unit,
)
from quyhoach.domain import vocab
from quyhoach.domain.dates import format_date
from quyhoach.services.records.cells import date_words, precision_of, with_precision
from quyhoach.services.records.tabular import SHEETS, Column, Sheet

# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(...)",
# "+cmd|...", "-2+3", "@SUM(...)"); tab and carriage return start the same attack in CSV.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_csv(value: Any) -> Any:
    """A text cell for CSV that no spreadsheet runs: a leading apostrophe, as Excel itself
    writes text that looks like a formula (the importer drops it again). Numbers, negative
    ones included, stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_workbook(workbook: Any) -> None:
    """Every text cell of an openpyxl workbook that looks like a formula is written as text
    with Excel's quote prefix (shown as typed, not run, and not run either when the cell is
    edited); the text itself is unchanged. Numbers stay numbers."""
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and value.startswith(FORMULA_START):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def rows_of(session: Session, kind: str, *, every: bool = False) -> Iterator[dict[str, Any]]:
    """The records of a list as the list's columns (keys) with their stored values, and
    their `id`. `every`: also the rows an export leaves out (current postings, which the
    cadres list carries; pool entries that have left) — the importer compares a file with
    these."""
    return _rows(session, kind, every=every)


def _rows(session: Session, kind: str, *, every: bool = False) -> Iterator[dict[str, Any]]:
    if kind == "units":
        parent = aliased(Unit)
        query = (select(Unit, Level.code, parent.code).join(Level, Level.id == Unit.level_id)
                 .outerjoin(parent, parent.id == Unit.parent_id).order_by(Level.depth, Unit.sort_order, Unit.code))
        for unit, level, parent_code in session.exec(query):
            yield {**unit.model_dump(), "level": level, "parent_code": parent_code}
    elif kind == "titles":
        for title, unit_code in session.exec(
            select(Title, Unit.code).select_from(Title).join(Unit, Unit.id == Title.unit_id)
            .order_by(Unit.code, Title.rank.desc(), Title.code)
        ):
            yield {**title.model_dump(), "unit_code": unit_code}
    elif kind == "cadres":
        hometown = aliased(Unit)
        post_unit = aliased(Unit)
        current = (select(Posting).where(Posting.end_date.is_(None), Posting.is_concurrent.is_(False))).subquery()
        query = (select(Cadre, Ethnicity.name_vi, hometown.code, post_unit.code, Title.code,
                        current.c.position, current.c.start_date)
                 .join(Ethnicity, Ethnicity.code == Cadre.ethnicity_code)
                 .outerjoin(hometown, hometown.id == Cadre.hometown_unit_id)
                 .outerjoin(current, current.c.cadre_id == Cadre.id)
                 .outerjoin(post_unit, post_unit.id == current.c.unit_id)
                 .outerjoin(Title, Title.id == current.c.title_id)
                 .order_by(Cadre.code))
        for cadre, ethnicity, home, unit, title, position, since in session.exec(query):
            yield {**cadre.model_dump(), "birth_date": with_precision(cadre.birth_date, cadre.birth_date_precision),
                   "ethnicity": ethnicity, "hometown_unit_code": home,
                   "unit_code": unit, "title_code": title, "position": position, "position_since": since}
    elif kind == "postings":
        # Every join says its ON clause: SQLAlchemy 2.1 refuses to guess between the
        # several foreign keys that lead to a unit.
        query = (select(Posting, Cadre.code, Unit.code, Title.code).select_from(Posting)
                 .join(Cadre, Cadre.id == Posting.cadre_id).join(Unit, Unit.id == Posting.unit_id)
                 .outerjoin(Title, Title.id == Posting.title_id)
                 .where(sa.true() if every else sa.or_(Posting.end_date.is_not(None), Posting.is_concurrent.is_(True)))
                 .order_by(Cadre.code, Posting.start_date))
        for posting, cadre, unit, title in session.exec(query):
            yield {**posting.model_dump(), "cadre_code": cadre, "unit_code": unit, "title_code": title}
    elif kind == "evaluations":
        query = (select(Evaluation, Cadre.code, Cadre.full_name, Unit.code).select_from(Evaluation)
                 .join(Cadre, Cadre.id == Evaluation.cadre_id).outerjoin(Unit, Unit.id == Evaluation.unit_id)
                 .order_by(Cadre.code, Evaluation.year, Evaluation.period, Evaluation.period_no))
        for evaluation, code, name, unit in session.exec(query):
            yield {**evaluation.model_dump(), "cadre_code": code, "full_name": name, "unit_code": unit,
                   "period_no": evaluation.period_no or None}
    elif kind in ("votes", "disciplines"):
        model = ConfidenceVote if kind == "votes" else Discipline
        order = model.vote_date if kind == "votes" else model.decision_date
        for record, code in session.exec(select(model, Cadre.code).select_from(model)
                                         .join(Cadre, Cadre.id == model.cadre_id).order_by(Cadre.code, order)):
            yield {**record.model_dump(), "cadre_code": code}
    elif kind == "conclusions":
        query = (select(PoliticalConclusion, Cadre.code, Cadre.full_name).select_from(PoliticalConclusion)
                 .join(Cadre, Cadre.id == PoliticalConclusion.cadre_id)
                 .order_by(Cadre.code, PoliticalConclusion.concluded_on))
        for conclusion, code, name in session.exec(query):
            yield {**conclusion.model_dump(), "cadre_code": code, "full_name": name}
    elif kind == "relations":
        relative = aliased(Cadre)
        query = (select(Relation, Cadre.code, relative.code).join(Cadre, Cadre.id == Relation.cadre_id)
                 .join(relative, relative.id == Relation.relative_id).order_by(Cadre.code, relative.code))
        for relation, a, b in session.exec(query):
            yield {**relation.model_dump(), "cadre_code": a, "relative_code": b}
    elif kind == "pools":
        query = (select(PoolEntry, Title.code, Term.code, Cadre.code, Cadre.full_name)
                 .join(Pool, Pool.id == PoolEntry.pool_id).join(Title, Title.id == Pool.title_id)
                 .join(Term, Term.id == Pool.term_id).join(Cadre, Cadre.id == PoolEntry.cadre_id)
                 .where(sa.true() if every else PoolEntry.status == "active").order_by(Title.code, Term.code, Cadre.sort_key))
        for entry, title, term, code, name in session.exec(query):
            yield {**entry.model_dump(), "title_code": title, "term": term, "cadre_code": code,
                   "full_name": name, "reason": entry.added_reason}
    else:  # pragma: no cover - guarded by the CLI and the routes
        raise KeyError(kind)


def _cell(column: Column, value: Any, *, for_csv: bool) -> Any:
    if value is None:
        return None
    if column.kind == "bool":
        return "Có" if value else "Không"
    if column.kind in vocab.VOCABULARIES:
        if column.kind == "rating":
            return vocab.RATING_SHORT.get(value, value)
        return vocab.VOCABULARIES[column.kind].label(value)
    if column.kind == "date" and precision_of(value) != "day":
        return date_words(value)  # "1968", "05/1972": read back with the same precision
    if column.kind == "date" and for_csv:
        return format_date(value)
    return value


def _in_scope(session: Session, kind: str, scope: set[int]) -> Callable[[dict[str, Any]], bool]:
    """Which rows a user limited to some units may take out: their units and titles, and the
    records of the cadres who work there now."""
    codes = set(session.exec(select(Unit.code).where(Unit.id.in_(sorted(scope)))).all())
    if kind == "units":
        return lambda row: row["code"] in codes
    if kind == "titles":
        return lambda row: row["unit_code"] in codes
    if kind == "cadres":
        return lambda row: row["unit_code"] in codes
    cadres = set(session.exec(select(Cadre.code).join(Posting, Posting.cadre_id == Cadre.id).where(
        Posting.end_date.is_(None), Posting.unit_id.in_(sorted(scope)))).all())
    if kind == "relations":
        return lambda row: row["cadre_code"] in cadres and row["relative_code"] in cadres
    return lambda row: row["cadre_code"] in cadres


def records(session: Session, kind: str, scope: set[int] | None = None) -> Iterator[list[Any]]:
    sheet = SHEETS[kind]
    keep = _in_scope(session, kind, scope) if scope is not None else (lambda row: True)
    for row in _rows(session, kind):
        if keep(row):
            yield [row.get(c.key) for c in sheet.columns]


def export(session: Session, kind: str, fmt: str = "xlsx", scope: set[int] | None = None) -> bytes:
    sheet = SHEETS[kind]
    rows = records(session, kind, scope)
    if fmt == "csv":
        return _csv(sheet, rows)
    if fmt == "xlsx":
        return _xlsx(sheet, rows)
    raise ValueError(f"không hỗ trợ định dạng «{fmt}»: chỉ xlsx hoặc csv")


def _csv(sheet: Sheet, rows: Iterator[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in sheet.columns])
    for row in rows:
        writer.writerow(["" if v is None else neutralise_csv(_cell(c, v, for_csv=True))
                         for c, v in zip(sheet.columns, row, strict=False)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(sheet: Sheet, rows: Iterator[list[Any]], *, example: bool = False) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet.title[:31]
    ws.append([c.header for c in sheet.columns])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="EEF1F5")
    for index, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(column.header) + 4))
    count = 1
    for row in rows:
        ws.append([_cell(c, v, for_csv=False) for c, v in zip(sheet.columns, row, strict=False)])
        count += 1
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        if column.kind == "date":
            for (cell,) in ws.iter_rows(min_row=2, max_row=count, min_col=index, max_col=index):
                cell.number_format = "DD/MM/YYYY"
        if column.kind in vocab.VOCABULARIES or column.kind == "bool":
            labels = (["Có", "Không"] if column.kind == "bool"
                      else [vocab.RATING_SHORT[c] for c in vocab.RATING.codes] if column.kind == "rating"
                      else [c.label for c in vocab.VOCABULARIES[column.kind].choices])
            formula = '"' + ",".join(labels) + '"'
            if len(formula) <= 255 and not any("," in label for label in labels):
                validation = DataValidation(type="list", formula1=formula, allow_blank=True)
                validation.error = f"Chọn một giá trị: {', '.join(labels)}"
                ws.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}{max(count, 2) + 1000}")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{max(count, 2)}"
    if example:
        # The example lives here, on the instruction sheet, never on the data sheet: an
        # example row left in the list would be imported as a record.
        guide = workbook.create_sheet("Hướng dẫn")
        guide.append(["Cột", "Bắt buộc", "Kiểu", "Giải thích", "Ví dụ"])
        for cell in guide[1]:
            cell.font, cell.fill = bold, fill
        for column in sheet.columns:
            guide.append([column.header, "Có" if column.required else "", _kind_help(column), column.help,
                          _cell(column, _example(column), for_csv=True) if column.example else None])
        guide.append([])
        for note in GUIDE_NOTES:
            guide.append([note])
        for letter, width in zip("ABCDE", (28, 10, 60, 40, 30), strict=False):
            guide.column_dimensions[letter].width = width
    neutralise_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _kind_help(column: Column) -> str:
    if column.kind == "date":
        return "ngày/tháng/năm (dd/mm/yyyy)"
    if column.kind == "int":
        return "số nguyên"
    if column.kind == "float":
        return "số (dùng dấu phẩy hoặc chấm thập phân)"
    if column.kind == "bool":
        return "Có / Không"
    if column.kind == "rating":
        return "HTXSNV / HTTNV / HTNV / KHTNV (hoặc ghi đầy đủ)"
    if column.kind in vocab.VOCABULARIES:
        return " / ".join(c.label for c in vocab.VOCABULARIES[column.kind].choices)
    return "chữ" + (f", tối đa {column.max_length} ký tự" if column.max_length else "")


GUIDE_NOTES = (
    "Cách ghi:",
    "• Mỗi dòng của trang đầu là một bản ghi; dòng 1 là tiêu đề. Ví dụ chỉ có ở trang này, không nhập vào.",
    "• Bản ghi đã có (cùng mã): chỉ các cột có trong tệp được cập nhật; ô để trống giữ nguyên giá trị cũ.",
    "• Muốn xóa một giá trị: ghi (xóa) vào ô đó. Cột bắt buộc không xóa được.",
    "• Bản ghi mới: phải có đủ các cột bắt buộc.",
    "• Ngày ghi theo dạng ngày/tháng/năm (dd/mm/yyyy).",
)


def template(kind: str, fmt: str = "xlsx") -> bytes:
    """The downloadable template: the header only, so nothing in it can become data; the
    xlsx has a guide sheet with each column, its kind and an example, and how to update and
    clear values. (A CSV has a single sheet: its template is the header row alone.)"""
    sheet = SHEETS[kind]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([c.header for c in sheet.columns])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    return _xlsx(sheet, iter([]), example=True)


def _example(column: Column) -> Any:
    if column.kind == "date" and column.example:
        return dt.datetime.strptime(column.example, "%d/%m/%Y").date()
    if column.kind in ("int",) and column.example:
        return int(column.example)
    if column.kind == "float" and column.example:
        return float(column.example)
    return column.example or None
