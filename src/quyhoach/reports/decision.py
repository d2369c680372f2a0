"""The scenario decision report gathered: the Standing Committee's paper on a rotation
scenario, read through the scenario service only (`rotation.problem_of`,
`scenario_views.compare`) — the adopted plan (or a draft), the alternatives it was compared
with, the moves with their reasons, the chains with the plan page's graph, the structure
before and after, and the resolution it cites ("Nghị quyết số … ngày …", the signing date).
Split from `gather` (the term-planning report and the dossier) by responsibility.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlmodel import Session, select

from quyhoach.domain import vocab
from quyhoach.domain.dates import format_date
from quyhoach.domain.phrase import Phrase
from quyhoach.domain.text import nfc
from quyhoach.reports import charts, letterhead
from quyhoach.reports.gather import LEVEL_NAMES, Progress, ReportError, _nothing, heading, level_name
from quyhoach.reports.lang import N_, _, say, share as percent
from quyhoach.reports.model import (
    DecisionChain, DecisionLevelRow, DecisionMove, DecisionPlan, DecisionTarget, DocTable, PlanTerm,
    ScenarioDecisionReport,
)
from quyhoach.services.planning.world import World


ALTERNATIVES_MAX = 12
PLAN_STATUS = {"optimal": N_("tối ưu (đã chứng minh)"), "feasible": N_("khả thi, chưa chứng minh tối ưu"),
               "infeasible": N_("không có phương án"), "unknown": N_("chưa tìm được phương án"),
               "invalid": N_("dữ liệu không hợp lệ")}
MOVE_KINDS = vocab.ROTATION_KIND_LABELS
WEIGHT_WORDS = {
    "fit": (N_("Mức phù hợp"), N_("điểm cho mỗi điểm phù hợp (0–100) của người giữ mỗi vị trí")),
    "development": (N_("Giá trị phát triển"), N_("điểm cho mỗi điểm phát triển của một lượt điều động")),
    "structure": (N_("Cơ cấu"), N_("điểm trừ cho mỗi người thiếu so với chỉ tiêu cơ cấu khuyến khích")),
    "moves": (N_("Số lượt điều động"), N_("điểm trừ cho mỗi lượt điều động")),
    "baseline": (N_("Bám phương án đã duyệt"), N_("điểm trừ cho mỗi cán bộ bố trí khác phương án đã duyệt")),
}
MODE_WORDS = vocab.ROTATION_MODE_LABELS
TARGET_WORDS = vocab.ROTATION_TARGET_LABELS
ATTRIBUTE_WORDS = {"female": N_("Nữ"), "minority": N_("Dân tộc thiểu số"), "young": N_("Trẻ")}


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
        return _("Cách tính khác của phương án")
    derivation = getattr(scenario, "derivation", None) or ("relaxed" if " — nới: " in scenario.name else "copy")
    return _("Nới quy định") if derivation == "relaxed" else _("Bản sao")


def _decision_plan(compared, chosen_run_id: int, chosen_scenario_id: int, adopted: bool) -> DecisionPlan:
    run, scenario, plan, figures = compared.run, compared.scenario, compared.plan, compared.figures
    chosen = run.id == chosen_run_id
    terms = {t["name"]: PlanTerm(t["name"], nfc(t.get("label") or t["name"]), int(t.get("weight") or 0),
                                 int(t.get("value") or 0), int(t.get("contribution") or 0))
             for t in plan.get("terms", [])}
    missed = compared.soft_missed
    book = plan.get("words") or {}
    return DecisionPlan(
        run_id=run.id, scenario_id=scenario.id, scenario_name=nfc(scenario.name), label=nfc(run.label or ""),
        relation=(_("Phương án được thông qua") if adopted else _("Phương án đề nghị")) if chosen
        else _relation(scenario, chosen_scenario_id),
        chosen=chosen, status=_(PLAN_STATUS[plan["status"]]) if plan.get("status") in PLAN_STATUS
        else plan.get("status") or "",
        objective=plan.get("objective"), gap=plan.get("gap"), terms=terms, moves=len(plan.get("moves", [])),
        open_before=int(figures.get("open_before", 0)), open_after=int(figures.get("open_after", 0)),
        soft_missed=[nfc(say(s["name"], book)) for s in missed], soft_short=sum(int(s["shortfall_after"]) for s in missed),
        hard_targets=sum(1 for s in plan.get("structure", []) if s.get("hard")),
        by_kind=_by_kind_words(compared.by_kind),
    )


def _by_kind_words(counts: dict[str, int]) -> dict[str, int]:
    """Moves per kind with the kind in words (Bổ nhiệm, Luân chuyển, ...), the kinds present."""
    return {_(vocab.MOVE_KIND.label(kind)): n for kind, n in counts.items() if n}


def _settings_words(settings: dict, unit_names: dict[str, str]) -> list[tuple[str, str]]:
    from quyhoach.services.rotation.settings import ScenarioSettings

    s = ScenarioSettings.from_dict(settings)
    def mode(code: str) -> str:
        return _(MODE_WORDS[code]) if code in MODE_WORDS else code

    lines = [
        (_("Phạm vi"), "; ".join(unit_names.get(c, c) for c in s.unit_codes) if s.unit_codes else _("toàn tỉnh")),
        (_("Lấp vị trí khuyết"), mode(s.fill_vacancies)),
        (_("Người giữ chức vụ nghỉ hưu trong vòng"),
         _("%(months)s tháng: vị trí được coi là khuyết", months=s.retiring_within_months)),
        (_("Người đứng đầu đủ số nhiệm kỳ liên tiếp"),
         _("luân chuyển ra ngoài phạm vi phương án") if s.term_limit_opens_post else _("không xét")),
        (_("Không là người địa phương"), _("bắt buộc") if s.non_local == "hard"
         else _("khuyến khích (trừ %(points)s điểm phù hợp)", points=s.non_local_penalty)),
    ]
    for attribute in ("female", "minority", "young"):
        t = s.targets.get(attribute)
        if t is None:
            continue
        words = mode(t.mode)
        if t.mode != "off":
            words += _(", tối thiểu %(share)s (đơn vị có từ %(seats)s vị trí)", share=percent(t.share),
                       seats=s.target_min_seats)
        lines.append((_("Chỉ tiêu %(target)s", target=_(TARGET_WORDS[attribute]).lower()), words))
    if s.max_leaving_per_unit is not None:
        lines.append((_("Số người đi tối đa mỗi đơn vị"), str(s.max_leaving_per_unit)))
    if s.max_arriving_per_unit is not None:
        lines.append((_("Số người đến tối đa mỗi đơn vị"), str(s.max_arriving_per_unit)))
    if s.resolve_family_conflicts:
        lines.append((_("Xung đột QĐ 114 đã có"), _("phương án phải giải quyết")))
    if s.pinned:
        lines.append((_("Bố trí cố định"), _("%(n)s trường hợp", n=len(s.pinned))))
    if s.forbidden:
        lines.append((_("Loại trừ"), _("%(n)s trường hợp", n=len(s.forbidden))))
    return [(label, nfc(value)) for label, value in lines]


def _rules_words(rules, rule_set_code: str, rule_set_name: str) -> list[tuple[str, str]]:
    def level(code: str) -> str:
        return _(vocab.DISCIPLINE_LEVEL.label(code)).lower()

    cooldown = "; ".join(_("%(level)s %(months)s tháng", level=level(code), months=months) if int(months) < 600
                         else _("%(level)s: không bố trí", level=level(code))
                         for code, months in (rules.discipline_cooldown_months or {}).items())
    lines = [
        (_("Căn cứ"), rule_set_name or _("các quy định hiện hành")),
        (_("Xếp loại các năm gần nhất"), _("%(years)s năm liền từ «%(rating)s» trở lên", years=rules.rating_years,
                                           rating=_(vocab.RATING.label(rules.rating_threshold)))),
        (_("Thời gian công tác còn lại tối thiểu"), _("%(months)s tháng", months=rules.min_service_months)),
        (_("Thời gian giữ chức vụ trước khi luân chuyển"), _("tối thiểu %(months)s tháng", months=rules.min_tenure_months)),
        (_("Người đứng đầu ở một nơi"), _("không quá %(n)s nhiệm kỳ liên tiếp", n=rules.head_term_limit)),
    ]
    if cooldown:
        lines.append((_("Thời hạn sau kỷ luật"), cooldown))
    return [(label, nfc(value)) for label, value in lines]


def resolution_words(decision_no: str, on: dt.date | None) -> str:
    """"Nghị quyết số 15-NQ/TU ngày 01/06/2026" from the number as recorded (with or without
    its own "Nghị quyết số")."""
    number = nfc(decision_no or "").strip()
    for prefix in ("Nghị quyết số ", "Nghị quyết ", "NQ số ", "Số "):
        if number.lower().startswith(prefix.lower()):
            number = number[len(prefix):]
    return _("Nghị quyết số %(number)s", number=number) + (_(" ngày %(date)s", date=format_date(on)) if on else "")


def plan_words(p: DecisionPlan, who: str) -> str:
    """A plan as a Standing Committee reads it: who moves, vacancies filled, targets met."""
    kinds = ", ".join(_("%(n)s lượt %(kind)s", n=n, kind=kind.lower()) for kind, n in p.by_kind.items())
    filled = max(0, p.open_before - p.open_after)
    targets = (_("đạt mọi chỉ tiêu cơ cấu") if not p.soft_missed else
               _("còn %(n)s chỉ tiêu cơ cấu khuyến khích chưa đạt (thiếu %(short)s người)", n=len(p.soft_missed),
                 short=p.soft_short))
    return nfc(_("%(who)s có %(moves)s lượt điều động", who=who, moves=p.moves) + (f" ({kinds})" if kinds else "")
               + _("; lấp được %(filled)s/%(open)s vị trí trống (còn trống %(left)s); %(targets)s.", filled=filled,
                   open=p.open_before, left=p.open_after, targets=targets))


def _nfc_lines(text: str) -> str:
    """NFC line by line: a cell's line breaks kept (`nfc` folds every white space)."""
    return "\n".join(nfc(line) for line in text.split("\n"))


def comparison_table(plans: list[DecisionPlan]) -> DocTable:
    """The plans compared, one row each (the chosen one first), in words: the moves by kind,
    the vacancies filled, the structure targets still short."""
    rows = []
    for index, p in enumerate(plans):
        name = f"{p.scenario_name}\n({p.relation.lower()}" + (f": {p.label}" if p.label else "") + ")"
        moves = f"{p.moves}" + ("\n" + ", ".join(f"{k.lower()} {n}" for k, n in p.by_kind.items()) if p.by_kind else "")
        missed = (_("Đạt tất cả") if not p.soft_missed else
                  _("%(n)s chỉ tiêu chưa đạt, thiếu %(short)s người:", n=len(p.soft_missed), short=p.soft_short) + "\n"
                  + "\n".join(f"- {n}" for n in p.soft_missed[:4])
                  + ("\n" + _("… và %(n)s chỉ tiêu khác", n=len(p.soft_missed) - 4) if len(p.soft_missed) > 4 else ""))
        rows.append([index + 1, _nfc_lines(name), moves, f"{max(0, p.open_before - p.open_after)}/{p.open_before}",
                     _nfc_lines(missed)])
    return DocTable([_("STT"), _("Phương án"), _("Lượt điều động"), _("Vị trí trống được lấp"), _("Chỉ tiêu cơ cấu")],
                    [1.0, 4.4, 3.0, 2.2, 5.9], rows, ["right", "left", "left", "right", "left"])


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
        raise ReportError(_("mã phương án hoặc lần giải không hợp lệ")) from None
    scenario = session.get(Scenario, scenario_id)
    if scenario is None:
        raise ReportError(_("không có phương án số %(id)s", id=scenario_id))
    adoption = session.exec(select(Adoption).where(Adoption.scenario_id == scenario.id)).first()
    if adoption is not None:
        if run_id is not None and run_id != adoption.run_id:
            raise ReportError(_("phương án đã được thông qua theo lần giải #%(adopted)s, không phải lần giải #%(run)s",
                                adopted=adoption.run_id, run=run_id))
        run_id = adoption.run_id
    if run_id is None:
        run_id = session.exec(select(SolveRun.id).where(SolveRun.scenario_id == scenario.id,
                                                        SolveRun.status == "done")
                              .order_by(SolveRun.id.desc())).first()
        if run_id is None:
            raise ReportError(_("phương án «%(name)s» chưa có lần giải nào có phương án", name=scenario.name))
    run = session.get(SolveRun, run_id)
    if run is None or run.scenario_id != scenario.id:
        raise ReportError(_("phương án «%(name)s» không có lần giải #%(run)s", name=scenario.name, run=run_id))
    if run.status != "done" or not run.plan:
        raise ReportError(_("lần giải #%(run)s chưa có phương án", run=run.id))

    progress(0.1, Phrase(N_("Đọc phương án và các phương án so sánh")))
    problem_data = run.problem or {}
    weights, rules = _frozen_numbers(problem_data)
    plan = run.plan
    book = plan.get("words") or {}
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

    progress(0.3, Phrase(N_("Các lượt điều động và chuỗi vị trí trống")))
    cadres = scenario_views.cadres_of(problem_data)
    posts = {p["id"]: {**p, "name": _no_seat(p.get("name") or "")} for p in problem_data.get("posts", [])}
    units = {u["id"]: u.get("name") or u["id"] for u in problem_data.get("units", [])}
    post_name = lambda post_id: nfc(posts.get(post_id, {}).get("name") or post_id or "")  # noqa: E731
    ordered = sorted(plan.get("moves", []), key=lambda m: (units.get(m.get("to_unit"), ""), m["to_post"]))
    moves = []
    for number, m in enumerate(ordered, start=1):
        c = cadres.get(m["cadre"], {})
        moves.append(DecisionMove(
            number=number, cadre_code=m["cadre"], cadre_name=nfc(c.get("name") or m["cadre"]), age=c.get("age"),
            sex=_(vocab.SEX.label(c.get("sex", "M"))), minority=bool(c.get("minority")),
            from_post=post_name(m.get("from_post")) if m.get("from_post") else "",
            from_unit=nfc(units.get(m.get("from_unit"), m.get("from_unit") or "")) if m.get("from_post") else "",
            to_post=post_name(m["to_post"]), to_unit=nfc(units.get(m.get("to_unit"), m.get("to_unit") or "")),
            kind=_(MOVE_KINDS[m["kind"]]) if m.get("kind") in MOVE_KINDS else m.get("kind") or "",
            fit=int(m.get("fit") or 0), development=int(m.get("development") or 0),
            reasons=[_named(say(r, book), units) for r in m.get("reasons", []) if not r.startswith(SOLVER_TERMS)],
            act=_(vocab.MOVE_KIND.label(m.get("move_kind") or "rotation"))))
    chains = []
    drawn = plan_chains.drawn_number(plan)   # numbered as the graph numbers them
    ordered_chains = sorted(plan_chains.plan_chains(plan),
                            key=lambda ch: drawn.get(frozenset(ch.get("cadres", [])), len(drawn)))
    for number, ch in enumerate(ordered_chains, start=1):
        chains.append(DecisionChain(number, ch["kind"], _("Vòng") if ch["kind"] == "cycle" else _("Chuỗi"),
                                    len(ch.get("cadres", [])), nfc(_no_seat(say(ch.get("text", ""), book))),
                                    post_name(ch["opens"]) if ch.get("opens") else ""))

    progress(0.45, Phrase(N_("Vẽ sơ đồ các chuỗi điều động")))
    graph_words = {key: _(words) for key, words in vocab.ROTATION_GRAPH_WORDS.items()}
    svg = drawings.rotation_graph(plan, cadres, posts, units, drawings.GraphLabels(**graph_words),
                                  per_line=charts.GRAPH_PER_LINE)
    graph = charts.rotation_graph(str(svg), _("Sơ đồ các chuỗi vị trí trống và vòng luân chuyển — phương án «%(name)s»",
                                              name=scenario.name))

    progress(0.6, Phrase(N_("Cơ cấu trước và sau")))
    targets = [DecisionTarget(nfc(say(s["name"], book)), bool(s["hard"]), int(s["seats"]), s.get("need"), s.get("cap"),
                              int(s["before"]), int(s["after"]), int(s["shortfall_before"]), int(s["shortfall_after"]))
               for s in plan.get("structure", [])]
    targets.sort(key=lambda t: (t.passed, t.before == t.after, t.name))
    levels = []
    index = next(i for i, r in enumerate(comparison.runs) if r.run.id == run.id)
    order = [None, *LEVEL_NAMES]
    whole = _("Tất cả vị trí trong phương án")
    for block in sorted(comparison.levels, key=lambda b: order.index(b["level"]) if b["level"] in order else 99):
        p = block["runs"][index]
        if not p["seats"]:
            continue
        scope = level_name(block["level"]) if block["level"] else whole
        for attribute in ("female", "minority", "young"):
            label = _(ATTRIBUTE_WORDS[attribute])
            if attribute == "young" and block.get("young_age"):
                label = _("Trẻ (dưới %(age)s tuổi)", age=block["young_age"])
            levels.append(DecisionLevelRow(scope, attribute, label, p["seats"], int(p["before"].get(attribute, 0)),
                                           int(p["after"].get(attribute, 0))))
    shares = {a: t.share for a, t in ScenarioSettings.from_dict(
        adoption.settings if adoption else scenario.settings).targets.items() if t.mode != "off"}
    everything = _("tất cả")
    bars = [charts.BeforeAfter(f"{row.label.split(' (')[0]} · {row.scope if row.scope != whole else everything}",
                               row.before_share, row.after_share,
                               f"{row.before}/{row.seats} → {row.after}/{row.seats}", shares.get(row.attribute))
            for row in levels if row.before or row.after or row.attribute in shares]
    drawn = {"graph": graph}
    if bars:
        drawn["structure"] = charts.structure_before_after(
            bars, _("Cơ cấu lãnh đạo các vị trí trong phương án, trước và sau (vạch đen: chỉ tiêu tối thiểu của mỗi "
                    "đơn vị)"))

    rule_set = session.exec(select(RuleSet).where(RuleSet.code == run.rule_set)).first()
    rule_set_name = rule_set.legal_basis if rule_set else ""
    weights = [(_(WEIGHT_WORDS[name][0]), int(getattr(weights, name)), _(WEIGHT_WORDS[name][1]))
               for name in ("fit", "development", "structure", "moves", "baseline")]
    settings_words = _settings_words(adoption.settings if adoption else scenario.settings, units)

    filled = sum(1 for m in moves if m.kind == _(MOVE_KINDS["fills_vacancy"]))
    cycles = sum(1 for c in chains if c.kind == "cycle")
    met_before = sum(1 for t in targets if t.shortfall_before == 0)
    met_after = sum(1 for t in targets if t.passed)
    summary = [
        _("Phương án «%(name)s», ngày luân chuyển %(date)s: %(moves)s lượt điều động (%(filled)s lượt lấp vị trí trống, "
          "%(replaced)s lượt thay người chuyển đi), %(chains)s chuỗi vị trí trống và %(cycles)s vòng luân chuyển; số vị "
          "trí còn trống %(before)s trước, %(after)s sau phương án", name=scenario.name,
          date=format_date(scenario.rotation_date), moves=len(moves), filled=filled, replaced=len(moves) - filled,
          chains=len(chains) - cycles, cycles=cycles, before=chosen.open_before, after=chosen.open_after)
        + (": " + ", ".join(_("%(n)s lượt %(kind)s", n=n, kind=kind.lower()) for kind, n in chosen.by_kind.items())
           if chosen.by_kind else "")
        + ".",
    ]
    if targets:
        summary.append(_("Chỉ tiêu cơ cấu: %(after)s/%(n)s chỉ tiêu đạt sau phương án (trước: %(before)s/%(n)s)",
                         after=met_after, n=len(targets), before=met_before)
                       + (_("; %(missed)s chỉ tiêu khuyến khích còn thiếu %(short)s người", missed=len(chosen.soft_missed),
                            short=chosen.soft_short) if chosen.soft_missed else "")
                       + ".")
    if alternatives:
        summary.append(_("Đã so sánh với %(n)s phương án khác (mục II).",
                         n=len(alternatives) + max(0, len(others) - len(shown))))
    resolution = (resolution_words(adoption.decision_no, adoption.signed_on or adoption.adopted_on)
                  if adoption is not None else "")
    if adoption is not None:
        summary.append(_("Ban Thường vụ Tỉnh ủy đã thông qua phương án tại %(resolution)s, hiệu lực từ ngày %(date)s.",
                         resolution=resolution, date=format_date(adoption.adopted_on)))
        closing = [_("Thực hiện %(resolution)s của Ban Thường vụ Tỉnh ủy, các cơ quan, đơn vị có cán bộ được điều động "
                     "(Phụ lục 1) tổ chức bàn giao công việc và bố trí cán bộ theo phương án từ ngày %(date)s; danh sách "
                     "quy hoạch của các chức danh đã bố trí được cập nhật (cán bộ đã được bổ nhiệm vào chức danh quy "
                     "hoạch ra khỏi danh sách quy hoạch chức danh đó).", resolution=resolution,
                     date=format_date(adoption.adopted_on))]
    else:
        closing = [_("Ban Tổ chức Tỉnh ủy kính trình Ban Thường vụ Tỉnh ủy xem xét, quyết định phương án luân chuyển cán "
                     "bộ «%(name)s» với %(moves)s lượt điều động (Phụ lục 1) và các chuỗi vị trí trống, vòng luân "
                     "chuyển (Phụ lục 2), hiệu lực từ ngày %(date)s.", name=scenario.name, moves=len(moves),
                     date=format_date(scenario.rotation_date))]
    kind = "BÁO CÁO" if adoption else "TỜ TRÌNH"
    head = heading(world, _("Phương án luân chuyển cán bộ «%(name)s»", name=scenario.name), world.on, kind=kind,
                   choice=choice, draft=adoption is None,
                   addressee="" if adoption else _("Kính gửi: Ban Thường vụ Tỉnh ủy"))
    if adoption is None:
        head.recipients = [_("- Như trên,"), _("- Thường trực Tỉnh ủy (để b/c),"), f"- {head.issuer.archive}."]
    else:
        head.recipients = letterhead.default_recipients(head.issuer, units=_("Các cơ quan, đơn vị có cán bộ điều động"))
    summary.insert(1, plan_words(chosen, _("Phương án")))
    progress(0.7, Phrase(N_("Xong số liệu")))
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
        alternative_words=[plan_words(p, _("Phương án «%(name)s»", name=p.scenario_name) + f" ({p.relation.lower()}"
                                         + (f": {p.label}" if p.label else "") + ")") for p in alternatives],
        warnings=[nfc(say(w, book)) for w in plan.get("warnings", [])],
        charts=drawn, on=world.on,
    )


# The solver's own figures among a move's reasons (the development term of its objective):
# the officials' paper says why in words (the candidate's reasons say where and how).
SOLVER_TERMS = ("Giá trị phát triển",)


# A title with several seats (two deputy chairs) has its posts told apart on the pages by
# "(ghế 2)"; a paper names the post by its title, as it is signed.
_SEAT = re.compile(r"\s*\(ghế \d+\)")


def _no_seat(text: str) -> str:
    return _SEAT.sub("", text)


def _named(text: str, units: dict[str, str]) -> str:
    """A move's reason with the units it names by code named by name (the solver words its
    reasons with the codes it was given), and the posts by their titles (`_no_seat`)."""
    text = _no_seat(text)
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
