"""DOCX (python-docx): the offices' standard. A4, Times New Roman, the heading of a party
document, numbered sections, tables with repeated header rows, the charts as PNG, and the
"danh sách trích ngang" as an annex on landscape pages.

Large tables are written as WordprocessingML in one pass (python-docx's cell API walks
the table for every cell, which takes seconds for a province's list); the smaller ones use
the ordinary API.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from quyhoach.domain.dates import format_date
from quyhoach.domain.numbers import format_number
from quyhoach.reports import lang, letterhead
from quyhoach.reports.lang import N_, _
from quyhoach.reports.model import (
    DocPart, DocTable, Heading, ScenarioDecisionReport, TermPlanningReport, structure_table,
)

FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 10
LIST_PT = 8
LIST_COLUMNS = [  # header, width in cm (landscape A4, 26.7 cm between margins)
    (N_("STT"), 0.8), (N_("Họ và tên"), 2.2), (N_("Ngày sinh"), 1.6), (N_("Giới tính"), 0.9), (N_("Dân tộc"), 1.0),
    (N_("Quê quán"), 2.0), (N_("Chức vụ hiện tại, từ ngày"), 2.6), (N_("Trình độ chuyên môn"), 1.8), (N_("LLCT"), 1.0),
    (N_("QLNN"), 1.3), (N_("Ngoại ngữ"), 1.1), (N_("Tin học"), 1.1), (N_("Ngày vào Đảng"), 1.6),
    (N_("Xếp loại 3 năm gần nhất"), 2.0), (N_("Chức danh quy hoạch"), 1.8), (N_("Nguồn"), 1.0),
    (N_("Kết quả phiếu các bước"), 1.5), (N_("Ghi chú"), 1.4),
]


# --------------------------------------------------------------------------- document basics

def _document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    for name in ("Normal", "Table Grid"):
        style = doc.styles[name]
        style.font.name = FONT
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.1
    _page_numbers(section)
    return doc


def _page_numbers(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for xml in (f'<w:fldChar {nsdecls("w")} w:fldCharType="begin"/>',
                f'<w:instrText {nsdecls("w")} xml:space="preserve"> PAGE </w:instrText>',
                f'<w:fldChar {nsdecls("w")} w:fldCharType="end"/>'):
        run._r.append(parse_xml(xml))
    run.font.size = Pt(10)


def _para(doc_or_cell, text: str = "", *, bold: bool = False, italic: bool = False, size: float | None = None,
          align=None, underline: bool = False, space_after: float | None = None, color=None, indent: bool = False):
    paragraph = doc_or_cell.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color
    if align is not None:
        paragraph.alignment = align
    if space_after is not None:
        paragraph.paragraph_format.space_after = Pt(space_after)
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1.0)
    return paragraph


def _heading_block(doc, h: Heading) -> None:
    letterhead.docx_heading(doc, h)


def _section_title(doc, text: str) -> None:
    # a title never ends a page: it stays with what it heads
    _para(doc, text, bold=True, size=BODY_PT, space_after=4).paragraph_format.keep_with_next = True


def _sub_title(doc, text: str) -> None:
    _para(doc, text, bold=True, italic=True, size=BODY_PT, space_after=3).paragraph_format.keep_with_next = True


def _cell_xml(text: str, width_twips: int, *, bold: bool = False, size: float = TABLE_PT, align: str = "left",
              span: int = 1, shade: str | None = None, color: str | None = None, keep_next: bool = False) -> str:
    lines = (text or "").split("\n")
    runs = []
    # black text only (colours turn grey on an office printer): a marked row is bold italic
    rpr = (f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/>' + ("<w:b/>" if bold or color else "")
           + ("<w:i/>" if color else "") + f'<w:sz w:val="{int(size * 2)}"/></w:rPr>')
    for i, line in enumerate(lines):
        if i:
            runs.append(f"<w:r>{rpr}<w:br/></w:r>")
        runs.append(f'<w:r>{rpr}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>')
    tcpr = f'<w:tcW w:w="{width_twips}" w:type="dxa"/>'
    if span > 1:
        tcpr += f'<w:gridSpan w:val="{span}"/>'
    if shade:
        tcpr += f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>'
    ppr = (f'<w:pPr>{"<w:keepNext/>" if keep_next else ""}<w:spacing w:before="0" w:after="0"/>'
           f'<w:jc w:val="{align}"/></w:pPr>')
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr><w:p>{ppr}{''.join(runs)}</w:p></w:tc>"


def _table(doc, headers: list[str], widths_cm: list[float], rows: list[list], *, size: float = TABLE_PT,
           aligns: list[str] | None = None, groups: dict[int, str] | None = None, colors: dict[int, str] | None = None):
    """A bordered table written in one pass: header row repeated on every page, `groups`
    (row index -> text) inserts a full-width group row before that row, `colors` colours a
    row's text (row index -> hex)."""
    twips = [int(w * 567) for w in widths_cm]
    aligns = aligns or ["left"] * len(headers)
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    parts = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:jc w:val="center"/>'
             f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
             f'<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
             f'</w:tblPr><w:tblGrid>{grid}</w:tblGrid>']
    parts.append(
        "<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"
        + "".join(
            _cell_xml(h, w, bold=True, size=size, align="center", shade="E7E7E7") for h, w in zip(headers, twips, strict=False)
        )
        + "</w:tr>"
    )
    for index, row in enumerate(rows):
        if groups and index in groups:
            parts.append('<w:tr><w:trPr><w:cantSplit/></w:trPr>'
                         + _cell_xml(groups[index], sum(twips), bold=True, size=size, span=len(twips), shade="F2F2F2",
                                     keep_next=True)   # a group's title row stays with its first row
                         + "</w:tr>")
        color = (colors or {}).get(index)
        parts.append('<w:tr><w:trPr><w:cantSplit/></w:trPr>'
                     + "".join(_cell_xml("" if v is None else str(v), w, size=size, align=a, color=color)
                               for v, w, a in zip(row, twips, aligns, strict=False))
                     + "</w:tr>")
    parts.append("</w:tbl>")
    element = parse_xml("".join(parts))
    body = doc.element.body
    body.insert(len(body) - 1, element)  # before the final section properties
    _para(doc, "", space_after=2)
    return element


def _picture(doc, chart) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run().add_picture(io.BytesIO(chart.png), width=Cm(min(chart.width_cm, 16.0)))
    _para(doc, chart.title, italic=True, size=11, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)


def _landscape(doc):
    section = doc.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(1.5), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(1.5)
    return section


def _portrait(doc):
    section = doc.add_section()
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    return section


def _signature(doc, h: Heading) -> None:
    letterhead.docx_signature(doc, h)


def _annex_title(doc, h: Heading, title: str, subtitle: str = "", *, page_break: bool = False) -> None:
    """An annex's title, the line saying which paper it goes with, and what it lists."""
    paragraph = _para(doc, title, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    paragraph.paragraph_format.page_break_before = page_break
    letterhead.docx_annex_ref(doc, h)
    if subtitle:
        _para(doc, subtitle, italic=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)


def doc_table(doc, t: DocTable, size: float = TABLE_PT) -> None:
    _table(doc, t.headers, t.widths, t.rows, size=size, aligns=t.aligns or None)


def doc_part(doc, number: str, part: DocPart) -> None:
    _sub_title(doc, f"{number}. {part.title}" if number else part.title)
    for line in part.paragraphs:
        _para(doc, line, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    for t in part.tables:
        doc_table(doc, t)
    for line in part.after:
        _para(doc, line, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)


def _save(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _pct(share: float | None) -> str:
    """58,3% (58.3% in English): at most one decimal, in the paper's language."""
    return lang.share(share or 0.0)


# --------------------------------------------------------------------------- term-planning report

def _paras(doc, lines: list[str]) -> None:
    for line in lines:
        _para(doc, line, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)


def term_planning(report: TermPlanningReport) -> bytes:
    doc = _document()
    h = report.heading
    _heading_block(doc, h)
    _paras(doc, report.opening)
    parts = report.parts

    _section_title(doc, _("I. Tình hình chung").upper())
    _paras(doc, report.summary)
    if "previous" in parts:
        doc_part(doc, "", parts["previous"])

    _section_title(doc, _("II. Cơ cấu danh sách quy hoạch so với chỉ tiêu").upper())
    _sub_title(doc, _("1. Theo cấp"))
    _structure_table(doc, report.by_level, _("Cấp"))
    _picture(doc, report.charts["gauges"])
    _sub_title(doc, _("2. Cơ cấu ba độ tuổi (tuổi tính đến đầu nhiệm kỳ)"))
    for b in report.bands:
        rows = [[b.level_name, *[f"{n} ({_pct(n / b.total if b.total else 0)})" for n in b.counts], b.total]]
        _table(doc, [_("Cấp"), *b.labels, _("Tổng số")], [3.0] + [11.5 / max(1, len(b.labels))] * len(b.labels) + [2.0],
               rows,
               aligns=["left"] + ["right"] * (len(b.labels) + 1))
    _picture(doc, report.charts["pyramid"])
    _sub_title(doc, _("3. Theo cơ quan, đơn vị"))
    _para(doc, report.unit_words, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    doc_part(doc, "4", parts["source"])
    doc_part(doc, "5", parts["qualifications"])

    _section_title(doc, _("III. Những danh sách chưa đạt").upper())
    if not report.failing:
        _para(doc, _("Mọi danh sách quy hoạch trong phạm vi báo cáo đều đạt các điều kiện và chỉ tiêu."), indent=True)
    else:
        _sub_title(doc, _("1. Danh sách chưa đạt điều kiện, chỉ tiêu"))
        _para(doc, report.failing_words, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        if report.bases:
            _para(doc, _("Các điều kiện, chỉ tiêu nêu trên theo: %(bases)s.", bases="; ".join(report.bases)), italic=True,
                  size=12, indent=True)
    doc_part(doc, "2" if report.failing else "", parts["thin"])

    _section_title(doc, _("IV. Rà soát, bổ sung và phê duyệt quy hoạch").upper())
    doc_part(doc, "1", parts["review"])
    doc_part(doc, "2", parts["approvals"])

    _section_title(doc, _("V. Kết quả đánh giá, xếp loại cán bộ").upper())
    evaluation_section(doc, report.evaluations, limit=25)
    _picture(doc, report.charts["ratings"])

    _section_title(doc, _("VI. Đánh giá chung").upper())
    _paras(doc, report.assessment)
    _section_title(doc, _("VII. Phương hướng").upper())
    _paras(doc, report.direction)
    _section_title(doc, _("VIII. Đề xuất, kiến nghị").upper())
    _paras(doc, report.proposals)
    _signature(doc, h)

    _landscape(doc)
    for number, (title, subtitle, table) in enumerate(term_annexes(report), start=1):
        _annex_title(doc, h, _("PHỤ LỤC %(number)s: %(title)s", number=number, title=title), subtitle,
                     page_break=number > 1)
        if table is None:
            pool_list_table(doc, report)
        elif table.rows:
            doc_table(doc, table, size=10)
        else:
            _para(doc, _("Không có."), italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    return _save(doc)


def term_annexes(report: TermPlanningReport) -> list[tuple[str, str, DocTable | None]]:
    """The term-planning report's annexes, in every format: the structure by unit, the
    failing lists, the "danh sách trích ngang" (None: its own writer)."""
    scope = f"{report.term_name} — {report.scope_name}"
    return [(_("CƠ CẤU DANH SÁCH QUY HOẠCH THEO CƠ QUAN, ĐƠN VỊ"),
             _("%(scope)s (%(n)s cơ quan, đơn vị)", scope=scope, n=len(report.by_unit)), report.unit_table),
            (_("CÁC DANH SÁCH QUY HOẠCH CHƯA ĐẠT ĐIỀU KIỆN, CHỈ TIÊU"),
             _("%(scope)s (%(n)s danh sách)", scope=scope, n=len(report.failing)), report.failing_table),
            (_("DANH SÁCH TRÍCH NGANG CÁN BỘ TRONG QUY HOẠCH"),
             _("%(scope)s (%(rows)s lượt cán bộ, %(titles)s chức danh)", scope=scope, rows=report.list_rows,
               titles=len(report.pools)), None)]


def _structure_table(doc, groups, first_header: str) -> None:
    doc_table(doc, structure_table(groups, first_header, [3.9, 1.3, 1.3, 1.7, 1.7, 1.7, 1.4, 3.5]))


def pool_list_table(doc, report: TermPlanningReport) -> None:
    rows, groups, colors = [], {}, {}
    for pool in report.pools:
        groups[len(rows)] = pool_group_words(pool)
        for r in pool.rows:
            if not r.eligible:
                colors[len(rows)] = "B02A1E"
            rows.append(_list_cells(r))
    if not rows:
        _para(doc, _("Chưa có cán bộ nào trong quy hoạch."), italic=True)
        return
    _table(doc, list_headers(report), [w for _h, w in LIST_COLUMNS], rows, size=LIST_PT,
           aligns=["right"] + ["left"] * (len(LIST_COLUMNS) - 1), groups=groups, colors=colors)


def pool_group_words(pool) -> str:
    """A list's group row: "title — unit (n người)", or that nobody is in it yet."""
    return (_("%(title)s — %(unit)s (%(n)s người)", title=pool.title, unit=pool.unit, n=len(pool.rows))
            + ("" if pool.rows else _(": chưa có người trong quy hoạch")))


def list_headers(report: TermPlanningReport) -> list[str]:
    """The list's column headers, the ratings' naming the years counted."""
    headers = [_(h) for h, _w in LIST_COLUMNS]
    if report.rating_years:
        headers[13] = _("Xếp loại %(years)s", years="–".join(str(y) for y in (report.rating_years[0],
                                                                               report.rating_years[-1])))
    return headers


def post_words(r) -> str:
    """The current post, and since when."""
    return r.post + ("\n" + _("(từ %(date)s)", date=format_date(r.post_since)) if r.post_since else "")


def _list_cells(r) -> list:
    post = post_words(r)
    ratings = "\n".join(f"{y}: {v or '–'}" for y, v in r.ratings)
    return [r.number, r.name, format_date(r.birth_date), r.sex, r.ethnicity, r.hometown, post, r.education, r.theory,
            r.state_mgmt, r.language, r.it, format_date(r.party_entry), ratings, r.planned_title, r.source,
            "\n".join(r.ballots), r.note]


def evaluation_section(doc, ev, limit: int = 25) -> None:
    """The rating analytics as numbered sub-sections with their tables (also the body of the
    evaluation report)."""
    from quyhoach.domain.vocab import RATING_SHORT

    totals = ev.year_totals()
    mark = lang.decimal_mark()
    _sub_title(doc, _("1. Tỷ lệ “Hoàn thành xuất sắc nhiệm vụ” so với mức trần"))
    _para(doc, _("Số xếp loại HTXSNV không vượt quá %(share)s số được xếp loại từ HTTNV trở lên (HTXSNV được chọn "
                 "trong số HTTNV) theo bộ quy định xếp loại có hiệu lực cuối mỗi năm.", share="20%"), indent=True, size=12)
    rows = [[t.year, t.rated, t.excellent, t.good_or_better, _pct(t.share), t.cap,
             sum(1 for u in ev.breaches if u.year == t.year)] for t in totals]
    _table(doc, [_("Năm"), _("Số được xếp loại"), _("HTXSNV"), _("Từ HTTNV trở lên"), _("Tỷ lệ HTXSNV"), _("Mức trần"),
                 _("Số đơn vị vượt")], [1.5, 2.6, 2.0, 2.6, 2.6, 2.4, 2.8], rows, aligns=["left"] + ["right"] * 6)
    if ev.years:
        last = ev.years[-1]
        breaking = [u for u in ev.breaches if u.year == last][:limit]
        if breaking:
            _para(doc, _("Các đơn vị vượt mức năm %(year)s (nhiều nhất trước):", year=last), size=12)
            _table(doc, [_("Cơ quan, đơn vị"), _("Được xếp loại"), _("HTXSNV"), _("Từ HTTNV trở lên"), _("Tỷ lệ"),
                         _("Mức trần"), _("Vượt")],
                   [6.0, 1.8, 1.6, 2.0, 1.6, 1.6, 1.4],
                   [[u.unit.name, u.rated, u.excellent, u.good_or_better, _pct(u.share), u.cap, u.excess] for u in breaking],
                   aligns=["left"] + ["right"] * 6)
    _sub_title(doc, _("2. Đơn vị xếp loại cao bất thường so với đơn vị tương đương"))
    top = [c for c in ev.comparisons if c.difference > 0][:limit]
    if top:
        _table(doc, [_("Cơ quan, đơn vị"), _("Số lượt xếp loại"), _("Tỷ lệ HTXSNV"), _("Đơn vị tương đương"),
                     _("Chênh lệch"), _("Độ lệch (z)"), _("Đánh giá")], [5.5, 1.8, 1.8, 2.2, 1.8, 1.6, 1.8],
               [[c.unit.name, c.rated, _pct(c.share), _("%(share)s (%(peers)s đv)", share=_pct(c.peer_share), peers=c.peers),
                 _("+%(points)s điểm", points=f"{c.difference * 100:.1f}".replace(".", mark)),
                 f"{c.z:.1f}".replace(".", mark), _("Cao bất thường") if c.flagged else _("Trong khoảng chung")]
                for c in top],
               aligns=["left"] + ["right"] * 5 + ["left"], colors={i: "B02A1E" for i, c in enumerate(top) if c.flagged})
    _sub_title(doc, _("3. Cán bộ có xếp loại không thay đổi từ %(years)s năm trở lên", years=ev.constant_years))
    excellent = ev.constant_excellent
    _para(doc, _("%(excellent)s cán bộ xếp loại HTXSNV liên tục; %(others)s cán bộ có xếp loại khác không thay đổi.",
                 excellent=len(excellent), others=len(ev.constants) - len(excellent)), indent=True, size=12)
    if excellent:
        _table(doc, [_("STT"), _("Họ và tên"), _("Cơ quan, đơn vị"), _("Xếp loại"), _("Các năm")], [1.0, 4.0, 6.0, 2.0, 3.5],
               [[i, c.cadre.name, c.unit.name if c.unit else "", _(RATING_SHORT[c.rating]), f"{c.first}–{c.last}"]
                for i, c in enumerate(excellent[:limit * 2], start=1)], aligns=["right", "left", "left", "left", "left"])
    _sub_title(doc, _("4. Xếp loại từ “Hoàn thành tốt nhiệm vụ” trở lên trong năm bị kỷ luật"))
    if ev.disciplined:
        _table(doc, [_("STT"), _("Họ và tên"), _("Cơ quan, đơn vị"), _("Năm"), _("Xếp loại"), _("Kỷ luật")],
               [1.0, 3.5, 5.0, 1.2, 1.8, 4.0],
               [[i, f.cadre.name, f.unit.name if f.unit else "", f.year, _(RATING_SHORT[f.rating]),
                 f"{_discipline(f.level)} ({format_date(f.decision_date)}, {f.decision_no or ''})"]
                for i, f in enumerate(ev.disciplined, start=1)], aligns=["right", "left", "left", "right", "left", "left"])
    else:
        _para(doc, _("Không có trường hợp nào."), indent=True, size=12)
    _sub_title(doc, _("5. Điểm đánh giá hằng tháng so với xếp loại cuối năm"))
    gaps = ev.month_gaps
    if gaps:
        shown = gaps[:limit]
        _table(doc, [_("Cơ quan, đơn vị"), _("Năm"), _("Số cán bộ"), _("Điểm tháng bình quân"),
                     _("Xếp loại cao hơn điểm tháng"), _("Chênh lệch bình quân (bậc)")], [6.0, 1.2, 1.6, 2.4, 2.6, 2.4],
               [[g.unit.name, g.year, g.cadres, f"{g.mean_month:.1f}".replace(".", mark),
                 f"{g.above} ({_pct(g.above_share)})", f"{g.mean_steps:+.2f}".replace(".", mark)] for g in shown],
               aligns=["left"] + ["right"] * 5,
               colors={i: "B02A1E" for i, g in enumerate(shown) if g.flagged})
    else:
        _para(doc, _("Chưa có điểm đánh giá hằng tháng."), indent=True, size=12)


def _discipline(level: str) -> str:
    from quyhoach.domain.vocab import DISCIPLINE_LEVEL

    return _(DISCIPLINE_LEVEL.label(level))


# --------------------------------------------------------------------------- scenario decision

def _number(value) -> str:
    """1.234 and 0,5: Babel, Vietnamese, at most three decimals."""
    if value is None:
        return "—"
    return format_number(value, 3, trim=True)


def _signed(value) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "−" if value < 0 else "") + _number(abs(value))


def _pairs(doc, rows: list[tuple[str, str]], widths=(6.0, 10.5)) -> None:
    _table(doc, [_("Nội dung"), _("Áp dụng")], list(widths), [list(r) for r in rows], size=11)


def scenario_decision(report: ScenarioDecisionReport) -> bytes:
    doc = _document()
    h = report.heading
    _heading_block(doc, h)
    _para(doc, _("Ngày luân chuyển dự kiến %(date)s; căn cứ %(basis)s.", date=format_date(report.rotation_date),
                 basis=report.rule_set_name or _("các quy định hiện hành")), italic=True, size=13, indent=True)
    if report.description:
        _para(doc, report.description, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    _section_title(doc, (_("I. Phương án được thông qua") if report.adopted else _("I. Phương án đề nghị")).upper())
    _paras(doc, report.summary)
    number = 1
    if report.adopted:
        _sub_title(doc, _("1. Quyết định thông qua"))
        rows = [(_("Nghị quyết của Ban Thường vụ"), report.resolution), (_("Ngày hiệu lực"), format_date(report.adopted_on))]
        if report.note:
            rows.append((_("Ghi chú"), report.note))
        _pairs(doc, rows)
        number += 1
    _sub_title(doc, _("%(n)s. Quy định áp dụng", n=number))
    _pairs(doc, report.rules)
    _sub_title(doc, _("%(n)s. Thiết lập của phương án", n=number + 1))
    _pairs(doc, report.settings)

    _section_title(doc, _("II. Các phương án đã so sánh").upper())
    if report.alternatives:
        _paras(doc, report.alternative_words)
        _para(doc, _("Dòng in đậm là phương án được thông qua.") if report.adopted
              else _("Dòng in đậm là phương án đề nghị."), indent=True, size=13, italic=True)
        t = report.comparison
        _table(doc, t.headers, t.widths, t.rows, size=11, aligns=t.aligns,
               colors={i: "bold" for i, p in enumerate(report.compared) if p.chosen})
        if report.alternatives_left_out:
            _para(doc, _("Còn %(n)s phương án tính toán trước đó không liệt kê.", n=report.alternatives_left_out),
                  italic=True, size=12, indent=True)
    else:
        _para(doc, _("Chưa có phương án nào khác được tính toán để so sánh."), indent=True)

    _section_title(doc, _("III. Cơ cấu trước và sau phương án").upper())
    _sub_title(doc, _("1. Theo cấp"))
    level_rows = []
    for index, row in enumerate(report.levels):
        change = row.after - row.before
        first = index == 0 or report.levels[index - 1].scope != row.scope
        level_rows.append([row.scope if first else "", row.label, row.seats, f"{row.before} ({_pct(row.before_share)})",
                           f"{row.after} ({_pct(row.after_share)})", _signed(change) if change else "0"])
    _table(doc, [_("Phạm vi"), _("Chỉ số"), _("Số vị trí"), _("Trước"), _("Sau"), _("Thay đổi")], [4.2, 3.8, 1.7, 2.3, 2.3, 1.9],
           level_rows, size=11, aligns=["left", "left", "right", "right", "right", "right"])
    if "structure" in report.charts:
        _picture(doc, report.charts["structure"])
    _sub_title(doc, _("2. Theo chỉ tiêu của từng đơn vị"))
    _para(doc, _("%(met)s/%(n)s chỉ tiêu đạt sau phương án; chi tiết tại Phụ lục 3.",
                 met=sum(1 for t in report.targets if t.passed), n=len(report.targets))
          if report.targets else _("Phương án không đặt chỉ tiêu cơ cấu nào."), indent=True)

    _section_title(doc, (_("IV. Kết luận") if report.adopted else _("IV. Đề nghị")).upper())
    if report.warnings:
        _para(doc, _("Lưu ý:"), bold=True, italic=True)
        for warning in report.warnings:
            _para(doc, f"- {warning}", indent=True)
    _paras(doc, report.closing)       # the last paragraph is kept with the signature
    _signature(doc, h)

    _landscape(doc)
    _annex_title(doc, h, _("Phụ lục 1: các lượt điều động").upper(),
                 _("Phương án «%(name)s» — %(n)s lượt điều động, hiệu lực từ ngày %(date)s", name=report.scenario_name,
                   n=len(report.moves), date=format_date(report.adopted_on or report.rotation_date)))
    if report.moves:
        _table(doc, [_("STT"), _("Cán bộ"), _("Từ vị trí"), _("Đến vị trí"), _("Hình thức"), _("Lý do")],
               [1.0, 4.2, 5.0, 5.0, 2.9, 8.6], [move_cells(m) for m in report.moves], size=10,
               aligns=["right", "left", "left", "left", "left", "left"])
    else:
        _para(doc, _("Phương án không có lượt điều động nào."), italic=True)
    _annex_title(doc, h, _("Phụ lục 2: chuỗi vị trí trống và vòng luân chuyển").upper(), page_break=True)
    for ch in report.chains:
        paragraph = _para(doc, "", size=12, space_after=2)
        run = paragraph.add_run(f"{ch.kind_label} {ch.number} ({_('%(n)s lượt', n=ch.moves)}): ")
        run.bold = True
        paragraph.add_run(ch.text)
    if not report.chains:
        _para(doc, _("Không có chuỗi nào."), italic=True)
    graph = report.charts.get("graph")
    if graph is not None and graph.png:
        _para(doc, _("Mỗi ô là một vị trí; mũi tên đi từ vị trí cán bộ rời đi đến vị trí cán bộ nhận, kèm tên cán bộ; "
                     "ô viền đứt là vị trí để trống ở cuối chuỗi."), italic=True, size=12, space_after=4)
        for part in graph.pages:
            paragraph = doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.add_run().add_picture(io.BytesIO(part.png), width=Cm(part.width_cm))   # never shrunk
        _para(doc, graph.title, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    _annex_title(doc, h, _("Phụ lục 3: chỉ tiêu cơ cấu của từng đơn vị trước và sau phương án").upper(), page_break=True)
    if report.targets:
        _table(doc, [_("STT"), _("Chỉ tiêu"), _("Mức"), _("Số vị trí"), _("Cần"), _("Trước"), _("Sau"),
                     _("Thiếu trước → sau"), _("Kết luận")],
               [1.0, 9.0, 2.4, 1.8, 1.8, 2.4, 2.4, 2.4, 2.0], target_rows(report), size=10,
               aligns=["right", "left", "left", "right", "right", "right", "right", "right", "left"])
    else:
        _para(doc, _("Phương án không đặt chỉ tiêu cơ cấu nào."), italic=True)
    return _save(doc)


def target_rows(report: ScenarioDecisionReport) -> list[list]:
    rows = []
    for i, t in enumerate(report.targets):
        need = (str(t.need) if t.need is not None else "") + (_(" (tối đa %(cap)s)", cap=t.cap) if t.cap is not None else "")
        rows.append([i + 1, t.name, _("bắt buộc") if t.hard else _("khuyến khích"), t.seats, need,
                     f"{t.before} ({_pct(t.before_share)})", f"{t.after} ({_pct(t.after_share)})",
                     f"{t.shortfall_before} → {t.shortfall_after}", _("Đạt") if t.passed else _("Chưa đạt")])
    return rows


def move_cells(m) -> list:
    who = m.cadre_name + ("\n" + _("%(age)s tuổi", age=m.age) if m.age is not None else "") \
        + (", " + _("nữ") if m.sex == _("Nữ") else "") + (", " + _("dân tộc thiểu số") if m.minority else "")
    origin = f"{m.from_post}\n{m.from_unit}" if m.from_post else _("(ngoài danh sách vị trí)")
    kind = f"{m.act}\n({m.kind.lower()})" if m.act else m.kind
    return [m.number, who, origin, f"{m.to_post}\n{m.to_unit}", kind, "\n".join(m.reasons)]
