"""Gathering a report: the planning world, its judgements (computed once per world and shared
with the Quy hoạch pages), the evaluation analytics and a few batched queries for the
dossier fields the world does not keep (hometown, education, languages, current post).

The result is a `reports.model` tree that every builder reads unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from sqlmodel import Session, select

from quyhoach.db.models import Ballot, Cadre, Ethnicity, Posting, Title
from quyhoach.domain import structure, vocab
from quyhoach.domain.dates import age_on, format_date
from quyhoach.domain import eligibility
from quyhoach.domain.eligibility import percent
from quyhoach.domain.findings import Finding
from quyhoach.domain.text import name_sort_key, nfc
from quyhoach.reports import charts, letterhead, term_parts
from quyhoach.reports.model import (
    BandColumns, DecisionChain, DocTable, DecisionLevelRow, DecisionMove, DecisionPlan, DecisionTarget, DossierCareer,
    DossierReport, DossierYear, FailingMember, FailingPool, Figure, GroupRow, Heading, ListRow, PlanTerm, PoolList,
    ScenarioDecisionReport, TargetRow, TermPlanningReport,
)
from quyhoach.services.evaluations import analytics as analytics_service
from quyhoach.services.planning import judging as planning, views as planning_views
from quyhoach.services.records import dossier as dossier_service
from quyhoach.services.planning.world import World

Progress = Callable[[float, str], None]

LEVEL_NAMES = {"central": "Trung ương", "province": "Tỉnh", "district": "Huyện", "commune": "Xã"}
STEP_SHORT = {"leadership_proposal": "Tập thể lãnh đạo", "key_cadres": "HN cán bộ chủ chốt",
              "standing_committee": "Ban Thường vụ", "approval": "Phê duyệt"}


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
        labels = [structure.band_label(int(lo), int(hi)) for lo, hi in bands]
        counts = [sum(1 for a in ages.values() if lo <= a < hi) for lo, hi in bands]
        out.append(BandColumns(level, LEVEL_NAMES.get(level, level), labels, counts, len(ages)))
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
        for cadre_id, (_, posting) in best.items():
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
            out[b.entry_id].append(f"{STEP_SHORT.get(b.step, b.step)} {format_date(b.held_on)}: "
                                   f"{b.agree}/{b.valid}{share}{'' if ok else ' – chưa đạt'}")
    return out


def _rating_cells(cadre, years: list[int], rating_sets) -> list[tuple[int, str]]:
    """The rating columns of the list: the counted years, each read as the rules read it."""
    by_year = eligibility.yearly_ratings(cadre, rating_sets=rating_sets)
    return [(year, vocab.RATING_SHORT.get(by_year.get(year) or "", "")) for year in years]


def _note(findings: list[Finding]) -> str:
    """The conditions a member does not meet, by name (the source has its own column)."""
    blocking = [f for f in findings if f.blocking]
    if not blocking:
        return ""
    return "Chưa đủ điều kiện: " + "; ".join(f"{f.name[0].lower()}{f.name[1:]}" for f in blocking)


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
                number=number, code=m.code, name=m.name, birth_date=m.birth_date, sex=vocab.SEX.label(m.sex),
                ethnicity=d.get("ethnicity", ""), hometown=(c.hometown if c else "") or "",
                post=d.get("post", ""), post_since=d.get("since"), education=(c.education if c else "") or "",
                theory=vocab.THEORY_LEVEL.label(m.theory_level) if m.theory_level != "none" else "",
                state_mgmt=vocab.STATE_MGMT_LEVEL.label(m.state_mgmt_level) if m.state_mgmt_level != "none" else "",
                language=(c.foreign_language if c else "") or "", it=(c.it_level if c else "") or "",
                party_entry=c.party_entry_date if c else None, ratings=_rating_cells(m, years, world.rule_sets),
                planned_title=t.name, source=vocab.POOL_SOURCE.label(source),
                ballots=ballots.get(j.record.entry_ids[m.id], []), note=_note(found),
                eligible=not any(f.blocking for f in found),
            ))
        lists.append(PoolList(t.name, t.unit_name, LEVEL_NAMES.get(t.level, t.level), j.facts.term.name, j.record.id,
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
    name = f.name[:1].upper() + f.name[1:]
    message = f.message.strip().rstrip(".")
    return f"{name}: {message[:1].lower()}{message[1:]}" if message else name


# --------------------------------------------------------------------------- term planning

def resolve_term(world: World, term_code: str = "") -> str:
    """The term asked for, or the party term current on the world's date (else the latest with pools)."""
    if term_code:
        if term_code not in world.term_ids:
            raise ReportError(f"không có nhiệm kỳ mã «{term_code}»")
        return term_code
    with_pools = {r.facts.term.code for r in world.pools.values()}
    current = [t for t in world.terms.values() if t.start <= world.on <= t.end and t.code in with_pools]
    current.sort(key=lambda t: (t.kind != "party", t.start))
    if current:
        return current[0].code
    latest = sorted((t for t in world.terms.values() if t.code in with_pools), key=lambda t: t.start)
    if not latest:
        raise ReportError("chưa có danh sách quy hoạch nào")
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
        raise ReportError(f"không có đơn vị mã «{unit_code}»")
    term_code = resolve_term(world, term_code)
    term = world.terms[world.term_ids[term_code]]
    on = world.on
    progress(0.05, "Đánh giá các danh sách quy hoạch")
    units = world.subtree(unit.id) if unit else None
    judged = [j for j in planning_views.judged(world)
              if j.facts.term.code == term_code and (units is None or j.facts.title.unit_id in units)]
    rules = world.rule_set("planning")
    scope_name = unit.name if unit else "toàn tỉnh"
    if not judged:
        raise ReportError(f"{scope_name} chưa có danh sách quy hoạch nào của {term.name[:1].lower()}{term.name[1:]}")

    progress(0.15, "Tổng hợp cơ cấu theo cấp và theo đơn vị")
    by_level_groups: dict[str, list] = defaultdict(list)
    by_unit_groups: dict[int, list] = defaultdict(list)
    for j in judged:
        by_level_groups[j.facts.title.level].append(j)
        by_unit_groups[j.facts.title.unit_id].append(j)
    order = list(LEVEL_NAMES)
    by_level = [_group(level, LEVEL_NAMES.get(level, level), js, rules, on, level)
                for level, js in sorted(by_level_groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)]
    by_unit = []
    for uid, js in by_unit_groups.items():
        u = world.units[uid]
        by_unit.append(_group(u.code, u.name, js, rules, on, world.levels.get(u.level_id)))
    by_unit.sort(key=lambda g: (-g.failing_pools, g.label))
    totals = _group("", scope_name, judged, rules, on, None)
    bands = _band_columns(rules, judged)

    progress(0.3, "Lập danh sách trích ngang")
    years = eligibility.counted_years(rules, on)   # the years P8 counts today, as the pages show
    pools = _pool_lists(session, world, judged, years)
    failing = _failing(judged)

    progress(0.45, "Phân tích kết quả đánh giá, xếp loại")
    evaluations = analytics_service.evaluation_analytics(session, world, unit_id=unit.id if unit else None)

    counts = {
        "pools": len(judged), "titles": len({j.facts.title.id for j in judged}),
        "entries": sum(len(j.facts.members) for j in judged), "cadres": totals.members,
        "meeting_all": len(judged) - len(failing), "failing_pools": len(failing),
        "ineligible": sum(len(f.members) for f in failing),
        "empty_pools": sum(1 for j in judged if not j.facts.members),
    }
    summary = _summary(scope_name, term.name, counts, totals, evaluations)

    progress(0.5, "Vẽ biểu đồ")
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
        "gauges": charts.target_gauges(gauges, f"Cơ cấu danh sách quy hoạch {scope_name} so với chỉ tiêu"),
        "ratings": charts.ratings_over_years([t.year for t in totals_by_year], [t.counts for t in totals_by_year],
                                             [t.cap_share for t in totals_by_year],
                                             f"Xếp loại chất lượng cán bộ {scope_name} qua các năm"),
    }
    subject = f"Kết quả quy hoạch cán bộ {term.name[0].lower() + term.name[1:]}" + ("" if unit is None else f" — {unit.name}")
    head = heading(world, subject, on, unit=unit, choice=choice)
    head.recipients = letterhead.default_recipients(head.issuer, central=True)
    thin = term_parts.thin_titles(judged)
    parts = {"source": term_parts.by_source(judged), "qualifications": term_parts.qualifications(judged), "thin": thin,
             "review": term_parts.review(session, judged, term), "approvals": term_parts.approvals(session, judged)}
    previous = term_parts.previous_term(world, term, planning_views.judged(world), units)
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
    labels = {"S2": "Cán bộ trẻ", "S3": "Cán bộ nữ", "S4": "Dân tộc thiểu số"}
    for t in totals.targets:
        if t.rule in labels and t.total:
            out.append(charts.GaugeData(labels[t.rule], t.share or 0.0, t.threshold or None, t.passed,
                                        f"{t.value}/{t.total} ({percent(t.share or 0.0)})"))
    s5 = [t for t in totals.targets if t.rule == "S5"]
    for t, label in zip(s5, ("Cấp ủy: dưới 40 tuổi", "Cấp ủy: 40–50 tuổi"), strict=False):
        if t.total:
            target = tuple(t.threshold) if isinstance(t.threshold, list) else t.threshold
            out.append(charts.GaugeData(label, t.share or 0.0, target, t.passed,
                                        f"{t.value}/{t.total} ({percent(t.share or 0.0)})"))
    if totals.pools:
        share = totals.pools_all_bands / totals.pools
        out.append(charts.GaugeData("Danh sách đủ ba độ tuổi", share, 1.0, share >= 1.0,
                                    f"{totals.pools_all_bands}/{totals.pools} ({percent(share)})"))
    return out


def _summary(scope: str, term: str, counts: dict, totals: GroupRow, ev) -> list[str]:
    lines = [
        f"{term}, {scope}: {counts['titles']} chức danh có danh sách quy hoạch, "
        f"{counts['entries']} lượt cán bộ được quy hoạch ({counts['cadres']} người).",
        f"{counts['meeting_all']}/{counts['pools']} danh sách đạt mọi điều kiện và chỉ tiêu cơ cấu; "
        f"{counts['failing_pools']} danh sách còn thiếu hoặc có cán bộ chưa đủ điều kiện"
        f" ({counts['ineligible']} lượt cán bộ chưa đủ điều kiện"
        + (f", {counts['empty_pools']} chức danh chưa có người trong quy hoạch" if counts['empty_pools'] else "") + ").",
    ]
    for t in totals.targets:
        if t.rule in ("S2", "S3", "S4"):
            lines.append(f"{t.message[0].upper()}{t.message[1:]}.")
    if totals.pools:
        lines.append(f"Cơ cấu ba độ tuổi: {totals.pools_all_bands}/{totals.pools} danh sách có đủ ba độ tuổi.")
    if ev.years:
        last = ev.years[-1]
        breaking = [u for u in ev.breaches if u.year == last]
        lines.append(
            f"Đánh giá, xếp loại năm {last}: {len(breaking)} cơ quan, đơn vị có tỷ lệ HTXSNV vượt mức "
            f"{percent(ev.cap_shares.get(last, 0.2))} số HTTNV trở lên; {len(ev.constant_excellent)} cán bộ "
            f"HTXSNV liên tục từ {ev.constant_years} năm trở lên; {len(ev.disciplined)} trường hợp xếp loại "
            f"từ HTTNV trở lên trong năm bị kỷ luật; {len(ev.flagged_units)} đơn vị xếp loại cao bất thường "
            f"so với đơn vị tương đương.")
    return [nfc(line) for line in lines]


# --------------------------------------------------------------------------- dossier

def dossier(session: Session, world: World, code: str) -> DossierReport:
    """The evaluation timeline that form 2C (`reports.dossier_2c`) carries as its attachment:
    the career, the ratings by year with their chart, the monthly scores, the confidence votes,
    the disciplines and the pools the cadre is in."""
    d = dossier_service.dossier(session, code, world.on)
    if d is None:
        raise ReportError(f"không có cán bộ mã «{code}»")
    c = d.cadre
    career = [DossierCareer(r.posting.start_date, r.posting.end_date, r.posting.position, r.unit.name,
                            r.posting.is_concurrent) for r in d.career]
    years = [DossierYear(cell.year, cell.rating, vocab.RATING.label(cell.rating) if cell.rating else "Chưa có",
                         cell.score, (cell.evaluation.note or "") if cell.evaluation else "") for cell in d.years]
    months = [(i + 1, (m.score if m is not None else None)) for i, m in enumerate(d.months)]
    votes = [{"date": r.vote.vote_date, "body": r.vote.body, "convened": r.vote.convened, "present": r.vote.present,
              "high": r.vote.high, "normal": r.vote.normal, "low": r.vote.low,
              "low_share": r.low_share, "low_majority": r.low_majority} for r in d.votes]
    disciplines = [{"level": vocab.DISCIPLINE_LEVEL.label(r.discipline.level), "date": r.discipline.decision_date,
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
        params = analytics_service._rating_params(world, d.month_year)[1]
        thresholds = (float(params["score_excellent_min"]), float(params["score_good_min"]))
    chart = charts.cadre_timeline([(y.year, y.rating, y.score) for y in years], months, d.month_year, c.full_name,
                                  thresholds)
    subject = f"Sơ yếu lý lịch và quá trình đánh giá, xếp loại của đồng chí {c.full_name}"
    head = heading(world, subject, world.on, kind="SƠ YẾU LÝ LỊCH")
    return DossierReport(head, c.code, c.full_name, career, years, months, d.month_year, votes,
                         disciplines, pools, {"timeline": chart}, world.on)


# --------------------------------------------------------------------------- scenario decision

ALTERNATIVES_MAX = 12
PLAN_STATUS = {"optimal": "tối ưu (đã chứng minh)", "feasible": "khả thi, chưa chứng minh tối ưu",
               "infeasible": "không có phương án", "unknown": "chưa tìm được phương án", "invalid": "dữ liệu không hợp lệ"}
MOVE_KINDS = vocab.ROTATION_KIND_LABELS
WEIGHT_WORDS = {
    "fit": ("Mức phù hợp", "điểm cho mỗi điểm phù hợp (0–100) của người giữ mỗi vị trí"),
    "development": ("Giá trị phát triển", "điểm cho mỗi điểm phát triển của một lượt điều động"),
    "structure": ("Cơ cấu", "điểm trừ cho mỗi người thiếu so với chỉ tiêu cơ cấu khuyến khích"),
    "moves": ("Số lượt điều động", "điểm trừ cho mỗi lượt điều động"),
    "baseline": ("Bám phương án đã duyệt", "điểm trừ cho mỗi cán bộ bố trí khác phương án đã duyệt"),
}
MODE_WORDS = vocab.ROTATION_MODE_LABELS
TARGET_WORDS = vocab.ROTATION_TARGET_LABELS
ATTRIBUTE_WORDS = {"female": "Nữ", "minority": "Dân tộc thiểu số", "young": "Trẻ"}


def scenario_units(session: Session, scenario_id: int) -> list[str] | None:
    """The unit codes a scenario puts in play (their subtrees with them); None: the whole
    province. For jurisdiction: who may see the scenario's decision report."""
    from quyhoach.db.models import Scenario

    scenario = session.get(Scenario, scenario_id)
    if scenario is None:
        return None
    return list((scenario.settings or {}).get("unit_codes") or []) or None


def decision_scenarios(session: Session) -> list[dict]:
    """The scenarios a decision report can be made for (adopted, or with a plan), newest
    first, with their units in play, for the picker on the Báo cáo page."""
    from quyhoach.db.models import Adoption, Scenario, SolveRun

    with_plan = set(session.exec(select(SolveRun.scenario_id).where(SolveRun.status == "done")).all())
    adopted = {a.scenario_id: a for a in session.exec(select(Adoption))}
    out = []
    for scenario in session.exec(select(Scenario).order_by(Scenario.id.desc())):
        if scenario.id in adopted or scenario.id in with_plan:
            a = adopted.get(scenario.id)
            out.append({"id": scenario.id, "name": scenario.name, "adopted": a is not None,
                        "decision_no": a.decision_no if a else "", "rotation_date": scenario.rotation_date,
                        "units": list((scenario.settings or {}).get("unit_codes") or [])})
    return out


def _relation(scenario, chosen_scenario_id: int) -> str:
    """How an alternative relates to the chosen plan, from the derivation stored on its
    scenario (a scenario made before it was stored: from its name, as it was then)."""
    if scenario.id == chosen_scenario_id:
        return "Cách tính khác của phương án"
    derivation = getattr(scenario, "derivation", None) or ("relaxed" if " — nới: " in scenario.name else "copy")
    return "Nới quy định" if derivation == "relaxed" else "Bản sao"


def _decision_plan(compared, chosen_run_id: int, chosen_scenario_id: int, adopted: bool) -> DecisionPlan:
    run, scenario, plan, figures = compared.run, compared.scenario, compared.plan, compared.figures
    chosen = run.id == chosen_run_id
    terms = {t["name"]: PlanTerm(t["name"], nfc(t.get("label") or t["name"]), int(t.get("weight") or 0),
                                 int(t.get("value") or 0), int(t.get("contribution") or 0))
             for t in plan.get("terms", [])}
    missed = compared.soft_missed
    return DecisionPlan(
        run_id=run.id, scenario_id=scenario.id, scenario_name=nfc(scenario.name), label=nfc(run.label or ""),
        relation=("Phương án được thông qua" if adopted else "Phương án đề nghị") if chosen
        else _relation(scenario, chosen_scenario_id),
        chosen=chosen, status=PLAN_STATUS.get(plan.get("status"), plan.get("status") or ""),
        objective=plan.get("objective"), gap=plan.get("gap"), terms=terms, moves=len(plan.get("moves", [])),
        open_before=int(figures.get("open_before", 0)), open_after=int(figures.get("open_after", 0)),
        soft_missed=[nfc(s["name"]) for s in missed], soft_short=sum(int(s["shortfall_after"]) for s in missed),
        hard_targets=sum(1 for s in plan.get("structure", []) if s.get("hard")),
        by_kind=_by_kind_words(compared.by_kind),
    )


def _by_kind_words(counts: dict[str, int]) -> dict[str, int]:
    """Moves per kind with the kind in words (Bổ nhiệm, Luân chuyển, ...), the kinds present."""
    return {vocab.MOVE_KIND.label(kind): n for kind, n in counts.items() if n}


def _settings_words(settings: dict, unit_names: dict[str, str]) -> list[tuple[str, str]]:
    from quyhoach.services.rotation.settings import ScenarioSettings

    s = ScenarioSettings.from_dict(settings)
    lines = [
        ("Phạm vi", "; ".join(unit_names.get(c, c) for c in s.unit_codes) if s.unit_codes else "toàn tỉnh"),
        ("Lấp vị trí khuyết", MODE_WORDS.get(s.fill_vacancies, s.fill_vacancies)),
        ("Người giữ chức vụ nghỉ hưu trong vòng", f"{s.retiring_within_months} tháng: vị trí được coi là khuyết"),
        ("Người đứng đầu đủ số nhiệm kỳ liên tiếp",
         "luân chuyển ra ngoài phạm vi phương án" if s.term_limit_opens_post else "không xét"),
        ("Không là người địa phương", "bắt buộc" if s.non_local == "hard"
         else f"khuyến khích (trừ {s.non_local_penalty} điểm phù hợp)"),
    ]
    for attribute in ("female", "minority", "young"):
        t = s.targets.get(attribute)
        if t is None:
            continue
        words = MODE_WORDS.get(t.mode, t.mode)
        if t.mode != "off":
            words += f", tối thiểu {percent(t.share)} (đơn vị có từ {s.target_min_seats} vị trí)"
        lines.append((f"Chỉ tiêu {TARGET_WORDS[attribute].lower()}", words))
    if s.max_leaving_per_unit is not None:
        lines.append(("Số người đi tối đa mỗi đơn vị", str(s.max_leaving_per_unit)))
    if s.max_arriving_per_unit is not None:
        lines.append(("Số người đến tối đa mỗi đơn vị", str(s.max_arriving_per_unit)))
    if s.resolve_family_conflicts:
        lines.append(("Xung đột QĐ 114 đã có", "phương án phải giải quyết"))
    if s.pinned:
        lines.append(("Bố trí cố định", f"{len(s.pinned)} trường hợp"))
    if s.forbidden:
        lines.append(("Loại trừ", f"{len(s.forbidden)} trường hợp"))
    return [(label, nfc(value)) for label, value in lines]


def _rules_words(rules, rule_set_code: str, rule_set_name: str) -> list[tuple[str, str]]:
    cooldown = "; ".join(f"{vocab.DISCIPLINE_LEVEL.label(level).lower()} {months} tháng" if int(months) < 600
                         else f"{vocab.DISCIPLINE_LEVEL.label(level).lower()}: không bố trí"
                         for level, months in (rules.discipline_cooldown_months or {}).items())
    lines = [
        ("Căn cứ", rule_set_name or "các quy định hiện hành"),
        ("Xếp loại các năm gần nhất", f"{rules.rating_years} năm liền từ «{vocab.RATING.label(rules.rating_threshold)}» "
                                      f"trở lên"),
        ("Thời gian công tác còn lại tối thiểu", f"{rules.min_service_months} tháng"),
        ("Thời gian giữ chức vụ trước khi luân chuyển", f"tối thiểu {rules.min_tenure_months} tháng"),
        ("Người đứng đầu ở một nơi", f"không quá {rules.head_term_limit} nhiệm kỳ liên tiếp"),
    ]
    if cooldown:
        lines.append(("Thời hạn sau kỷ luật", cooldown))
    return [(label, nfc(value)) for label, value in lines]


def resolution_words(decision_no: str, on: dt.date | None) -> str:
    """"Nghị quyết số 15-NQ/TU ngày 01/06/2026" from the number as recorded (with or without
    its own "Nghị quyết số")."""
    number = nfc(decision_no or "").strip()
    for prefix in ("Nghị quyết số ", "Nghị quyết ", "NQ số ", "Số "):
        if number.lower().startswith(prefix.lower()):
            number = number[len(prefix):]
    return f"Nghị quyết số {number}" + (f" ngày {format_date(on)}" if on else "")


def plan_words(p: DecisionPlan, who: str) -> str:
    """A plan as a Standing Committee reads it: who moves, vacancies filled, targets met."""
    kinds = ", ".join(f"{n} lượt {kind.lower()}" for kind, n in p.by_kind.items())
    filled = max(0, p.open_before - p.open_after)
    targets = ("đạt mọi chỉ tiêu cơ cấu" if not p.soft_missed else
               f"còn {len(p.soft_missed)} chỉ tiêu cơ cấu khuyến khích chưa đạt (thiếu {p.soft_short} người)")
    return nfc(f"{who} có {p.moves} lượt điều động" + (f" ({kinds})" if kinds else "")
               + f"; lấp được {filled}/{p.open_before} vị trí trống (còn trống {p.open_after}); {targets}.")


def comparison_table(plans: list[DecisionPlan]) -> DocTable:
    """The plans compared, one row each (the chosen one first), in words: the moves by kind,
    the vacancies filled, the structure targets still short."""
    rows = []
    for index, p in enumerate(plans):
        name = f"{p.scenario_name}\n({p.relation.lower()}" + (f": {p.label}" if p.label else "") + ")"
        moves = f"{p.moves}" + ("\n" + ", ".join(f"{k.lower()} {n}" for k, n in p.by_kind.items()) if p.by_kind else "")
        missed = ("Đạt tất cả" if not p.soft_missed else
                  f"{len(p.soft_missed)} chỉ tiêu chưa đạt, thiếu {p.soft_short} người:\n"
                  + "\n".join(f"- {n}" for n in p.soft_missed[:4])
                  + (f"\n… và {len(p.soft_missed) - 4} chỉ tiêu khác" if len(p.soft_missed) > 4 else ""))
        rows.append([index + 1, nfc(name), moves, f"{max(0, p.open_before - p.open_after)}/{p.open_before}", nfc(missed)])
    return DocTable(["STT", "Phương án", "Lượt điều động", "Vị trí trống được lấp", "Chỉ tiêu cơ cấu"],
                    [1.0, 5.0, 3.6, 2.6, 4.3], rows, ["right", "left", "left", "right", "left"])


def scenario_decision(session: Session, world: World, scenario_id: int | str, run_id: int | str | None = None,
                      progress: Progress = _nothing,
                      choice: letterhead.PaperChoice | None = None) -> ScenarioDecisionReport:
    """The decision report of a rotation scenario, read through the scenario service: the
    adopted plan (or, marked as a draft, the scenario's latest plan, or the run asked for),
    the alternatives it was compared with (the scenario's other plans, and the plans of its
    copies and relaxed children), the moves, the chains (with the plan page's graph) and
    the structure before and after."""
    from quyhoach.db.models import Adoption, RuleSet, Scenario, SolveRun
    from quyhoach.reports import drawings
    from quyhoach.services.rotation import chains as plan_chains, views as scenario_views
    from quyhoach.services.rotation.settings import ScenarioSettings

    try:
        scenario_id = int(scenario_id)
        run_id = int(run_id) if run_id not in (None, "") else None
    except (TypeError, ValueError):
        raise ReportError("mã phương án hoặc lần giải không hợp lệ") from None
    scenario = session.get(Scenario, scenario_id)
    if scenario is None:
        raise ReportError(f"không có phương án số {scenario_id}")
    adoption = session.exec(select(Adoption).where(Adoption.scenario_id == scenario.id)).first()
    if adoption is not None:
        if run_id is not None and run_id != adoption.run_id:
            raise ReportError(f"phương án đã được thông qua theo lần giải #{adoption.run_id}, "
                              f"không phải lần giải #{run_id}")
        run_id = adoption.run_id
    if run_id is None:
        run_id = session.exec(select(SolveRun.id).where(SolveRun.scenario_id == scenario.id,
                                                        SolveRun.status == "done")
                              .order_by(SolveRun.id.desc())).first()
        if run_id is None:
            raise ReportError(f"phương án «{scenario.name}» chưa có lần giải nào có phương án")
    run = session.get(SolveRun, run_id)
    if run is None or run.scenario_id != scenario.id:
        raise ReportError(f"phương án «{scenario.name}» không có lần giải #{run_id}")
    if run.status != "done" or not run.plan:
        raise ReportError(f"lần giải #{run.id} chưa có phương án")

    progress(0.1, "Đọc phương án và các phương án so sánh")
    problem_data = run.problem or {}
    weights, rules = _frozen_numbers(problem_data)
    plan = run.plan
    children = list(session.exec(select(Scenario.id).where(Scenario.parent_id == scenario.id)).all())
    others = session.exec(select(SolveRun.id).where(SolveRun.status == "done", SolveRun.id != run.id,
                                                    SolveRun.scenario_id.in_([scenario.id, *children]))
                          .order_by((SolveRun.scenario_id != scenario.id), SolveRun.id.desc())).all()
    shown = list(others[:ALTERNATIVES_MAX])
    comparison = scenario_views.compare(session, [run.id, *shown])
    compared = [r for r in comparison.runs if r.plan]
    adopted = adoption is not None
    plans = [_decision_plan(r, run.id, scenario.id, adopted) for r in compared]
    chosen = next(p for p in plans if p.chosen)
    alternatives = [p for p in plans if not p.chosen]

    progress(0.3, "Các lượt điều động và chuỗi vị trí trống")
    cadres = scenario_views.cadres_of(problem_data)
    posts = {p["id"]: p for p in problem_data.get("posts", [])}
    units = {u["id"]: u.get("name") or u["id"] for u in problem_data.get("units", [])}
    post_name = lambda post_id: nfc(posts.get(post_id, {}).get("name") or post_id or "")  # noqa: E731
    ordered = sorted(plan.get("moves", []), key=lambda m: (units.get(m.get("to_unit"), ""), m["to_post"]))
    moves = []
    for number, m in enumerate(ordered, start=1):
        c = cadres.get(m["cadre"], {})
        moves.append(DecisionMove(
            number=number, cadre_code=m["cadre"], cadre_name=nfc(c.get("name") or m["cadre"]), age=c.get("age"),
            sex=vocab.SEX.label(c.get("sex", "M")), minority=bool(c.get("minority")),
            from_post=post_name(m.get("from_post")) if m.get("from_post") else "",
            from_unit=nfc(units.get(m.get("from_unit"), m.get("from_unit") or "")) if m.get("from_post") else "",
            to_post=post_name(m["to_post"]), to_unit=nfc(units.get(m.get("to_unit"), m.get("to_unit") or "")),
            kind=MOVE_KINDS.get(m.get("kind"), m.get("kind") or ""), fit=int(m.get("fit") or 0),
            development=int(m.get("development") or 0), reasons=[_named(r, units) for r in m.get("reasons", [])],
            act=vocab.MOVE_KIND.label(m.get("move_kind") or "rotation")))
    chains = []
    drawn = plan_chains.drawn_number(plan)   # numbered as the graph numbers them
    ordered_chains = sorted(plan_chains.plan_chains(plan),
                            key=lambda ch: drawn.get(frozenset(ch.get("cadres", [])), len(drawn)))
    for number, ch in enumerate(ordered_chains, start=1):
        chains.append(DecisionChain(number, ch["kind"], "Vòng" if ch["kind"] == "cycle" else "Chuỗi",
                                    len(ch.get("cadres", [])), nfc(ch.get("text", "")),
                                    post_name(ch["opens"]) if ch.get("opens") else ""))

    progress(0.45, "Vẽ sơ đồ các chuỗi điều động")
    svg = drawings.rotation_graph(plan, cadres, posts, units, drawings.GraphLabels(**vocab.ROTATION_GRAPH_WORDS))
    graph = charts.rotation_graph(str(svg), f"Sơ đồ các chuỗi vị trí trống và vòng luân chuyển — phương án «{scenario.name}»")

    progress(0.6, "Cơ cấu trước và sau")
    targets = [DecisionTarget(nfc(s["name"]), bool(s["hard"]), int(s["seats"]), s.get("need"), s.get("cap"),
                              int(s["before"]), int(s["after"]), int(s["shortfall_before"]), int(s["shortfall_after"]))
               for s in plan.get("structure", [])]
    targets.sort(key=lambda t: (t.passed, t.before == t.after, t.name))
    levels = []
    index = next(i for i, r in enumerate(comparison.runs) if r.run.id == run.id)
    order = [None, *LEVEL_NAMES]
    for block in sorted(comparison.levels, key=lambda b: order.index(b["level"]) if b["level"] in order else 99):
        p = block["runs"][index]
        if not p["seats"]:
            continue
        scope = LEVEL_NAMES.get(block["level"], block["level"]) if block["level"] else "Tất cả vị trí trong phương án"
        for attribute in ("female", "minority", "young"):
            label = ATTRIBUTE_WORDS[attribute]
            if attribute == "young" and block.get("young_age"):
                label = f"Trẻ (dưới {block['young_age']} tuổi)"
            levels.append(DecisionLevelRow(scope, attribute, label, p["seats"], int(p["before"].get(attribute, 0)),
                                           int(p["after"].get(attribute, 0))))
    shares = {a: t.share for a, t in ScenarioSettings.from_dict(
        adoption.settings if adoption else scenario.settings).targets.items() if t.mode != "off"}
    whole = "Tất cả vị trí trong phương án"
    bars = [charts.BeforeAfter(f"{row.label.split(' (')[0]} · {row.scope if row.scope != whole else 'tất cả'}",
                               row.before_share, row.after_share,
                               f"{row.before}/{row.seats} → {row.after}/{row.seats}", shares.get(row.attribute))
            for row in levels if row.before or row.after or row.attribute in shares]
    drawn = {"graph": graph}
    if bars:
        drawn["structure"] = charts.structure_before_after(
            bars, "Cơ cấu lãnh đạo các vị trí trong phương án, trước và sau (vạch đen: chỉ tiêu tối thiểu của mỗi đơn vị)")

    rule_set = session.exec(select(RuleSet).where(RuleSet.code == run.rule_set)).first()
    rule_set_name = rule_set.legal_basis if rule_set else ""
    weights = [(WEIGHT_WORDS.get(name, (name, ""))[0], int(getattr(weights, name)),
                WEIGHT_WORDS.get(name, ("", ""))[1]) for name in ("fit", "development", "structure", "moves", "baseline")]
    settings_words = _settings_words(adoption.settings if adoption else scenario.settings, units)

    filled = sum(1 for m in moves if m.kind == MOVE_KINDS["fills_vacancy"])
    cycles = sum(1 for c in chains if c.kind == "cycle")
    met_before = sum(1 for t in targets if t.shortfall_before == 0)
    met_after = sum(1 for t in targets if t.passed)
    summary = [
        f"Phương án «{scenario.name}», ngày luân chuyển {format_date(scenario.rotation_date)}: {len(moves)} lượt điều "
        f"động ({filled} lượt lấp vị trí trống, {len(moves) - filled} lượt thay người chuyển đi), "
        f"{len(chains) - cycles} chuỗi vị trí trống và {cycles} vòng luân chuyển; số vị trí còn trống "
        f"{chosen.open_before} trước, {chosen.open_after} sau phương án"
        + (": " + ", ".join(f"{n} lượt {kind.lower()}" for kind, n in chosen.by_kind.items()) if chosen.by_kind else "")
        + ".",
    ]
    if targets:
        summary.append(f"Chỉ tiêu cơ cấu: {met_after}/{len(targets)} chỉ tiêu đạt sau phương án (trước: "
                       f"{met_before}/{len(targets)})" + (f"; {len(chosen.soft_missed)} chỉ tiêu khuyến khích còn "
                                                          f"thiếu {chosen.soft_short} người" if chosen.soft_missed else "")
                       + ".")
    if alternatives:
        summary.append(f"Đã so sánh với {len(alternatives) + max(0, len(others) - len(shown))} phương án khác (mục II).")
    resolution = resolution_words(adoption.decision_no, adoption.adopted_on) if adoption is not None else ""
    if adoption is not None:
        summary.append(f"Ban Thường vụ Tỉnh ủy đã thông qua phương án tại {resolution}, hiệu lực từ ngày "
                       f"{format_date(adoption.adopted_on)}.")
        closing = [f"Thực hiện {resolution} của Ban Thường vụ Tỉnh ủy, các cơ quan, đơn vị có cán bộ được điều động "
                   f"(Phụ lục 1) tổ chức bàn giao công việc và bố trí cán bộ theo phương án từ ngày "
                   f"{format_date(adoption.adopted_on)}; danh sách quy hoạch của các chức danh đã bố trí được cập "
                   f"nhật (cán bộ đã được bổ nhiệm vào chức danh quy hoạch ra khỏi danh sách quy hoạch chức danh đó)."]
    else:
        closing = [f"Ban Tổ chức Tỉnh ủy kính trình Ban Thường vụ Tỉnh ủy xem xét, quyết định phương án luân chuyển cán bộ "
                   f"«{scenario.name}» với {len(moves)} lượt điều động (Phụ lục 1) và các chuỗi vị trí trống, vòng "
                   f"luân chuyển (Phụ lục 2), hiệu lực từ ngày {format_date(scenario.rotation_date)}."]
    kind = "BÁO CÁO" if adoption else "TỜ TRÌNH"
    head = heading(world, f"Phương án luân chuyển cán bộ «{scenario.name}»", world.on, kind=kind, choice=choice,
                   draft=adoption is None, addressee="" if adoption else "Kính gửi: Ban Thường vụ Tỉnh ủy")
    if adoption is None:
        head.recipients = ["- Như trên,", "- Thường trực Tỉnh ủy (để b/c),", f"- {head.issuer.archive}."]
    else:
        head.recipients = letterhead.default_recipients(head.issuer, units="Các cơ quan, đơn vị có cán bộ điều động")
    summary.insert(1, plan_words(chosen, "Phương án"))
    progress(0.7, "Xong số liệu")
    return ScenarioDecisionReport(
        heading=head, scenario_id=scenario.id, scenario_name=nfc(scenario.name),
        description=nfc(scenario.description or ""), rotation_date=scenario.rotation_date, adopted=adoption is not None,
        decision_no=nfc(adoption.decision_no) if adoption else "", adopted_on=adoption.adopted_on if adoption else None,
        adopted_by=nfc(adoption.actor or "") if adoption else "", note=nfc(adoption.note or "") if adoption else "",
        run_id=run.id, run_label=nfc(run.label or ""), data_stamp=run.data_stamp, rule_set_code=run.rule_set,
        rule_set_name=nfc(rule_set_name), rules=_rules_words(rules, run.rule_set, nfc(rule_set_name)),
        weights=weights, settings=settings_words, plan=chosen, alternatives=alternatives,
        alternatives_left_out=max(0, len(others) - len(shown)), term_names=comparison.term_names, moves=moves,
        chains=chains, targets=targets, levels=levels, summary=[nfc(s) for s in summary],
        closing=[nfc(s) for s in closing], resolution=resolution, comparison=comparison_table([chosen, *alternatives]),
        alternative_words=[plan_words(p, f"Phương án «{p.scenario_name}» ({p.relation.lower()}"
                                         + (f": {p.label}" if p.label else "") + ")") for p in alternatives],
        warnings=[nfc(w) for w in plan.get("warnings", [])],
        charts=drawn, on=world.on,
    )


def _named(text: str, units: dict[str, str]) -> str:
    """A move's reason with the units it names by code named by name (the solver words its
    reasons with the codes it was given)."""
    if not units:
        return nfc(text)
    pattern = re.compile("|".join(re.escape(code) for code in sorted(units, key=len, reverse=True) if code))
    return nfc(pattern.sub(lambda m: units[m.group(0)], text))


def _frozen_numbers(problem: dict):
    """The weights and the rule set's numbers a run was solved under, from its frozen
    problem as stored (fields at their default are left out there: the solver's defaults
    fill them). Read without the strict reader, which costs ~1 s on a province's problem."""
    import dataclasses

    import solver

    def made(cls, data):
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in known})

    return made(solver.Weights, problem.get("weights")), made(solver.Rules, problem.get("rules"))
