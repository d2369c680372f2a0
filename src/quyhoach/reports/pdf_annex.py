"""The long annex of a PDF — the "danh sách trích ngang" of a whole province, 700 rows and
more — printed with fpdf2 instead of WeasyPrint, then appended (pypdf) to the paper WeasyPrint
laid out.

Why: WeasyPrint lays a table cell out as a block box through Pango, about 1.5 ms of CPU per
cell; the province's list (760 rows × 18 columns) cost 20 s of the 28 s its PDF took, the
body of the paper the other 7. fpdf2 measures the same text with the font's own widths and
prints the list in a fraction of that, with the same columns, the title rows of each list,
the header row repeated on every page and the pages numbered on from the paper's.

The font is Times New Roman where it is installed, else its metric twin Liberation Serif
(Debian: fonts-liberation), when they carry every Vietnamese letter; else DejaVu Serif
Condensed (Debian: fonts-dejavu-extra), else DejaVu Serif, shipped inside matplotlib.
"""

from __future__ import annotations

import io
from functools import cache

from quyhoach.domain.dates import format_date
from quyhoach.reports.lang import _
from quyhoach.reports.model import Heading, TermPlanningReport

# landscape A4: 297 mm less 12 mm margins each side = 273 mm; the widths of the DOCX list
COLUMNS = [("STT", 7), ("Họ và tên", 22), ("Ngày sinh", 17), ("Giới tính", 8), ("Dân tộc", 11), ("Quê quán", 15),
           ("Chức vụ hiện tại, từ ngày", 25), ("Trình độ chuyên môn", 17), ("LLCT", 10), ("QLNN", 12),
           ("Ngoại ngữ", 11), ("Tin học", 11), ("Ngày vào Đảng", 17), ("Xếp loại", 20), ("Chức danh quy hoạch", 20),
           ("Nguồn", 11), ("Kết quả phiếu các bước", 22), ("Ghi chú", 17)]
TEXT_PT = 8
MARGIN_MM = 12


VIETNAMESE = "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"


@cache
def _font_files() -> dict[str, str]:
    """The four styles of the first serif family whose every style has all the Vietnamese
    letters (an older Liberation Serif lacks ư, ơ and the dotted vowels)."""
    from pathlib import Path

    import matplotlib
    from matplotlib import font_manager

    styles = (("", "normal", "normal"), ("B", "bold", "normal"), ("I", "normal", "italic"), ("BI", "bold", "italic"))
    for family in ("Times New Roman", "Liberation Serif"):
        if not any(f.name == family for f in font_manager.fontManager.ttflist):
            continue
        files = {style: font_manager.findfont(font_manager.FontProperties(family=family, weight=weight, style=slant),
                                              fallback_to_default=False) for style, weight, slant in styles}
        if all(_covers(path) for path in files.values()):
            return files
    condensed = Path("/usr/share/fonts/truetype/dejavu")      # Debian's fonts-dejavu: narrower, same letters
    names = {"": "DejaVuSerifCondensed.ttf", "B": "DejaVuSerifCondensed-Bold.ttf", "I": "DejaVuSerifCondensed-Italic.ttf",
             "BI": "DejaVuSerifCondensed-BoldItalic.ttf"}
    if all((condensed / name).exists() for name in names.values()):
        return {style: str(condensed / name) for style, name in names.items()}
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return {"": str(folder / "DejaVuSerif.ttf"), "B": str(folder / "DejaVuSerif-Bold.ttf"),
            "I": str(folder / "DejaVuSerif-Italic.ttf"), "BI": str(folder / "DejaVuSerif-BoldItalic.ttf")}


def _covers(path: str) -> bool:
    from fontTools.ttLib import TTFont

    try:
        cmap = TTFont(path, lazy=True).getBestCmap()
    except Exception:  # an unreadable font file: not this one
        return False
    return all(ord(ch) in cmap for ch in VIETNAMESE + VIETNAMESE.upper())


def _cells(r, ratings_header: bool) -> list[str]:
    from quyhoach.reports.docx_builder import post_words

    post = post_words(r)
    ratings = "\n".join(f"{y}: {v or '–'}" for y, v in r.ratings)
    return [str(r.number), r.name, format_date(r.birth_date), r.sex, r.ethnicity, r.hometown, post, r.education,
            r.theory, r.state_mgmt, r.language, r.it, format_date(r.party_entry), ratings, r.planned_title, r.source,
            "\n".join(r.ballots), r.note]


def annexes(report: TermPlanningReport, head: Heading, first_page: int) -> bytes:
    """The term-planning report's annexes (`docx_builder.term_annexes`: the structure by
    unit, the failing lists, the list) on landscape A4 pages numbered from `first_page`."""
    from fpdf import FPDF

    from quyhoach.reports.docx_builder import list_headers, term_annexes

    files = _font_files()

    class Annex(FPDF):
        def footer(self) -> None:
            self.set_y(-11)
            self.set_font("serif", "", 10)
            self.cell(0, 5, str(first_page + self.page_no() - 1), align="C")

    pdf = Annex(orientation="L", unit="mm", format="A4")
    for style, path in files.items():
        pdf.add_font("serif", style, path)
    pdf.set_margins(MARGIN_MM, 13, MARGIN_MM)
    pdf.set_auto_page_break(True, 15)
    pdf.set_title(head.subject)
    for number, (title, subtitle, table) in enumerate(term_annexes(report), start=1):
        pdf.add_page()
        pdf.set_font("serif", "B", 14)
        pdf.multi_cell(0, 6.5, _("PHỤ LỤC %(number)s: %(title)s", number=number, title=title), align="C",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("serif", "I", 13)
        pdf.multi_cell(0, 6, head.annex_ref, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("serif", "", 13)
        pdf.multi_cell(0, 6, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        if table is None:
            if not report.pools:
                pdf.multi_cell(0, 6, _("Chưa có cán bộ nào trong quy hoạch."), align="C")
                continue
            headers = list_headers(report)      # the DOCX list's, the ratings' column named shorter
            if not report.rating_years:
                headers[13] = _("Xếp loại")
            grid = _Grid(pdf, [w for _h, w in COLUMNS])
            grid.fit([(headers, "B")] + [(_cells(r, True), "" if r.eligible else "BI")
                                         for pool in report.pools for r in pool.rows])
            grid.write(headers, report)
        elif not table.rows:
            pdf.multi_cell(0, 6, _("Không có."), align="C")
        else:
            scale = (pdf.w - 2 * MARGIN_MM) / sum(table.widths)
            grid = _Grid(pdf, [w * scale for w in table.widths], size=10)
            grid.fit([(list(table.headers), "B")] + [(["" if v is None else str(v) for v in row], "")
                                                     for row in table.rows])
            grid.plain(table)
    return bytes(pdf.output())


class _Grid:
    """A bordered table laid out by hand: each word measured once (cached), lines wrapped
    greedily, a row kept whole on its page, the header row repeated on every page. fpdf2's own
    table measures every line character by character, twice (~10 s for this list)."""

    LINE_MM = 3.3
    PAD_MM = 0.6

    def __init__(self, pdf, widths: list[float], size: float = TEXT_PT):
        self.pdf = pdf
        self.widths = widths
        self.size = size
        self.line = self.LINE_MM * size / TEXT_PT
        self.bottom = pdf.h - 15
        self.words: dict[tuple[str, str], float] = {}

    def _width(self, style: str, word: str) -> float:
        key = (style, word)
        found = self.words.get(key)
        if found is None:
            found = self.words[key] = self.pdf.get_string_width(word)
        return found

    def fit(self, rows: list[tuple[list[str], str]]) -> None:
        """Columns wide enough for their longest word (a header's in bold, a row's in its
        style), so no word is cut ("Fem|ale", "10/10/196|9"): a column that needs more takes
        it from the others, which all narrow by the same share of their width, none below
        its own longest word; the total width unchanged. When even the longest words do not
        fit the page, the widths are those words' scaled down, the longest cut with a hyphen."""
        widths = list(self.widths)
        need = [0.0] * len(widths)
        for cells, style in rows:
            self.pdf.set_font("serif", style, self.size)
            for i, text in enumerate(cells):
                for word in (text or "").replace("\n", " ").split(" "):
                    if word:
                        need[i] = max(need[i], self._width(style, word) + 2 * self.PAD_MM + 0.2)
        total = sum(widths)
        if sum(need) > total:
            self.widths = [n * total / sum(need) for n in need]
            return
        low, high = 0.0, 1.0             # the share of its width each column keeps: max(need, share × width)
        for _step in range(40):
            share = (low + high) / 2
            low, high = (share, high) if sum(max(n, share * w) for w, n in zip(widths, need, strict=True)) <= total \
                else (low, share)
        fitted = [max(n, low * w) for w, n in zip(widths, need, strict=True)]
        slack = total - sum(fitted)      # what the bisection left: to the columns above their need
        free = sum(f for f, n in zip(fitted, need, strict=True) if f > n) or sum(fitted)
        self.widths = [f + slack * f / free if f > n or free == sum(fitted) else f
                       for f, n in zip(fitted, need, strict=True)]

    def _wrap(self, text: str, width: float, style: str) -> list[str]:
        room = width - 2 * self.PAD_MM
        space = self._width(style, " ")
        lines: list[str] = []
        for paragraph in (text or "").split("\n"):
            line, used = "", 0.0
            for word in paragraph.split(" "):
                w = self._width(style, word)
                while w > room and len(word) > 1:            # a word longer than the column: cut it, hyphened
                    cut = len(word) - 1
                    while cut > 1 and self._width(style, word[:cut] + "-") > room:
                        cut -= 1
                    if line:
                        lines.append(line)
                    lines.append(word[:cut] + ("-" if word[cut - 1].isalpha() and word[cut].isalpha() else ""))
                    line, used, word = "", 0.0, word[cut:]
                    w = self._width(style, word)
                if line and used + space + w > room:
                    lines.append(line)
                    line, used = word, w
                else:
                    line, used = (f"{line} {word}", used + space + w) if line else (word, w)
            lines.append(line)
        return lines

    def _row(self, cells: list[str], style: str, *, fill: int | None = None, align: list[str] | None = None,
             widths: list[float] | None = None) -> tuple[float, list[list[str]]]:
        widths = widths or self.widths
        self.pdf.set_font("serif", style, self.size)
        wrapped = [self._wrap(text, w, style) for text, w in zip(cells, widths, strict=True)]
        return max(len(x) for x in wrapped) * self.line + 2 * self.PAD_MM, wrapped

    def _draw(self, height: float, wrapped: list[list[str]], style: str, *, fill: int | None = None,
              aligns: list[str] | None = None, widths: list[float] | None = None) -> None:
        pdf = self.pdf
        widths = widths or self.widths
        pdf.set_font("serif", style, self.size)
        x, y = pdf.l_margin, pdf.get_y()
        for index, (lines, w) in enumerate(zip(wrapped, widths, strict=True)):
            if fill is not None:
                pdf.set_fill_color(fill)
            pdf.rect(x, y, w, height, style="DF" if fill is not None else "D")
            right = (aligns or [])[index:index + 1] == ["R"]
            for n, line in enumerate(lines):
                baseline = y + self.PAD_MM + (n + 1) * self.line - 0.8 * self.size / TEXT_PT
                left = x + w - self.PAD_MM - self._width(style, line) if right else x + self.PAD_MM
                if line:
                    pdf.text(left, baseline, line)
            x += w
        pdf.set_y(y + height)

    def plain(self, table) -> None:
        """A `model.DocTable`, the header row repeated on every page."""
        pdf = self.pdf
        pdf.set_draw_color(0)
        pdf.set_line_width(0.2)
        head_height, head_lines = self._row(list(table.headers), "B")
        aligns = ["R" if a == "right" else "L" for a in (table.aligns or ["left"] * len(self.widths))]
        if pdf.get_y() + head_height * 3 > self.bottom:
            pdf.add_page()
        self._draw(head_height, head_lines, "B", fill=230)
        for row in table.rows:
            height, lines = self._row(["" if v is None else str(v) for v in row], "")
            if pdf.get_y() + height > self.bottom:
                pdf.add_page()
                self._draw(head_height, head_lines, "B", fill=230)
            self._draw(height, lines, "", aligns=aligns)

    def write(self, headers: list[str], report: TermPlanningReport) -> None:
        pdf = self.pdf
        pdf.set_draw_color(0)
        pdf.set_line_width(0.2)
        head_height, head_lines = self._row(headers, "B")
        aligns = ["R"] + ["L"] * (len(self.widths) - 1)
        full = [sum(self.widths)]
        from quyhoach.reports.docx_builder import pool_group_words

        def room(height: float) -> None:
            if pdf.get_y() + height > self.bottom:
                pdf.add_page()
                self._draw(head_height, head_lines, "B", fill=230)

        room(head_height * 3)
        self._draw(head_height, head_lines, "B", fill=230)
        for pool in report.pools:
            title = pool_group_words(pool)
            height, lines = self._row([title], "B", widths=full)
            first = self._row(_cells(pool.rows[0], True), "" if pool.rows[0].eligible else "BI")[0] if pool.rows else 0
            room(height + first)                  # a list's title stays with its first row
            self._draw(height, lines, "B", fill=242, widths=full)
            for r in pool.rows:
                style = "" if r.eligible else "BI"
                height, lines = self._row(_cells(r, True), style)
                room(height)
                self._draw(height, lines, style, aligns=aligns)


def append(body: bytes, annex: bytes) -> bytes:
    """The paper, then its annex: one PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.append(io.BytesIO(body))
    writer.append(io.BytesIO(annex))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
