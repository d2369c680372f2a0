"""The party-document form (Hướng dẫn 36-HD/VPTW của Văn phòng Trung ương Đảng), written once
for every document and every format.

- `Issuer`: the issuing body as data, chosen per document — the provincial Organization
  Board (TỈNH ỦY … / BAN TỔ CHỨC, Số …-BC/BTCTU, signed TRƯỞNG BAN or K/T TRƯỞNG BAN /
  PHÓ TRƯỞNG BAN), the Provincial Committee (ĐẢNG BỘ TỈNH … / TỈNH ỦY, Số …-BC/TU, signed
  T/M BAN THƯỜNG VỤ) or a commune's Party Committee (ĐẢNG BỘ TỈNH … / ĐẢNG ỦY XÃ …, Số …-BC/ĐU,
  signed T/M ĐẢNG ỦY) for a commune-scoped user. `issuers(world, unit)` lists those a
  document may be issued by.
- `Letterhead`: what a paper carries around its text — the heading (body, number, "ĐẢNG CỘNG
  SẢN VIỆT NAM", place and date, kind and subject), the signature block and "Nơi nhận", and the
  line "Kèm theo Báo cáo số … ngày …" of its annexes.
- The signers' names are instance settings: `<instance>/documents.toml` (or the app config
  key `DOCUMENT_SIGNERS`, a dict of the same shape), one table per issuer key:

      [ban-to-chuc]
      signer = "Nguyễn Văn An"        # the name printed under the signature
      deputy = false                   # true: K/T TRƯỞNG BAN / PHÓ TRƯỞNG BAN
      ["dang-uy:X-NAMKHAO"]            # a commune's Party Committee, by unit code
      signer = "Lò Văn Bình"

  With no name set, the name line is left blank for the signer to write by hand.
- Writers: `docx_heading`, `docx_signature`, `docx_annex_ref` (python-docx), `xlsx_cover` and
  `xlsx_print_setup` (openpyxl); the HTML page and its PDF print the same data through
  `templates/reports/_heading.html`, `_signature.html` and `_annex_ref.html`.

Type sizes are the guidance's: the body 14 pt on the left of the heading, the motto 15 pt,
the kind of paper 15 pt, the subject 14 pt, the signer's title and name 14 pt, the recipients
12 pt. All text is black.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from quyhoach.domain.text import nfc
from quyhoach.reports.lang import N_, _

MOTTO = N_("ĐẢNG CỘNG SẢN VIỆT NAM")
KIND_SYMBOL = {N_("BÁO CÁO"): "BC", N_("TỜ TRÌNH"): "TTr", N_("QUYẾT ĐỊNH"): "QĐ", N_("BIÊN BẢN"): "BB",
               N_("SƠ YẾU LÝ LỊCH"): ""}
SETTINGS_FILE = "documents.toml"
BAN_TO_CHUC, TINH_UY, DANG_UY = "ban-to-chuc", "tinh-uy", "dang-uy"


@dataclass(frozen=True)
class Issuer:
    """A body that issues papers, in the words of its heading and signature."""

    key: str                       # ban-to-chuc / tinh-uy / dang-uy:<unit code>
    upper: str                     # the line above the body: TỈNH ỦY MƯỜNG THANH / ĐẢNG BỘ TỈNH MƯỜNG THANH
    body: str                      # BAN TỔ CHỨC / TỈNH ỦY / ĐẢNG ỦY XÃ ...
    symbol: str                    # BTCTU / TU / ĐU
    name: str                      # in a sentence: Ban Tổ chức Tỉnh ủy / Ban Thường vụ Tỉnh ủy / Đảng ủy xã ...
    on_behalf: str = ""            # T/M BAN THƯỜNG VỤ / T/M ĐẢNG ỦY (a collective body signs on behalf)
    head: str = "TRƯỞNG BAN"       # BÍ THƯ for a party committee
    deputy: str = "PHÓ TRƯỞNG BAN"  # PHÓ BÍ THƯ
    archive: str = "Lưu Ban Tổ chức"
    unit_code: str = ""            # the commune of a commune's Party Committee


@dataclass(frozen=True)
class Signature:
    """The signature block: the lines in capitals above the space to sign, the name below."""

    lines: tuple[str, ...]         # ("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN") / ("T/M BAN THƯỜNG VỤ", "BÍ THƯ")
    name: str = ""


@dataclass
class Letterhead:
    """The heading of a party document (Hướng dẫn 36-HD/VPTW): the issuing body on the left
    with the document number, the Party's name on the right with place and date, then the
    kind of document and its subject centred; the signature and "Nơi nhận" at its end."""

    issuer: Issuer
    number: str                    # Số      -BC/BTCTU
    place: str                     # Mường Thanh
    date: dt.date
    kind: str                      # BÁO CÁO
    subject: str                   # Quy hoạch cán bộ nhiệm kỳ 2025–2030
    motto: str = MOTTO
    draft: bool = False            # "DỰ THẢO" boxed above the heading (a paper not yet decided)
    signature: Signature = field(default_factory=lambda: Signature(("TRƯỞNG BAN",)))
    recipients: list[str] = field(default_factory=list)
    addressee: str = ""            # Kính gửi: ... (a submission)

    @property
    def authority(self) -> str:
        return self.issuer.upper

    @property
    def office(self) -> str:
        return self.issuer.body

    @property
    def place_date(self) -> str:
        return date_line(self.place, self.date)

    @property
    def bare_number(self) -> str:
        """The number without its "Số" / "No." ("12-BC/BTCTU", or "-BC/BTCTU" until registered)."""
        return self.number.split(" ", 1)[-1].strip()

    @property
    def kind_words(self) -> str:
        """Báo cáo / Tờ trình, as a sentence names the paper."""
        return self.kind[:1] + self.kind[1:].lower()

    @property
    def annex_ref(self) -> str:
        """The line under an annex's title: which paper it goes with."""
        number = self.bare_number
        # registered (a number before the dash), the paper's date is known: cite it as the heading dates it
        when = (_("ngày %(day)s tháng %(month)s năm %(year)s", day=f"{self.date.day:02d}", month=f"{self.date.month:02d}",
                  year=self.date.year)
                if number[:1].isdigit() else _("ngày     tháng     năm %(year)s", year=self.date.year))
        return _("(Kèm theo %(kind)s số %(number)s %(when)s của %(issuer)s)", kind=self.kind_words, number=number,
                 when=when, issuer=self.issuer.name)

    def with_recipients(self, recipients: list[str]) -> Letterhead:
        return replace(self, recipients=[nfc(r) for r in recipients])


def date_line(place: str, on: dt.date) -> str:
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s", place=place, day=f"{on.day:02d}",
             month=f"{on.month:02d}", year=on.year)


@dataclass
class PaperChoice:
    """What the officer chose for a paper on the report form: the issuing body (a key of
    `issuers`, "" for the default), its number once registered ("" leaves it blank), and the
    signers' settings read from the instance."""

    issuer: str = ""
    number: str = ""
    settings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, params: dict | None, app=None) -> PaperChoice:
        params = params or {}
        return cls(str(params.get("issuer") or ""), str(params.get("number") or "").strip()[:20], signer_settings(app))


# --------------------------------------------------------------------------- the bodies

def province_words(world) -> tuple[str, str]:
    """("TỈNH MƯỜNG THANH", "Mường Thanh") from the root of the organisation tree."""
    roots = sorted((u for u in world.units.values() if u.parent_id is None), key=lambda u: (not u.is_locality, u.id))
    name = roots[0].name if roots else "Tỉnh"
    for prefix in ("Tỉnh ủy ", "Tỉnh uỷ ", "Thành ủy ", "Thành uỷ "):
        if name.startswith(prefix):
            place = name[len(prefix):]
            kind = "TỈNH" if prefix.startswith("Tỉnh") else "THÀNH PHỐ"
            return nfc(f"{kind} {place.upper()}"), nfc(place)
    return nfc(name.upper()), nfc(name)


def _commune_name(unit) -> str:
    name = unit.name
    for prefix in ("Đảng ủy ", "Đảng uỷ ", "UBND ", "Ủy ban nhân dân "):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return nfc(name)


def issuers(world, unit=None) -> dict[str, Issuer]:
    """The bodies a paper of `unit`'s scope (None: the province) may be issued by: the
    Organization Board and the Provincial Committee, and the commune's Party Committee when
    the unit is a commune (or in one)."""
    province, _place = province_words(world)
    city = province.startswith("THÀNH PHỐ ")
    symbol = "THU" if city else "TU"
    place = province.removeprefix("THÀNH PHỐ ").removeprefix("TỈNH ")
    if city:
        upper, committee = _("THÀNH ỦY %(place)s", place=place), _("THÀNH ỦY")
        board, standing, office = _("Ban Tổ chức Thành ủy"), _("Ban Thường vụ Thành ủy"), _("Lưu Văn phòng Thành ủy")
        organization = _("ĐẢNG BỘ THÀNH PHỐ %(place)s", place=place)
    else:
        upper, committee = _("TỈNH ỦY %(place)s", place=place), _("TỈNH ỦY")
        board, standing, office = _("Ban Tổ chức Tỉnh ủy"), _("Ban Thường vụ Tỉnh ủy"), _("Lưu Văn phòng Tỉnh ủy")
        organization = (_("ĐẢNG BỘ TỈNH %(place)s", place=place) if province.startswith("TỈNH ")
                        else _("ĐẢNG BỘ %(place)s", place=province))
    found = {
        BAN_TO_CHUC: Issuer(BAN_TO_CHUC, nfc(upper), _("BAN TỔ CHỨC"), f"BTC{symbol}", nfc(board),
                            head=_("TRƯỞNG BAN"), deputy=_("PHÓ TRƯỞNG BAN"), archive=_("Lưu Ban Tổ chức")),
        TINH_UY: Issuer(TINH_UY, nfc(organization), committee, symbol, nfc(standing),
                        on_behalf=_("T/M BAN THƯỜNG VỤ"), head=_("BÍ THƯ"), deputy=_("PHÓ BÍ THƯ"), archive=office),
    }
    commune = _commune_of(world, unit)
    if commune is not None:
        words = _commune_name(commune)
        key = f"{DANG_UY}:{commune.code}"
        found[key] = Issuer(key, nfc(organization), nfc(_("ĐẢNG ỦY %(commune)s", commune=words.upper())), "ĐU",
                            nfc(_("Đảng ủy %(commune)s", commune=f"{words[:1].lower()}{words[1:]}"
                                  if words[:2] in ("Xã", "Ph", "Th") else words)),
                            on_behalf=_("T/M ĐẢNG ỦY"), head=_("BÍ THƯ"), deputy=_("PHÓ BÍ THƯ"),
                            archive=_("Lưu Văn phòng Đảng ủy"), unit_code=commune.code)
    return found


def _commune_of(world, unit):
    """The commune a unit is (or sits in), by its level; None above the communes."""
    if unit is None:
        return None
    current = unit
    while current is not None:
        if world.levels.get(current.level_id) == "commune" and current.is_locality:
            return current
        current = world.units.get(current.parent_id) if current.parent_id else None
    return None


def default_issuer(world, unit=None) -> Issuer:
    """A commune-scoped paper is its Party Committee's; any other the Organization Board's."""
    found = issuers(world, unit)
    commune = next((i for key, i in found.items() if key.startswith(DANG_UY)), None)
    return commune or found[BAN_TO_CHUC]


def pick_issuer(world, unit, key: str | None) -> Issuer:
    """The issuer asked for (a key of `issuers`), or the default one; an unknown key is refused
    by the caller's form before it gets here, so it falls back to the default."""
    found = issuers(world, unit)
    return found.get(key or "") or default_issuer(world, unit)


# --------------------------------------------------------------------------- signers (settings)

def signer_settings(app=None) -> dict[str, dict[str, Any]]:
    """The signers per issuer key: the app config's DOCUMENT_SIGNERS, else the instance
    folder's documents.toml, else none. A file that cannot be read counts as none."""
    if app is None:
        try:
            from flask import current_app

            app = current_app._get_current_object()
        except RuntimeError:
            return {}
    configured = app.config.get("DOCUMENT_SIGNERS")
    if isinstance(configured, dict):
        return configured
    path = Path(app.config.get("INSTANCE_PATH") or app.instance_path) / SETTINGS_FILE
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def signature(issuer: Issuer, settings: dict[str, dict[str, Any]]) -> Signature:
    entry = settings.get(issuer.key) or (settings.get(DANG_UY) if issuer.key.startswith(DANG_UY) else None) or {}
    name = nfc(str(entry.get("signer") or "").strip())
    deputy = bool(entry.get("deputy"))
    if issuer.on_behalf:         # a collective body: T/M ..., then the signer's own title
        return Signature((issuer.on_behalf, issuer.deputy if deputy else issuer.head), name)
    if deputy:
        return Signature((_("K/T %(head)s", head=issuer.head), issuer.deputy), name)
    return Signature((issuer.head,), name)


def letterhead(world, issuer: Issuer, subject: str, on: dt.date, *, kind: str = "BÁO CÁO", number: str = "",
               settings: dict | None = None, recipients: list[str] | None = None, draft: bool = False,
               addressee: str = "") -> Letterhead:
    """A paper's letterhead: its number left blank (to be written when registered) unless given."""
    _province, place = province_words(world)
    if issuer.key.startswith(DANG_UY):
        commune = world.units.get(next((u.id for u in world.units.values() if u.code == issuer.unit_code), -1))
        place = _commune_name(commune).removeprefix("Xã ").removeprefix("Phường ") if commune else place
    symbol = KIND_SYMBOL.get(kind, "BC")
    reference = f"{symbol}/{issuer.symbol}" if symbol else issuer.symbol
    number_words = _("Số %(number)s", number=f"{str(number).strip() or ' ' * 6}-{reference}")
    return Letterhead(issuer=issuer, number=number_words, place=place, date=on, kind=_(kind), subject=nfc(subject),
                      motto=_(MOTTO),
                      draft=draft, signature=signature(issuer, settings or {}),
                      recipients=[nfc(r) for r in (recipients or default_recipients(issuer))], addressee=addressee)


def default_recipients(issuer: Issuer, *, central: bool = False, units: str | None = None) -> list[str]:
    """"Nơi nhận" as party papers set it: who is reported to (để b/c), who carries it out,
    the archive. `central`: a term-planning report goes up to the central Organization
    Commission too."""
    if units is None:
        units = _("Các cơ quan, đơn vị liên quan")
    lines = []
    if central:
        lines.append(_("- Ban Tổ chức Trung ương (để b/c),"))
    if issuer.key == BAN_TO_CHUC:
        lines += [_("- Thường trực Tỉnh ủy (để b/c),"), _("- Ban Thường vụ Tỉnh ủy (để b/c),")]
    elif issuer.key == TINH_UY:
        lines += [_("- Các đồng chí Tỉnh ủy viên,"), _("- Ban Tổ chức Tỉnh ủy,")]
    else:
        lines += [_("- Ban Thường vụ Tỉnh ủy (để b/c),"), _("- Ban Tổ chức Tỉnh ủy (để b/c),"),
                  _("- Các đồng chí đảng ủy viên,")]
    if units:
        lines.append(f"- {units},")
    lines.append(f"- {issuer.archive}.")
    return lines


# --------------------------------------------------------------------------- DOCX

def _docx_para(container, text: str = "", *, bold: bool = False, italic: bool = False, underline: bool = False,
               size: float | None = None, center: bool = True, after: float = 0):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def _first(cell, text: str, *, bold: bool = False, italic: bool = False, underline: bool = False, size: float = 14,
           center: bool = True):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = cell.paragraphs[0]
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    return paragraph


def _borderless(table) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    borders = "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    table._tbl.tblPr.append(parse_xml(f'<w:tblBorders {nsdecls("w")}>{borders}</w:tblBorders>'))


def _cant_split(table) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    for row in table.rows:
        row._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))


def docx_heading(doc, h: Letterhead, width_cm: float = 16.5) -> None:
    """Left: the upper body, the issuing body, the star and the number; right: the Party's
    name, place and date; then the kind of paper, its subject, and "Kính gửi" if any."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Cm

    if h.draft:
        paragraph = _docx_para(doc, _("DỰ THẢO"), bold=True, size=13, after=2)
        borders = "".join(f'<w:{side} w:val="single" w:sz="8" w:space="2" w:color="000000"/>'
                          for side in ("top", "left", "bottom", "right"))
        paragraph._p.get_or_add_pPr().append(parse_xml(f'<w:pBdr {nsdecls("w")}>{borders}</w:pBdr>'))
        paragraph.paragraph_format.left_indent = Cm(width_cm - 3.1)
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borderless(table)
    widths = (Cm(width_cm * 0.45), Cm(width_cm * 0.55))
    left, right = table.rows[0].cells
    for column, cell, width in zip(table.columns, (left, right), widths, strict=True):
        column.width = width
        cell.width = width
    _first(left, h.issuer.upper)
    _docx_para(left, h.issuer.body, bold=True, size=14)
    _docx_para(left, "*", size=14)
    _docx_para(left, h.number, size=14)
    _first(right, h.motto, bold=True, underline=True, size=15)
    _docx_para(right, "", size=14)
    _docx_para(right, h.place_date, italic=True, size=14)
    _docx_para(doc, "", after=6)
    _docx_para(doc, h.kind, bold=True, size=15)
    _docx_para(doc, h.subject, bold=True, size=14)
    _docx_para(doc, "-----", size=14, after=8)
    if h.addressee:
        _docx_para(doc, h.addressee, size=14, after=6)


def docx_signature(doc, h: Letterhead, width_cm: float = 16.5) -> None:
    """"Nơi nhận" on the left, the signature on the right, in one row that does not break
    across pages; the paragraph before it is kept with it."""
    from docx.shared import Cm

    body = doc.element.body
    previous = [p for p in body.iterchildren() if p.tag.endswith("}p")]
    if previous:
        ppr = previous[-1].get_or_add_pPr()
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        ppr.append(parse_xml(f'<w:keepNext {nsdecls("w")}/>'))
    table = doc.add_table(rows=1, cols=2)
    table.autofit = False
    _borderless(table)
    _cant_split(table)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(width_cm * 0.5), Cm(width_cm * 0.5)
    _first(left, _("Nơi nhận:"), underline=True, size=14, center=False)
    for line in h.recipients:
        _docx_para(left, line, size=12, center=False)
    first, *rest = h.signature.lines
    _first(right, first, bold=True, size=14)
    for line in rest:
        _docx_para(right, line, bold=True, size=14)
    _docx_para(right, "", size=14, after=60)
    _docx_para(right, h.signature.name or " ", bold=True, size=14)


def docx_annex_ref(doc, h: Letterhead) -> None:
    _docx_para(doc, h.annex_ref, italic=True, size=13, after=6)


# --------------------------------------------------------------------------- XLSX

def xlsx_print_setup(ws, h: Letterhead, *, landscape: bool = True, header_rows: str | None = "1:1") -> None:
    """A4, fit to the page's width, header rows repeated, the paper's name in the header and
    "Trang x/y" in the footer, Times New Roman."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    if header_rows:
        ws.print_title_rows = header_rows
    ws.oddHeader.center.text = f"{h.issuer.body} — {h.kind_words} {h.bare_number}"
    ws.oddHeader.center.font = "Times New Roman"
    ws.oddHeader.center.size = 9
    ws.oddFooter.center.text = _("Trang &P/&N")
    ws.oddFooter.center.font = "Times New Roman"
    ws.oddFooter.center.size = 9


def xlsx_cover(ws, h: Letterhead, lines: list[str]) -> None:
    """The first sheet as a printed cover: the heading in two merged halves, the kind and
    subject, the text, the signature and "Nơi nhận", on A4 portrait."""
    from openpyxl.styles import Alignment, Font

    ws.title = _("Tổng hợp")
    font = "Times New Roman"
    ws.column_dimensions["A"].width = 45
    ws.column_dimensions["B"].width = 50
    centre = Alignment(horizontal="center", vertical="top", wrap_text=True)
    row = 1
    if h.draft:
        ws.cell(row, 2, _("DỰ THẢO")).font = Font(name=font, bold=True, size=13)
        ws.cell(row, 2).alignment = Alignment(horizontal="right")
        row += 1
    pairs = [(h.issuer.upper, Font(name=font, size=13), h.motto, Font(name=font, size=13, bold=True, underline="single")),
             (h.issuer.body, Font(name=font, size=13, bold=True), "", None),
             ("*", Font(name=font, size=13), h.place_date, Font(name=font, size=13, italic=True)),
             (h.number, Font(name=font, size=13), "", None)]
    for left, left_font, right, right_font in pairs:
        ws.cell(row, 1, left).font = left_font
        ws.cell(row, 1).alignment = centre
        if right:
            ws.cell(row, 2, right).font = right_font
            ws.cell(row, 2).alignment = centre
        row += 1
    row += 1
    for text, size in ((h.kind, 14), (h.subject, 13)):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        ws.cell(row, 1, text).font = Font(name=font, size=size, bold=True)
        ws.cell(row, 1).alignment = centre
        ws.row_dimensions[row].height = 20 if len(text) < 90 else 36
        row += 1
    row += 1
    for line in lines:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        cell = ws.cell(row, 1, line)
        cell.font = Font(name=font, size=12)
        cell.alignment = Alignment(wrap_text=True, vertical="top", indent=1)
        ws.row_dimensions[row].height = 16 * max(1, -(-len(line) // 105))
        row += 1
    row += 1
    ws.cell(row, 1, _("Nơi nhận:")).font = Font(name=font, size=12, bold=True, italic=True)
    for offset, line in enumerate(h.signature.lines):
        ws.cell(row + offset, 2, line).font = Font(name=font, size=13, bold=True)
        ws.cell(row + offset, 2).alignment = centre
    for offset, line in enumerate(h.recipients, start=1):
        ws.cell(row + offset, 1, line).font = Font(name=font, size=11)
    name_row = row + max(len(h.recipients) + 1, len(h.signature.lines) + 4)
    ws.cell(name_row, 2, h.signature.name).font = Font(name=font, size=13, bold=True)
    ws.cell(name_row, 2).alignment = centre
    xlsx_print_setup(ws, h, landscape=False, header_rows=None)
