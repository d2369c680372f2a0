"""The sơ yếu lý lịch in the official layout of form 2C (mẫu 2C-TCTW-98, 2C/2008): the
managing and employing bodies at the top, the photo box (4 × 6 cm) beside the title, the
numbered items 1)–26), the tables of training (27), career (28), the personal history (29),
the family declaration in its two parts (30: a) the cadre's own family, b) the spouse's), the
family's economy with the salary history (31), the declarant's own assessment (tự nhận xét),
the managing body's assessment (32), then the declarant's pledge and signature beside the head
of the managing body's signature and seal.

The evaluation timeline (ratings by year with the chart, the monthly scores, the confidence
votes, the pools) is its attachment, on the pages after. What the app does not know is left
as a dotted line to fill in by hand; no code of the app is printed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from quyhoach.domain import vocab
from quyhoach.domain.dates import format_date
from quyhoach.domain.text import nfc
from quyhoach.reports.lang import N_, _, english, say
from quyhoach.reports.model import DocTable, DossierReport

FORM = N_("Mẫu 2C-TCTW-98")       # the form's official name: kept in English, with a gloss (the catalogue's)
TITLE = N_("SƠ YẾU LÝ LỊCH CÁN BỘ, CÔNG CHỨC")
BLANK = "…………………………"
PLEDGE = N_("Tôi xin cam đoan những lời khai trên đây là đúng sự thật và chịu trách nhiệm về những lời khai đó.")
TRAINING_HEADERS = [N_("Tên trường"), N_("Chuyên ngành đào tạo, bồi dưỡng"), N_("Từ tháng, năm – đến tháng, năm"),
                    N_("Hình thức đào tạo"), N_("Văn bằng, chứng chỉ")]
FAMILY_HEADERS = [N_("Mối quan hệ"), N_("Họ và tên"), N_("Năm sinh"),
                  N_("Quê quán, nghề nghiệp, chức danh, chức vụ, đơn vị công tác, học tập, nơi ở")]
FAMILY_WIDTHS = [2.6, 3.6, 1.6, 8.7]
OWN_FAMILY = N_("a) Về bản thân: cha, mẹ, vợ (hoặc chồng), các con, anh chị em ruột")
SPOUSE_FAMILY = N_("b) Về bên vợ (hoặc chồng): cha, mẹ, anh chị em ruột")
SALARY_TITLE = N_("Quá trình lương của bản thân")
SALARY_LABELS = (N_("Tháng, năm"), N_("Ngạch, bậc"), N_("Hệ số lương"))
SALARY_BAND = 6                    # entries a band of the salary table (the form lays it across the page)
SELF_TITLE = N_("TỰ NHẬN XÉT")
SELF_NOTE = N_("(Về phẩm chất chính trị, đạo đức, lối sống, ý thức kỷ luật, năng lực và sở trường công tác)")


@dataclass
class Form2C:
    managing_body: str             # Cơ quan, đơn vị có thẩm quyền quản lý CBCC
    using_body: str                # Cơ quan, đơn vị sử dụng CBCC
    name: str
    items: list[tuple[str, str]]   # 1) … 26): label, value ("" → a dotted line)
    training: DocTable
    career: DocTable
    history: str
    family: DocTable
    spouse_family: DocTable
    salary: list[DocTable]         # the salary history across the page, SALARY_BAND entries a band
    family_economy: str
    self_assessment: str
    assessment: str
    place: str
    on: dt.date
    attachment: DossierReport
    pools: list[tuple[str, str, str]] = field(default_factory=list)   # title (unit), term, conditions in words


def _v(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return format_date(value)
    return nfc(str(value))


def _lines(text: str | None, width: int) -> list[list[str]]:
    """One entry a line, its parts split by "|", padded to `width` cells (the last one takes the rest)."""
    rows = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        parts = parts[:width - 1] + [" | ".join(parts[width - 1:])] if len(parts) > width else parts
        rows.append(parts + [""] * (width - len(parts)))
    return rows


def salary_bands(text: str | None) -> list[DocTable]:
    """The salary history as the form lays it: three rows (month and year, grade and step,
    coefficient) across the page, SALARY_BAND entries a band; the last band keeps its empty
    columns to write the next raises in, and no entry leaves one empty band."""
    entries = _lines(text, 3)
    label = 2.7
    widths = [label] + [(16.5 - label) / SALARY_BAND] * SALARY_BAND
    bands = []
    for start in range(0, max(len(entries), 1), SALARY_BAND):
        band = entries[start:start + SALARY_BAND]
        band = band + [["", "", ""]] * (SALARY_BAND - len(band))
        bands.append(DocTable([_(SALARY_LABELS[0]), *[e[0] for e in band]], widths,
                              [[_(SALARY_LABELS[1]), *[e[1] for e in band]],
                               [_(SALARY_LABELS[2]), *[_decimal(e[2]) for e in band]]],
                              ["left"] + ["center"] * SALARY_BAND))
    return bands


def _decimal(text: str) -> str:
    """A coefficient as the paper's language writes it (4,98 / 4.98)."""
    return text.replace(".", ",") if not english() else text.replace(",", ".")


# The form's lists as the dossier page shows them: the columns of the printed tables.
LIST_HEADERS = {"training": TRAINING_HEADERS, "family": FAMILY_HEADERS, "spouse_family": FAMILY_HEADERS,
                "salary_history": list(SALARY_LABELS), "awards": [N_("Năm"), N_("Hình thức"), N_("Cấp quyết định")]}


@dataclass
class Filled:
    """One filled field of form 2C on the dossier page: a value (`kind` the column's: text,
    date, int, float), free `lines` (kind "lines") or a `table` of entries (kind "table")."""
    label: str
    kind: str
    value: object = None
    lines: list[str] = field(default_factory=list)
    table: DocTable | None = None


def filled(cadre) -> list[Filled]:
    """The 2C fields (`DOSSIER_2C_COLUMNS`) the cadre's record has, in the columns' order;
    an empty one is left out. Lists split as the printed form splits them (`_lines`)."""
    from quyhoach.services.records.dossier_2c_columns import DOSSIER_2C_COLUMNS

    found = []
    for column in DOSSIER_2C_COLUMNS:
        value = getattr(cadre, column.key, None)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if column.kind != "lines":
            found.append(Filled(column.header, column.kind, nfc(value) if isinstance(value, str) else value))
        elif column.key in LIST_HEADERS:
            headers = [_(h) for h in LIST_HEADERS[column.key]]
            rows = _lines(value, len(headers))
            if column.key == "salary_history":       # the coefficient written as the form writes it (4,98)
                rows = [[month, grade, _decimal(coefficient)] for month, grade, coefficient in rows]
            found.append(Filled(column.header, "table", table=DocTable(headers, [], rows)))
        else:
            found.append(Filled(column.header, "lines", lines=[nfc(line.strip()) for line in value.splitlines() if line.strip()]))
    return found


def _level(code: str, labels) -> str:
    return _(labels.label(code)) if code and code != "none" else _("Chưa qua đào tạo")


def _salary(c) -> str:
    parts = []
    if c.civil_grade:
        parts.append(_("Ngạch %(grade)s", grade=c.civil_grade))
    if c.salary_step is not None:
        parts.append(_("bậc %(step)s", step=c.salary_step))
    if c.salary_coefficient is not None:
        parts.append(_("hệ số %(coefficient)s", coefficient=_decimal(str(c.salary_coefficient))))
    if c.salary_since:
        parts.append(_("hưởng từ ngày %(date)s", date=format_date(c.salary_since)))
    return ", ".join(parts)


def _items(c, report: DossierReport, d) -> list[tuple[str, str]]:
    """Items 1)–26): the form's labels in the paper's language, the record's values as kept
    (names, places and the officer's own words are data), the app's words translated."""
    main = d.current[0].posting if d.current else None
    disciplines = "; ".join(f"{k['level']} ({format_date(k['date'])}{', ' + k['authority'] if k['authority'] else ''})"
                            for k in report.disciplines)
    none = _("Không")
    id_words = _v(c.id_number) + (_(", ngày cấp %(date)s", date=format_date(c.id_issued_on)) if c.id_issued_on else "")
    ethnicity = d.ethnicity.name_en if english() and d.ethnicity.name_en else d.ethnicity.name_vi
    gap = "        "

    def then(label: str, value) -> str:
        """A second item on the same line: "        Label: value" ("" when there is no value)."""
        return f"{gap}{label}: {value}" if value else ""

    return [
        (_("1) Họ và tên khai sinh (viết chữ in hoa)"), c.full_name.upper()),
        (_("2) Tên gọi khác"), c.other_names or none),
        (_("3) Sinh ngày"), format_date(c.birth_date) + then(_("Giới tính (nam, nữ)"), _(vocab.SEX.label(c.sex)))),
        (_("4) Nơi sinh"), _v(c.birthplace)),
        (_("5) Quê quán"), _v(c.hometown)),
        (_("6) Dân tộc"), ethnicity + then(_("7) Tôn giáo"), c.religion or none)),
        (_("8) Nơi ở hiện nay"), _v(c.residence) + then(_("Điện thoại"), c.phone)),
        (_("9) Thành phần gia đình xuất thân"), _v(c.family_origin)),
        (_("10) Nghề nghiệp bản thân trước khi được tuyển dụng"), _v(c.prior_occupation)),
        (_("11) Ngày được tuyển dụng"), _v(c.recruited_on)
         + (", " + _("vào cơ quan") + f": {c.recruited_by}" if c.recruited_by else "")),
        (_("12) Ngày vào cơ quan hiện đang công tác"), _v(c.current_agency_since)),
        (_("13) Ngày vào Đảng Cộng sản Việt Nam"), _v(c.party_entry_date)
         + then(_("Ngày chính thức"), format_date(c.party_official_date) if c.party_official_date else "")),
        (_("14) Ngày tham gia các tổ chức chính trị - xã hội"), _v(c.mass_orgs)),
        (_("15) Ngày nhập ngũ, ngày xuất ngũ, quân hàm cao nhất"), _v(c.military)),
        (_("16) Trình độ học vấn: giáo dục phổ thông"), _v(c.general_education)
         + then(_("Học hàm, học vị cao nhất"), c.academic_title)),
        ("— " + _("Trình độ chuyên môn"), _v(c.education)),
        ("— " + _("Lý luận chính trị"), _level(c.theory_level, vocab.THEORY_LEVEL)),
        ("— " + _("Quản lý nhà nước"), _level(c.state_mgmt_level, vocab.STATE_MGMT_LEVEL)),
        ("— " + _("Ngoại ngữ"), _v(c.foreign_language)),
        ("— " + _("Tin học"), _v(c.it_level)),
        (_("17) Công tác chính đang làm"),
         _("%(position)s (từ ngày %(date)s)", position=main.position, date=format_date(main.start_date)) if main else ""),
        (_("18) Ngạch công chức, bậc lương, hệ số lương"), _salary(c)),
        (_("19) Danh hiệu được phong (năm nào)"), _v(c.honorary_titles)),
        (_("20) Sở trường công tác"), _v(c.strengths)),
        (_("21) Khen thưởng"), "; ".join(" ".join(p for p in row if p) for row in _lines(c.awards, 3))),
        (_("22) Kỷ luật (đảng, chính quyền, năm, lý do, hình thức)"), disciplines or none),
        (_("23) Tình trạng sức khỏe"), _v(c.health)),
        (_("24) Là thương binh hạng, là con gia đình chính sách"), _v(c.war_status)),
        (_("25) Số căn cước công dân"), id_words),
        (_("26) Số sổ bảo hiểm xã hội"), _v(c.insurance_no)),
    ]


def gather(session, world, code: str) -> Form2C:
    """The form filled from the record (`services/records/dossier` and the cadre's 2C fields),
    with the evaluation timeline of `reports.gather.dossier` as its attachment."""
    from quyhoach.reports import gather as report_gather
    from quyhoach.reports import letterhead
    from quyhoach.services.records import dossier as dossier_service

    report = report_gather.dossier(session, world, code)
    d = dossier_service.dossier(session, code, world.on)
    c = d.cadre
    now, concurrent = _("nay"), " (" + _("kiêm nhiệm") + ")"
    career = DocTable([_("Từ tháng, năm – đến tháng, năm"),
                       _("Chức danh, chức vụ, đơn vị công tác (đảng, chính quyền, đoàn thể)")],
                      [4.5, 12.0],
                      [[f"{r.start.month:02d}/{r.start.year} – " + (f"{r.end.month:02d}/{r.end.year}" if r.end else now),
                        f"{r.position}{concurrent if r.concurrent else ''}, {r.unit}"] for r in report.career])
    training = DocTable([_(h) for h in TRAINING_HEADERS], [4.0, 3.8, 3.2, 2.5, 3.0], _lines(c.training, 5))
    family, spouse_family = (DocTable([_(h) for h in FAMILY_HEADERS], FAMILY_WIDTHS, _lines(text, 4),
                                      ["left", "left", "right", "left"])
                             for text in (c.family, c.spouse_family))
    found = letterhead.issuers(world)
    main = d.current[0] if d.current else None
    _province, place = letterhead.province_words(world)
    pools = [(f"{p['title']} ({p['unit']})", p["term"],
              _("Đủ điều kiện") if p["eligible"]
              else _("Chưa đủ: %(reasons)s", reasons="; ".join(say(f.message) for f in p["failing"] if f.blocking)))
             for p in report.pools]
    return Form2C(found[letterhead.TINH_UY].name, main.unit.name if main else "", c.full_name, _items(c, report, d),
                  training, career, _v(c.personal_history), family, spouse_family, salary_bands(c.salary_history),
                  _v(c.family_economy), _v(c.self_assessment), _v(c.assessment), place, world.on, report, pools)


# --------------------------------------------------------------------------- DOCX

def _cell_borders(cell, value: str) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    sides = "".join(f'<w:{s} w:val="{value}" w:sz="8" w:space="0" w:color="000000"/>' for s in ("top", "left", "bottom", "right"))
    cell._tc.get_or_add_tcPr().append(parse_xml(f'<w:tcBorders {nsdecls("w")}>{sides}</w:tcBorders>'))


def _widths(table, *cms: float) -> None:
    """Column widths that Word and LibreOffice both keep (the grid and every cell)."""
    from docx.shared import Cm

    table.autofit = False
    for column, width in zip(table.columns, cms, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _item(doc, label: str, value: str) -> None:
    from docx.shared import Cm, Pt

    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(2)
    if label.startswith("—"):
        paragraph.paragraph_format.left_indent = Cm(0.8)
    paragraph.add_run(f"{label}: ")
    run = paragraph.add_run(value or BLANK)
    run.bold = bool(value) and label.startswith("1)")


def docx(form: Form2C) -> bytes:
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.shared import Cm

    from quyhoach.reports import docx_builder as b
    from quyhoach.reports import letterhead as lh

    doc = b._document()
    top = doc.add_table(rows=1, cols=2)
    lh._borderless(top)
    _widths(top, 10.0, 6.5)
    left, right = top.rows[0].cells
    managing, using, number = (_("Cơ quan, đơn vị có thẩm quyền quản lý CBCC"), _("Cơ quan, đơn vị sử dụng CBCC"),
                               _("Số hiệu cán bộ, công chức"))
    lh._first(left, f"{managing}: {form.managing_body}", size=12, center=False)
    lh._docx_para(left, f"{using}: {form.using_body or BLANK}", size=12, center=False)
    lh._first(right, _(FORM), bold=True, size=12)
    lh._docx_para(right, f"{number}: {BLANK}", size=12, center=False)
    b._para(doc, "", space_after=4)
    head = doc.add_table(rows=1, cols=2)
    lh._borderless(head)
    _widths(head, 3.2, 13.3)
    photo, title = head.rows[0].cells
    _cell_borders(photo, "single")
    head.rows[0].height, head.rows[0].height_rule = Cm(4.2), WD_ROW_HEIGHT_RULE.EXACTLY
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    photo.vertical_alignment = title.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    lh._first(photo, _("Ảnh màu"), size=11)
    lh._docx_para(photo, "(4 × 6 cm)", size=11)
    lh._first(title, _(TITLE), bold=True, size=15)
    b._para(doc, "", space_after=4)
    for label, value in form.items:
        _item(doc, label, value)
    _title(doc, "27) " + _("ĐÀO TẠO, BỒI DƯỠNG VỀ CHUYÊN MÔN, NGHIỆP VỤ, LÝ LUẬN CHÍNH TRỊ, NGOẠI NGỮ, TIN HỌC"))
    b.doc_table(doc, _or_blank(form.training))
    _title(doc, "28) " + _("TÓM TẮT QUÁ TRÌNH CÔNG TÁC"))
    b.doc_table(doc, _or_blank(form.career))
    _title(doc, "29) " + _("ĐẶC ĐIỂM LỊCH SỬ BẢN THÂN"))
    _text(doc, form.history)
    _title(doc, "30) " + _("QUAN HỆ GIA ĐÌNH"))
    _title(doc, _(OWN_FAMILY), sub=True)
    b.doc_table(doc, _or_blank(form.family))
    _title(doc, _(SPOUSE_FAMILY), sub=True)
    b.doc_table(doc, _or_blank(form.spouse_family))
    _title(doc, "31) " + _("HOÀN CẢNH KINH TẾ GIA ĐÌNH"))
    _title(doc, "— " + _(SALARY_TITLE), sub=True)
    for band in form.salary:
        b.doc_table(doc, band)
        _kept_together(doc.tables[-1])
    _text(doc, form.family_economy)
    _title(doc, _(SELF_TITLE))
    b._para(doc, _(SELF_NOTE), italic=True, size=12, space_after=2).paragraph_format.keep_with_next = True
    _text(doc, form.self_assessment)
    _title(doc, "32) " + _("NHẬN XÉT, ĐÁNH GIÁ CỦA CƠ QUAN, ĐƠN VỊ QUẢN LÝ VÀ SỬ DỤNG CÁN BỘ, CÔNG CHỨC"))
    _text(doc, form.assessment, keep=True)     # the last lines stay on the page of the signatures
    sign = doc.add_table(rows=1, cols=2)
    lh._borderless(sign)
    lh._cant_split(sign)
    _widths(sign, 8.0, 8.5)
    declarant, head_cell = sign.rows[0].cells
    lh._first(declarant, "", size=13)
    lh._docx_para(declarant, _("Người khai"), bold=True, size=13)
    lh._docx_para(declarant, _(PLEDGE), italic=True, size=12)
    lh._docx_para(declarant, "(" + _("Ký tên, ghi rõ họ tên") + ")", italic=True, size=12, after=60)
    lh._docx_para(declarant, form.name, bold=True, size=13)
    lh._first(head_cell, undated_line(form.place, form.on), italic=True, size=13)
    lh._docx_para(head_cell, _("Thủ trưởng cơ quan, đơn vị quản lý"), bold=True, size=13)
    lh._docx_para(head_cell, _("và sử dụng cán bộ, công chức"), bold=True, size=13)
    lh._docx_para(head_cell, "(" + _("Ký tên, đóng dấu") + ")", italic=True, size=12)
    _docx_attachment(doc, form)
    return b._save(doc)


def _title(doc, text: str, *, sub: bool = False) -> None:
    """A section's title, kept on the page of what follows it."""
    from quyhoach.reports import docx_builder as b

    b._para(doc, text, bold=not sub, italic=sub, size=b.BODY_PT, space_after=3).paragraph_format.keep_with_next = True


def _text(doc, text: str, *, keep: bool = False) -> None:
    """A section's free text, one paragraph a line (a dotted line when not given)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from quyhoach.reports import docx_builder as b

    for line in (text or BLANK).splitlines():
        b._para(doc, line, indent=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY).paragraph_format.keep_with_next = keep


def _kept_together(table) -> None:
    """A small table kept on one page: every row's text kept with the next row."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    for row in table._tbl.tr_lst[:-1]:
        for p in row.iter(qn("w:p")):
            p.get_or_add_pPr().insert(0, parse_xml(f"<w:keepNext {nsdecls('w')}/>"))


def undated_line(place: str, on: dt.date) -> str:
    """The date line the head of the managing body dates by hand: the place and the year printed."""
    return _("%(place)s, ngày …… tháng …… năm %(year)s", place=place, year=on.year)


def _or_blank(t: DocTable) -> DocTable:
    """A table with no entry keeps two empty rows to write in."""
    return t if t.rows else DocTable(t.headers, t.widths, [[""] * len(t.headers)] * 2, t.aligns)


def _docx_attachment(doc, form: Form2C) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from quyhoach.reports import docx_builder as b

    r = form.attachment
    title = b._para(doc, _("PHỤ LỤC: QUÁ TRÌNH ĐÁNH GIÁ, XẾP LOẠI"), bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER,
                    space_after=0)
    title.paragraph_format.page_break_before = True
    b._para(doc, "(" + _("Kèm theo sơ yếu lý lịch của đồng chí %(name)s", name=form.name) + ")", italic=True, size=13,
            align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    parts = attachment_tables(form)
    for t in parts:
        b._sub_title(doc, t[0])
        doc.paragraphs[-1].paragraph_format.keep_with_next = True     # a part's title on the page of its table
        if t[1].rows:
            b.doc_table(doc, t[1])
        else:
            b._para(doc, t[2], indent=True)
        if t is parts[0]:
            b._picture(doc, r.charts["timeline"])


def attachment_tables(form: Form2C) -> list[tuple[str, DocTable, str]]:
    """The attachment's parts: (title, table, what to say when it is empty)."""
    r = form.attachment
    years = DocTable([_("Năm"), _("Xếp loại"), _("Điểm"), _("Ghi chú")], [1.6, 6.0, 1.6, 7.3],
                     [[y.year, y.rating_label, _decimal(f"{y.score:g}") if y.score is not None else "", y.note]
                      for y in r.years], ["left", "left", "right", "left"])
    months = DocTable([_("Tháng"), *[str(m) for m, _s in r.months]], [2.1] + [1.2] * 12,
                      [[_("Điểm %(year)s", year=r.month_year),
                        *[_decimal(f"{s:g}") if s is not None else "–" for _m, s in r.months]]]
                      if r.month_year else [], ["left"] + ["right"] * 12)
    votes = DocTable([_("Ngày"), _("Hội nghị"), _("Triệu tập"), _("Có mặt"), _("Tín nhiệm cao"), _("Tín nhiệm"),
                      _("Tín nhiệm thấp")],
                     [2.1, 4.4, 2.0, 1.7, 2.1, 2.1, 2.1],
                     [[format_date(v["date"]), v["body"], v["convened"], v["present"], v["high"], v["normal"], v["low"]]
                      for v in r.votes], ["left", "left"] + ["right"] * 5)
    pools = DocTable([_("Chức danh quy hoạch"), _("Nhiệm kỳ"), _("Điều kiện")], [6.5, 3.5, 6.5],
                     [list(p) for p in form.pools])
    none = _("Chưa có.")
    monthly = (_("2. Điểm đánh giá hằng tháng năm %(year)s", year=r.month_year) if r.month_year
               else _("2. Điểm đánh giá hằng tháng"))
    return [(_("1. Kết quả đánh giá, xếp loại hằng năm"), years, none),
            (monthly, months, none),
            (_("3. Lấy phiếu tín nhiệm"), votes, none),
            (_("4. Quy hoạch"), pools, _("Không có trong danh sách quy hoạch nào."))]


def context(form: Form2C) -> dict:
    """What `reports/_dossier_2c_body.html` prints: the same for the PDF and the web preview."""
    return {"f": form, "parts": attachment_tables(form), "blank": BLANK, "form_name": _(FORM), "form_title": _(TITLE),
            "pledge": _(PLEDGE), "blanked": _or_blank, "own_family": _(OWN_FAMILY), "spouse_family": _(SPOUSE_FAMILY),
            "salary_title": _(SALARY_TITLE), "self_title": _(SELF_TITLE), "self_note": _(SELF_NOTE),
            "date_line": undated_line(form.place, form.on)}


def pdf(app, form: Form2C) -> bytes:
    from quyhoach.reports import pdf_builder

    return pdf_builder.render(app, "reports/_dossier_2c_body.html", _("Sơ yếu lý lịch %(name)s", name=form.name),
                              **context(form))
