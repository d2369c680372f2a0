"""XLSX (openpyxl) lists, in the conventions of `services.exporter`: a bold shaded header,
frozen under the header, a filter on every column, dates as dates (dd/mm/yyyy).

The pool list is the "danh sách trích ngang" one row per cadre and planned title (no group
rows, so that filters and sorting work), the ratings of the last three years in three
columns; the analytics sheets are the figures of the Đánh giá page.
"""

from __future__ import annotations

import datetime as dt
import io
from copy import copy
from typing import Any
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from quyhoach.domain.vocab import DISCIPLINE_LEVEL, LEVEL, RATING_SHORT, UNIT_KIND
from quyhoach.reports import letterhead
from quyhoach.reports.lang import _, rule_name, say
from quyhoach.reports.model import Heading, ScenarioDecisionReport, TermPlanningReport
from quyhoach.services.records.exporter import neutralise_workbook

FONT = "Times New Roman"
BOLD = Font(name=FONT, bold=True)
PLAIN = Font(name=FONT)
FILL = PatternFill("solid", fgColor="E6E6E6")
MARKED = Font(name=FONT, bold=True, italic=True)     # black on paper: a row to look at is bold italic


def _sheet(workbook: Workbook, title: str, headers: list[str], rows: Iterable[list[Any]],
           widths: list[int] | None = None, percent_columns: Iterable[int] = (), red_rows: set[int] | None = None,
           head: Heading | None = None):
    """A list on its own sheet; with `head`, set up to print (A4 landscape, fit to width,
    the header row repeated, page numbers, Times New Roman)."""
    ws = workbook.create_sheet(title[:31])
    ws.append(headers)
    for index, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font, cell.fill = BOLD, FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        width = widths[index - 1] if widths and index <= len(widths) else max(10, min(40, len(header) + 4))
        ws.column_dimensions[get_column_letter(index)].width = width
    count = 1
    for row in rows:
        ws.append(row)
        count += 1
    percent_columns = set(percent_columns)
    # Each style is made once and copied to the cells: openpyxl hashes a style object every
    # time one is set on a cell (60 % of the province's workbook time when set cell by cell).
    plain, dated, percent = _style(ws, PLAIN), _style(ws, PLAIN, "DD/MM/YYYY"), _style(ws, PLAIN, "0.0%")
    for row in ws.iter_rows(min_row=2, max_row=count, max_col=len(headers)):
        for cell in row:
            value = cell.value
            style = (dated if isinstance(value, dt.date) else
                     percent if isinstance(value, float) and cell.column in percent_columns else plain)
            cell._style = copy(style)
    if red_rows:
        marked = {None: _style(ws, MARKED), "DD/MM/YYYY": _style(ws, MARKED, "DD/MM/YYYY"),
                  "0.0%": _style(ws, MARKED, "0.0%")}
        for index in red_rows:
            for cell in ws[index + 2]:
                fmt = cell.number_format if cell.number_format in ("DD/MM/YYYY", "0.0%") else None
                cell._style = copy(marked[fmt])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(count, 2)}"
    return ws


WRAP = Alignment(wrap_text=True, vertical="top")


def _style(ws, font: Font, number_format: str | None = None):
    """The style array of a cell in `font`, wrapped, top-aligned (and in `number_format`),
    made once on a cell outside the sheet, to copy onto many cells."""
    proto = Cell(ws)
    proto.font, proto.alignment = font, WRAP
    if number_format:
        proto.number_format = number_format
    return proto._style


def _save(workbook: Workbook, head: Heading) -> bytes:
    """Every list sheet set up to print (A4 landscape, fit to width, the header row repeated,
    the paper's name and page numbers, Times New Roman); the cover is set up by its writer."""
    if "Sheet" in workbook.sheetnames and len(workbook.sheetnames) > 1:
        del workbook["Sheet"]
    for ws in workbook.worksheets[1:]:
        letterhead.xlsx_print_setup(ws, head)
    neutralise_workbook(workbook)  # names and notes that look like formulas stay text
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cover(workbook: Workbook, head: Heading, lines: list[str]) -> None:
    letterhead.xlsx_cover(workbook.active, head, lines)


def list_rows(report: TermPlanningReport) -> list[list[Any]]:
    rows = []
    number = 0
    for pool in report.pools:
        for r in pool.rows:
            number += 1
            ratings = [v for _, v in r.ratings]
            rows.append([number, r.name, r.birth_date, r.sex, r.ethnicity, r.hometown, r.post, r.post_since,
                         r.education, r.theory, r.state_mgmt, r.language, r.it, r.party_entry, *ratings,
                         r.planned_title, pool.unit, pool.level, pool.term, r.source, "; ".join(r.ballots), r.note])
    return rows


def list_headers(report: TermPlanningReport) -> list[str]:
    return ([_("STT"), _("Họ và tên"), _("Ngày sinh"), _("Giới tính"), _("Dân tộc"), _("Quê quán"), _("Chức vụ hiện tại"),
             _("Giữ chức vụ từ ngày"), _("Trình độ chuyên môn"), _("Lý luận chính trị"), _("Quản lý nhà nước"),
             _("Ngoại ngữ"), _("Tin học"), _("Ngày vào Đảng")]
            + [_("Xếp loại %(year)s", year=y) for y in report.rating_years]
            + [_("Chức danh quy hoạch"), _("Cơ quan, đơn vị"), _("Cấp"), _("Nhiệm kỳ"), _("Nguồn"),
               _("Kết quả phiếu các bước"), _("Ghi chú")])


def term_planning(report: TermPlanningReport) -> bytes:
    workbook = Workbook()
    _cover(workbook, report.heading, [*report.opening, _("I. Tình hình chung").upper(), *report.summary,
                                      _("Số liệu đến ngày %(date)s; các bảng chi tiết ở các trang tính sau.",
                                        date=f"{report.on:%d/%m/%Y}"),
                                      _("II. Đánh giá chung").upper(), *report.assessment,
                                      _("III. Phương hướng").upper(), *report.direction,
                                      _("IV. Đề xuất, kiến nghị").upper(), *report.proposals])
    headers = list_headers(report)
    bad = {i for i, row in enumerate(list_rows(report)) if row[-1]}
    _sheet(workbook, _("Danh sách trích ngang"), headers, list_rows(report),
           [6, 24, 11, 8, 10, 28, 32, 12, 28, 12, 16, 14, 16, 12] + [11] * len(report.rating_years)
           + [28, 30, 8, 24, 9, 30, 40], red_rows=bad)
    structure_headers = [_("Số chức danh"), _("Số cán bộ"), _("Nữ"), _("Tỷ lệ nữ"), _("Trẻ"), _("Tỷ lệ trẻ"),
                         _("Dân tộc thiểu số"), _("Tỷ lệ DTTS"), _("Danh sách đủ ba độ tuổi"), _("Danh sách chưa đạt"),
                         _("Chỉ tiêu chưa đạt")]

    def structure_rows(groups):
        for g in groups:
            yield [g.label, g.pools, g.members, g.women.count, g.women.share, g.young.count, g.young.share,
                   g.minority.count, g.minority.share, g.pools_all_bands, g.failing_pools,
                   "; ".join(t.message for t in g.failing_targets)]

    _sheet(workbook, _("Cơ cấu theo cấp"), [_("Cấp"), *structure_headers], structure_rows(report.by_level),
           [14, 10, 10, 8, 9, 8, 9, 10, 10, 12, 12, 80], percent_columns=(5, 7, 9))
    _sheet(workbook, _("Cơ cấu theo đơn vị"), [_("Cơ quan, đơn vị"), *structure_headers], structure_rows(report.by_unit),
           [40, 10, 10, 8, 9, 8, 9, 10, 10, 12, 12, 80], percent_columns=(5, 7, 9))
    failing = []
    for f in report.failing:
        for x in f.structure:
            failing.append([f.title, f.unit, f.term, "", rule_name(x.name), x.basis, say(x.message)])
        for m in f.members:
            for x in m.findings:
                failing.append([f.title, f.unit, f.term, m.name, rule_name(x.name), x.basis, say(x.message)])
    _sheet(workbook, _("Chưa đạt"), [_("Chức danh quy hoạch"), _("Cơ quan, đơn vị"), _("Nhiệm kỳ"), _("Cán bộ"),
                                     _("Điều kiện, chỉ tiêu"), _("Căn cứ"), _("Kết quả kiểm tra")], failing,
           [30, 30, 22, 24, 36, 30, 80])
    _sheet(workbook, _("Ba độ tuổi"), [_("Cấp"), _("Độ tuổi"), _("Số người"), _("Tỷ lệ"), _("Tổng số")],
           ([b.level_name, say(label), n, n / b.total if b.total else 0.0, b.total]
            for b in report.bands for label, n in zip(b.labels, b.counts, strict=True)),
           [14, 20, 10, 10, 10], percent_columns=(4,))
    evaluation_sheets(workbook, report.evaluations)
    return _save(workbook, report.heading)


def evaluation_sheets(workbook: Workbook, ev) -> None:
    _sheet(workbook, _("HTXSNV theo đơn vị, năm"),
           [_("Cơ quan, đơn vị"), _("Năm"), _("Được xếp loại"), _("HTXSNV"), _("HTTNV"), _("HTNV"), _("KHTNV"),
            _("Từ HTTNV trở lên"), _("Tỷ lệ HTXSNV"), _("Mức trần"), _("Vượt"), _("Đánh giá")],
           ([u.unit.name, u.year, u.rated, u.excellent, u.counts.get("good", 0),
             u.counts.get("complete", 0), u.counts.get("fail", 0), u.good_or_better, u.share, u.cap, u.excess,
             _("Vượt mức") if u.breaks else _("Đạt")]
            for u in sorted(ev.unit_years, key=lambda u: (-u.year, -u.excess, u.unit.name))),
           [40, 7, 10, 9, 9, 9, 9, 12, 11, 9, 7, 11], percent_columns=(9,))
    _sheet(workbook, _("So sánh đơn vị"),
           [_("Cơ quan, đơn vị"), _("Cấp"), _("Loại"), _("Số lượt xếp loại"), _("HTXSNV"), _("Tỷ lệ HTXSNV"),
            _("Số đơn vị tương đương"), _("Tỷ lệ HTXSNV đơn vị tương đương"), _("Chênh lệch"), _("Độ lệch (z)"),
            _("Đánh giá")],
           ([c.unit.name, _(LEVEL.label(c.unit.level)), _(UNIT_KIND.label(c.unit.kind)), c.rated, c.excellent, c.share,
             c.peers, c.peer_share, c.difference, round(c.z, 2),
             _("Cao bất thường") if c.flagged else _("Trong khoảng chung")]
            for c in ev.comparisons),
           [40, 9, 14, 10, 9, 11, 11, 14, 11, 10, 14], percent_columns=(6, 8, 9))
    _sheet(workbook, _("Xếp loại không đổi"),
           [_("Họ và tên"), _("Cơ quan, đơn vị"), _("Xếp loại"), _("Từ năm"), _("Đến năm"), _("Số năm")],
           ([c.cadre.name, c.unit.name if c.unit else "", _(RATING_SHORT[c.rating]), c.first, c.last,
             len(c.years)] for c in ev.constants), [26, 40, 10, 8, 8, 8])
    _sheet(workbook, _("Xếp loại năm bị kỷ luật"),
           [_("Họ và tên"), _("Cơ quan, đơn vị"), _("Năm"), _("Xếp loại"), _("Điểm"), _("Hình thức kỷ luật"),
            _("Ngày quyết định"), _("Số quyết định"), _("Cơ quan quyết định")],
           ([f.cadre.name, f.unit.name if f.unit else "", f.year, _(RATING_SHORT[f.rating]), f.score,
             _(DISCIPLINE_LEVEL.label(f.level)), f.decision_date, f.decision_no, f.authority] for f in ev.disciplined),
           [26, 40, 7, 10, 7, 14, 13, 16, 30])
    _sheet(workbook, _("Điểm tháng và xếp loại năm"),
           [_("Cơ quan, đơn vị"), _("Năm"), _("Số cán bộ"), _("Điểm tháng bình quân"), _("Xếp loại cao hơn điểm tháng"),
            _("Tỷ lệ"), _("Xếp loại thấp hơn"), _("Chênh lệch bình quân (bậc)"), _("Chênh lệch điểm năm – điểm tháng")],
           ([g.unit.name, g.year, g.cadres, round(g.mean_month, 2), g.above, g.above_share, g.below,
             round(g.mean_steps, 3), round(g.score_gap, 2) if g.score_gap is not None else None] for g in ev.month_gaps),
           [40, 7, 10, 12, 14, 8, 12, 14, 16], percent_columns=(6,))


def evaluations(ev, head: Heading) -> bytes:
    workbook = Workbook()
    lines = [_("Số liệu đến ngày %(date)s; phạm vi: %(scope)s", date=f"{ev.on:%d/%m/%Y}",
               scope=ev.scope.name if ev.scope else _("toàn tỉnh")),
             _("%(breaches)s lượt đơn vị – năm có tỷ lệ HTXSNV vượt mức quy định (%(units)s đơn vị); %(flagged)s đơn vị "
               "cao bất thường so với đơn vị tương đương; %(constant)s cán bộ HTXSNV liên tục từ %(years)s năm; "
               "%(disciplined)s trường hợp xếp loại từ HTTNV trở lên trong năm bị kỷ luật.", breaches=len(ev.breaches),
               units=len(ev.breaking_units), flagged=len(ev.flagged_units), constant=len(ev.constant_excellent),
               years=ev.constant_years, disciplined=len(ev.disciplined))]
    _cover(workbook, head, lines)
    evaluation_sheets(workbook, ev)
    return _save(workbook, head)


def scenario_decision(report: ScenarioDecisionReport) -> bytes:
    """The decision report's lists: the moves, the chains, the structure before and after
    (per target and per level) and the plans compared, each on its own sheet."""
    workbook = Workbook()
    lines = [_("Ngày luân chuyển dự kiến %(date)s; căn cứ %(basis)s.", date=f"{report.rotation_date:%d/%m/%Y}",
               basis=report.rule_set_name or _("các quy định hiện hành"))]
    if report.adopted:
        lines.append(_("Thông qua tại %(resolution)s, hiệu lực từ ngày %(date)s.", resolution=report.resolution,
                       date=f"{report.adopted_on:%d/%m/%Y}") + (f" {report.note}" if report.note else ""))
    lines += report.summary
    lines += report.alternative_words
    lines += [f"{label}: {value}" for label, value in report.rules]
    lines += [f"{label}: {value}" for label, value in report.settings]
    lines += [f"{_('Lưu ý:')} {w}" for w in report.warnings]
    lines += report.closing
    _cover(workbook, report.heading, lines)
    yes = _("Có")
    _sheet(workbook, _("Các lượt điều động"),
           [_("STT"), _("Họ và tên"), _("Tuổi"), _("Giới tính"), _("Dân tộc thiểu số"), _("Từ vị trí"), _("Từ đơn vị"),
            _("Đến vị trí"), _("Đến đơn vị"), _("Hình thức"), _("Lý do")],
           ([m.number, m.cadre_name, m.age, m.sex, yes if m.minority else "", m.from_post, m.from_unit,
             m.to_post, m.to_unit, f"{m.act} ({m.kind.lower()})" if m.act else m.kind,
             "; ".join(m.reasons)] for m in report.moves),
           [6, 24, 6, 9, 9, 32, 26, 32, 26, 24, 80])
    _sheet(workbook, _("Chuỗi điều động"), [_("Số"), _("Loại"), _("Số lượt điều động"), _("Diễn giải"),
                                            _("Vị trí để trống ở cuối chuỗi")],
           ([c.number, c.kind_label, c.moves, c.text, c.opens] for c in report.chains), [6, 8, 10, 120, 30])
    _sheet(workbook, _("Cơ cấu theo chỉ tiêu"),
           [_("Chỉ tiêu"), _("Mức"), _("Số vị trí"), _("Cần tối thiểu"), _("Tối đa"), _("Trước"), _("Tỷ lệ trước"),
            _("Sau"), _("Tỷ lệ sau"), _("Thiếu trước"), _("Thiếu sau"), _("Kết luận")],
           ([t.name, _("bắt buộc") if t.hard else _("khuyến khích"), t.seats, t.need, t.cap, t.before, t.before_share,
             t.after, t.after_share, t.shortfall_before, t.shortfall_after, _("Đạt") if t.passed else _("Chưa đạt")]
            for t in report.targets), [44, 12, 9, 10, 8, 8, 10, 8, 10, 10, 10, 10], percent_columns=(7, 9),
           red_rows={i for i, t in enumerate(report.targets) if not t.passed})
    _sheet(workbook, _("Cơ cấu theo cấp"), [_("Phạm vi"), _("Chỉ số"), _("Số vị trí"), _("Trước"), _("Tỷ lệ trước"),
                                            _("Sau"), _("Tỷ lệ sau"), _("Thay đổi")],
           ([r.scope, r.label, r.seats, r.before, r.before_share, r.after, r.after_share, r.after - r.before]
            for r in report.levels), [30, 24, 10, 8, 10, 8, 10, 10], percent_columns=(5, 7))
    t = report.comparison
    if t is not None:
        _sheet(workbook, _("So sánh phương án"), t.headers, t.rows, [6, 44, 30, 16, 60],
               red_rows={i for i, p in enumerate(report.compared) if p.chosen})
    return _save(workbook, report.heading)
