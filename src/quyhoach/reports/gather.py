"""Gathering a report: the planning world, its judgements (computed once per world and shared
with the Quy hoạch pages), the evaluation analytics and a few batched queries for the
dossier fields the world does not keep (hometown, education, languages, current post).

The result is a `reports.model` tree that every builder reads unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from sqlmodel import Session, select

from quyhoach.db.models import Ballot, Cadre, Ethnicity, Posting, Title
from quyhoach.domain import structure, vocab
from quyhoach.domain.dates import age_on, format_date
from quyhoach.domain import eligibility
from quyhoach.domain.findings import Finding
from quyhoach.domain.phrase import Phrase
from quyhoach.domain.text import name_sort_key, nfc
from quyhoach.reports import charts, letterhead, term_parts
from quyhoach.reports.lang import N_, _, lower_first, rule_name, say, share as percent, upper_first
from quyhoach.reports.model import (
    BandColumns, DossierCareer,
    DossierReport, DossierYear, FailingMember, FailingPool, Figure, GroupRow, Heading, ListRow, PoolList,
    TargetRow, TermPlanningReport,
)
from quyhoach.services.evaluations import analytics as analytics_service, ledger as evaluation_ledger
from quyhoach.services.planning import judging as planning, views as planning_views
from quyhoach.services.records import dossier as dossier_service
from quyhoach.services.planning.world import World

Progress = Callable[[float, str], None]

LEVEL_NAMES = {"central": N_("Trung ương"), "province": N_("Tỉnh"), "district": N_("Huyện"), "commune": N_("Xã")}
STEP_SHORT = {"leadership_proposal": N_("Tập thể lãnh đạo"), "key_cadres": N_("HN cán bộ chủ chốt"),
              "standing_committee": N_("Ban Thường vụ"), "approval": N_("Phê duyệt")}


def level_name(level: str) -> str:
    """A level in the paper's language: "Tỉnh" / "Province"."""
    return _(LEVEL_NAMES[level]) if level in LEVEL_NAMES else level


class ReportError(ValueError):
    """A report that cannot be made as asked (unknown unit, term or cadre), said in Vietnamese."""


def _nothing(fraction: float, message: str) -> None:
    pass


# --------------------------------------------------------------------------- heading

def heading(world: World, subject: str, on: dt.date, kind: str = "BÁO CÁO", *, unit=None,
            choice: letterhead.PaperChoice | None = None, recipients: list[str] | None = None, draft: bool = False,
            addressee: str = "") -> Heading:
    """The letterhead of a paper of `unit`'s scope (None: the province), issued by the body
    the officer chose (by default the Organization Board, or a commune's Party Committee for
    a commune's paper), with the signer from the instance settings."""
    choice = choice or letterhead.PaperChoice(settings=letterhead.signer_settings())
    issuer = letterhead.pick_issuer(world, unit, choice.issuer)
    return letterhead.letterhead(world, issuer, subject, on, kind=kind, number=choice.number, settings=choice.settings,
                                 recipients=recipients, draft=draft, addressee=addressee)


# --------------------------------------------------------------------------- structure

def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _figure(findings: list[Finding], rule: str) -> Figure:
    f = next((f for f in findings if f.rule == rule), None)
    c = f.compared if f else {}
    return Figure(int(c.get("value") or 0), int(c.get("total") or 0))


def _group(key: str, label: str, judged: list[planning.PoolJudgement], rules, on: dt.date,
           level: str | None) -> GroupRow:
    facts = [j.facts for j in judged]
    found = structure.aggregate(facts, rules, on, label)
    members: dict[int, tuple] = {}
    all_bands = 0
    for j in judged:
        prof = structure.pool_profile(j.facts, rules)
        if prof.bands is not None and not prof.missing_bands:
            all_bands += 1
        for m in j.facts.members:
            members.setdefault(m.id, (m, prof.ages[m.id]))
    bands = []
    level_bands = rules.params.get("age_bands", {}).get(level) if level else None
    if level_bands:
        bands = [sum(1 for _, age in members.values() if lo <= age < hi) for lo, hi in level_bands]
    failing = sum(1 for j in judged if not planning_views.pool_meets_all(j))
    return GroupRow(key, label, len(judged), len(members), _figure(found, "S3"), _figure(found, "S2"),
                    _figure(found, "S4"), bands, all_bands, failing, [TargetRow.of(f) for f in found])


def _band_columns(rules, judged: list[planning.PoolJudgement]) -> list[BandColumns]:
    by_level: dict[str, dict[int, int]] = defaultdict(dict)
    for j in judged:
        for m in j.facts.members:
            by_level[j.facts.title.level].setdefault(m.id, age_on(m.birth_date, j.facts.term.start))
    out = []
    for level, ages in by_level.items():
        bands = rules.params.get("age_bands", {}).get(level) or []
        labels = [say(structure.band_label(int(lo), int(hi))) for lo, hi in bands]
        counts = [sum(1 for a in ages.values() if lo <= a < hi) for lo, hi in bands]
        out.append(BandColumns(level, level_name(level), labels, counts, len(ages)))
    order = list(LEVEL_NAMES)
    out.sort(key=lambda b: order.index(b.level) if b.level in order else 99)
    return out


# --------------------------------------------------------------------------- the list

def _cadre_details(session: Session, ids: list[int]) -> dict[int, dict]:
    out: dict[int, dict] = {}
    for chunk in _chunks(ids):
        for cadre, ethnicity in session.exec(select(Cadre, Ethnicity.name_vi)
                                             .join(Ethnicity, Ethnicity.code == Cadre.ethnicity_code)
                                             .where(Cadre.id.in_(chunk))):
            out[cadre.id] = {"cadre": cadre, "ethnicity": ethnicity, "post": "", "since": None}
        rows = session.exec(select(Posting, Title.rank).outerjoin(Title, Title.id == Posting.title_id)
                            .where(Posting.cadre_id.in_(chunk), Posting.end_date.is_(None))).all()
        best: dict[int, tuple] = {}
        for posting, rank in rows:
            key = (not posting.is_concurrent, rank or -1, posting.start_date)
            if posting.cadre_id not in best or key > best[posting.cadre_id][0]:
                best[posting.cadre_id] = (key, posting)
        for cadre_id, (_key, posting) in best.items():
            out[cadre_id]["post"] = posting.position
            out[cadre_id]["since"] = posting.start_date
    return out


def _ballots(session: Session, entry_ids: list[int], world: World) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    order = list(STEP_SHORT)
    for chunk in _chunks(entry_ids):
        rows = sorted(session.exec(select(Ballot).where(Ballot.entry_id.in_(chunk))),
                      key=lambda b: (order.index(b.step) if b.step in order else 9, b.held_on))
        for b in rows:
            share = f" ({percent(b.agree / b.valid)})" if b.valid else ""
            ok = all(f.passed for f in structure.check_ballot(b.step, b.convened, b.present, b.valid, b.agree,
                                                                  planning_views.rules_on(world, b.held_on)))
            step = _(STEP_SHORT[b.step]) if b.step in STEP_SHORT else b.step
            short = "" if ok else " – " + _("chưa đạt")
            out[b.entry_id].append(f"{step} {format_date(b.held_on)}: {b.agree}/{b.valid}{share}{short}")
    return out


def _rating_cells(cadre, years: list[int], rating_sets) -> list[tuple[int, str]]:
    """The rating columns of the list: the counted years, each read as the rules read it."""
    by_year = eligibility.yearly_ratings(cadre, rating_sets=rating_sets)
    short = {code: _(words) for code, words in vocab.RATING_SHORT.items()}
    return [(year, short.get(by_year.get(year) or "", "")) for year in years]


def _note(findings: list[Finding]) -> str:
    """The conditions a member does not meet, by name (the source has its own column)."""
    blocking = [f for f in findings if f.blocking]
    if not blocking:
        return ""
    return _("Chưa đủ điều kiện: ") + "; ".join(lower_first(rule_name(f.name)) for f in blocking)


def _pool_lists(session: Session, world: World, judged: list[planning.PoolJudgement],
                years: list[int]) -> list[PoolList]:
    ids = sorted({m.id for j in judged for m in j.facts.members})
    details = _cadre_details(session, ids)
    entries = [e for j in judged for e in j.record.entry_ids.values()]
    ballots = _ballots(session, entries, world)
    lists = []
    ordered = sorted(judged, key=lambda j: (-j.facts.title.rank, j.facts.title.unit_name, j.facts.title.name))
    for j in ordered:
        t = j.facts.title
        rows = []
        members = sorted(j.facts.members, key=lambda m: name_sort_key(m.name))
        for number, m in enumerate(members, start=1):
            d = details.get(m.id, {})
            c = d.get("cadre")
            found = j.members.get(m.id, [])
            source = j.record.sources.get(m.id, "internal")
            rows.append(ListRow(
                number=number, code=m.code, name=m.name, birth_date=m.birth_date, sex=_(vocab.SEX.label(m.sex)),
                ethnicity=d.get("ethnicity", ""), hometown=(c.hometown if c else "") or "",
                post=d.get("post", ""), post_since=d.get("since"), education=(c.education if c else "") or "",
                theory=_(vocab.THEORY_LEVEL.label(m.theory_level)) if m.theory_level != "none" else "",
                state_mgmt=_(vocab.STATE_MGMT_LEVEL.label(m.state_mgmt_level)) if m.state_mgmt_level != "none" else "",
                language=(c.foreign_language if c else "") or "", it=(c.it_level if c else "") or "",
                party_entry=c.party_entry_date if c else None, ratings=_rating_cells(m, years, world.rule_sets),
                planned_title=t.name, source=_(vocab.POOL_SOURCE.label(source)),
                ballots=ballots.get(j.record.entry_ids[m.id], []), note=_note(found),
                eligible=not any(f.blocking for f in found),
            ))
        lists.append(PoolList(t.name, t.unit_name, level_name(t.level), j.facts.term.name, j.record.id,
                              rows, planning_views.pool_meets_all(j)))
    return lists


def _failing(judged: list[planning.PoolJudgement]) -> list[FailingPool]:
    out = []
    for j in judged:  # worst first, as judge_all orders them
        if planning_views.pool_meets_all(j):
            continue
        names = {m.id: m for m in j.facts.members}
        members = [FailingMember(names[cid].name, names[cid].code, fs)
                   for cid, fs in sorted(j.failing_members().items(), key=lambda kv: name_sort_key(names[kv[0]].name))]
        lines = [finding_words(x) for x in j.structure_failures]
        lines += [f"{m.name}: " + "; ".join(finding_words(x) for x in m.findings) for m in members]
        out.append(FailingPool(j.facts.title.name, j.facts.title.unit_name, j.facts.term.name, j.record.id,
                               j.structure_failures, members, [nfc(x) for x in lines]))
    return out


def finding_words(f: Finding) -> str:
    """A finding for officials: the rule by name (its legal basis is cited with the table),
    then what was found; never the rule's id."""
    name = upper_first(rule_name(f.name))
    message = say(f.message).strip().rstrip(".")
    if not message:
        return name
    return f"{name}: {message if _opens_with_data(f.message) else lower_first(message)}"


def _opens_with_data(text) -> bool:
    """Whether a finding's sentence opens with a record (a relative's name: "Đặng Xuân Tài
    (vợ) đang giữ …"), whose capital stays, rather than with the rule's words."""
    opened = False
    while isinstance(text, Phrase) and text.template.startswith("%("):
        text, opened = text.args.get(text.template[2:text.template.index(")")]), True
    return opened and isinstance(text, str) and not isinstance(text, Phrase) and text[:1].isupper()


# --------------------------------------------------------------------------- term planning

def resolve_term(world: World, term_code: str = "") -> str:
    """The term asked for, or the party term current on the world's date (else the latest with pools)."""
    if term_code:
        if term_code not in world.term_ids:
            raise ReportError(_("không có nhiệm kỳ mã «%(code)s»", code=term_code))
        return term_code
    with_pools = {r.facts.term.code for r in world.pools.values()}
    current = [t for t in world.terms.values() if t.start <= world.on <= t.end and t.code in with_pools]
    current.sort(key=lambda t: (t.kind != "party", t.start))
    if current:
        return current[0].code
    latest = sorted((t for t in world.terms.values() if t.code in with_pools), key=lambda t: t.start)
    if not latest:
        raise ReportError(_("chưa có danh sách quy hoạch nào"))
    return latest[-1].code


def term_planning(session: Session, world: World, *, unit_code: str = "", term_code: str = "",
                  progress: Progress = _nothing, choice: letterhead.PaperChoice | None = None,
                  texts: dict | None = None) -> TermPlanningReport:
    """The term-planning report (báo cáo quy hoạch nhiệm kỳ) of a unit's subtree, or of the
    province, for one term. `choice`: the issuing body, number and signers; `texts`: the
    assessment, direction and proposals as the officer edited them (else written here).
    A scope with no pool in the term asked is refused (never a report of nothing)."""
    texts = texts or {}
    unit = planning_views.unit_by_code(world, unit_code) if unit_code else None
    if unit_code and unit is None:
        raise ReportError(_("không có đơn vị mã «%(code)s»", code=unit_code))
    term_code = resolve_term(world, term_code)
    term = world.terms[world.term_ids[term_code]]
    on = world.on
    progress(0.05, Phrase(N_("Đánh giá các danh sách quy hoạch")))
    units = world.subtree(unit.id) if unit else None
    judged = planning.judge_all(world, unit_id=unit.id if unit else None, term_code=term_code)
    rules = world.rule_set("planning")
    scope_name = unit.name if unit else _("toàn tỉnh")
    if not judged:
        raise ReportError(_("%(scope)s chưa có danh sách quy hoạch nào của %(term)s", scope=scope_name,
                            term=lower_first(term.name)))

    progress(0.15, Phrase(N_("Tổng hợp cơ cấu theo cấp và theo đơn vị")))
    by_level_groups: dict[str, list] = defaultdict(list)
    by_unit_groups: dict[int, list] = defaultdict(list)
    for j in judged:
        by_level_groups[j.facts.title.level].append(j)
        by_unit_groups[j.facts.title.unit_id].append(j)
    order = list(LEVEL_NAMES)
    by_level = [_group(level, level_name(level), js, rules, on, level)
                for level, js in sorted(by_level_groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)]
    by_unit = []
    for uid, js in by_unit_groups.items():
        u = world.units[uid]
        by_unit.append(_group(u.code, u.name, js, rules, on, world.levels.get(u.level_id)))
    by_unit.sort(key=lambda g: (-g.failing_pools, g.label))
    totals = _group("", scope_name, judged, rules, on, None)
    bands = _band_columns(rules, judged)

    progress(0.3, Phrase(N_("Lập danh sách trích ngang")))
    years = eligibility.counted_years(rules, on)   # the years P8 counts today, as the pages show
    pools = _pool_lists(session, world, judged, years)
    failing = _failing(judged)

    progress(0.45, Phrase(N_("Phân tích kết quả đánh giá, xếp loại")))
    evaluations = analytics_service.evaluation_analytics(session, world, unit_id=unit.id if unit else None)

    counts = {
        "pools": len(judged), "titles": len({j.facts.title.id for j in judged}),
        "entries": sum(len(j.facts.members) for j in judged), "cadres": totals.members,
        "meeting_all": len(judged) - len(failing), "failing_pools": len(failing),
        "ineligible": sum(len(f.members) for f in failing),
        "empty_pools": sum(1 for j in judged if not j.facts.members),
    }
    summary = _summary(scope_name, term.name, counts, totals, evaluations)

    progress(0.5, Phrase(N_("Vẽ biểu đồ")))
    ages = []
    seen = set()
    for j in judged:
        for m in j.facts.members:
            if m.id not in seen:
                seen.add(m.id)
                ages.append((age_on(m.birth_date, term.start), m.sex))
    gauges = _gauges(totals)
    totals_by_year = evaluations.year_totals()
    chart_set = {
        "pyramid": charts.age_pyramid(ages, term.name),
        "gauges": charts.target_gauges(gauges, _("Cơ cấu danh sách quy hoạch %(scope)s so với chỉ tiêu", scope=scope_name)),
        "ratings": charts.ratings_over_years([t.year for t in totals_by_year], [t.counts for t in totals_by_year],
                                             [t.cap_share for t in totals_by_year],
                                             _("Xếp loại chất lượng cán bộ %(scope)s qua các năm", scope=scope_name)),
    }
    subject = _("Kết quả quy hoạch cán bộ %(term)s", term=lower_first(term.name)) + ("" if unit is None else f" — {unit.name}")
    head = heading(world, subject, on, unit=unit, choice=choice)
    head.recipients = letterhead.default_recipients(head.issuer, central=True)
    thin = term_parts.thin_titles(judged)
    parts = {"source": term_parts.by_source(judged), "qualifications": term_parts.qualifications(judged), "thin": thin,
             "review": term_parts.review(session, judged, term), "approvals": term_parts.approvals(session, judged)}
    previous = term_parts.previous_term(world, term, list(world.pools.values()), units)
    if previous is not None:
        parts["previous"] = previous
    return TermPlanningReport(
        heading=head, scope_code=unit.code if unit else "", scope_name=scope_name,
        term_code=term_code, term_name=term.name, term_start=term.start, term_end=term.end, on=on,
        rule_set=rules.legal_basis or rules.code, rule_set_code=rules.code, summary=summary, counts=counts,
        by_level=by_level, by_unit=by_unit, bands=bands, totals=totals, pools=pools, failing=failing,
        charts=chart_set, evaluations=evaluations, rating_years=years,
        opening=term_parts.opening(rules, term.name, scope_name, head.issuer.name), parts=parts,
        assessment=term_parts.assessment(counts, thin, texts.get("assessment")),
        direction=term_parts.direction(texts.get("direction")), proposals=term_parts.proposals(texts.get("proposals")),
    )


def _gauges(totals: GroupRow) -> list[charts.GaugeData]:
    out = []
    labels = {"S2": _("Cán bộ trẻ"), "S3": _("Cán bộ nữ"), "S4": _("Dân tộc thiểu số")}
    for t in totals.targets:
        if t.rule in labels and t.total:
            out.append(charts.GaugeData(labels[t.rule], t.share or 0.0, t.threshold or None, t.passed,
                                        f"{t.value}/{t.total} ({percent(t.share or 0.0)})"))
    s5 = [t for t in totals.targets if t.rule == "S5"]
    for t, label in zip(s5, (_("Cấp ủy: dưới 40 tuổi"), _("Cấp ủy: 40–50 tuổi")), strict=False):
        if t.total:
            target = tuple(t.threshold) if isinstance(t.threshold, list) else t.threshold
            out.append(charts.GaugeData(label, t.share or 0.0, target, t.passed,
                                        f"{t.value}/{t.total} ({percent(t.share or 0.0)})"))
    if totals.pools:
        share = totals.pools_all_bands / totals.pools
        out.append(charts.GaugeData(_("Danh sách đủ ba độ tuổi"), share, 1.0, share >= 1.0,
                                    f"{totals.pools_all_bands}/{totals.pools} ({percent(share)})"))
    return out


def _summary(scope: str, term: str, counts: dict, totals: GroupRow, ev) -> list[str]:
    lines = [
        _("%(term)s, %(scope)s: %(titles)s chức danh có danh sách quy hoạch, %(entries)s lượt cán bộ được quy hoạch "
          "(%(cadres)s người).", term=term, scope=scope, **counts),
        _("%(meeting_all)s/%(pools)s danh sách đạt mọi điều kiện và chỉ tiêu cơ cấu; %(failing_pools)s danh sách còn "
          "thiếu hoặc có cán bộ chưa đủ điều kiện (%(ineligible)s lượt cán bộ chưa đủ điều kiện", **counts)
        + (_(", %(empty_pools)s chức danh chưa có người trong quy hoạch", **counts) if counts['empty_pools'] else "")
        + ").",
    ]
    for t in totals.targets:
        if t.rule in ("S2", "S3", "S4"):
            lines.append(f"{upper_first(t.message)}.")
    if totals.pools:
        lines.append(_("Cơ cấu ba độ tuổi: %(all)s/%(pools)s danh sách có đủ ba độ tuổi.", all=totals.pools_all_bands,
                       pools=totals.pools))
    if ev.years:
        last = ev.years[-1]
        breaking = [u for u in ev.breaches if u.year == last]
        lines.append(_(
            "Đánh giá, xếp loại năm %(year)s: %(breaking)s cơ quan, đơn vị có tỷ lệ HTXSNV vượt mức %(cap)s số HTTNV "
            "trở lên; %(constant)s cán bộ HTXSNV liên tục từ %(years)s năm trở lên; %(disciplined)s trường hợp xếp "
            "loại từ HTTNV trở lên trong năm bị kỷ luật; %(flagged)s đơn vị xếp loại cao bất thường so với đơn vị "
            "tương đương.", year=last, breaking=len(breaking), cap=percent(ev.cap_shares.get(last, 0.2)),
            constant=len(ev.constant_excellent), years=ev.constant_years, disciplined=len(ev.disciplined),
            flagged=len(ev.flagged_units)))
    return [nfc(line) for line in lines]


# --------------------------------------------------------------------------- dossier

def dossier(session: Session, world: World, code: str) -> DossierReport:
    """The evaluation timeline that form 2C (`reports.dossier_2c`) carries as its attachment:
    the career, the ratings by year with their chart, the monthly scores, the confidence votes,
    the disciplines and the pools the cadre is in."""
    d = dossier_service.dossier(session, code, world.on)
    if d is None:
        raise ReportError(_("không có cán bộ mã «%(code)s»", code=code))
    c = d.cadre
    career = [DossierCareer(r.posting.start_date, r.posting.end_date, r.posting.position, r.unit.name,
                            r.posting.is_concurrent) for r in d.career]
    years = [DossierYear(cell.year, cell.rating, _(vocab.RATING.label(cell.rating)) if cell.rating else _("Chưa có"),
                         cell.score, (cell.evaluation.note or "") if cell.evaluation else "") for cell in d.years]
    months = [(i + 1, (m.score if m is not None else None)) for i, m in enumerate(d.months)]
    votes = [{"date": r.vote.vote_date, "body": r.vote.body, "convened": r.vote.convened, "present": r.vote.present,
              "high": r.vote.high, "normal": r.vote.normal, "low": r.vote.low,
              "low_share": r.low_share, "low_majority": r.low_majority} for r in d.votes]
    disciplines = [{"level": _(vocab.DISCIPLINE_LEVEL.label(r.discipline.level)), "date": r.discipline.decision_date,
                    "to": r.discipline.effective_to, "number": r.discipline.decision_no or "",
                    "authority": r.discipline.authority or "", "reason": r.discipline.reason or "",
                    "in_effect": r.in_effect} for r in d.disciplines]
    pools = []
    facts = world.cadres.get(c.id)
    if facts is not None:
        found = planning_views.cadre_eligibility(world, c.id)
        for check in found.pools if found else []:
            pools.append({"title": check.title.name, "unit": check.title.unit_name, "term": check.term.name,
                          "eligible": check.eligible, "failing": check.failing, "eligible_from": check.eligible_from})
    thresholds = None
    if d.month_year:   # the months are read against the rating rules in force that year (E2)
        params = evaluation_ledger.rating_params(world, d.month_year)[1]
        thresholds = (float(params["score_excellent_min"]), float(params["score_good_min"]))
    chart = charts.cadre_timeline([(y.year, y.rating, y.score) for y in years], months, d.month_year, c.full_name,
                                  thresholds)
    subject = _("Sơ yếu lý lịch và quá trình đánh giá, xếp loại của đồng chí %(name)s", name=c.full_name)
    head = heading(world, subject, world.on, kind=_("SƠ YẾU LÝ LỊCH"))
    return DossierReport(head, c.code, c.full_name, career, years, months, d.month_year, votes,
                         disciplines, pools, {"timeline": chart}, world.on)


# --------------------------------------------------------------------------- scenario decision
