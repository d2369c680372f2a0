"""Finding the list in a sheet laid out for printing.

A "danh sách trích ngang" as offices print it: a title block (the committee's name, the
list's title, the term), a header of one or two rows with merged cells ("Ngày, tháng, năm
sinh" spanning "Nam" | "Nữ"; "Kết quả đánh giá" spanning three years), a row of column
numbers (1), (2)..., section rows ("I. KHỐI ĐẢNG"), the people, then "Danh sách có 08 đồng
chí" and the signature block. `find_header` finds the header among the first rows;
`Layout.rows` turns the rest into the plain rows of the list, and says what it skipped.

Header matching is given as a function (tabular's synonyms), so this module knows shapes,
not column names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from quyhoach.domain.text import fold
from quyhoach.services.records.reading import RawRow, column_letter

HEAD_ROWS = 40  # the header is looked for among the first rows that hold anything

# The sub-headers of the birth-date (or sex) span: the date is written under one of them.
MALE, FEMALE = "nam", "nu"
_COLUMN_NUMBER = re.compile(r"^\(?\s*(\d{1,3})\s*\)?$")
_SECTION = re.compile(r"^\s*(?:[IVXLC]{1,6}|[A-Z]|\d{1,2}(?:\.\d{1,2})*)\s*[\.\)\-–:]\s*\S", re.IGNORECASE)
_FOOTER = re.compile(
    r"^(danh sach (nay )?(co|gom)|tong (so|cong)|(nguoi|noi) lap|t/?m\.?\s|k/?t\.?\s|xac nhan|noi nhan|"
    r".{0,40}ngay \.*\s*\d*\s*thang \.*\s*\d*\s*nam)", re.IGNORECASE)
_MARK = {"x", "v", "1", "co", "√", "✓", "✔", "+"}


def _sex_word(text: str) -> str | None:
    """'nam' or 'nu' for the words Nam / Nữ themselves (not "Năm", which folds the same)."""
    word = text.strip().lower()
    return MALE if word == "nam" else FEMALE if word in ("nữ", "nu\u0303") else None


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


@dataclass
class Header:
    """Where the header is and which column of the file feeds which key."""

    row: int                    # spreadsheet number of the (first) header row
    last_row: int               # the same, or the row below for a two-row header
    columns: dict[str, int]     # key -> column index
    names: dict[int, str]       # column index -> the header text as found
    unknown: list[int]          # columns with a header that matches nothing
    birth_by_sex: dict[str, int] = field(default_factory=dict)  # "nam"/"nu" -> column of the date under it
    sex_marks: dict[str, int] = field(default_factory=dict)     # "nam"/"nu" -> column of the X mark
    score: int = 0

    @property
    def printed(self) -> bool:
        """A printed layout (anything above the header, or a two-row header)."""
        return self.row > 1 or self.last_row > self.row or bool(self.birth_by_sex or self.sex_marks)

    def letter(self, key: str) -> str:
        if key == "birth_date" and self.birth_by_sex:
            return ", ".join(column_letter(c) for c in sorted(self.birth_by_sex.values()))
        if key == "sex" and (self.sex_marks or self.birth_by_sex) and key not in self.columns:
            spans = self.sex_marks or self.birth_by_sex
            return ", ".join(column_letter(c) for c in sorted(spans.values()))
        return column_letter(self.columns[key]) if key in self.columns else ""


Matcher = Callable[[str], str | None]  # header text -> key, "" for a column to ignore (STT), None unknown


def _texts(row: RawRow) -> list[str]:
    return ["" if v is None else str(v).strip() for v in row.cells]  # cell_text, inline: every cell


def _match_row(top: list[str], below: list[str] | None, match: Matcher) -> Header | None:
    """Read one or two rows as a header; None if they do not look like one."""
    width = max(len(top), len(below or []))
    columns: dict[str, int] = {}
    names: dict[int, str] = {}
    unknown: list[int] = []
    birth_by_sex: dict[str, int] = {}
    sex_marks: dict[str, int] = {}
    span = ""  # the text of the merged cell above, carried right over its empty cells
    for c in range(width):
        head = top[c] if c < len(top) else ""
        sub = below[c] if below and c < len(below) else ""
        if head:
            span = head
        elif sub:
            head = span  # under a merged top cell
        if not head and not sub:
            continue
        key: str | None = None
        name = head
        if sub:
            sex_word = _sex_word(sub)
            top_key = match(head) if head else None
            if sex_word and top_key in ("birth_date", "sex"):
                (birth_by_sex if top_key == "birth_date" else sex_marks)[sex_word] = c
                names[c] = f"{head} – {sub}"
                continue
            for text in (sub, f"{head} {sub}", head):
                key = match(text)
                if key is not None:
                    name = sub if text == sub else text
                    break
            if key is not None and key == top_key and key in columns:
                key = None  # a second sub-column of a span already used (the other rating years)
        else:
            key = match(head)
        names[c] = name
        if key is None:
            unknown.append(c)
        elif key and key not in columns:
            columns[key] = c
    if sex_marks and "sex" in columns:
        del columns["sex"]
    score = len(columns) + (2 if birth_by_sex else 0) + (1 if sex_marks else 0)
    return Header(0, 0, columns, names, unknown, birth_by_sex, sex_marks, score)


def _is_subheader(top: list[str], below: list[str]) -> bool:
    """The row under a header is its second row when it has text under the header's empty
    (merged) cells and holds no numbers."""
    if not any(below):
        return False
    if any(_COLUMN_NUMBER.match(t) for t in below if t):
        return False
    under_span = any(t and (c >= len(top) or not top[c]) for c, t in enumerate(below))
    sexes = {_sex_word(t) for t in below} >= {MALE, FEMALE}  # a data row has one of them, not both
    return under_span or sexes


def find_header(head: list[RawRow], match: Matcher) -> Header | None:
    """The best header among the first rows: the row (with the one below when it is the
    header's second row) that names the most known columns."""
    best: Header | None = None
    rows = head[:HEAD_ROWS]
    for i, row in enumerate(rows):
        top = _texts(row)
        if sum(1 for t in top if t) < 2:
            continue
        below = _texts(rows[i + 1]) if i + 1 < len(rows) else []
        two = _is_subheader(top, below)
        found = _match_row(top, below if two else None, match)
        if found is None:
            continue
        found.row = row.number
        found.last_row = rows[i + 1].number if two else row.number
        if best is None or found.score > best.score:
            best = found
    if best is None or best.score < 2:
        return None
    return best


@dataclass
class Skipped:
    """Rows the layout set aside, for the preview."""

    column_numbers: list[int] = field(default_factory=list)
    sections: list[tuple[int, str]] = field(default_factory=list)
    footer: list[int] = field(default_factory=list)
    above_header: int = 0


def data_rows(rows: Iterable[RawRow], header: Header, key_columns: list[int],
              skipped: Skipped) -> Iterator[RawRow]:
    """The rows of the list below the header: column-number rows, section rows and the
    footer (from "Danh sách có ..." or the signature block on) are set aside."""
    first = True
    in_footer = False
    for row in rows:
        if row.number <= header.last_row:
            if row.number < header.row:
                skipped.above_header += 1
            continue
        texts = _texts(row)
        filled = [(c, t) for c, t in enumerate(texts) if t]
        if not filled:
            continue
        if in_footer:
            skipped.footer.append(row.number)
            continue
        if first:
            first = False
            numbers = [_COLUMN_NUMBER.match(t) for _, t in filled]
            if len(filled) >= 3 and all(numbers):
                values = [int(m.group(1)) for m in numbers if m]
                if values == sorted(values) and values[0] <= 2:
                    skipped.column_numbers.append(row.number)
                    continue
        first_text = fold(filled[0][1])
        if len(filled) <= 3 and _FOOTER.match(first_text):
            in_footer = True
            skipped.footer.append(row.number)
            continue
        keys_filled = sum(1 for c in key_columns if c < len(texts) and texts[c])
        if keys_filled == 0 and len(filled) <= 2:
            text = " ".join(t for _, t in filled)
            if _SECTION.match(text) or text.upper() == text or len(filled) == 1:
                skipped.sections.append((row.number, text[:80]))
                continue
        yield row


def sex_and_birth(row: RawRow, header: Header) -> tuple[Any, Any, str | None]:
    """(birth date value, sex, problem) for a Nam | Nữ layout: the date under one of the
    two columns, or an X mark under one of them (the date then has its own column)."""
    def at(c: int) -> Any:
        return row.cells[c] if c < len(row.cells) else None

    birth: Any = None
    sex: Any = None
    if header.birth_by_sex:
        filled = {s: at(c) for s, c in header.birth_by_sex.items() if cell_text(at(c))}
        if len(filled) > 1:
            return None, None, "có ngày sinh ở cả cột Nam và cột Nữ; chỉ ghi ở một cột"
        if filled:
            which, birth = next(iter(filled.items()))
            sex = "Nam" if which == MALE else "Nữ"
    if header.sex_marks:
        marked = [s for s, c in header.sex_marks.items() if fold(cell_text(at(c))) in _MARK]
        if len(marked) > 1:
            return birth, None, "đánh dấu cả Nam và Nữ; chỉ đánh dấu một cột"
        if marked:
            sex = "Nam" if marked[0] == MALE else "Nữ"
    return birth, sex, None
