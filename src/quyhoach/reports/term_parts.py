"""The parts of the term-planning report beyond the structure tables (issue 13): the opening
with its legal bases, the comparison with the previous term, the structure by source (tại chỗ
/ nơi khác), the qualifications, the titles with no or one candidate, the cadres taken out of
and added to the lists (from the pools' history), the approval decisions, and the
assessment, direction and proposals the officer may rewrite before issuing.

Each part is a `model.DocPart` (paragraphs and plain `DocTable`s) that every builder writes
the same way; the words are for officials: rules by name and legal basis, people by name.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlmodel import Session, select

from quyhoach.domain import vocab
from quyhoach.domain.dates import age_on, format_date
from quyhoach.domain.text import name_sort_key, nfc
from quyhoach.reports import lang
from quyhoach.reports.lang import _, lower_first, share as percent
from quyhoach.reports.model import DocPart, DocTable

TEXT_LIMIT = 4000      # characters of an edited part kept (the form says so)


def _share(count: int, total: int) -> str:
    return f"{count} ({percent(count / total)})" if total else "0"


def opening(rules, term_name: str, scope_name: str, issuer_name: str) -> list[str]:
    basis = (rules.legal_basis or "").strip()
    lines = [
        _("Thực hiện %(basis)s", basis=basis) if basis else _("Thực hiện các quy định của Trung ương về công tác quy "
                                                              "hoạch cán bộ"),
        _("Thực hiện Kế hoạch của Ban Thường vụ Tỉnh ủy về công tác quy hoạch cán bộ %(term)s; %(issuer)s báo cáo kết "
          "quả rà soát, bổ sung quy hoạch cán bộ %(scope)s như sau:", term=lower_first(term_name), issuer=issuer_name,
          scope=scope_name),
    ]
    lines[0] = lines[0].rstrip(".;") + ";"
    return [nfc(line) for line in lines]


def _members(judged) -> dict[int, tuple]:
    """Distinct cadres of the pools with the level of the highest list they are in."""
    out: dict[int, tuple] = {}
    for j in judged:
        for m in j.facts.members:
            if m.id not in out or j.facts.title.rank > out[m.id][1]:
                out[m.id] = (m, j.facts.title.rank, j.facts.term.start)
    return out


def previous_term(world, term, judged_all, scope_units) -> DocPart | None:
    """The same figures for the previous term of the same kind that has pools in scope
    (`judged_all`: the pools, judged or not: only their facts are read)."""
    earlier = sorted((t for t in world.terms.values() if t.kind == term.kind and t.start < term.start), key=lambda t: t.start)
    for before in reversed(earlier):
        old = [j for j in judged_all if j.facts.term.code == before.code
               and (scope_units is None or j.facts.title.unit_id in scope_units)]
        if old:
            break
    else:
        return None
    now = [j for j in judged_all if j.facts.term.code == term.code
           and (scope_units is None or j.facts.title.unit_id in scope_units)]

    def figures(js, start: dt.date) -> list:
        people = _members(js)
        n = len(people)
        women = sum(1 for m, _, _ in people.values() if m.sex == "F")
        young = sum(1 for m, _, _ in people.values() if age_on(m.birth_date, start) < 40)
        minority = sum(1 for m, _, _ in people.values() if m.minority)
        entries = sum(len(j.facts.members) for j in js)
        return [len(js), entries, n, _share(women, n), _share(young, n), _share(minority, n),
                f"{entries / len(js):.1f}".replace(".", lang.decimal_mark()) if js else "0"]

    rows = [[before.name, *figures(old, before.start)], [term.name, *figures(now, term.start)]]
    table = DocTable([_("Nhiệm kỳ"), _("Số chức danh"), _("Lượt cán bộ"), _("Số người"), _("Nữ"), _("Trẻ (dưới 40 tuổi)"),
                      _("Dân tộc thiểu số"), _("Bình quân người/chức danh")],
                     [3.6, 1.6, 1.6, 1.6, 2.0, 2.0, 2.1, 2.0], rows, ["left"] + ["right"] * 7)
    return DocPart(_("So sánh với nhiệm kỳ trước"), [], [table])


def by_source(judged) -> DocPart:
    counts: dict[str, Counter] = {}
    for j in judged:
        level = _(vocab.LEVEL.label(j.facts.title.level))
        c = counts.setdefault(level, Counter())
        for m in j.facts.members:
            c[j_source(j, m.id)] += 1
    rows = []
    total = Counter()
    for level, c in counts.items():
        n = c["internal"] + c["external"]
        rows.append([level, n, _share(c["internal"], n), _share(c["external"], n)])
        total.update(c)
    n = total["internal"] + total["external"]
    rows.append([_("Cộng"), n, _share(total["internal"], n), _share(total["external"], n)])
    table = DocTable([_("Cấp"), _("Lượt cán bộ"), _("Nguồn tại chỗ"), _("Nguồn nơi khác")], [5.0, 3.0, 4.2, 4.2], rows,
                     ["left", "right", "right", "right"])
    return DocPart(_("Theo nguồn quy hoạch (tại chỗ, nơi khác)"), [], [table])


def j_source(j, cadre_id: int) -> str:
    return j.record.sources.get(cadre_id, "internal")


def qualifications(judged) -> DocPart:
    people = _members(judged)
    n = len(people)
    degree, theory, state = Counter(), Counter(), Counter()
    for m, _rank, _start in people.values():
        degree[m.degree or ""] += 1
        theory[m.theory_level] += 1
        state[m.state_mgmt_level] += 1

    def rows_of(counter: Counter, vocabulary, order: list[str], none_word: str) -> list[list]:
        rows = []
        for code in order:
            if counter.get(code):
                rows.append([_(vocabulary.label(code)), _share(counter[code], n)])
        missing = counter.get("none", 0) + counter.get("", 0)
        if missing:
            rows.append([none_word, _share(missing, n)])
        return rows

    rows = []
    for heading, counter, vocabulary, order, none_word in (
            (_("Trình độ chuyên môn"), degree, vocab.DEGREE,
             sorted(vocab.DEGREE_ORDER, key=lambda c: -vocab.DEGREE_ORDER[c]), _("Chưa có thông tin")),
            (_("Lý luận chính trị"), theory, vocab.THEORY_LEVEL, ["advanced", "intermediate", "basic"],
             _("Chưa qua đào tạo")),
            (_("Quản lý nhà nước"), state, vocab.STATE_MGMT_LEVEL, ["senior", "principal", "specialist"],
             _("Chưa qua đào tạo"))):
        for i, (label, words) in enumerate(rows_of(counter, vocabulary, order, none_word)):
            rows.append([heading if i == 0 else "", label, words])
    table = DocTable([_("Tiêu chí"), _("Trình độ"), _("Số người (trên %(n)s người)", n=n)], [5.0, 6.0, 5.5], rows,
                     ["left", "left", "right"])
    return DocPart(_("Trình độ chuyên môn, lý luận chính trị, quản lý nhà nước"), [], [table])


def thin_titles(judged) -> DocPart:
    rows = []
    nobody = _("Chưa có người")
    for j in sorted(judged, key=lambda j: (len(j.facts.members), -j.facts.title.rank, j.facts.title.unit_name)):
        n = len(j.facts.members)
        if n > 1:
            break
        who = j.facts.members[0].name if n == 1 else ""
        rows.append([len(rows) + 1, j.facts.title.name, j.facts.title.unit_name,
                     nobody if n == 0 else _("Một người: %(who)s", who=who)])
    words = _("%(empty)s chức danh chưa có người trong quy hoạch, %(one)s chức danh mới có một người (quy định mỗi "
              "chức danh quy hoạch từ hai người trở lên).", empty=sum(1 for r in rows if r[3] == nobody),
              one=sum(1 for r in rows if r[3] != nobody)) if rows else \
        _("Mọi chức danh đều có từ hai người trong quy hoạch trở lên.")
    tables = [DocTable([_("STT"), _("Chức danh"), _("Cơ quan, đơn vị"), _("Hiện trạng")], [1.0, 5.5, 5.5, 4.5], rows,
                       ["right", "left", "left", "left"])] if rows else []
    return DocPart(_("Chức danh chưa có hoặc mới có một người trong quy hoạch"), [nfc(words)], tables)


def review(session: Session, judged, term) -> DocPart:
    """Who was taken out of the lists during the term (with the reason recorded) and who was
    added after the lists were first made, from the pool entries."""
    from quyhoach.db.models import Cadre, PoolEntry

    pools = {j.record.id: j for j in judged}
    if not pools:
        return DocPart(_("Đưa ra khỏi và bổ sung vào quy hoạch"), [_("Không có.")])
    rows = session.exec(select(PoolEntry, Cadre.full_name).join(Cadre, Cadre.id == PoolEntry.cadre_id)
                        .where(PoolEntry.pool_id.in_(list(pools)))).all()
    first_day: dict[int, dt.date] = {}
    for entry, _name in rows:
        first_day[entry.pool_id] = min(first_day.get(entry.pool_id, entry.added_on), entry.added_on)
    removed, added = [], []
    for entry, name in sorted(rows, key=lambda r: name_sort_key(r[1])):
        j = pools[entry.pool_id]
        title = f"{j.facts.title.name} — {j.facts.title.unit_name}"
        if entry.status == "exited":
            removed.append([name, title, format_date(entry.exited_on), nfc(entry.exit_reason or "")])
        elif entry.added_on > first_day[entry.pool_id]:
            added.append([name, title, format_date(entry.added_on), nfc(entry.added_reason or "")])
    paragraphs = [_("Đưa ra khỏi quy hoạch %(removed)s lượt cán bộ; bổ sung %(added)s lượt cán bộ vào quy hoạch.",
                    removed=len(removed), added=len(added))]
    tables = []
    for rows_of, verb in ((removed, _("Ngày đưa ra")), (added, _("Ngày bổ sung"))):
        if rows_of:
            tables.append(DocTable([_("STT"), _("Họ và tên"), _("Chức danh quy hoạch"), verb, _("Lý do")],
                                   [1.0, 3.6, 5.0, 2.2, 4.7],
                                   [[i, *r] for i, r in enumerate(rows_of, start=1)],
                                   ["right", "left", "left", "left", "left"]))
    return DocPart(_("Đưa ra khỏi và bổ sung vào quy hoạch"), paragraphs, tables)


def approvals(session: Session, judged) -> DocPart:
    """The approval decisions of the lists (number and date), grouped by decision."""
    from quyhoach.db.models import Pool

    ids = [j.record.id for j in judged]
    if not ids:
        return DocPart(_("Quyết định phê duyệt quy hoạch"), [_("Chưa có.")])
    pools = {p.id: p for p in session.exec(select(Pool).where(Pool.id.in_(ids)))}
    groups: dict[tuple[str, dt.date | None], int] = Counter()
    waiting = 0
    for p in pools.values():
        if p.status == "approved":
            groups[(p.decision_no or _("(chưa ghi số)"), p.approved_on)] += 1
        else:
            waiting += 1
    rows = [[i, nfc(no), format_date(on) if on else "", n]
            for i, ((no, on), n) in enumerate(sorted(groups.items(), key=lambda kv: (kv[0][1] or dt.date.min, kv[0][0])),
                                              start=1)]
    paragraphs = [_("%(approved)s danh sách đã được phê duyệt; %(waiting)s danh sách chưa được phê duyệt.",
                    approved=sum(groups.values()), waiting=waiting)]
    tables = [DocTable([_("STT"), _("Số quyết định"), _("Ngày quyết định"), _("Số danh sách")], [1.0, 7.5, 4.0, 4.0],
                       rows, ["right", "left", "left", "right"])] if rows else []
    return DocPart(_("Quyết định phê duyệt quy hoạch"), [nfc(x) for x in paragraphs], tables)


def _lines(text: str | None) -> list[str]:
    return [nfc(line.strip()) for line in (text or "")[:TEXT_LIMIT].splitlines() if line.strip()]


def assessment(counts: dict, thin: DocPart, edited: str | None) -> list[str]:
    if _lines(edited):
        return _lines(edited)
    return [nfc(
        _("Công tác quy hoạch cán bộ được thực hiện đúng quy trình; %(meeting_all)s/%(pools)s danh sách đạt các điều "
          "kiện và chỉ tiêu cơ cấu. Còn %(failing_pools)s danh sách chưa đạt, %(ineligible)s lượt cán bộ chưa đủ điều "
          "kiện", **counts)
        + (_(" và %(thin)s chức danh chưa có hoặc mới có một người trong quy hoạch", thin=len(thin.tables[0].rows))
           if thin.tables else "")
        + ".")]


def direction(edited: str | None) -> list[str]:
    return _lines(edited) or [_(
        "Tiếp tục rà soát, bổ sung quy hoạch hằng năm; chú trọng nguồn cán bộ trẻ, cán bộ nữ, cán bộ người dân tộc "
        "thiểu số; đào tạo, bồi dưỡng cán bộ trong quy hoạch theo chức danh quy hoạch; luân chuyển, điều động để rèn "
        "luyện cán bộ trong quy hoạch.")]


def proposals(edited: str | None) -> list[str]:
    return _lines(edited) or [_(
        "Đề nghị Ban Thường vụ Tỉnh ủy chỉ đạo các cơ quan, đơn vị có danh sách chưa đạt rà soát, bổ sung quy hoạch "
        "theo các nội dung tại mục III; các cơ quan, đơn vị có tỷ lệ xếp loại “Hoàn thành xuất sắc nhiệm vụ” vượt mức "
        "quy định hoặc cao bất thường so với đơn vị tương đương xem xét lại kết quả đánh giá, bảo đảm thực chất.")]
