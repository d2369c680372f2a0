"""The spreadsheet formats: which columns each kind of list has, how each cell is read,
and how a file (CSV or XLSX) becomes rows. Pure reading and checking; writing is in
`importer`.

Headers are the Vietnamese ones of the lists the offices keep; the English keys are
accepted too. Every problem names the row (as the spreadsheet numbers it, the header
being row 1) and the column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any
from collections.abc import Callable, Iterable, Iterator, Mapping

from quyhoach.domain.vocab import N_
from quyhoach.domain.text import fold
from quyhoach.services.records.cells import (  # noqa: F401 - the cell readers and columns, read through this module too
    READERS, CellError, Column, PartialDate, _choice, _date, precision_of,
)
from quyhoach.services.records.dossier_2c_columns import DOSSIER_2C_COLUMNS, DOSSIER_2C_FIELDS  # noqa: F401
from quyhoach.services.records.headers import HEADER_SYNONYMS, header_matcher  # noqa: F401

MAX_ROWS = 200_000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file. row 0 means the file as a whole."""

    row: int
    column: str
    message: str
    value: str = ""
    letter: str = ""  # the column as Excel shows it ("D"), when the file has one

    @property
    def where(self) -> str:
        """'dòng 12, cột D (Ngày sinh)': the place as the user finds it in Excel."""
        where = f"dòng {self.row}" if self.row else "tệp"
        if self.letter and self.column:
            where += f", cột {self.letter} ({self.column})"
        elif self.column:
            where += f", cột «{self.column}»"
        return where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


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
    Column("code", N_("Mã đơn vị"), required=True, max_length=40, example="SO-NV"),
    Column("name", N_("Tên đơn vị"), required=True, max_length=200, example="Sở Nội vụ"),
    Column("short_name", N_("Tên viết tắt"), max_length=80, example="SNV"),
    Column("parent_code", N_("Mã đơn vị cấp trên"), max_length=40, example="TINH"),
    Column("level", N_("Cấp"), required=True, max_length=80, example="tỉnh", help="mã hoặc tên cấp"),
    Column("kind", N_("Loại"), "unit_kind", required=True, example="Sở, ban, ngành"),
    Column("is_locality", N_("Là địa bàn"), "bool", example="Không"),
    Column("sort_order", N_("Thứ tự"), "int", example="10"),
), key=("code",))

TITLES = Sheet("titles", N_("Danh mục chức danh"), N_("chức danh"), (
    Column("code", N_("Mã chức danh"), required=True, max_length=60, example="SO-NV-GD"),
    Column("unit_code", N_("Mã đơn vị"), required=True, max_length=40, example="SO-NV"),
    Column("name", N_("Tên chức danh"), required=True, max_length=200, example="Giám đốc Sở Nội vụ"),
    Column("rank", N_("Thứ bậc"), "int", required=True, example="60", help="số lớn hơn là cao hơn"),
    Column("seats", N_("Số lượng"), "int", example="1"),
    Column("term_kind", N_("Nhiệm kỳ"), "term_kind", example="Chính quyền"),
    Column("is_head", N_("Người đứng đầu"), "bool", example="Có"),
    Column("is_deputy", N_("Cấp phó"), "bool", example="Không"),
    Column("non_local", N_("Không là người địa phương"), "bool", example="Không"),
    Column("sensitive_sector", N_("Ngành (QĐ 114)"), "sensitive_sector", example="Nội vụ"),
    Column("appointing_authority", N_("Thẩm quyền bổ nhiệm"), max_length=120, example="Ban Thường vụ Tỉnh ủy"),
    Column("leadership_role", N_("Vai trò lãnh đạo"), "leadership_role", example="",
           help="Bí thư cấp ủy / Chủ tịch UBND / Chủ tịch HĐND: các chức danh QĐ 114 xét quan hệ gia đình"),
    Column("required_theory", N_("Yêu cầu lý luận chính trị"), "theory_level", example="Cao cấp",
           help="tiêu chuẩn chức danh (QĐ 365): trình độ thấp nhất người giữ chức danh phải có; để trống nếu không yêu cầu"),
    Column("required_state_mgmt", N_("Yêu cầu quản lý nhà nước"), "state_mgmt_level", example="Chuyên viên chính"),
    Column("required_degree", N_("Yêu cầu trình độ chuyên môn"), "degree", example="Đại học"),
), key=("code",))

CADRES = Sheet("cadres", N_("Danh sách trích ngang cán bộ"), N_("cán bộ"), (
    Column("code", N_("Mã cán bộ"), required=True, max_length=40, example="CB00001"),
    Column("full_name", N_("Họ và tên"), required=True, max_length=120, example="Lò Thị Hoa"),
    Column("other_names", N_("Tên gọi khác"), max_length=120),
    Column("birth_date", N_("Ngày sinh"), "date", required=True, example="07/03/1978"),
    Column("sex", N_("Giới tính"), "sex", required=True, example="Nữ"),
    Column("ethnicity", N_("Dân tộc"), required=True, max_length=60, example="Thái", help="tên hoặc mã (01–54)"),
    Column("religion", N_("Tôn giáo"), max_length=60, example="Không"),
    Column("hometown", N_("Quê quán"), max_length=200, example="xã Mường Phăng, tỉnh Điện Biên"),
    Column("hometown_unit_code", N_("Mã đơn vị quê quán"), max_length=40, example="XA-MUONG-PHANG"),
    Column("birthplace", N_("Nơi sinh"), max_length=200, example="xã Mường Phăng, tỉnh Điện Biên"),
    Column("party_entry_date", N_("Ngày vào Đảng"), "date", example="12/05/2001"),
    Column("party_official_date", N_("Ngày chính thức"), "date", example="12/05/2002"),
    Column("education", N_("Trình độ chuyên môn"), max_length=200, example="Thạc sĩ Quản lý công"),
    Column("theory_level", N_("Lý luận chính trị"), "theory_level", example="Cao cấp"),
    Column("state_mgmt_level", N_("Quản lý nhà nước"), "state_mgmt_level", example="Chuyên viên chính"),
    Column("foreign_language", N_("Ngoại ngữ"), max_length=120, example="Tiếng Anh B1"),
    Column("it_level", N_("Tin học"), max_length=120, example="Ứng dụng CNTT cơ bản"),
    Column("unit_code", N_("Mã đơn vị công tác"), max_length=40, example="SO-NV"),
    Column("position", N_("Chức vụ hiện tại"), max_length=200, example="Phó Giám đốc Sở Nội vụ"),
    Column("title_code", N_("Mã chức danh"), max_length=60, example="SO-NV-PGD"),
    Column("position_since", N_("Giữ chức vụ từ ngày"), "date", example="01/10/2021"),
    *DOSSIER_2C_COLUMNS,
    Column("note", N_("Ghi chú"), max_length=1000),
), key=("code",))

POSTINGS = Sheet("postings", N_("Quá trình công tác"), N_("quá trình công tác"), (
    Column("cadre_code", N_("Mã cán bộ"), required=True, max_length=40, example="CB00001"),
    Column("unit_code", N_("Mã đơn vị"), required=True, max_length=40, example="SO-NV"),
    Column("title_code", N_("Mã chức danh"), max_length=60, example="SO-NV-PGD"),
    Column("position", N_("Chức vụ"), required=True, max_length=200, example="Phó Giám đốc Sở Nội vụ"),
    Column("start_date", N_("Từ ngày"), "date", required=True, example="01/10/2021"),
    Column("end_date", N_("Đến ngày"), "date", example=""),
    Column("is_concurrent", N_("Kiêm nhiệm"), "bool", example="Không"),
    Column("kind", N_("Hình thức"), "move_kind", example="Luân chuyển",
           help="bổ nhiệm, luân chuyển, điều động, biệt phái; để trống nếu không ghi"),
    Column("planned_end", N_("Dự kiến đến ngày"), "date", example="30/09/2029",
           help="thời hạn dự kiến của luân chuyển, biệt phái"),
), key=("cadre_code", "unit_code", "position", "start_date"))

EVALUATIONS = Sheet("evaluations", N_("Kết quả đánh giá, xếp loại"), N_("kết quả đánh giá"), (
    Column("cadre_code", N_("Mã cán bộ"), required=True, max_length=40, example="CB00001"),
    Column("full_name", N_("Họ và tên"), max_length=120, example="Lò Thị Hoa", help="để đối chiếu với mã"),
    Column("period", N_("Kỳ đánh giá"), "period", example="Năm"),
    Column("year", N_("Năm"), "int", required=True, example="2025"),
    Column("period_no", N_("Quý/Tháng"), "int", example="", help="quý 1–4 hoặc tháng 1–12; để trống với kỳ năm"),
    Column("rating", N_("Xếp loại"), "rating", example="HTTNV"),
    Column("score", N_("Điểm"), "float", example="82.5"),
    Column("unit_code", N_("Mã đơn vị"), max_length=40, example="SO-NV", help="nơi công tác khi đánh giá"),
    Column("note", N_("Ghi chú"), max_length=500),
), key=("cadre_code", "period", "year", "period_no"))

VOTES = Sheet("votes", N_("Kết quả lấy phiếu tín nhiệm"), N_("kết quả lấy phiếu"), (
    Column("cadre_code", N_("Mã cán bộ"), required=True, max_length=40, example="CB00001"),
    Column("vote_date", N_("Ngày lấy phiếu"), "date", required=True, example="15/11/2023"),
    Column("body", N_("Hội nghị"), required=True, max_length=120, example="Ban Chấp hành Đảng bộ tỉnh"),
    Column("convened", N_("Số được triệu tập"), "int", required=True, example="55"),
    Column("present", N_("Số có mặt"), "int", required=True, example="52"),
    Column("high", N_("Tín nhiệm cao"), "int", required=True, example="40"),
    Column("normal", N_("Tín nhiệm"), "int", required=True, example="10"),
    Column("low", N_("Tín nhiệm thấp"), "int", required=True, example="2"),
), key=("cadre_code", "vote_date", "body"))

DISCIPLINES = Sheet("disciplines", N_("Kỷ luật"), N_("quyết định kỷ luật"), (
    Column("cadre_code", N_("Mã cán bộ"), required=True, max_length=40, example="CB00001"),
    Column("level", N_("Hình thức"), "discipline_level", required=True, example="Khiển trách"),
    Column("decision_date", N_("Ngày quyết định"), "date", required=True, example="20/06/2024"),
    Column("effective_to", N_("Hết hiệu lực"), "date", example="20/06/2025"),
    Column("decision_no", N_("Số quyết định"), max_length=60, example="125-QĐ/UBKTTU"),
    Column("authority", N_("Cơ quan quyết định"), max_length=120, example="Ủy ban Kiểm tra Tỉnh ủy"),
    Column("reason", N_("Lý do"), max_length=500),
), key=("cadre_code", "level", "decision_date"))

CONCLUSIONS = Sheet("conclusions", N_("Kết luận không đạt tiêu chuẩn chính trị"), N_("kết luận"), (
    Column("cadre_code", N_("Mã cán bộ"), required=True, max_length=40, example="CB00001"),
    Column("full_name", N_("Họ và tên"), max_length=120, example="Lò Thị Hoa", help="để đối chiếu với mã"),
    Column("concluded_on", N_("Ngày kết luận"), "date", required=True, example="12/03/2026"),
    Column("body", N_("Cơ quan kết luận"), required=True, max_length=120, example="Ủy ban Kiểm tra Tỉnh ủy"),
    Column("document_no", N_("Số văn bản"), max_length=60, example="05-KL/UBKTTU"),
    Column("content", N_("Nội dung"), max_length=500,
           help="cán bộ không đạt tiêu chuẩn chính trị của chức danh: đương nhiên ra khỏi quy hoạch (P9)"),
), key=("cadre_code", "concluded_on", "body"))

RELATIONS = Sheet("relations", N_("Quan hệ gia đình giữa cán bộ"), N_("quan hệ gia đình"), (
    Column("cadre_code", N_("Mã cán bộ"), required=True, max_length=40, example="CB00001"),
    Column("relative_code", N_("Mã người thân"), required=True, max_length=40, example="CB00002"),
    Column("kind", N_("Quan hệ"), "relation_kind", required=True, example="Vợ/chồng", help="cán bộ là … của người thân"),
), key=("cadre_code", "relative_code"))

POOLS = Sheet("pools", N_("Danh sách quy hoạch"), N_("cán bộ trong quy hoạch"), (
    Column("title_code", N_("Mã chức danh"), required=True, max_length=60, example="SO-NV-GD"),
    Column("term", N_("Nhiệm kỳ"), required=True, max_length=80, example="2026-2031",
           help="mã nhiệm kỳ (CQ-2026-2031) hoặc các năm (2026-2031); loại nhiệm kỳ theo chức danh"),
    Column("cadre_code", N_("Mã cán bộ"), required=True, max_length=40, example="CB00001"),
    Column("full_name", N_("Họ và tên"), max_length=120, example="Lò Thị Hoa", help="để đối chiếu với mã"),
    Column("source", N_("Nguồn"), "pool_source", example="Tại chỗ"),
    Column("added_on", N_("Ngày đưa vào quy hoạch"), "date", required=True, example="15/12/2025"),
    Column("reason", N_("Căn cứ"), max_length=500, example="Nghị quyết của Ban Thường vụ Tỉnh ủy số 12-NQ/TU"),
), key=("title_code", "term", "cadre_code"))

SHEETS: dict[str, Sheet] = {s.kind: s for s in (
    UNITS, TITLES, CADRES, POSTINGS, EVALUATIONS, VOTES, DISCIPLINES, RELATIONS, POOLS,
    CONCLUSIONS,
)}
# The order in which a set of lists must be loaded (references point backwards).
LOAD_ORDER = ("units", "titles", "cadres", "postings", "evaluations", "votes", "disciplines", "relations", "pools",
              "conclusions")


@dataclass
class ReadOptions:
    """The user's answers and the limits for one reading: which sheet (None: the one that
    holds the list), what to do with hidden rows and with hidden columns ("ask", "skip":
    leave them out, "include")."""

    sheet: str | None = None
    hidden: str = "ask"
    hidden_columns: str = "ask"
    limits: Any = None
    should_stop: Callable[[], bool] | None = None


@dataclass
class ReadInfo:
    """What the preview shows about how the file was read."""

    format: str = ""
    encoding: str | None = None
    sheet_names: list[str] = field(default_factory=list)
    sheet: str = ""
    sheet_guessed: bool = False
    header_row: int = 0
    header_last_row: int = 0
    printed: bool = False
    ignored_columns: list[str] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: list[str] = field(default_factory=list)
    hidden_choice: str = "ask"
    hidden_columns_choice: str = "ask"
    skipped: Any = None
    notes: Any = None

    @property
    def legacy_examples(self) -> list[tuple[str, str, str, str]]:
        from quyhoach.services.records.legacy_text import NAMES
        from quyhoach.services.records.reading import column_letter
        if self.notes is None:
            return []
        return [(f"{row}", column_letter(col), NAMES[enc], f"{before} → {after}")
                for row, col, enc, before, after in self.notes.legacy]


@dataclass
class Table:
    """Rows read from a file: header names as found, and the raw cells of each row
    with its spreadsheet row number. `rows` may be a stream (read once); problems found
    while it is read are added to `problems` as it goes."""

    headers: list[str]
    rows: Iterable[tuple[int, list[Any]]]
    problems: list[Problem] = field(default_factory=list)
    letters: list[str] = field(default_factory=list)
    info: ReadInfo = field(default_factory=ReadInfo)
    streamed: bool = False

    def letter_of(self, header: str) -> str:
        for name, letter in zip(self.headers, self.letters, strict=False):
            if name == header:
                return letter
        return ""


def read_table(data: bytes, filename: str, sheet: Sheet | None = None,
               options: ReadOptions | None = None) -> Table:
    """Read a file (.xlsx, .xls, .ods, CSV in any of the usual encodings) as the list of
    `sheet`: the sheet that holds it, the header found below any title block, the rows of
    the list streamed (column-number rows, section rows and the footer set aside).

    A file that cannot be read at all gives a Table with a file-level problem."""
    from quyhoach.services.records import reading

    options = options or ReadOptions()
    limits = options.limits or reading.Limits()
    try:
        book = reading.open_book(data, filename, limits)
    except reading.ReadError as exc:
        return Table([], [], [Problem(0, "", str(exc))])
    info = ReadInfo(format=book.format, encoding=book.encoding, sheet_names=list(book.sheet_names),
                    hidden_choice=options.hidden, hidden_columns_choice=options.hidden_columns)
    match = header_matcher(sheet) if sheet is not None else (lambda text: text or None)
    try:
        return _read_sheet(book, sheet, match, options, limits, info)
    except reading.ReadError as exc:
        book.close()
        return Table([], [], [Problem(0, "", str(exc))], info=info)


def _stream(book: Any, index: int, header: Any, options: ReadOptions, limits: Any, info: ReadInfo, notes: Any,
            skipped: Any, problems: list[Problem], keys: list[str], headers: list[str], letters: list[str],
            key_columns: list[int], mapped: set[int]) -> Iterator[tuple[int, list[Any]]]:
    """The rows of the list, read once: Excel error values flagged in every column, hidden
    rows counted (and skipped or kept as the user said), Nam | Nữ folded into the birth
    date and the sex; what is found on the way is added to `problems` and `info`."""
    from quyhoach.services.records import layout, reading

    hidden_seen: list[int] = []
    at = list(header.columns.values())  # the file's column of each key, in header.columns' order
    pick = itemgetter(*at) if len(at) > 1 else None  # the cells of a row as wide as the header, at once
    beyond = max(at, default=0)
    try:
        for row in layout.data_rows(book.rows(index, notes, limits, options.should_stop), header, key_columns,
                                    skipped):
            if row.errors:
                for col, value in enumerate(row.cells):
                    if isinstance(value, reading.CellErrorValue):
                        name = header.names.get(col, "")
                        problems.append(Problem(row.number, name or reading.column_letter(col),
                                                f"ô có giá trị lỗi của Excel «{value}»; hãy sửa công thức hoặc xóa ô",
                                                str(value), letter=reading.column_letter(col)))
                        row.cells[col] = None
            if row.hidden:
                hidden_seen.append(row.number)
                if options.hidden == "skip":
                    continue
            width = len(row.cells)
            cells: list[Any] = list(pick(row.cells)) if pick is not None and width > beyond \
                else [row.cells[c] if c < width else None for c in at]
            if header.birth_by_sex or header.sex_marks:
                birth, sex, problem = layout.sex_and_birth(row, header)
                if problem:
                    problems.append(Problem(row.number, headers[keys.index("sex")], problem,
                                            letter=letters[keys.index("sex")]))
                if header.birth_by_sex:
                    cells.append(birth) if "birth_date" not in header.columns else None
                if "sex" not in header.columns:
                    cells.append(sex)
            yield row.number, cells
    except reading.ReadError as exc:
        problems.append(Problem(0, "", str(exc)))
    finally:
        book.close()
    info.hidden_rows = hidden_seen
    if hidden_seen and options.hidden == "ask":
        shown = ", ".join(str(n) for n in hidden_seen[:10]) + (" …" if len(hidden_seen) > 10 else "")
        problems.append(Problem(0, "", f"có {len(hidden_seen)} dòng bị ẩn (bộ lọc hoặc ẩn dòng): dòng {shown}. "
                                "Hãy chọn bỏ qua các dòng ẩn hoặc nhập cả các dòng ẩn, rồi kiểm tra lại"))



def _hidden_columns(book: Any, index: int, header: Any, options: ReadOptions, limits: Any, info: ReadInfo,
                    problems: list[Problem]) -> None:
    """Hidden columns that feed the list: named in the preview, and left out (as a column
    the file does not have: the values stay as they are), read, or asked about, as the
    user said. The file's column settings come before its first row."""
    import contextlib

    from quyhoach.services.records import reading

    notes = reading.Notes()
    with contextlib.closing(book.rows(index, notes, limits)) as rows:
        next(rows, None)
    hidden = {key: col for key, col in header.columns.items() if col in set(notes.hidden_columns)}
    if not hidden:
        return
    info.hidden_columns = [f"{reading.column_letter(c)} ({header.names.get(c, '')})" for c in sorted(hidden.values())]
    if options.hidden_columns == "skip":
        for key in hidden:
            del header.columns[key]
    elif options.hidden_columns == "ask":
        problems.append(Problem(0, "", f"có {len(hidden)} cột bị ẩn: {', '.join(info.hidden_columns)}. "
                                "Hãy chọn bỏ qua các cột ẩn hoặc nhập cả các cột ẩn, rồi kiểm tra lại"))


def _head(book: Any, index: int, limits: Any, notes: Any) -> list[Any]:
    from quyhoach.services.records import layout

    head = []
    for row in book.rows(index, notes, limits):
        if any(v is not None and str(v).strip() for v in row.cells):
            head.append(row)
            if len(head) >= layout.HEAD_ROWS:
                break
    return head


def _pick_sheet(book: Any, sheet: Sheet | None, match: Callable[[str], str | None], options: ReadOptions,
                limits: Any) -> tuple[int, Any] | Problem:
    """The sheet the user chose, or the one whose header names the most columns."""
    from quyhoach.services.records import layout, reading

    names = book.sheet_names
    if not names:
        raise reading.ReadError("tệp không có trang tính nào")
    if options.sheet is not None and options.sheet in names:
        candidates = [names.index(options.sheet)]
    else:
        candidates = list(range(len(names)))
    best: tuple[int, Any] | None = None
    for index in candidates:
        header = layout.find_header(_head(book, index, limits, reading.Notes()), match)
        if header is not None and (best is None or header.score > best[1].score):
            best = (index, header)
    if best is None:
        where = f"trang tính «{names[candidates[0]]}»" if len(candidates) == 1 else "các trang tính"
        expected = ", ".join(f"«{c.header}»" for c in (sheet.columns if sheet else ()) if c.required)
        return Problem(0, "", f"không tìm thấy dòng tiêu đề trong {where}: cần có các cột {expected}; "
                       "hãy kiểm tra đúng loại danh sách và đúng tệp")
    return best


def _read_sheet(book: Any, sheet: Sheet | None, match: Callable[[str], str | None], options: ReadOptions,
                limits: Any, info: ReadInfo) -> Table:
    from quyhoach.services.records import layout, reading

    notes = reading.Notes()
    names = book.sheet_names
    best = _pick_sheet(book, sheet, match, options, limits)
    if isinstance(best, Problem):
        book.close()
        return Table([], [], [best], info=info)
    index, header = best
    info.sheet = names[index]
    info.sheet_guessed = options.sheet is None and len(names) > 1
    info.header_row, info.header_last_row = header.row, header.last_row
    info.printed = header.printed
    info.notes = notes
    skipped = layout.Skipped()
    info.skipped = skipped
    problems: list[Problem] = []
    _hidden_columns(book, index, header, options, limits, info, problems)

    keys = list(header.columns)
    if header.birth_by_sex and "birth_date" not in keys:
        keys.append("birth_date")
    if (header.birth_by_sex or header.sex_marks) and "sex" not in keys:
        keys.append("sex")
    column_of = {c.key: c for c in sheet.columns} if sheet else {}
    headers = [column_of[k].header if k in column_of else k for k in keys]
    letters = [header.letter(k) for k in keys]
    for c in header.unknown:
        name = header.names.get(c, "")
        if header.printed:
            info.ignored_columns.append(f"{reading.column_letter(c)} ({name})")
        else:
            problems.append(Problem(header.row, name, "cột không có trong mẫu; hãy xóa hoặc đổi đúng tên cột",
                                    letter=reading.column_letter(c)))
    mapped = set(header.columns.values())
    key_columns = [header.columns[k] for k in (sheet.key if sheet else ()) if k in header.columns]
    key_columns += [header.columns[k] for k in ("full_name",) if k in header.columns]
    key_columns += list(header.birth_by_sex.values())

    stream = _stream(book, index, header, options, limits, info, notes, skipped, problems, keys, headers, letters,
                     key_columns, mapped)
    return Table(headers, stream, problems, letters, info, streamed=True)


class RowValues(Mapping[str, Any]):
    """A row's values by column key: a tuple in the sheet's column order and the sheet's
    shared key index, so that 190,000 rows take a third of the memory dicts would."""

    __slots__ = ("_index", "_data")

    def __init__(self, index: dict[str, int], data: tuple[Any, ...]) -> None:
        self._index = index
        self._data = data

    def __getitem__(self, key: str) -> Any:
        return self._data[self._index[key]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    # The Mapping mixins go through __getitem__ and KeyError; these run on every cell.
    def get(self, key: str, default: Any = None) -> Any:
        at = self._index.get(key)
        return default if at is None else self._data[at]

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def items(self) -> Any:
        return zip(self._index, self._data, strict=True)

    def values(self) -> Any:
        return iter(self._data)

    def __repr__(self) -> str:
        return repr(dict(self))


@dataclass(slots=True)
class ParsedRow:
    """A row read from the file. Cells that could not be read are None and named in
    `invalid`, so later checks (references, cross-field rules) still run on the rest."""

    row: int
    values: Mapping[str, Any]
    invalid: frozenset[str] = frozenset()


def _read_cells(plan: list[tuple[Column, int, bool, Callable[[Any], Any]]], number: int, cells: list[Any],
                problems: list[Problem], letters: dict[str, str]) -> tuple[list[Any], set[str] | None]:
    """One row's values in the sheet's column order, and the columns that could not be read."""
    width = len(cells)
    values: list[Any] = []
    append = values.append
    invalid: set[str] | None = None
    for column, index, required, read in plan:
        raw = cells[index] if 0 <= index < width else None
        if raw is None and not required:
            append(None)
            continue
        try:
            append(read(raw))
        except CellError as exc:
            problems.append(Problem(number, column.header, str(exc), "" if raw is None else str(raw),
                                    letters.get(column.key, "")))
            values.append(None)
            invalid = invalid or set()
            invalid.add(column.key)
    return values, invalid


def parse(sheet: Sheet, table: Table) -> tuple[list[ParsedRow], list[Problem]]:
    """Match headers to columns and read every cell; collect every problem, stop at none.

    A streamed table is read once, here; problems found while reading it (limits, Excel
    error values, hidden rows) join the rest at the end."""
    problems = list(table.problems)
    before_stream = len(table.problems)
    if problems and not table.headers:
        return [], problems
    by_name: dict[str, Column] = {}
    for column in sheet.columns:
        by_name[fold(column.header)] = column
        by_name[fold(column.key)] = column
    positions: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        column = by_name.get(fold(header))
        if column is not None and column.key not in positions:
            positions[column.key] = index
    header_row = table.info.header_row or 1
    for column in sheet.columns:
        if column.required and column.key not in positions:
            problems.append(Problem(header_row, column.header, "thiếu cột bắt buộc; hãy thêm cột này (xem tệp mẫu)"))
    if any(p.row for p in problems):  # the header is wrong; a question about the file (hidden columns) is not
        return [], problems
    letters: dict[str, str] = {}
    for key, index in positions.items():
        letters[key] = table.letters[index] if index < len(table.letters) else ""

    parsed: list[ParsedRow] = []
    seen: dict[tuple, int] = {}
    key_index = {column.key: i for i, column in enumerate(sheet.columns)}
    identity_at = [key_index[k] for k in sheet.key]
    no_problem: frozenset[str] = frozenset()
    # Per column: where its cell is (-1: not in the file) and whether an empty cell is an
    # error. Every reader reads an empty cell as empty, so an empty optional cell (most of
    # a wide list's cells) is not read at all.
    plan = [(column, positions.get(column.key, -1), column.required, column.reader()) for column in sheet.columns]
    for number, cells in table.rows:
        values, invalid = _read_cells(plan, number, cells, problems, letters)
        if not invalid or not invalid.intersection(sheet.key):
            identity = tuple(values[i] for i in identity_at)
            if identity in seen:
                headers = ", ".join(sheet.column(k).header for k in sheet.key)
                problems.append(Problem(number, sheet.column(sheet.key[0]).header,
                                        f"trùng với dòng {seen[identity]} ({headers})", letter=letters.get(sheet.key[0], "")))
                continue
            seen[identity] = number
        parsed.append(ParsedRow(number, RowValues(key_index, tuple(values)),
                                frozenset(invalid) if invalid else no_problem))
    problems.extend(table.problems[before_stream:])
    if not parsed and not problems:
        problems.append(Problem(0, "", "tệp không có dòng dữ liệu nào dưới dòng tiêu đề"))
    return parsed, problems
