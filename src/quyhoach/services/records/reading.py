"""Opening an uploaded spreadsheet safely and streaming its rows.

Which reader reads what:
- .xlsx/.xlsm: python-calamine when the workbook holds values only, as most do (reading_xlsx.py:
  no legacy font, hidden row or column, Excel error value...: a streamed scan of its XML says),
  fifteen times faster; otherwise openpyxl's streaming sheet parser (the one its read-only mode uses), called
  directly so that every row in the sheet XML is read whatever the sheet's used-range tag
  (`<dimension>`) says, and so that hidden rows and columns and each cell's font (for the
  legacy TCVN3/VNI fonts) come with the values. defusedxml guards the XML (openpyxl uses it
  when it is installed).
- .xls and .ods: python-calamine for the values (it exposes neither hidden rows nor fonts:
  legacy text is recognised by its characters there); hidden rows and columns from xlrd's
  row and column records for .xls, and for .ods from a streamed read of content.xml
  (table:visibility on the rows and columns; defusedxml).
- CSV: charset-normalizer names the encoding (UTF-8, UTF-16, windows-1258, windows-1252...).

The limits are checked before and while reading: the unpacked size of an .xlsx/.ods (a
200 kB file can unpack to gigabytes), rows, cells; and the caller's `should_stop` is asked
between rows, so a long check can be stopped. Every string cell passes the door: control
characters (NUL and the other C0 codes but tab and line breaks) are removed and noted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

from quyhoach.services.records import legacy_text

# What every reader gives (the limits, the notes, a row, a book, the door) is in reading_rows;
# read through this module too.
from quyhoach.services.records.reading_rows import (  # noqa: F401
    ERROR_VALUES, MB, Book, CellErrorValue, Limits, Notes, RawRow, ReadError, Stopped, _CONTROL, _ESCAPED_CONTROL,
    _guard, calamine_rows, clean_text, column_letter,
)


# -- opening -------------------------------------------------------------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def open_book(data: bytes, filename: str, limits: Limits | None = None) -> Book:
    """Open a file by its content (the name's extension only breaks ties). Raises
    ReadError with a message for a file that cannot be read."""
    limits = limits or Limits()
    name = filename.lower()
    if not data:
        raise ReadError("tệp trống (0 byte); hãy chọn lại tệp")
    if data.startswith(_OLE):
        if "EncryptionInfo".encode("utf-16-le") in data or b"EncryptedPackage" in data.replace(b"\x00", b""):
            raise ReadError("tệp có mật khẩu; hãy mở bằng Excel, bỏ mật khẩu (Tệp > Thông tin > Bảo vệ sổ làm việc), "
                            "lưu lại rồi tải lên")
        return _open_calamine(data, "xls")
    if data.startswith(b"PK\x03\x04"):
        archive = _open_zip(data, limits)
        names = set(archive.namelist())
        if "mimetype" in names and b"opendocument.spreadsheet" in archive.read("mimetype"):
            archive.close()
            return _open_calamine(data, "ods")
        if "xl/workbook.xml" in names:
            return _open_xlsx(data, archive, limits)
        archive.close()
        raise ReadError("tệp nén này không phải bảng tính Excel (.xlsx) hay .ods")
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise ReadError("không mở được tệp: tệp bị hỏng hoặc không phải bảng tính; hãy mở bằng Excel, lưu lại rồi tải lên")
    if not name.endswith((".csv", ".txt", ".tsv")):
        raise ReadError(f"không đọc được tệp «{filename}»: chỉ nhận bảng tính .xlsx, .xls, .ods hoặc tệp .csv")
    return _open_csv(data)


def _open_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ReadError("không mở được tệp: tệp bị hỏng (không giải nén được); hãy mở bằng Excel, lưu lại rồi tải lên") \
            from None
    if any(info.flag_bits & 0x1 for info in infos):
        raise ReadError("tệp có mật khẩu; hãy bỏ mật khẩu rồi tải lên")
    total = sum(info.file_size for info in infos)
    too_big = ("tệp giải nén ra quá lớn ({size} MB, tối đa {limit} MB): có thể là tệp độc hại hoặc có quá nhiều dữ liệu; "
               "hãy chia nhỏ hoặc chỉ giữ lại trang tính cần nhập")
    if total > limits.max_unpacked_bytes:
        raise ReadError(too_big.format(size=total // MB, limit=limits.max_unpacked_bytes // MB))
    for info in infos:
        if info.file_size > 10 * MB and info.file_size > limits.max_member_ratio * max(info.compress_size, 1):
            raise ReadError(too_big.format(size=total // MB, limit=limits.max_unpacked_bytes // MB))
        if info.filename.endswith("sharedStrings.xml") and info.file_size > limits.max_shared_strings_bytes:
            raise ReadError(too_big.format(size=info.file_size // MB, limit=limits.max_shared_strings_bytes // MB))
    return archive


# -- xlsx ----------------------------------------------------------------------------------------

def _open_xlsx(data: bytes, archive: zipfile.ZipFile, limits: Limits) -> Book:
    from openpyxl import load_workbook

    from quyhoach.services.records import reading_xlsx

    fast = reading_xlsx.open_book(data, archive, limits)  # calamine, when it reads the file as openpyxl does
    archive.close()
    if fast is not None:
        return fast
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file  # noqa: BLE001
        raise ReadError("không mở được tệp Excel: tệp hỏng; hãy mở bằng Excel, lưu lại rồi tải lên") from None
    worksheets = [ws for ws in workbook.worksheets if hasattr(ws, "_get_source")]
    names = [ws.title for ws in worksheets]
    # The font of each cell style: which styles write legacy text.
    legacy_styles: dict[int, tuple[str, bool]] = {}
    fonts = getattr(workbook, "_fonts", [])
    for style_id, style in enumerate(getattr(workbook, "_cell_styles", [])):
        font_id = getattr(style, "fontId", None)
        if font_id is not None and 0 <= font_id < len(fonts):
            implied = legacy_text.encoding_of_font(getattr(fonts[font_id], "name", None))
            if implied:
                legacy_styles[style_id] = implied

    def rows(index: int, notes: Notes, limits: Limits, should_stop: Callable[[], bool] | None) -> Iterator[RawRow]:
        from openpyxl.worksheet._reader import WorkSheetParser

        worksheet = worksheets[index]
        counter = [0, 0]
        with worksheet._get_source() as source:
            parser = WorkSheetParser(source, worksheet._shared_strings, data_only=True, epoch=workbook.epoch,
                                     date_formats=workbook._date_formats,
                                     timedelta_formats=workbook._timedelta_formats)
            hidden_columns: set[int] | None = None
            for number, cells in _parsed(parser):
                if hidden_columns is None:  # <cols> comes before the rows
                    hidden_columns = _hidden_columns(parser.column_dimensions)
                    notes.hidden_columns = sorted(hidden_columns)
                _guard(counter, len(cells), limits, should_stop)
                values: list[Any] = []
                errors = False
                for cell in cells:
                    col = cell["column"] - 1
                    if col >= limits.max_columns:
                        continue
                    if col >= len(values):
                        values.extend([None] * (col + 1 - len(values)))
                    value = cell["value"]
                    if cell["data_type"] == "e" and value is not None:
                        value = CellErrorValue(str(value))
                        errors = True
                    elif isinstance(value, str):
                        value = clean_text(value, number, col, notes)
                        implied = legacy_styles.get(cell.get("style_id") or 0) if cell.get("style_id") else None
                        if implied and not value.isascii():
                            value = _convert_legacy(value, implied, number, col, notes)
                    values[col] = value
                dims = parser.row_dimensions.get(str(number)) or parser.row_dimensions.get(number)  # type: ignore
                hidden = bool(dims and dims.get("hidden") in ("1", "true", True))
                yield RawRow(number, values, hidden, errors)

    return Book("xlsx", names, None, rows, workbook.close)


def _parsed(parser: Any) -> Iterator[tuple[int, list[dict]]]:
    """openpyxl's rows; a sheet it cannot parse (a broken cell, bad XML) is a ReadError."""
    rows = parser.parse()
    while True:
        try:
            item = next(rows)
        except StopIteration:
            return
        except Exception:  # noqa: BLE001 - the parser's errors for a damaged sheet
            raise ReadError("không đọc được trang tính: tệp bị hỏng; hãy mở bằng Excel, lưu lại rồi tải lên") from None
        yield item


def _hidden_columns(dimensions: dict) -> set[int]:
    from openpyxl.utils import column_index_from_string

    hidden: set[int] = set()
    for key, attrs in dimensions.items():
        if attrs.get("hidden") not in ("1", "true", True):
            continue
        start = int(attrs.get("min") or column_index_from_string(key))
        end = int(attrs.get("max") or start)
        hidden.update(range(start - 1, min(end, 16384)))
    return hidden


def _convert_legacy(value: str, implied: tuple[str, bool], row: int, col: int, notes: Notes) -> str:
    encoding, capitals = implied
    converted = legacy_text.convert(value, encoding, capitals=capitals)
    if converted != value:
        notes.legacy_count += 1
        if len(notes.legacy) < Notes.KEEP:
            notes.legacy.append((row, col, encoding, value, converted))
    return converted


# -- xls, ods ------------------------------------------------------------------------------------

def _open_calamine(data: bytes, fmt: str) -> Book:
    import python_calamine as calamine

    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = [m.name for m in workbook.sheets_metadata if str(m.typ).endswith("WorkSheet")] or workbook.sheet_names
    except calamine.PasswordError:
        raise ReadError("tệp có mật khẩu; hãy mở bằng Excel, bỏ mật khẩu, lưu lại rồi tải lên") from None
    except Exception:  # calamine's errors for a broken file  # noqa: BLE001
        what = "Excel 97–2003 (.xls)" if fmt == "xls" else "OpenDocument (.ods)"
        raise ReadError(f"không mở được tệp {what}: tệp hỏng; hãy mở bằng Excel hoặc LibreOffice, lưu lại rồi tải lên") \
            from None

    loaded: dict[int, Any] = {}  # each sheet parsed once: the header search, the hidden columns, the rows

    def rows(index: int, notes: Notes, limits: Limits, should_stop: Callable[[], bool] | None) -> Iterator[RawRow]:
        try:
            sheet = loaded.get(index) or loaded.setdefault(index, workbook.get_sheet_by_name(names[index]))
        except calamine.PasswordError:
            raise ReadError("tệp có mật khẩu; hãy bỏ mật khẩu rồi tải lên") from None
        except Exception:  # noqa: BLE001
            raise ReadError("không đọc được trang tính: tệp hỏng; hãy mở bằng Excel, lưu lại rồi tải lên") from None
        hidden_rows, hidden_columns = hidden_of(index)
        notes.hidden_columns = sorted(hidden_columns)
        yield from calamine_rows(sheet, notes, limits, should_stop, text=_door_with_guess, error_values=True,
                                 hidden_rows=hidden_rows)

    found: dict[int, tuple[set[int], set[int]]] = {}

    def hidden_of(index: int) -> tuple[set[int], set[int]]:
        if index not in found:
            if fmt == "xls":
                found[index] = _xls_hidden(data, names[index])
            else:
                sheet = workbook.get_sheet_by_name(names[index])
                start = sheet.start or (0, 0)
                found[index] = _ods_hidden(data, names[index], start[0] + sheet.height, start[1] + sheet.width)
        return found[index]

    return Book(fmt, list(names), None, rows, workbook.close)


def _xls_hidden(data: bytes, name: str) -> tuple[set[int], set[int]]:
    """The hidden rows (as numbered on screen, from 1) and columns (from 0) of an .xls
    sheet: xlrd reads the ROW and COLINFO records when asked for formatting."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
        try:
            sheet = book.sheet_by_name(name)
            rows = {r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden}
            columns = {c for c, info in sheet.colinfo_map.items() if info.hidden}
        finally:
            book.release_resources()
    except Exception:  # noqa: BLE001 - calamine read the file; without its formatting nothing is hidden
        return set(), set()
    return rows, columns


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def _ods_hidden(data: bytes, name: str, last_row: int, last_column: int) -> tuple[set[int], set[int]]:
    """The hidden rows (from 1) and columns (from 0) of an .ods sheet: rows and columns
    whose table:visibility is "collapse" (hidden) or "filter" (filtered out), read from
    content.xml as a stream (each row cleared once read), repeats counted up to the last
    row and column that hold data (LibreOffice repeats the empty ones to the sheet's end)."""
    from defusedxml.ElementTree import iterparse

    rows: set[int] = set()
    columns: set[int] = set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as source:
            inside, depth, row, column = False, 0, 0, 0
            for event, element in iterparse(source, events=("start", "end")):
                tag = element.tag
                if tag == f"{_ODS_TABLE}table":
                    if event == "start":
                        depth += 1
                        inside = inside or (depth == 1 and element.get(f"{_ODS_TABLE}name") == name)
                    else:
                        depth -= 1
                        if inside and depth == 0:
                            break
                        element.clear()
                    continue
                if not inside or depth != 1 or event != "end":
                    continue
                if tag == f"{_ODS_TABLE}table-row":
                    repeat = int(element.get(f"{_ODS_TABLE}number-rows-repeated") or 1)
                    if element.get(f"{_ODS_TABLE}visibility") in ("collapse", "filter"):
                        rows.update(range(row + 1, min(row + repeat, last_row) + 1))
                    row += repeat
                    element.clear()
                elif tag == f"{_ODS_TABLE}table-column":
                    repeat = int(element.get(f"{_ODS_TABLE}number-columns-repeated") or 1)
                    if element.get(f"{_ODS_TABLE}visibility") in ("collapse", "filter"):
                        columns.update(range(column, min(column + repeat, last_column)))
                    column += repeat
    except Exception:  # noqa: BLE001 - calamine read the file; what cannot be read here is shown
        return set(), set()
    return rows, columns


def _door_with_guess(value: str, row: int, col: int, notes: Notes) -> str:
    value = clean_text(value, row, col, notes)
    if not value.isascii():
        encoding = legacy_text.guess(value)
        if encoding:
            value = _convert_legacy(value, (encoding, False), row, col, notes)
    return value


# -- csv -----------------------------------------------------------------------------------------

ENCODING_NAMES = {
    "utf_8": "UTF-8", "utf-8": "UTF-8", "utf_8_sig": "UTF-8", "utf_16": "UTF-16", "utf_16_le": "UTF-16",
    "utf_16_be": "UTF-16", "cp1258": "Windows-1258 (tiếng Việt)", "cp1252": "Windows-1252 (Tây Âu)",
    "latin_1": "ISO-8859-1",
}


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, Python codec name) of a text file: BOMs first, then strict UTF-8, then the
    code page charset-normalizer finds among those Vietnamese offices use."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf_8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf_16"
    try:
        return data.decode("utf-8"), "utf_8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 256 * 1024], cp_isolation=["utf_16_le", "utf_16_be", "cp1258", "cp1252"]).best()
    encoding = best.encoding if best is not None else "cp1258"
    if encoding == "cp1252" and _cp1258_fits(data):
        # Both decode any byte; Vietnamese text reads as words only in 1258 (its tone marks
        # are combining characters that NFC composes into letters).
        encoding = "cp1258"
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        return data.decode("cp1258", errors="replace"), "cp1258"


def _cp1258_fits(data: bytes) -> bool:
    # Bytes 0xCC (grave), 0xEC (acute), 0xD2 (hook), 0xDE (tilde), 0xF2 (dot below) and
    # 0xD0/0xF0 (Đ/đ), 0xE3 (ă), 0xF5 (ơ), 0xFD (ư) are Vietnamese letters and marks in 1258.
    vietnamese = sum(data.count(bytes([b])) for b in (0xCC, 0xEC, 0xD2, 0xDE, 0xF2, 0xD0, 0xF0, 0xE3, 0xF5, 0xFD))
    return vietnamese > 0


def _open_csv(data: bytes) -> Book:
    import unicodedata

    text, encoding = decode_text(data)
    if encoding.startswith("cp125"):
        text = unicodedata.normalize("NFC", text)
    if "\x00" in text[:4096] and encoding.startswith("utf_8") and text.count("\x00") > len(text) // 4:
        raise ReadError("tệp không phải bảng tính hay CSV (có nhiều byte 0); hãy chọn tệp .xlsx, .xls, .ods hoặc .csv")
    first = text[:4096]
    delimiter = max((";", ",", "\t"), key=first.count) if any(d in first for d in ";,\t") else ","
    # A file without control characters or Excel's escapes of them (most): the door leaves
    # every cell as it is, and only text that may be legacy (no letter above Latin-1) is looked at.
    door = "_x00" in text or _CONTROL.search(text) is not None

    def rows(index: int, notes: Notes, limits: Limits, should_stop: Callable[[], bool] | None) -> Iterator[RawRow]:
        counter = [0, 0]
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for number, cells in enumerate(reader, start=1):
                _guard(counter, len(cells), limits, should_stop)
                values: list[Any] = []
                append = values.append
                errors = False
                for col, value in enumerate(cells[: limits.max_columns]):
                    if not value:  # most cells of a wide list: nothing to look at
                        append(None)
                    elif value in ERROR_VALUES:
                        append(CellErrorValue(value))
                        errors = True
                    elif value[:1] == "'" and value[1:2] in ("=", "+", "-", "@"):
                        # the apostrophe our exports put before text that looks like a formula
                        append(_door_with_guess(value[1:], number, col, notes))
                    elif door or not (value.isascii() or max(value) > "\xff"):
                        append(_door_with_guess(value, number, col, notes))
                    else:  # what the door would give back: no control character, not legacy text
                        append(value)
                yield RawRow(number, values, errors=errors)
        except csv.Error:
            raise ReadError("tệp CSV hỏng (dấu ngoặc kép không đóng); hãy mở bằng Excel, lưu lại rồi tải lên") from None

    return Book("csv", ["CSV"], ENCODING_NAMES.get(encoding, encoding), rows)


def excel_serial_date(value: float) -> dt.date:
    """An Excel serial day number (1900 system) as a date: 25569 -> 01/01/1970."""
    return (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))).date()
