""".xlsx files read by python-calamine (Rust) when it gives what openpyxl's parser gives:
fifteen times less CPU for a large list (30,000 cadres × 50 columns: 0.7 s against 10.7 s).

calamine gives the values only. What openpyxl's parser gives besides (reading.py, `_open_xlsx`)
is looked for first, by a streamed scan of the package's XML, and a workbook that has any of it
is read by openpyxl as before, so nothing the preview or the checks show is lost:

- a cell font of the legacy TCVN3/VNI encodings (the text is converted by its font);
- hidden rows or columns (the user is asked about them);
- Excel error values (`t="e"`: calamine reads them as empty cells; they are reported);
- Excel's `_xHHHH_` escapes (openpyxl leaves them as they are, calamine decodes them);
- rows or cells without their reference, tags with a namespace prefix: shapes this scan
  does not check;
- a bounding box of the cells (whatever the used-range tag says) larger than the limits
  allow, or more than MAX_ROWS rows: calamine holds a sheet whole in memory, where openpyxl
  streams (counting against the limits; the 190,000-row evaluations check stays ≤ 300 MB).

The values then come as openpyxl gives them: a date cell as a datetime at midnight, a whole
number as an int (below 2**53, where a float still holds every whole number: above, openpyxl
keeps the file's own writing, 1E+20 or 9007199254740993, which calamine does not give), an
empty string as nothing, only the rows the sheet's XML has (openpyxl skips the others).
Where the used-range tag is wrong, calamine, like this module's scan, goes by the cells.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

from quyhoach.services.records import legacy_text
from quyhoach.services.records.reading_rows import Book, Limits, Notes, RawRow, ReadError, calamine_rows, clean_text

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CHUNK = 1 << 20
# calamine holds a whole sheet in memory: past this many rows (a province's evaluations over
# the years: 190,000) openpyxl's streaming keeps the check's memory bounded (≤ 300 MB), as before.
MAX_ROWS = 50_000

_ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")
_MARKS = (b't="e"', b"t='e'", b'hidden="1"', b"hidden='1'", b'hidden="true"', b"hidden='true'")
_CELL = re.compile(rb"<c[\s/>]")
_CELL_REF = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,3})\d')
_ROW = re.compile(rb"<row[\s/>]")
_ROW_REF = re.compile(rb'<row\s[^>]*?\br="(\d+)"')
_FONT_NAME = re.compile(rb"""<name\s+val\s*=\s*["']([^"']*)["']""")


def open_book(data: bytes, archive: zipfile.ZipFile, limits: Limits) -> Book | None:
    """The workbook read by calamine, or None when openpyxl must read it (see above)."""
    try:
        sheets = _worksheets(archive)
        if sheets is None or _legacy_fonts(archive) or _has(archive, "xl/sharedStrings.xml", _ESCAPE):
            return None
        present: list[set[int]] = []  # the rows each sheet's XML has (openpyxl gives those only)
        for path in sheets.values():
            rows = _plain_sheet(archive, path, limits)
            if rows is None:
                return None
            present.append(rows)
    except (KeyError, ValueError, zipfile.BadZipFile, OSError):
        return None
    import python_calamine as calamine

    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = [m.name for m in workbook.sheets_metadata if str(m.typ).endswith("WorkSheet")]
    except Exception:  # noqa: BLE001 - calamine's errors: openpyxl tries, and says what is wrong
        return None
    if names != list(sheets):
        return None

    loaded: dict[int, Any] = {}  # each sheet parsed once: the header search, the hidden columns, the rows

    def rows(index: int, notes: Notes, limits: Limits, should_stop: Callable[[], bool] | None) -> Iterator[RawRow]:
        try:
            sheet = loaded.get(index) or loaded.setdefault(index, workbook.get_sheet_by_name(names[index]))
        except Exception:  # noqa: BLE001
            raise ReadError("không đọc được trang tính: tệp hỏng; hãy mở bằng Excel, lưu lại rồi tải lên") from None
        notes.hidden_columns = []
        yield from calamine_rows(sheet, notes, limits, should_stop, text=clean_text, present=present[index])

    return Book("xlsx", names, None, rows, workbook.close)


def _worksheets(archive: zipfile.ZipFile) -> dict[str, str] | None:
    """The worksheets by name, in the workbook's order, with the path of each one's XML."""
    from defusedxml.ElementTree import fromstring

    workbook = fromstring(archive.read("xl/workbook.xml"))
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") or "" for r in rels.iter(f"{_RELS}Relationship")
               if (r.get("Type") or "").endswith("/worksheet")}
    sheets: dict[str, str] = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_REL_ID))
        if target is None:
            continue  # a chart sheet
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        sheets[sheet.get("name") or ""] = path
    return sheets or None


def _legacy_fonts(archive: zipfile.ZipFile) -> bool:
    if "xl/styles.xml" not in archive.namelist():
        return False
    names = _FONT_NAME.findall(archive.read("xl/styles.xml"))
    return any(legacy_text.encoding_of_font(name.decode("utf-8", "replace")) for name in names)


def _pieces(archive: zipfile.ZipFile, path: str) -> Iterator[bytes]:
    """The member's bytes in pieces cut before a tag: a tag, and the text before the
    next one, is always whole in one piece."""
    with archive.open(path) as source:
        rest = b""
        while block := source.read(_CHUNK):
            block = rest + block
            cut = block.rfind(b"<")
            if cut <= 0:
                rest = block
                continue
            yield block[:cut]
            rest = block[cut:]
        if rest:
            yield rest


def _has(archive: zipfile.ZipFile, path: str, pattern: re.Pattern[bytes]) -> bool:
    return path in archive.namelist() and any(pattern.search(piece) for piece in _pieces(archive, path))


def _plain_sheet(archive: zipfile.ZipFile, path: str, limits: Limits) -> set[int] | None:
    """The numbers of the rows the sheet's XML has, when calamine reads this sheet as
    openpyxl would (see the module's docstring) and its cells' bounding box (which calamine
    holds whole) is within the limits; None otherwise."""
    last_column, seen_data = b"", False
    present: set[int] = set()
    for piece in _pieces(archive, path):
        seen_data = seen_data or b"<sheetData" in piece
        if any(mark in piece for mark in _MARKS) or _ESCAPE.search(piece):
            return None  # an error value, a hidden row or column, an escape
        columns = _CELL_REF.findall(piece)
        rows = _ROW_REF.findall(piece)
        if len(columns) != len(_CELL.findall(piece)) or len(rows) != len(_ROW.findall(piece)):
            return None  # a cell or a row without its reference
        if columns:
            last_column = max(last_column, max(set(columns), key=_column_number), key=_column_number)
        present.update(map(int, rows))
        if len(present) > MAX_ROWS:
            return None
    last_row = max(present, default=0)
    if not seen_data or last_row > limits.max_rows or _column_number(last_column) * last_row > limits.max_cells:
        return None
    return present


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number
