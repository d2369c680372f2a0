"""The spreadsheet formats: which columns each kind of list has, how each cell is read,
and how a file (CSV or XLSX) becomes rows. Pure reading and checking; writing is in
`importer`.

Headers are the Vietnamese ones of the lists the offices keep; the English keys are
accepted too. Every problem names the row (as the spreadsheet numbers it, the header
being row 1) and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Callable, Iterable

from quyhoach.domain import vocab
from quyhoach.domain.vocab import N_
from quyhoach.domain.dates import DateParseError, parse_date
from quyhoach.domain.text import fold, nfc

MAX_ROWS = 200_000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file. row 0 means the file as a whole."""

    row: int
    column: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        where = f"dòng {self.row}" if self.row else "tệp"
        if self.column:
            where += f", cột «{self.column}»"
        return f"{where}: {self.message}"


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in Vietnamese."""


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = nfc(str(value))
    return text or None


def _int(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError("phải là số nguyên")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(f"phải là số nguyên, không phải '{value}'")
    try:
        return int(str(value).strip())
    except ValueError:
        raise CellError(f"phải là số nguyên, không phải '{value}'") from None


def _float(value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError("phải là số")
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        raise CellError(f"phải là số, không phải '{value}'") from None


def _date(value: Any) -> dt.date | None:
    try:
        return parse_date(value)
    except DateParseError as exc:
        raise CellError(str(exc)) from None


_TRUE = {"co", "x", "1", "true", "yes", "dung", "c"}
_FALSE = {"khong", "0", "false", "no", "sai", "k", ""}


def _bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    folded = fold(str(value))
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise CellError(f"phải là «Có» hoặc «Không», không phải '{value}'")


def _choice(vocabulary: vocab.Vocabulary) -> Callable[[Any], str | None]:
    def read(value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return None
        try:
            return vocabulary.parse(text)
        except ValueError as exc:
            raise CellError(str(exc)) from None

    return read


READERS: dict[str, Callable[[Any], Any]] = {
    "text": _text, "int": _int, "float": _float, "date": _date, "bool": _bool,
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text, int, float, date, bool, or a vocabulary name
    required: bool = False
    max_length: int | None = None
    example: str = ""
    help: str = ""

    def read(self, value: Any) -> Any:
        reader = READERS.get(self.kind) or _choice(vocab.VOCABULARIES[self.kind])
        result = reader(value)
        if self.required and result is None:
            raise CellError("bắt buộc, đang để trống")
        if self.max_length and isinstance(result, str) and len(result) > self.max_length:
            raise CellError(f"dài quá {self.max_length} ký tự")
        return result


@dataclass(frozen=True)
class Sheet:
    """One kind of list: its name, title and columns; `key` are the columns that identify a row."""

    kind: str
    title: str
    noun: str  # what one row is, for counts: "3.000 cán bộ"
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    ignored_headers: tuple[str, ...] = ("STT", "TT", "Số TT")

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


UNITS = Sheet("units", N_("Danh sách cơ quan, đơn vị"), N_("đơn vị"), (
    Column("code", "Mã đơn vị", required=True, max_length=40, example="SO-NV"),
    Column("name", "Tên đơn vị", required=True, max_length=200, example="Sở Nội vụ"),
    Column("short_name", "Tên viết tắt", max_length=80, example="SNV"),
    Column("parent_code", "Mã đơn vị cấp trên", max_length=40, example="TINH"),
    Column("level", "Cấp", required=True, max_length=80, example="tỉnh", help="mã hoặc tên cấp"),
    Column("kind", "Loại", "unit_kind", required=True, example="Sở, ban, ngành"),
    Column("is_locality", "Là địa bàn", "bool", example="Không"),
    Column("sort_order", "Thứ tự", "int", example="10"),
), key=("code",))

TITLES = Sheet("titles", N_("Danh mục chức danh"), N_("chức danh"), (
    Column("code", "Mã chức danh", required=True, max_length=60, example="SO-NV-GD"),
    Column("unit_code", "Mã đơn vị", required=True, max_length=40, example="SO-NV"),
    Column("name", "Tên chức danh", required=True, max_length=200, example="Giám đốc Sở Nội vụ"),
    Column("rank", "Thứ bậc", "int", required=True, example="60", help="số lớn hơn là cao hơn"),
    Column("seats", "Số lượng", "int", example="1"),
    Column("term_kind", "Nhiệm kỳ", "term_kind", example="Chính quyền"),
    Column("is_head", "Người đứng đầu", "bool", example="Có"),
    Column("is_deputy", "Cấp phó", "bool", example="Không"),
    Column("non_local", "Không là người địa phương", "bool", example="Không"),
    Column("sensitive_sector", "Ngành (QĐ 114)", "sensitive_sector", example="Nội vụ"),
    Column("appointing_authority", "Thẩm quyền bổ nhiệm", max_length=120, example="Ban Thường vụ Tỉnh ủy"),
    Column("leadership_role", "Vai trò lãnh đạo", "leadership_role", example="",
           help="Bí thư cấp ủy / Chủ tịch UBND / Chủ tịch HĐND: các chức danh QĐ 114 xét quan hệ gia đình"),
    Column("required_theory", "Yêu cầu lý luận chính trị", "theory_level", example="Cao cấp",
           help="tiêu chuẩn chức danh (QĐ 365): trình độ thấp nhất người giữ chức danh phải có; để trống nếu không yêu cầu"),
    Column("required_state_mgmt", "Yêu cầu quản lý nhà nước", "state_mgmt_level", example="Chuyên viên chính"),
    Column("required_degree", "Yêu cầu trình độ chuyên môn", "degree", example="Đại học"),
), key=("code",))

CADRES = Sheet("cadres", N_("Danh sách trích ngang cán bộ"), N_("cán bộ"), (
    Column("code", "Mã cán bộ", required=True, max_length=40, example="CB00001"),
    Column("full_name", "Họ và tên", required=True, max_length=120, example="Lò Thị Hoa"),
    Column("other_names", "Tên gọi khác", max_length=120),
    Column("birth_date", "Ngày sinh", "date", required=True, example="07/03/1978"),
    Column("sex", "Giới tính", "sex", required=True, example="Nữ"),
    Column("ethnicity", "Dân tộc", required=True, max_length=60, example="Thái", help="tên hoặc mã (01–54)"),
    Column("religion", "Tôn giáo", max_length=60, example="Không"),
    Column("hometown", "Quê quán", max_length=200, example="xã Mường Phăng, tỉnh Điện Biên"),
    Column("hometown_unit_code", "Mã đơn vị quê quán", max_length=40, example="XA-MUONG-PHANG"),
    Column("birthplace", "Nơi sinh", max_length=200, example="xã Mường Phăng, tỉnh Điện Biên"),
    Column("party_entry_date", "Ngày vào Đảng", "date", example="12/05/2001"),
    Column("party_official_date", "Ngày chính thức", "date", example="12/05/2002"),
    Column("education", "Trình độ chuyên môn", max_length=200, example="Thạc sĩ Quản lý công"),
    Column("theory_level", "Lý luận chính trị", "theory_level", example="Cao cấp"),
    Column("state_mgmt_level", "Quản lý nhà nước", "state_mgmt_level", example="Chuyên viên chính"),
    Column("foreign_language", "Ngoại ngữ", max_length=120, example="Tiếng Anh B1"),
    Column("it_level", "Tin học", max_length=120, example="Ứng dụng CNTT cơ bản"),
    Column("unit_code", "Mã đơn vị công tác", max_length=40, example="SO-NV"),
    Column("position", "Chức vụ hiện tại", max_length=200, example="Phó Giám đốc Sở Nội vụ"),
    Column("title_code", "Mã chức danh", max_length=60, example="SO-NV-PGD"),
    Column("position_since", "Giữ chức vụ từ ngày", "date", example="01/10/2021"),
    Column("note", "Ghi chú", max_length=1000),
), key=("code",))

POSTINGS = Sheet("postings", N_("Quá trình công tác"), N_("quá trình công tác"), (
    Column("cadre_code", "Mã cán bộ", required=True, max_length=40, example="CB00001"),
    Column("unit_code", "Mã đơn vị", required=True, max_length=40, example="SO-NV"),
    Column("title_code", "Mã chức danh", max_length=60, example="SO-NV-PGD"),
    Column("position", "Chức vụ", required=True, max_length=200, example="Phó Giám đốc Sở Nội vụ"),
    Column("start_date", "Từ ngày", "date", required=True, example="01/10/2021"),
    Column("end_date", "Đến ngày", "date", example=""),
    Column("is_concurrent", "Kiêm nhiệm", "bool", example="Không"),
    Column("kind", "Hình thức", "move_kind", example="Luân chuyển",
           help="bổ nhiệm, luân chuyển, điều động, biệt phái; để trống nếu không ghi"),
    Column("planned_end", "Dự kiến đến ngày", "date", example="30/09/2029",
           help="thời hạn dự kiến của luân chuyển, biệt phái"),
), key=("cadre_code", "unit_code", "position", "start_date"))

EVALUATIONS = Sheet("evaluations", N_("Kết quả đánh giá, xếp loại"), N_("kết quả đánh giá"), (
    Column("cadre_code", "Mã cán bộ", required=True, max_length=40, example="CB00001"),
    Column("full_name", "Họ và tên", max_length=120, example="Lò Thị Hoa", help="để đối chiếu với mã"),
    Column("period", "Kỳ đánh giá", "period", example="Năm"),
    Column("year", "Năm", "int", required=True, example="2025"),
    Column("period_no", "Quý/Tháng", "int", example="", help="quý 1–4 hoặc tháng 1–12; để trống với kỳ năm"),
    Column("rating", "Xếp loại", "rating", example="HTTNV"),
    Column("score", "Điểm", "float", example="82.5"),
    Column("unit_code", "Mã đơn vị", max_length=40, example="SO-NV", help="nơi công tác khi đánh giá"),
    Column("note", "Ghi chú", max_length=500),
), key=("cadre_code", "period", "year", "period_no"))

VOTES = Sheet("votes", N_("Kết quả lấy phiếu tín nhiệm"), N_("kết quả lấy phiếu"), (
    Column("cadre_code", "Mã cán bộ", required=True, max_length=40, example="CB00001"),
    Column("vote_date", "Ngày lấy phiếu", "date", required=True, example="15/11/2023"),
    Column("body", "Hội nghị", required=True, max_length=120, example="Ban Chấp hành Đảng bộ tỉnh"),
    Column("convened", "Số được triệu tập", "int", required=True, example="55"),
    Column("present", "Số có mặt", "int", required=True, example="52"),
    Column("high", "Tín nhiệm cao", "int", required=True, example="40"),
    Column("normal", "Tín nhiệm", "int", required=True, example="10"),
    Column("low", "Tín nhiệm thấp", "int", required=True, example="2"),
), key=("cadre_code", "vote_date", "body"))

DISCIPLINES = Sheet("disciplines", N_("Kỷ luật"), N_("quyết định kỷ luật"), (
    Column("cadre_code", "Mã cán bộ", required=True, max_length=40, example="CB00001"),
    Column("level", "Hình thức", "discipline_level", required=True, example="Khiển trách"),
    Column("decision_date", "Ngày quyết định", "date", required=True, example="20/06/2024"),
    Column("effective_to", "Hết hiệu lực", "date", example="20/06/2025"),
    Column("decision_no", "Số quyết định", max_length=60, example="125-QĐ/UBKTTU"),
    Column("authority", "Cơ quan quyết định", max_length=120, example="Ủy ban Kiểm tra Tỉnh ủy"),
    Column("reason", "Lý do", max_length=500),
), key=("cadre_code", "level", "decision_date"))

CONCLUSIONS = Sheet("conclusions", N_("Kết luận không đạt tiêu chuẩn chính trị"), N_("kết luận"), (
    Column("cadre_code", "Mã cán bộ", required=True, max_length=40, example="CB00001"),
    Column("full_name", "Họ và tên", max_length=120, example="Lò Thị Hoa", help="để đối chiếu với mã"),
    Column("concluded_on", "Ngày kết luận", "date", required=True, example="12/03/2026"),
    Column("body", "Cơ quan kết luận", required=True, max_length=120, example="Ủy ban Kiểm tra Tỉnh ủy"),
    Column("document_no", "Số văn bản", max_length=60, example="05-KL/UBKTTU"),
    Column("content", "Nội dung", max_length=500,
           help="cán bộ không đạt tiêu chuẩn chính trị của chức danh: đương nhiên ra khỏi quy hoạch (P9)"),
), key=("cadre_code", "concluded_on", "body"))

RELATIONS = Sheet("relations", N_("Quan hệ gia đình giữa cán bộ"), N_("quan hệ gia đình"), (
    Column("cadre_code", "Mã cán bộ", required=True, max_length=40, example="CB00001"),
    Column("relative_code", "Mã người thân", required=True, max_length=40, example="CB00002"),
    Column("kind", "Quan hệ", "relation_kind", required=True, example="Vợ/chồng", help="cán bộ là … của người thân"),
), key=("cadre_code", "relative_code"))

POOLS = Sheet("pools", N_("Danh sách quy hoạch"), N_("cán bộ trong quy hoạch"), (
    Column("title_code", "Mã chức danh", required=True, max_length=60, example="SO-NV-GD"),
    Column("term", "Nhiệm kỳ", required=True, max_length=80, example="2026-2031",
           help="mã nhiệm kỳ (CQ-2026-2031) hoặc các năm (2026-2031); loại nhiệm kỳ theo chức danh"),
    Column("cadre_code", "Mã cán bộ", required=True, max_length=40, example="CB00001"),
    Column("full_name", "Họ và tên", max_length=120, example="Lò Thị Hoa", help="để đối chiếu với mã"),
    Column("source", "Nguồn", "pool_source", example="Tại chỗ"),
    Column("added_on", "Ngày đưa vào quy hoạch", "date", required=True, example="15/12/2025"),
    Column("reason", "Căn cứ", max_length=500, example="Nghị quyết của Ban Thường vụ Tỉnh ủy số 12-NQ/TU"),
), key=("title_code", "term", "cadre_code"))

SHEETS: dict[str, Sheet] = {s.kind: s for s in (
    UNITS, TITLES, CADRES, POSTINGS, EVALUATIONS, VOTES, DISCIPLINES, RELATIONS, POOLS,
    CONCLUSIONS,
)}
# The order in which a set of lists must be loaded (references point backwards).
LOAD_ORDER = ("units", "titles", "cadres", "postings", "evaluations", "votes", "disciplines", "relations", "pools",
              "conclusions")


@dataclass
class Table:
    """Rows read from a file: header names as found, and the raw cells of each row
    with its spreadsheet row number."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    problems: list[Problem] = field(default_factory=list)


def read_table(data: bytes, filename: str) -> Table:
    """Read a CSV (UTF-8, comma or semicolon) or XLSX file into a Table.

    A file that cannot be read at all gives a Table with a file-level problem."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data)
    if suffix in (".csv", ".txt"):
        return _read_csv(data)
    return Table([], [], [Problem(0, "", f"không đọc được tệp «{filename}»: chỉ nhận .xlsx hoặc .csv")])


def _read_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Table([], [], [Problem(0, "", "tệp CSV phải lưu ở mã UTF-8 (trong Excel: Lưu thành «CSV UTF-8»)")])
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return _table_from_rows(enumerate(reader, start=1))


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        return Table([], [], [Problem(0, "", "không mở được tệp Excel: tệp hỏng hoặc không phải .xlsx")])
    try:
        sheet = workbook.worksheets[0]
        return _table_from_rows(enumerate(sheet.iter_rows(values_only=True), start=1))
    finally:
        workbook.close()


def _blank(cells: Iterable[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _table_from_rows(numbered: Iterable[tuple[int, Any]]) -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in numbered:
        cells = list(cells)
        if _blank(cells):
            continue
        if headers is None:
            headers = [nfc(str(c)) if c is not None else "" for c in cells]
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            return Table(headers, [], [Problem(0, "", f"tệp có hơn {MAX_ROWS:,} dòng; hãy chia nhỏ")])
    if headers is None:
        return Table([], [], [Problem(0, "", "tệp trống: không có dòng tiêu đề")])
    if not rows:
        return Table(headers, [], [Problem(0, "", "tệp không có dòng dữ liệu nào dưới dòng tiêu đề")])
    return Table(headers, rows)


@dataclass
class ParsedRow:
    """A row read from the file. Cells that could not be read are None and named in
    `invalid`, so later checks (references, cross-field rules) still run on the rest."""

    row: int
    values: dict[str, Any]
    invalid: frozenset[str] = frozenset()


def parse(sheet: Sheet, table: Table) -> tuple[list[ParsedRow], list[Problem]]:
    """Match headers to columns and read every cell; collect every problem, stop at none."""
    problems = list(table.problems)
    if problems:
        return [], problems
    by_name: dict[str, Column] = {}
    for column in sheet.columns:
        by_name[fold(column.header)] = column
        by_name[fold(column.key)] = column
    ignored = {fold(h) for h in sheet.ignored_headers}
    positions: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        folded = fold(header)
        if not folded or folded in ignored:
            continue
        column = by_name.get(folded)
        if column is None:
            problems.append(Problem(1, header, "cột không có trong mẫu; hãy xóa hoặc đổi đúng tên cột"))
        elif column.key in positions:
            problems.append(Problem(1, header, "cột bị lặp"))
        else:
            positions[column.key] = index
    for column in sheet.columns:
        if column.required and column.key not in positions:
            problems.append(Problem(1, column.header, "thiếu cột bắt buộc"))
    if problems:
        return [], problems

    parsed: list[ParsedRow] = []
    seen: dict[tuple, int] = {}
    for number, cells in table.rows:
        values: dict[str, Any] = {}
        invalid: set[str] = set()
        for column in sheet.columns:
            index = positions.get(column.key)
            raw = cells[index] if index is not None and index < len(cells) else None
            try:
                values[column.key] = column.read(raw)
            except CellError as exc:
                problems.append(Problem(number, column.header, str(exc), "" if raw is None else str(raw)))
                values[column.key] = None
                invalid.add(column.key)
        if not invalid.intersection(sheet.key):
            identity = tuple(values.get(k) for k in sheet.key)
            if identity in seen:
                headers = ", ".join(sheet.column(k).header for k in sheet.key)
                problems.append(Problem(number, sheet.column(sheet.key[0]).header,
                                        f"trùng với dòng {seen[identity]} ({headers})"))
                continue
            seen[identity] = number
        parsed.append(ParsedRow(number, values, frozenset(invalid)))
    return parsed, problems
