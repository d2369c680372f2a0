"""How one cell of a list is read: text, whole numbers, numbers, dates (dd/mm/yyyy and its
variants, Excel dates and serial days, month/year and year-only kept with their precision),
yes/no, and codes of a vocabulary by any accepted spelling. A cell that cannot be read raises
`CellError` with the reason in Vietnamese. Used by `tabular`'s columns and the editing forms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
import re
from collections.abc import Callable
from typing import Any

from quyhoach.domain import vocab
from quyhoach.domain.dates import DateParseError, parse_date
from quyhoach.domain.text import fold, nfc


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


class PartialDate(dt.date):
    """A date known only to the month or the year ("05/1968", "1968"): the first day of
    the month, or 1 January, with its precision. Stored as that day with the precision
    beside it (Cadre.birth_date_precision); see docs/RULES.md, P6, for what the rules assume."""

    precision: str

    def __new__(cls, year: int, month: int = 1, day: int = 1, precision: str = "year") -> PartialDate:
        made = super().__new__(cls, year, month, day)
        made.precision = precision
        return made


def precision_of(value: dt.date | None) -> str:
    """'day', 'month' or 'year'."""
    return getattr(value, "precision", "day")


def with_precision(value: dt.date | None, precision: str | None) -> dt.date | None:
    """A stored date and its precision as the reading gives them: a PartialDate unless
    the day is known."""
    if value is None or precision in (None, "day"):
        return value
    return PartialDate(value.year, value.month if precision == "month" else 1, 1, precision)


def date_words(value: dt.date | None) -> str:
    """A date as known: '07/03/1975', '05/1972' or '1968'."""
    if value is None:
        return ""
    precision = precision_of(value)
    if precision == "year":
        return f"{value.year}"
    if precision == "month":
        return f"{value.month:02d}/{value.year}"
    return value.strftime("%d/%m/%Y")


_YEAR = re.compile(r"^\s*(?:năm\s+)?(\d{4})\s*$", re.IGNORECASE)
_MONTH_YEAR = re.compile(r"^\s*(?:tháng\s+)?(\d{1,2})\s*(?:[/.\-]|\s+năm\s+)\s*(\d{4})\s*$", re.IGNORECASE)
_WORDS = re.compile(r"^\s*(?:ngày\s+)?(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})\s*$", re.IGNORECASE)
_PLAIN_DMY = re.compile(r"(\d\d)/(\d\d)/(\d{4})$")
_TWO_DIGIT_YEAR = re.compile(r"^\s*\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}\s*$")
MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_SERIAL = 73050  # 31/12/2099 as an Excel serial day


def _date(value: Any) -> dt.date | None:
    """A date cell (see _any_date); dd/mm/yyyy, as most files write it, read at once."""
    if isinstance(value, str) and (match := _PLAIN_DMY.match(value)) is not None:
        try:
            return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            pass  # a day that does not exist: parse_date says so
    return _any_date(value)


def _any_date(value: Any) -> dt.date | None:
    """dd/mm/yyyy and its variants (d/m/yyyy, dd.mm.yyyy, dd-mm-yyyy, "ngày 7 tháng 3 năm
    1978"), ISO, a date cell, an Excel serial day number, mm/yyyy and yyyy (with their
    precision)."""
    if isinstance(value, bool):
        raise CellError(f"không phải ngày: '{value}'")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(f"không phải ngày: '{value}'")
        if float(value).is_integer() and MIN_YEAR <= value <= MAX_YEAR:
            return PartialDate(int(value))
        if 1 <= value <= MAX_SERIAL:
            from quyhoach.services.records.reading import excel_serial_date
            return excel_serial_date(value)
        raise CellError(f"không phải ngày: '{value}'")
    if isinstance(value, str):
        if match := _YEAR.match(value):
            year = int(match.group(1))
            if MIN_YEAR <= year <= MAX_YEAR:
                return PartialDate(year)
        if match := _MONTH_YEAR.match(value):
            month, year = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12:
                return PartialDate(year, month, 1, "month")
            raise CellError(f"tháng không tồn tại: '{value.strip()}'")
        if match := _WORDS.match(value):
            value = f"{match.group(1)}/{match.group(2)}/{match.group(3)}"
        elif _TWO_DIGIT_YEAR.match(value):
            raise CellError(f"năm phải đủ 4 chữ số (dd/mm/yyyy): '{value.strip()}'")
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
    known: dict[Any, str] = {}  # spellings read before (a list repeats a few thousand times)

    def read(value: Any) -> str | None:
        code = known.get(value)
        if code is not None:
            return code
        text = _text(value)
        if text is None:
            return None
        try:
            code = vocabulary.parse(text)
        except ValueError as exc:
            raise CellError(str(exc)) from None
        if len(known) < 1000 and isinstance(value, str):
            known[value] = code
        return code

    return read


def _lines(value: Any) -> str | None:
    """Text kept one entry a line (form 2C's lists): each line cleaned as a text cell, empty lines dropped."""
    if value is None:
        return None
    kept = [line for line in (_text(part) for part in str(value).splitlines()) if line]
    return "\n".join(kept) or None


READERS: dict[str, Callable[[Any], Any]] = {
    "text": _text, "lines": _lines, "int": _int, "float": _float, "date": _date, "bool": _bool,
}


_VOCABULARY_READERS: dict[str, Callable[[Any], Any]] = {}


def reader_of(kind: str) -> Callable[[Any], Any]:
    """The reader of a column kind (a vocabulary's made once: this runs on every cell).
    Every reader reads an empty cell (None) as None."""
    reader = READERS.get(kind) or _VOCABULARY_READERS.get(kind)
    if reader is None:
        reader = _VOCABULARY_READERS[kind] = _choice(vocab.VOCABULARIES[kind])
    return reader


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text, lines, int, float, date, bool, or a vocabulary name
    required: bool = False
    max_length: int | None = None
    example: str = ""
    help: str = ""

    def read(self, value: Any) -> Any:
        return self.reader()(value)

    def reader(self) -> Callable[[Any], Any]:
        """This column's reading of one cell as one function (its kind's reader, then
        required and the length), made once for a whole file's cells."""
        base = reader_of(self.kind)
        required, max_length = self.required, self.max_length
        if not required and not max_length:
            return base

        def read(value: Any) -> Any:
            result = base(value)
            if result is None:
                if required:
                    raise CellError("bắt buộc, đang để trống")
            elif max_length and isinstance(result, str) and len(result) > max_length:
                raise CellError(f"dài quá {max_length} ký tự")
            return result

        return read
