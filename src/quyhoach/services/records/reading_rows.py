"""What every reader of an uploaded file gives (reading.py opens the file; reading_xlsx.py
reads a plain .xlsx with calamine): the limits an upload is held to, the notes a reading
makes for the preview, a row as the file has it, an opened book, and the door every string
cell passes (control characters out, and noted).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one upload may hold. The defaults fit a province's largest lists (190,000
    evaluation rows) with room to spare; config.py lets an installation change them."""

    max_unpacked_bytes: int = 400 * MB      # all members of an .xlsx/.ods together
    max_member_ratio: int = 250             # unpacked/packed size of one member (bombs run to 1000+)
    max_shared_strings_bytes: int = 64 * MB  # kept in memory by every xlsx reader
    max_rows: int = 200_000
    max_cells: int = 6_000_000
    max_columns: int = 300


class ReadError(Exception):
    """A file that cannot be read at all; the message says why and what to do, in Vietnamese."""


class Stopped(Exception):
    """The caller asked to stop the check."""


# C0 control characters except tab (9), line feed (10) and carriage return (13), and DEL.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# openpyxl leaves Excel's escapes of control characters (_x0000_) as they are.
_ESCAPED_CONTROL = re.compile(r"_x00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F])_|_x007[fF]_")
ERROR_VALUES = frozenset({"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA",
                          "#SPILL!", "#CALC!"})


def column_letter(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA': the column as Excel shows it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class RawRow:
    """One row as the file has it: its number as the spreadsheet shows it (1-based), the
    cells from column A, whether a filter or the user hid it, and whether a cell holds an
    Excel error value (CellErrorValue), so that only such rows are searched for them."""

    number: int
    cells: list[Any]
    hidden: bool = False
    errors: bool = False


@dataclass
class Notes:
    """What the reading found that the user should see before importing."""

    controls: list[tuple[int, int]] = field(default_factory=list)  # (row, column index) stripped
    legacy: list[tuple[int, int, str, str, str]] = field(default_factory=list)  # row, col, encoding, before, after
    legacy_count: int = 0
    errors: list[tuple[int, int, str]] = field(default_factory=list)  # Excel error values
    hidden_rows: list[int] = field(default_factory=list)
    hidden_columns: list[int] = field(default_factory=list)

    KEEP = 20  # examples kept of each kind

    def legacy_encodings(self) -> list[str]:
        return sorted({e for _, _, e, _, _ in self.legacy})


@dataclass
class Book:
    """An opened file: its format, the encoding (CSV), and its sheets, read row by row."""

    format: str
    sheet_names: list[str]
    encoding: str | None = None
    _open_rows: Callable[[int, Notes, Limits, Callable[[], bool] | None], Iterator[RawRow]] | None = None
    _close: Callable[[], None] | None = None

    def rows(self, index: int, notes: Notes, limits: Limits,
             should_stop: Callable[[], bool] | None = None) -> Iterator[RawRow]:
        """The rows of one sheet, streamed; each call reads the sheet again."""
        assert self._open_rows is not None
        return self._open_rows(index, notes, limits, should_stop)

    def close(self) -> None:
        if self._close:
            self._close()


def clean_text(value: str, row: int, col: int, notes: Notes) -> str:
    """The door: control characters out (noted), Excel's _x0000_ escapes too."""
    if "_x00" in value:
        value = _ESCAPED_CONTROL.sub("\x00", value)
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value)
        if len(notes.controls) < Notes.KEEP * 5:
            notes.controls.append((row, col))
    return value


def _guard(counter: list[int], cells: int, limits: Limits, should_stop: Callable[[], bool] | None) -> None:
    """Count a row and its cells against the limits; ask whether to stop."""
    counter[0] += 1
    counter[1] += cells
    if counter[0] > limits.max_rows:
        raise ReadError(f"tệp có hơn {limits.max_rows:,} dòng; hãy chia thành nhiều tệp nhỏ hơn".replace(",", "."))
    if counter[1] > limits.max_cells:
        raise ReadError(f"tệp có hơn {limits.max_cells:,} ô có dữ liệu; hãy chia thành nhiều tệp nhỏ hơn"
                        .replace(",", "."))
    if should_stop is not None and counter[0] % 256 == 0 and should_stop():
        raise Stopped()


class CellErrorValue(str):
    """An Excel error value (#N/A, #REF!...) as a cell holds it."""


def calamine_rows(sheet: Any, notes: Notes, limits: Limits, should_stop: Callable[[], bool] | None, *,
                  text: Callable[[str, int, int, Notes], str], error_values: bool = False,
                  hidden_rows: frozenset[int] | set[int] = frozenset(),
                  present: set[int] | None = None) -> Iterator[RawRow]:
    """The rows of a sheet python-calamine read, with the values as openpyxl gives them: an
    empty string as nothing, a whole float as an int (below 2**53, where a float still holds
    every whole number), a date as a datetime at midnight, every other string through `text`
    (the door). `error_values`: a string that is an Excel error value (.xls/.ods, where
    calamine gives them as text) becomes a CellErrorValue; `present`: only these row numbers
    (the rows an .xlsx sheet's XML has, as openpyxl skips the others)."""
    offset = sheet.start[1] if sheet.start else 0
    width = max(limits.max_columns - offset, 0)
    counter = [0, 0]
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        if present is not None and number not in present:
            continue
        _guard(counter, len(cells), limits, should_stop)
        values: list[Any] = [None] * offset
        append = values.append
        errors = False
        for col, value in enumerate(cells[:width], start=offset):
            kind = type(value)
            if kind is str:
                if not value:
                    append(None)
                elif error_values and value in ERROR_VALUES:
                    append(CellErrorValue(value))
                    errors = True
                else:
                    append(text(value, number, col, notes))
            elif kind is float:
                append(int(value) if value.is_integer() and abs(value) < 2**53 else value)
            elif kind is dt.date:
                append(dt.datetime(value.year, value.month, value.day))
            else:
                append(value)
        yield RawRow(number, values, number in hidden_rows, errors)
