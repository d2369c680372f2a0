"""The papers of the planning procedure of one pool (Quy định 50-QĐ/TW, the steps of RULES.md
§4), from what the app keeps — the pool, its members and their recorded ballots:

- `submission`: the Organization Board's TỜ TRÌNH asking the Standing Committee to approve
  the pool, with the steps held and their results, the people proposed and the structure;
- `minutes`: the BIÊN BẢN KIỂM PHIẾU of every step held (one per conference: step and day),
  with the attendance, the ballots issued and valid, each person's agreeing votes against the
  valid ballots and those convened, and the step's threshold in words;
- `decision`: the Standing Committee's QUYẾT ĐỊNH phê duyệt quy hoạch with the list as its
  annex (the decision's number and date once the pool is approved).

People are named by full name and post, steps and rules in words; no code is printed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from quyhoach.domain import vocab
from quyhoach.domain.dates import format_date
from quyhoach.domain.text import nfc
from quyhoach.reports import lang, letterhead
from quyhoach.reports.lang import N_, _
from quyhoach.reports.model import DocPart, DocTable
from quyhoach.reports.paper import Annex, Paper, words_of_share

STEPS = ("leadership_proposal", "key_cadres", "standing_committee", "approval")
STEP_BODY = {
    "leadership_proposal": N_("Hội nghị tập thể lãnh đạo"),
    "key_cadres": N_("Hội nghị cán bộ chủ chốt"),
    "standing_committee": N_("Hội nghị Ban Thường vụ"),
    "approval": N_("Hội nghị cấp có thẩm quyền phê duyệt"),
}
PAPERS = ("to-trinh", "bien-ban", "quyet-dinh")
SOURCE_WORDS = {"internal": N_("Tại chỗ"), "external": N_("Nơi khác")}
YOUNG_AGE = 40


class ProcedureError(ValueError):
    """A paper that cannot be made for this pool, said in Vietnamese."""


KIND_OF_PAPER = {"to-trinh": "pool-submission", "bien-ban": "pool-minutes", "quyet-dinh": "pool-decision"}


def pool_choices(world, covers=lambda unit_id: True) -> list[dict]:
    """The pools a procedure paper can be made for, as the Báo cáo form and `quyhoach report
    pool` offer them: id, the title and its unit and term in words, newest term first, then
    by unit and rank; `covers(unit_id)` keeps those of a user's units."""
    out = []
    for pool_id, record in world.pools.items():
        title, term = record.facts.title, record.facts.term
        if not covers(title.unit_id):
            continue
        unit = "" if title.unit_name in title.name else f" ({title.unit_name})"
        out.append({"id": pool_id, "label": nfc(f"{title.name}{unit}"), "term": nfc(term.name), "term_code": term.code,
                    "title_code": title.code, "members": len(record.facts.members), "status": record.status,
                    "key": (-term.start.toordinal(), nfc(title.unit_name), title.rank, nfc(title.name))})
    out.sort(key=lambda c: c["key"])
    return out


def pool_of(world, title_code: str, term_code: str) -> int:
    """The pool of a title for a term (the command line names them by code)."""
    for pool_id, record in world.pools.items():
        if record.facts.title.code == title_code and record.facts.term.code == term_code:
            return pool_id
    raise ProcedureError(_("không có danh sách quy hoạch của chức danh mã «%(title)s» nhiệm kỳ mã «%(term)s»",
                           title=title_code, term=term_code))


def check(session, world, pool_id, paper: str) -> None:
    """Refuse before any work a paper that cannot be made (no such pool, no ballot for the minutes)."""
    page = _page(session, world, pool_id)
    if paper == "bien-ban" and not _conferences(page):
        raise ProcedureError(_("danh sách này chưa có kết quả lấy phiếu ở bước nào: chưa có biên bản kiểm phiếu để in"))


def _page(session, world, pool_id):
    from quyhoach.services.planning import views

    page = views.pool_page(session, world, int(pool_id))
    if page is None:
        raise ProcedureError(_("không có danh sách quy hoạch số %(id)s", id=pool_id))
    return page


def _post(member) -> str:
    held = [t for t in member.cadre.titles]
    return "; ".join(f"{t.name}" for t in held) or "—"


def _sex(code: str) -> str:
    return _(vocab.SEX.label(code))


def _source(code: str) -> str:
    return _(SOURCE_WORDS[code]) if code in SOURCE_WORDS else code


def _ballot_cell(page, member) -> str:
    rows = page.ballots.get(member.entry_id, {})
    parts = []
    for step in STEPS:
        row = rows.get(step)
        if row is None:
            continue
        b = row.ballot
        share = f" ({words_of_share(b.agree, b.valid)})" if b.valid else ""
        parts.append(f"{_(vocab.BALLOT_STEP.label(step))}: {b.agree}/{b.valid}{share}")
    return "\n".join(parts) or _("Chưa lấy phiếu")


def _scope_words(page) -> str:
    title = page.title
    term = page.term.name
    term = term[:1].lower() + term[1:] if term.lower().startswith("nhiệm kỳ") else _("nhiệm kỳ %(term)s", term=term)
    unit = "" if title.unit_name in title.name else f" ({title.unit_name})"
    return nfc(f"{title.name}{unit}, {term}")


def _structure_words(page) -> str:
    members = page.members
    total = len(members)
    if not total:
        return _("Danh sách chưa có đồng chí nào.")
    female = sum(1 for m in members if m.cadre.sex == "F")
    minority = sum(1 for m in members if m.cadre.minority)
    young = sum(1 for m in members if m.age_at_term < YOUNG_AGE)
    return _("Tổng số %(total)s đồng chí; trong đó nữ %(female)s đồng chí (%(female_share)s), người dân tộc thiểu số "
             "%(minority)s đồng chí (%(minority_share)s), dưới %(age)s tuổi tại thời điểm đầu nhiệm kỳ %(young)s đồng "
             "chí (%(young_share)s).", total=total, female=female, female_share=words_of_share(female, total),
             minority=minority, minority_share=words_of_share(minority, total), age=YOUNG_AGE, young=young,
             young_share=words_of_share(young, total))


def _details(session, page) -> dict[int, dict]:
    from quyhoach.reports.gather import _cadre_details

    return _cadre_details(session, [m.cadre.id for m in page.members])


def _list_table(session, page, *, ballots: bool) -> DocTable:
    details = _details(session, page)
    headers = [_("STT"), _("Họ và tên"), _("Ngày sinh"), _("Giới tính"), _("Dân tộc"), _("Quê quán"),
               _("Chức vụ hiện nay"), _("Trình độ chuyên môn"), _("Lý luận chính trị"), _("Nguồn")]
    widths = [0.9, 3.2, 1.9, 1.3, 1.5, 3.4, 4.6, 3.2, 1.9, 1.5]
    if ballots:
        headers.append(_("Kết quả lấy phiếu các bước"))
        widths.append(4.2)
    rows = []
    for i, m in enumerate(sorted(page.members, key=lambda m: m.cadre.name), start=1):
        d = details.get(m.cadre.id, {})
        cadre = d.get("cadre")
        row = [i, m.cadre.name, format_date(m.cadre.birth_date), _sex(m.cadre.sex), d.get("ethnicity", ""),
               (cadre.hometown if cadre else "") or "", d.get("post") or _post(m), (cadre.education if cadre else "") or "",
               _(vocab.THEORY_LEVEL.label(m.cadre.theory_level)) if m.cadre.theory_level != "none"
               else _("Chưa qua đào tạo"), _source(m.source)]
        if ballots:
            row.append(_ballot_cell(page, m))
        rows.append(row)
    return DocTable(headers, widths, rows, ["right"] + ["left"] * (len(headers) - 1))


def _conferences(page) -> list[tuple[str, dt.date, list]]:
    """The conferences held: (step, day, [(member, ballot row)]) in the procedure's order."""
    held: dict[tuple[str, dt.date], list] = defaultdict(list)
    by_entry = {m.entry_id: m for m in page.members}
    for entry_id, steps in page.ballots.items():
        member = by_entry.get(entry_id)
        if member is None:
            continue
        for step, row in steps.items():
            held[(step, row.ballot.held_on)].append((member, row))
    order = {s: i for i, s in enumerate(STEPS)}
    return [(step, on, sorted(rows, key=lambda r: r[0].cadre.name))
            for (step, on), rows in sorted(held.items(), key=lambda kv: (order.get(kv[0][0], 9), kv[0][1]))]


def _conference(step: str, page) -> str:
    """Who held the step: the unit's own conferences (its leadership, its key cadres); the
    Standing Committee that manages the title (a commune's Party Committee for a commune's
    title, else the Provincial Committee's); the approving authority."""
    if step in ("leadership_proposal", "key_cadres"):
        return _("%(body)s %(unit)s", body=_(STEP_BODY[step]), unit=page.title.unit_name)
    if step == "standing_committee":
        if page.title.level == "commune":
            return _("Hội nghị Ban Thường vụ Đảng ủy %(unit)s", unit=page.title.unit_name)
        return _("Hội nghị Ban Thường vụ Tỉnh ủy")
    return _(STEP_BODY[step]) if step in STEP_BODY else _(vocab.BALLOT_STEP.label(step))


def _needed(row) -> str:
    """The step's threshold in words, from the check's own sentence ("cần trên 50% …")."""
    for f in row.findings:
        if "cần " in f.message and "đồng ý" in f.message:
            if lang.english():       # the check's sentence as said in English, whole
                return lang.say(f.message).removesuffix(".")
            return f.message.split("cần ", 1)[1].removesuffix(": không đạt")
    return ""


def _legal_basis(page) -> str:
    basis = (page.rules.legal_basis or "").strip().rstrip(".;")
    return basis or _("các quy định của Trung ương về công tác quy hoạch cán bộ")


# --------------------------------------------------------------------------- the papers

def submission(session, world, pool_id, choice: letterhead.PaperChoice) -> Paper:
    from quyhoach.reports.gather import heading

    page = _page(session, world, pool_id)
    unit = world.units.get(page.title.unit_id)
    head = heading(world, _("Về việc đề nghị phê duyệt quy hoạch chức danh %(scope)s", scope=_scope_words(page)),
                   world.on, kind="TỜ TRÌNH", unit=unit, choice=choice,
                   addressee=_("Kính gửi: Ban Thường vụ Tỉnh ủy"))
    issuer = head.issuer.name
    opening = [_("Căn cứ %(basis)s;", basis=_legal_basis(page)),
               _("Căn cứ kết quả thực hiện quy trình giới thiệu nhân sự quy hoạch chức danh %(scope)s, %(issuer)s kính "
                 "trình Ban Thường vụ Tỉnh ủy như sau:", scope=_scope_words(page), issuer=issuer)]
    steps = []
    for step, on, rows in _conferences(page):
        first = rows[0][1].ballot
        passed = sum(1 for _, r in rows if r.passed)
        steps.append([_(vocab.BALLOT_STEP.label(step)), format_date(on), first.convened, first.present, first.valid,
                      len(rows), passed])
    process = DocPart(_("Quá trình thực hiện quy trình"),
                      [_("Quy trình được thực hiện qua các bước với kết quả như sau:") if steps else
                       _("Chưa có bước nào được ghi nhận kết quả lấy phiếu.")],
                      [DocTable([_("Bước"), _("Ngày"), _("Triệu tập"), _("Có mặt"), _("Phiếu hợp lệ"),
                                 _("Số người được giới thiệu"), _("Số người đạt")], [4.4, 2.0, 1.7, 1.6, 1.8, 2.6, 2.4], steps,
                                ["left", "left"] + ["right"] * 5)] if steps else [])
    people = DocPart(_("Nhân sự đề nghị phê duyệt quy hoạch"), [_structure_words(page)],
                     [_people_table(page)])
    proposal = DocPart(_("Đề nghị"), [
        _("%(issuer)s kính trình Ban Thường vụ Tỉnh ủy xem xét, phê duyệt quy hoạch %(n)s đồng chí vào chức danh "
          "%(scope)s (có danh sách trích ngang kèm theo).", issuer=issuer, n=len(page.members),
          scope=_scope_words(page))])
    head = head.with_recipients([_("- Như trên,"), _("- Thường trực Tỉnh ủy (để b/c),"), f"- {head.issuer.archive}."])
    annex = Annex(_("DANH SÁCH TRÍCH NGANG"),
                  _("Nhân sự đề nghị phê duyệt quy hoạch chức danh %(scope)s", scope=_scope_words(page)),
                  [_list_table(session, page, ballots=True)], landscape=True)
    return Paper(head, opening, [process, people, proposal],
                 _("%(issuer)s kính trình Ban Thường vụ Tỉnh ủy xem xét, quyết định.", issuer=issuer), [annex])


def _people_table(page) -> DocTable:
    rows = [[i, m.cadre.name, format_date(m.cadre.birth_date), _post(m), _source(m.source),
             _ballot_cell(page, m)] for i, m in enumerate(sorted(page.members, key=lambda m: m.cadre.name), start=1)]
    return DocTable([_("STT"), _("Họ và tên"), _("Ngày sinh"), _("Chức vụ hiện nay"), _("Nguồn"), _("Kết quả lấy phiếu")],
                    [0.9, 3.3, 2.0, 4.2, 1.5, 4.6], rows, ["right"] + ["left"] * 5)


def minutes(session, world, pool_id, choice: letterhead.PaperChoice) -> list[Paper]:
    from quyhoach.reports.gather import heading

    page = _page(session, world, pool_id)
    held = _conferences(page)
    if not held:
        raise ProcedureError(_("danh sách này chưa có kết quả lấy phiếu ở bước nào: chưa có biên bản kiểm phiếu để in"))
    unit = world.units.get(page.title.unit_id)
    papers = []
    for step, on, rows in held:
        first = rows[0][1].ballot
        body = _conference(step, page)
        head = heading(world, _("Kiểm phiếu giới thiệu nhân sự quy hoạch chức danh %(scope)s", scope=_scope_words(page)),
                       on, kind="BIÊN BẢN", unit=unit, choice=choice)
        opening = [
            _("Hôm nay, ngày %(day)s tháng %(month)s năm %(year)s, %(body)s tiến hành kiểm phiếu giới thiệu nhân sự quy "
              "hoạch chức danh %(scope)s.", day=f"{on.day:02d}", month=f"{on.month:02d}", year=on.year, body=body,
              scope=_scope_words(page)),
            _("Tổng số người được triệu tập: %(convened)s; số người có mặt: %(present)s (%(share)s); số phiếu phát ra: "
              "%(issued)s; số phiếu hợp lệ: %(valid)s; số phiếu không hợp lệ: %(invalid)s.", convened=first.convened,
              present=first.present, share=words_of_share(first.present, first.convened), issued=first.issued,
              valid=first.valid, invalid=max(0, first.issued - first.valid)),
        ]
        needed = _needed(rows[0][1])
        if needed:
            opening.append(_("Yêu cầu của bước này: %(needed)s.", needed=needed))
        table_rows = [[i, m.cadre.name, _post(m), r.ballot.agree, words_of_share(r.ballot.agree, r.ballot.valid),
                       words_of_share(r.ballot.agree, r.ballot.convened), _("Đạt") if r.passed else _("Không đạt")]
                      for i, (m, r) in enumerate(rows, start=1)]
        result = DocPart(_("Kết quả kiểm phiếu"), [],
                         [DocTable([_("STT"), _("Họ và tên"), _("Chức vụ hiện nay"), _("Số phiếu đồng ý"),
                                    _("Tỷ lệ so với phiếu hợp lệ"), _("Tỷ lệ so với số triệu tập"), _("Kết quả")],
                                   [0.9, 3.4, 4.5, 1.7, 2.0, 2.0, 2.0], table_rows,
                                   ["right", "left", "left", "right", "right", "right", "left"])])
        passed = sum(1 for _, r in rows if r.passed)
        closing = _("Số người đạt yêu cầu: %(passed)s/%(n)s. Biên bản kết thúc cùng ngày, đã đọc lại cho hội nghị nghe "
                    "và thống nhất.", passed=passed, n=len(rows))
        sign = _("(Ký, ghi rõ họ tên)")
        papers.append(Paper(head.with_recipients([]), opening, [result], closing, numbered=False,
                            signers=((_("THƯ KÝ"), sign), (_("TỔ TRƯỞNG TỔ KIỂM PHIẾU"), sign),
                                     (_("CHỦ TRÌ HỘI NGHỊ"), sign))))
    return papers


def decision(session, world, pool_id, choice: letterhead.PaperChoice) -> Paper:
    from quyhoach.reports.gather import heading

    page = _page(session, world, pool_id)
    unit = world.units.get(page.title.unit_id)
    pool = page.pool
    approved = pool.status == "approved"
    number = choice.number
    if not number and approved and pool.decision_no:      # "125-QĐ/TU" → 125: the letterhead writes the rest
        number = pool.decision_no.removeprefix("Số ").split("-")[0].strip()
    choice = letterhead.PaperChoice(choice.issuer or letterhead.TINH_UY, number, choice.settings)
    on = pool.approved_on if approved and pool.approved_on else world.on
    head = heading(world, _("Về việc phê duyệt quy hoạch chức danh %(scope)s", scope=_scope_words(page)), on,
                   kind="QUYẾT ĐỊNH", unit=unit, choice=choice, draft=not approved)
    opening = [_("- Căn cứ Điều lệ Đảng;"), _("- Căn cứ %(basis)s;", basis=_legal_basis(page)),
               _("- Xét đề nghị của Ban Tổ chức Tỉnh ủy,")]
    n = len(page.members)
    articles = [
        DocPart(_("Điều 1."), [_("Phê duyệt quy hoạch %(n)s đồng chí vào chức danh %(scope)s (có danh sách kèm theo).",
                                 n=n, scope=_scope_words(page))]),
        DocPart(_("Điều 2."), [_("Các đồng chí có tên trong danh sách quy hoạch phải thường xuyên rèn luyện, học tập, "
                                 "phấn đấu; danh sách được rà soát, bổ sung hằng năm theo quy định.")]),
        DocPart(_("Điều 3."), [_("Quyết định có hiệu lực kể từ ngày ký. Ban Tổ chức Tỉnh ủy, %(unit)s và các đồng chí có "
                                 "tên tại Điều 1 căn cứ Quyết định thi hành.", unit=page.title.unit_name)]),
    ]
    head = head.with_recipients([_("- Như Điều 3,"), _("- Ban Tổ chức Trung ương (để b/c),"), f"- {head.issuer.archive}."])
    annex = Annex(_("DANH SÁCH CÁN BỘ QUY HOẠCH"), _("Chức danh %(scope)s", scope=_scope_words(page)),
                  [_list_table(session, page, ballots=False)], landscape=True)
    return Paper(head, opening, articles, "", [annex], numbered=False, acting=head.issuer.name.upper(),
                 enacting=_("QUYẾT ĐỊNH:"))
