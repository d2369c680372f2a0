"""The evaluation analytics as a paper (a BÁO CÁO of the Organization Board): an opening
that cites the rules of assessment and says what was examined, the findings (the analytics'
own tables: `docx_builder.evaluation_section`, `evaluations/_macros.html`), a conclusion
written from the figures, the proposals, and the signature with "Nơi nhận"."""

from __future__ import annotations

from quyhoach.reports.lang import N_, _
from quyhoach.reports.model import DocPart, Heading
from quyhoach.reports.paper import Paper, to_docx, to_pdf, words_of_share

FALLBACK_BASIS = N_("các quy định của Bộ Chính trị về kiểm điểm và đánh giá, xếp loại chất lượng hằng năm")


def bases(session, ev) -> list[str]:
    """The legal bases of the rating rule sets the years were rated under, latest first (the
    rule sets' own words; their codes stay in the app)."""
    from sqlmodel import select

    from quyhoach.db.models import RuleSet

    codes = [ev.rule_sets[y] for y in sorted(ev.rule_sets, reverse=True) if ev.rule_sets[y]]
    if not codes:
        return [_(FALLBACK_BASIS)]
    found = {r.code: r.legal_basis for r in session.exec(select(RuleSet).where(RuleSet.code.in_(codes)))}
    seen: dict[str, None] = {}
    for code in codes:
        if found.get(code):
            seen.setdefault(found[code].strip().rstrip(".;"), None)
    return list(seen) or [_(FALLBACK_BASIS)]


def _years(ev) -> str:
    if not ev.years:
        return _("chưa có năm nào được xếp loại")
    first, last = min(ev.years), max(ev.years)
    return _("năm %(year)s", year=first) if first == last else _("các năm %(first)s–%(last)s", first=first, last=last)


def conclusion(ev) -> list[str]:
    """What the figures say, in sentences an official reads (units by name, no codes)."""
    lines = []
    totals = [t for t in ev.year_totals() if t.rated]
    if totals:
        last = totals[-1]
        lines.append(_("Năm %(year)s, %(rated)s lượt cán bộ được xếp loại; %(excellent)s lượt “Hoàn thành xuất sắc nhiệm "
                       "vụ” (%(share)s).", year=last.year, rated=last.rated, excellent=last.excellent,
                       share=words_of_share(last.excellent, last.rated)))
    breaking = ev.breaking_units
    if breaking:
        names = ", ".join(u.name for u in breaking[:8]) + (_(" và các đơn vị khác") if len(breaking) > 8 else "")
        lines.append(_("Có %(n)s cơ quan, đơn vị xếp loại “Hoàn thành xuất sắc nhiệm vụ” vượt mức trần trong ít nhất một "
                       "năm (%(names)s).", n=len(breaking), names=names))
    else:
        lines.append(_("Không có cơ quan, đơn vị nào xếp loại “Hoàn thành xuất sắc nhiệm vụ” vượt mức trần."))
    if ev.flagged_units:
        lines.append(_("%(n)s đơn vị có tỷ lệ xếp loại xuất sắc cao rõ rệt so với các đơn vị cùng cấp: %(names)s.",
                       n=len(ev.flagged_units), names=", ".join(c.unit.name for c in ev.flagged_units[:8])))
    if ev.constant_excellent:
        lines.append(_("%(n)s cán bộ được xếp loại “Hoàn thành xuất sắc nhiệm vụ” liên tục %(years)s năm trở lên; cần xem "
                       "xét tính thực chất của kết quả.", n=len(ev.constant_excellent), years=ev.constant_years))
    if ev.disciplined:
        lines.append(_("%(n)s trường hợp bị kỷ luật nhưng vẫn được xếp loại cao trong năm bị kỷ luật.",
                       n=len(ev.disciplined)))
    if ev.flagged_month_gaps:
        lines.append(_("%(n)s đơn vị có kết quả xếp loại năm cao hơn mức mà điểm đánh giá hằng tháng cho thấy.",
                       n=len(ev.flagged_month_gaps)))
    return lines


def paper(ev, head: Heading, cited: list[str]) -> Paper:
    scope = ev.scope.name if ev.scope else _("toàn tỉnh")
    opening = [*(_("Căn cứ %(basis)s;", basis=basis) for basis in cited),
               _("%(issuer)s báo cáo kết quả phân tích đánh giá, xếp loại chất lượng cán bộ %(scope)s %(years)s như sau:",
                 issuer=head.issuer.name, scope=scope, years=_years(ev))]
    proposals = [_("Đề nghị các cấp ủy, tổ chức đảng rà soát các trường hợp nêu trên, bảo đảm kết quả đánh giá, xếp loại "
                   "thực chất, đúng tỷ lệ quy định; báo cáo kết quả về Ban Tổ chức Tỉnh ủy.")]
    if ev.breaking_units:
        proposals.append(_("Các cơ quan, đơn vị vượt mức trần xem xét lại kết quả xếp loại, làm rõ trách nhiệm của tập thể, "
                           "cá nhân có liên quan."))
    parts = [DocPart(_("Kết luận"), conclusion(ev)), DocPart(_("Đề xuất, kiến nghị"), proposals)]
    return Paper(head, opening, parts, _("Trên đây là báo cáo của %(issuer)s.", issuer=head.issuer.name), numbered=False)


def docx(ev, head: Heading, cited: list[str]) -> bytes:
    from quyhoach.reports import docx_builder

    p = paper(ev, head, cited)

    def findings(doc) -> None:
        docx_builder._section_title(doc, _("KẾT QUẢ PHÂN TÍCH"))
        docx_builder.evaluation_section(doc, ev, limit=60)

    return to_docx([p], findings)


def pdf(app, ev, head: Heading, cited: list[str]) -> bytes:
    return to_pdf(app, [paper(ev, head, cited)], "reports/_analytics_findings.html", ev=ev)
