"""The evaluation analytics as a paper (a BÁO CÁO of the Organization Board): an opening
that cites the rules of assessment and says what was examined, the findings (the analytics'
own tables: `docx_builder.evaluation_section`, `evaluations/_macros.html`), a conclusion
written from the figures, the proposals, and the signature with "Nơi nhận"."""

from __future__ import annotations

from quyhoach.reports.model import DocPart, Heading
from quyhoach.reports.paper import Paper, to_docx, to_pdf, words_of_share

FALLBACK_BASIS = "các quy định của Bộ Chính trị về kiểm điểm và đánh giá, xếp loại chất lượng hằng năm"


def bases(session, ev) -> list[str]:
    """The legal bases of the rating rule sets the years were rated under, latest first (the
    rule sets' own words; their codes stay in the app)."""
    from sqlmodel import select

    from quyhoach.db.models import RuleSet

    codes = [ev.rule_sets[y] for y in sorted(ev.rule_sets, reverse=True) if ev.rule_sets[y]]
    if not codes:
        return [FALLBACK_BASIS]
    found = {r.code: r.legal_basis for r in session.exec(select(RuleSet).where(RuleSet.code.in_(codes)))}
    seen: dict[str, None] = {}
    for code in codes:
        if found.get(code):
            seen.setdefault(found[code].strip().rstrip(".;"), None)
    return list(seen) or [FALLBACK_BASIS]


def _years(ev) -> str:
    if not ev.years:
        return "chưa có năm nào được xếp loại"
    first, last = min(ev.years), max(ev.years)
    return f"năm {first}" if first == last else f"các năm {first}–{last}"


def conclusion(ev) -> list[str]:
    """What the figures say, in sentences an official reads (units by name, no codes)."""
    lines = []
    totals = [t for t in ev.year_totals() if t.rated]
    if totals:
        last = totals[-1]
        lines.append(f"Năm {last.year}, {last.rated} lượt cán bộ được xếp loại; {last.excellent} lượt "
                     f"“Hoàn thành xuất sắc nhiệm vụ” ({words_of_share(last.excellent, last.rated)}).")
    breaking = ev.breaking_units
    if breaking:
        names = ", ".join(u.name for u in breaking[:8]) + (" và các đơn vị khác" if len(breaking) > 8 else "")
        lines.append(f"Có {len(breaking)} cơ quan, đơn vị xếp loại “Hoàn thành xuất sắc nhiệm vụ” vượt mức trần "
                     f"trong ít nhất một năm ({names}).")
    else:
        lines.append("Không có cơ quan, đơn vị nào xếp loại “Hoàn thành xuất sắc nhiệm vụ” vượt mức trần.")
    if ev.flagged_units:
        lines.append(f"{len(ev.flagged_units)} đơn vị có tỷ lệ xếp loại xuất sắc cao rõ rệt so với các đơn vị cùng cấp: "
                     + ", ".join(c.unit.name for c in ev.flagged_units[:8]) + ".")
    if ev.constant_excellent:
        lines.append(f"{len(ev.constant_excellent)} cán bộ được xếp loại “Hoàn thành xuất sắc nhiệm vụ” liên tục "
                     f"{ev.constant_years} năm trở lên; cần xem xét tính thực chất của kết quả.")
    if ev.disciplined:
        lines.append(f"{len(ev.disciplined)} trường hợp bị kỷ luật nhưng vẫn được xếp loại cao trong năm bị kỷ luật.")
    if ev.flagged_month_gaps:
        lines.append(f"{len(ev.flagged_month_gaps)} đơn vị có kết quả xếp loại năm cao hơn mức mà điểm đánh giá "
                     "hằng tháng cho thấy.")
    return lines


def paper(ev, head: Heading, cited: list[str]) -> Paper:
    scope = ev.scope.name if ev.scope else "toàn tỉnh"
    opening = [*(f"Căn cứ {basis};" for basis in cited),
               f"{head.issuer.name} báo cáo kết quả phân tích đánh giá, xếp loại chất lượng cán bộ {scope} {_years(ev)} "
               "như sau:"]
    proposals = ["Đề nghị các cấp ủy, tổ chức đảng rà soát các trường hợp nêu trên, bảo đảm kết quả đánh giá, "
                 "xếp loại thực chất, đúng tỷ lệ quy định; báo cáo kết quả về Ban Tổ chức Tỉnh ủy."]
    if ev.breaking_units:
        proposals.append("Các cơ quan, đơn vị vượt mức trần xem xét lại kết quả xếp loại, làm rõ trách nhiệm của tập thể, "
                         "cá nhân có liên quan.")
    parts = [DocPart("Kết luận", conclusion(ev)), DocPart("Đề xuất, kiến nghị", proposals)]
    return Paper(head, opening, parts, f"Trên đây là báo cáo của {head.issuer.name}.", numbered=False)


def docx(ev, head: Heading, cited: list[str]) -> bytes:
    from quyhoach.reports import docx_builder

    p = paper(ev, head, cited)

    def findings(doc) -> None:
        docx_builder._section_title(doc, "KẾT QUẢ PHÂN TÍCH")
        docx_builder.evaluation_section(doc, ev, limit=60)

    return to_docx([p], findings)


def pdf(app, ev, head: Heading, cited: list[str]) -> bytes:
    return to_pdf(app, [paper(ev, head, cited)], "reports/_analytics_findings.html", ev=ev)
