"""A corpus of lists shaped as offices keep them, made here (no committed binaries).

`make_all(folder)` writes every file and returns {name: Case}; each Case says what the
import must do with it (how many cadres it adds, or which message it gets). The
cadres refer to the units of tests/files.py (SO-NV, XA-B). Run as a script to write
the files into a folder and look at them: `python -m tests.corpus.make_corpus /tmp/corpus`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quyhoach.services.records import legacy_text


@dataclass(frozen=True)
class Case:
    filename: str
    data: bytes
    adds: int | None            # cadres added when it is imported; None when refused
    message: str = ""           # a piece of the message it must get (refusal or note)
    hidden: str = "ask"         # the answer to give about hidden rows
    hidden_columns: str = "ask"  # and about hidden columns
    kind: str = "cadres"


PEOPLE = [
    # code, name, birth, sex, ethnicity, hometown, unit, position
    ("CB101", "Nguyễn Thị Hằng", dt.date(1975, 3, 7), "Nữ", "Kinh", "xã B", "SO-NV", "Phó Giám đốc Sở Nội vụ"),
    ("CB102", "Lò Văn Páo", dt.date(1980, 11, 20), "Nam", "Thái", "Điện Biên", "SO-NV", "Trưởng phòng"),
    ("CB103", "Giàng A Dình", "1968", "Nam", "Mông", "Mường Nhé", "XA-B", "Bí thư Đảng ủy xã"),
    ("CB104", "Lường Thị Hoa", "05/1972", "Nữ", "Thái", "Tuần Giáo", "XA-B", "Chủ tịch UBND xã"),
    ("CB105", "Trần Văn Minh", dt.date(1985, 1, 31), "Nam", "Kinh", "Thái Bình", "SO-NV", "Chuyên viên"),
    ("CB106", "Vàng Thị Mai", dt.date(1990, 6, 15), "Nữ", "Mông", "Điện Biên", "XA-B", "Phó Chủ tịch UBND xã"),
]
RATINGS = ["HTTNV", "HTXSNV", "HTNV"]
PLAIN_HEADER = ["STT", "Mã CB", "Họ tên", "Ngày tháng năm sinh", "Giới tính (Nam/Nữ)", "Dân tộc", "Quê quán",
                "Mã đơn vị công tác", "Chức vụ"]


def plain_rows(people=PEOPLE) -> list[list[Any]]:
    """The list as a plain table under a one-row header (synonyms for the headers)."""
    return [PLAIN_HEADER] + [[i, code, name, birth if isinstance(birth, str) else birth.strftime("%d/%m/%Y"), sex,
                              eth, home, unit, post]
                             for i, (code, name, birth, sex, eth, home, unit, post) in enumerate(people, start=1)]


def _workbook():
    from openpyxl import Workbook

    workbook = Workbook()
    return workbook, workbook.active


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def printed_trich_ngang() -> bytes:
    """Title block, two-row merged header (birth date under Nam | Nữ, three rating years),
    column numbers, section rows, year-only and month-year births, "Mông", the count line
    and the signature block."""
    workbook, ws = _workbook()
    ws.title = "Trích ngang"
    ws["A1"], ws["F1"] = "TỈNH ỦY ĐIỆN BIÊN", "ĐẢNG CỘNG SẢN VIỆT NAM"
    ws["A2"], ws["F2"] = "BAN TỔ CHỨC", "Điện Biên, ngày 15 tháng 12 năm 2025"
    ws["A4"] = "DANH SÁCH TRÍCH NGANG"
    ws["A5"] = "cán bộ quy hoạch chức danh Giám đốc Sở Nội vụ, nhiệm kỳ 2026-2031"
    ws.merge_cells("A4:L4")
    ws.merge_cells("A5:L5")
    top = ["STT", "Mã CB", "Họ và tên", "Ngày, tháng, năm sinh", None, "Dân tộc", "Quê quán", "Mã đơn vị",
           "Chức vụ", "Kết quả đánh giá, xếp loại", None, None]
    sub = [None, None, None, "Nam", "Nữ", None, None, None, None, 2022, 2023, 2024]
    for c, value in enumerate(top, start=1):
        ws.cell(7, c, value)
    for c, value in enumerate(sub, start=1):
        ws.cell(8, c, value)
    for c in (1, 2, 3, 6, 7, 8, 9):
        ws.merge_cells(start_row=7, start_column=c, end_row=8, end_column=c)
    ws.merge_cells("D7:E7")
    ws.merge_cells("J7:L7")
    for c in range(1, 13):
        ws.cell(9, c, f"({c})")
    row = 10
    sections = {0: "I. KHỐI ĐẢNG", 3: "II. KHỐI CHÍNH QUYỀN"}
    for i, (code, name, birth, sex, eth, home, unit, post) in enumerate(PEOPLE):
        if i in sections:
            ws.cell(row, 1, sections[i])
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=12)
            row += 1
        values = [i + 1, code, name, None, None, eth, home, unit, post, *RATINGS]
        values[3 if sex == "Nam" else 4] = birth
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row, c, value)
            if isinstance(value, dt.date):
                cell.number_format = "DD/MM/YYYY"
        row += 1
    ws.cell(row + 1, 1, f"Danh sách có {len(PEOPLE):02d} đồng chí")
    ws.cell(row + 3, 2, "NGƯỜI LẬP BIỂU")
    ws.cell(row + 3, 8, "T/M BAN THƯỜNG VỤ")
    ws.cell(row + 4, 8, "PHÓ BÍ THƯ")
    ws.cell(row + 7, 2, "Nguyễn Văn Lập")
    ws.cell(row + 7, 8, "Lò Văn Mừng")
    return _save(workbook)


def sex_marks_and_years() -> bytes:
    """Birth year in its own column, sex as an X under Nam | Nữ."""
    workbook, ws = _workbook()
    ws.append(["DANH SÁCH CÁN BỘ"])
    ws.append([])
    ws.append(["TT", "Mã cán bộ", "Họ và tên", "Năm sinh", "Giới tính", None, "Dân tộc", "Mã đơn vị công tác", "Chức vụ"])
    ws.append([None, None, None, None, "Nam", "Nữ", None, None, None])
    ws.merge_cells("E3:F3")
    for i, (code, name, birth, sex, eth, _home, unit, post) in enumerate(PEOPLE, start=1):
        year = int(birth[-4:]) if isinstance(birth, str) else birth.year
        ws.append([i, code, name, year, "x" if sex == "Nam" else None, "X" if sex == "Nữ" else None, eth, unit, post])
    return _save(workbook)


def hidden_rows() -> bytes:
    """Two rows hidden by a filter."""
    workbook, ws = _workbook()
    for row in plain_rows():
        ws.append(row)
    ws.auto_filter.ref = f"A1:I{len(PEOPLE) + 1}"
    for number in (3, 5):
        ws.row_dimensions[number].hidden = True
    return _save(workbook)


def wrong_dimension() -> bytes:
    """The sheet's used-range tag says A1:C2 while the rows go on: every row must be read."""
    workbook, ws = _workbook()
    for row in plain_rows():
        ws.append(row)
    data = _save(workbook)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:C2"', content)
                assert b'<dimension ref="A1:C2"' in content
            target.writestr(info, content)
    return out.getvalue()


def _to_legacy(text: str, encoding: str) -> str:
    if encoding == legacy_text.TCVN3:
        table = dict(zip(legacy_text._TCVN3_LOWER_UNICODE + legacy_text._TCVN3_UPPER_UNICODE,
                         legacy_text._TCVN3_LOWER_BYTES + legacy_text._TCVN3_UPPER_BYTES, strict=True))
    else:
        table = legacy_text._vni_pairs()
    return "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def legacy_fonts(encoding: str) -> bytes:
    """Names, ethnicities and places typed in .VnTime (TCVN3) or VNI-Times; the header in a
    Unicode font, as often when a list was updated over the years."""
    from openpyxl.styles import Font

    font = Font(name=".VnTime" if encoding == legacy_text.TCVN3 else "VNI-Times")
    workbook, ws = _workbook()
    for r, row in enumerate(plain_rows(), start=1):
        for c, value in enumerate(row, start=1):
            if r > 1 and isinstance(value, str) and c in (3, 6, 7, 9):
                cell = ws.cell(r, c, _to_legacy(value, encoding))
                cell.font = font
            else:
                ws.cell(r, c, value)
    return _save(workbook)


HIDDEN_PEOPLE = (1, 3)  # the people on the rows a filter hides (rows 3 and 5 under a one-row header)


def xls_file(hide: bool = False) -> bytes:
    """Excel 97-2003, a title above the header; with `hide`, the rows of HIDDEN_PEOPLE and
    the column of the home town hidden."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    ws = workbook.add_sheet("Danh sach")
    ws.write(0, 0, "DANH SÁCH TRÍCH NGANG")
    date_style = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    for r, row in enumerate(plain_rows(), start=2):
        for c, value in enumerate(row):
            if r > 2 and c == 3 and "/" in str(value) and len(str(value)) == 10:
                ws.write(r, c, dt.datetime.strptime(value, "%d/%m/%Y"), date_style)
            else:
                ws.write(r, c, value)
    if hide:
        for i in HIDDEN_PEOPLE:
            ws.row(3 + i).hidden = True
        ws.col(6).hidden = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods_file(hide: bool = False) -> bytes:
    """LibreOffice's format; with `hide`, the rows of HIDDEN_PEOPLE filtered out and the
    column of the home town hidden (table:visibility), as LibreOffice writes them."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    from odf.table import TableColumn

    document = OpenDocumentSpreadsheet()
    table = Table(name="Danh sách")
    if hide:
        table.addElement(TableColumn(numbercolumnsrepeated=6))
        table.addElement(TableColumn(visibility="collapse"))
        table.addElement(TableColumn(numbercolumnsrepeated=2))
    for number, row in enumerate(plain_rows(), start=1):
        hidden = hide and number - 2 in HIDDEN_PEOPLE
        table_row = TableRow(visibility="filter") if hidden else TableRow()
        for value in row:
            if isinstance(value, int):
                cell = TableCell(valuetype="float", value=value)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text="" if value is None else str(value)))
            table_row.addElement(cell)
        table.addElement(table_row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _csv_text(rows, delimiter=",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue()


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: letters with a tone are a base letter
    (â, ơ... have their own byte) followed by a combining tone mark."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
            out.append((base + "".join(p for p in parts if p in tones)).encode("cp1258"))
    return b"".join(out)


def error_values() -> bytes:
    """A #N/A left by a lookup formula in a column that is not imported, and a #REF! in one that is."""
    workbook, ws = _workbook()
    rows = plain_rows()
    rows[0] = rows[0] + ["Ghi chú"]
    for i, row in enumerate(rows[1:], start=1):
        row.append("x")
        if i == 2:
            row[-1] = "=NA()"
        if i == 4:
            row[6] = "=#REF!"
    for row in rows:
        ws.append(row)
    data = _save(workbook)
    # Cached values as Excel leaves them: the formula and its error result.
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                empty = rb"<v(?:\s*/>|></v>)"
                content = re.sub(rb'<c r="J3"><f>NA\(\)</f>' + empty, b'<c r="J3" t="e"><f>NA()</f><v>#N/A</v>', content)
                content = re.sub(rb'<c r="G5"><f>#REF!</f>' + empty, b'<c r="G5" t="e"><f>#REF!</f><v>#REF!</v>', content)
            target.writestr(info, content)
    return out.getvalue()


def control_characters() -> bytes:
    rows = plain_rows()
    rows[2][2] = "Lò Văn\x00 Páo\x07"
    return ("\ufeff" + _csv_text(rows)).encode("utf-8")


def several_sheets() -> bytes:
    """A cover sheet first; the list on the second sheet."""
    workbook, cover = _workbook()
    cover.title = "Bìa"
    cover.append(["BÁO CÁO CÔNG TÁC QUY HOẠCH"])
    cover.append(["Kèm theo Tờ trình số 12-TTr/BTCTU"])
    ws = workbook.create_sheet("DS cán bộ")
    for row in plain_rows():
        ws.append(row)
    return _save(workbook)


def hidden_column() -> bytes:
    """The home town (column G) hidden: left out unless the user says to take it."""
    workbook, ws = _workbook()
    for row in plain_rows():
        ws.append(row)
    ws.column_dimensions["G"].hidden = True
    return _save(workbook)


def formulas_and_a_stray_last_cell() -> bytes:
    """Formula rows left under the list with nothing in them (openpyxl writes no cached
    value: they read as empty), a birth date as an Excel serial day number, and a stray
    character in the sheet's very last cell (XFD1048576), which once hung the check."""
    workbook, ws = _workbook()
    for row in plain_rows():
        ws.append(row)
    ws["D2"] = (dt.date(1975, 3, 7) - dt.date(1899, 12, 30)).days  # 27460: 07/03/1975
    for number in range(len(PEOPLE) + 2, len(PEOPLE) + 12):
        ws.cell(number, 1, f"=A{number - 1}+1")
        ws.cell(number, 3, f'=IF(B{number}="","",B{number})')
    ws["XFD1048576"] = "."
    return _save(workbook)


_INLINE = re.compile(rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t[^>]*>(.*?)</t></is></c>', re.DOTALL)


def with_shared_strings(data: bytes) -> bytes:
    """The same workbook as Excel and LibreOffice write it: text in the shared-strings
    part (openpyxl writes it inline in the cells), which the streaming reader must be
    given (it once was not, and every such file was refused as damaged)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    strings: dict[bytes, int] = {}

    def shared(match: re.Match) -> bytes:
        index = strings.setdefault(match.group(3), len(strings))
        return b'<c ' + match.group(1) + b't="s"' + match.group(2) + b"><v>" + str(index).encode() + b"</v></c>"

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                content = _INLINE.sub(shared, content)
            elif info.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                          b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"</Relationships>", b'<Relationship Type="http://schemas.openxmlformats.org/'
                                          b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml" '
                                          b'Id="rIdStrings"/></Relationships>')
            target.writestr(info, content)
        items = b"".join(b'<si><t xml:space="preserve">' + text + b"</t></si>" for text in strings)
        target.writestr("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                        + f'count="{len(strings)}" uniqueCount="{len(strings)}">'.encode() + items + b"</sst>")
    assert strings, "no inline text to share"
    return out.getvalue()


def password_protected() -> bytes:
    """What Excel writes for a workbook with a password: an OLE container with the
    encrypted package (the stream names are what the reader recognises)."""
    return (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le")
            + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1024)


def corrupt() -> bytes:
    data = printed_trich_ngang()
    return data[: len(data) // 2]


def bomb(unpacked_mb: int = 100) -> bytes:
    """A small .xlsx whose shared strings unpack to `unpacked_mb` MB."""
    data = hidden_rows()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        chunk = b"<si><t>" + b"A" * 1000 + b"</t></si>"
        strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + \
            chunk * (unpacked_mb * 1024) + b"</sst>"
        target.writestr("xl/sharedStrings2.xml", strings)
    return out.getvalue()


def cases() -> list[Case]:
    n = len(PEOPLE)
    header = plain_rows()
    return [
        Case("trich-ngang-in.xlsx", printed_trich_ngang(), n, "Danh sách có"),
        Case("gioi-tinh-danh-dau.xlsx", sex_marks_and_years(), n),
        Case("dong-an-hoi.xlsx", hidden_rows(), None, "dòng bị ẩn"),
        Case("dong-an-bo-qua.xlsx", hidden_rows(), n - 2, hidden="skip"),
        Case("dong-an-nhap-ca.xlsx", hidden_rows(), n, hidden="include"),
        Case("sai-vung-du-lieu.xlsx", wrong_dimension(), n),
        Case("phong-vntime.xlsx", legacy_fonts(legacy_text.TCVN3), n, "TCVN3"),
        Case("phong-vni.xlsx", legacy_fonts(legacy_text.VNI), n, "VNI"),
        Case("excel-97.xls", xls_file(), n),
        Case("libreoffice.ods", ods_file(), n),
        Case("excel-97-an.xls", xls_file(hide=True), None, "dòng bị ẩn"),
        Case("excel-97-an-bo-qua.xls", xls_file(hide=True), n - 2, "G (Quê quán)", hidden="skip", hidden_columns="skip"),
        Case("libreoffice-an.ods", ods_file(hide=True), None, "cột bị ẩn: G (Quê quán)"),
        Case("libreoffice-an-bo-qua.ods", ods_file(hide=True), n - 2, hidden="skip", hidden_columns="include"),
        Case("cot-an-hoi.xlsx", hidden_column(), None, "cột bị ẩn: G (Quê quán)"),
        Case("cot-an-bo-qua.xlsx", hidden_column(), n, "G (Quê quán)", hidden_columns="skip"),
        Case("cot-an-nhap-ca.xlsx", hidden_column(), n, hidden_columns="include"),
        Case("cong-thuc-va-o-cuoi.xlsx", formulas_and_a_stray_last_cell(), n),
        Case("chuoi-dung-chung.xlsx", with_shared_strings(printed_trich_ngang()), n, "Danh sách có"),
        Case("chuoi-dung-chung-an.xlsx", with_shared_strings(hidden_rows()), n - 2, hidden="skip"),
        Case("utf16.csv", _csv_text(header, "\t").encode("utf-16"), n, "UTF-16"),
        Case("windows-1258.csv", cp1258(_csv_text(header, ";")), n, "Windows-1258"),
        Case("loi-excel.xlsx", error_values(), None, "#REF!"),
        Case("ky-tu-dieu-khien.csv", control_characters(), n, "ký tự điều khiển"),
        Case("nhieu-trang.xlsx", several_sheets(), n, "DS cán bộ"),
        Case("mat-khau.xlsx", password_protected(), None, "mật khẩu"),
        Case("hong.xlsx", corrupt(), None, "hỏng"),
        Case("bom-nen.xlsx", bomb(), None, "quá lớn"),
    ]


def make_all(folder: Path) -> dict[str, Case]:
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for case in cases():
        (folder / case.filename).write_bytes(case.data)
        made[case.filename] = case
    return made


if __name__ == "__main__":  # pragma: no cover
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    for name in make_all(target):
        print(target / name)
