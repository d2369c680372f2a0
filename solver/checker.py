"""The independent checker: verifies every hard rule of a plan and recomputes its objective.

It reads only the problem and the plan's moves. It does not use OR-Tools, nor the
solver's compiled instance or eligibility code: every rule is written again here, in
plain loops, from RULES.md, so that a mistake in the solver does not hide itself.

    report = check(problem, plan)
    assert report.ok, report.violations
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .model import Cadre, Candidate, Plan, Post, Problem, Rules, Target

_RATING = {"fail": 0, "complete": 1, "good": 2, "excellent": 3}


@dataclass
class Violation:
    rule: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


@dataclass
class CheckReport:
    violations: list[Violation] = field(default_factory=list)
    objective: int | None = None
    terms: dict[str, int] = field(default_factory=dict)        # term name -> contribution
    values: dict[str, int] = field(default_factory=dict)       # term name -> raw value

    @property
    def ok(self) -> bool:
        return not self.violations

    def add(self, rule: str, message: str) -> None:
        self.violations.append(Violation(rule, message))

    def __str__(self) -> str:
        if self.ok:
            return f"Phương án hợp lệ; mục tiêu {self.objective}."
        return "\n".join(str(v) for v in self.violations)


def check(problem: Problem, plan: Plan, *, check_objective: bool = True) -> CheckReport:
    """Check a plan (status optimal or feasible) against the problem."""
    report = CheckReport()
    rules, weights = problem.rules, problem.weights
    units = {u.id: u for u in problem.units}
    posts = {p.id: p for p in problem.posts}
    cadres = {c.id: c for c in problem.cadres}
    current = {p.holder: p.id for p in problem.posts if p.holder is not None}

    def unit_now(cadre_id: str) -> str | None:
        return posts[current[cadre_id]].unit if cadre_id in current else cadres[cadre_id].unit

    def locality_of(post: Post) -> str | None:
        if post.locality is not None:
            return post.locality
        unit = units.get(post.unit)
        return unit.locality if unit else None

    # ---- the moves themselves
    moved: dict[str, str] = {}
    m_kind = {m.cadre: m.move_kind for m in plan.moves}
    for m in plan.moves:
        if m.cadre not in cadres or m.to_post not in posts:
            report.add("reference", f"Điều động {m.cadre} → {m.to_post}: không có cán bộ hoặc vị trí này.")
            continue
        if m.cadre in moved:
            report.add("one_move", f"Cán bộ {m.cadre} được điều động hơn một lần.")
            continue
        if current.get(m.cadre) == m.to_post:
            report.add("one_move", f"Cán bộ {m.cadre} 'điều động' đến chính vị trí đang giữ.")
            continue
        if m.from_post != current.get(m.cadre):
            report.add("reference", f"Điều động {m.cadre}: vị trí đi {m.from_post} không phải vị trí đang giữ "
                                    f"{current.get(m.cadre)}.")
        moved[m.cadre] = m.to_post

    # ---- the resulting holders
    final: dict[str, list[str]] = {p.id: [] for p in problem.posts}     # post -> cadres ending there
    for c in problem.cadres:
        place = moved.get(c.id, current.get(c.id))
        if place is not None:
            final[place].append(c.id)
    for pid, holders in final.items():
        if len(holders) > 1:
            report.add("one_holder", f"Vị trí {pid} có {len(holders)} người: {', '.join(sorted(holders))}.")
        if posts[pid].must_fill and not holders:
            report.add("must_fill", f"Vị trí {pid} phải có người nhưng để trống.")
    final_post = {c: p for p, hs in final.items() for c in hs}

    # ---- each move is a proposed pair (or pinned) and passes every attribute rule
    candidates: dict[tuple[str, str], Candidate] = {}
    for proposal in problem.candidates:
        candidates.setdefault((proposal.cadre, proposal.post), proposal)
    pinned = {a.cadre: a.post for a in problem.pinned}
    forbidden = {(a.cadre, a.post) for a in problem.forbidden if a.post is not None}
    for cid, pid in moved.items():
        c, p = cadres[cid], posts[pid]
        cand = candidates.get((cid, pid))
        if cand is None and pinned.get(cid) != pid:
            report.add("candidate", f"Điều động {cid} → {pid} không có trong danh sách đề xuất.")
        kind = cand.kind if cand is not None else "rotation"
        if kind not in _KINDS:
            report.add("kind", f"Điều động {cid} → {pid}: loại điều động «{kind}» không hợp lệ.")
        if m_kind.get(cid, kind) != kind:
            report.add("kind", f"Điều động {cid} → {pid}: ghi là «{m_kind[cid]}», đề xuất là «{kind}».")
        for rule, message in _move_failures(c, p, rules, locality_of(p), kind):
            report.add(rule, f"Điều động {cid} → {pid}: {message}")
        if cand is not None and cand.precheck:
            report.add("precheck", f"Điều động {cid} → {pid}: không đạt kiểm tra quy hoạch ({', '.join(cand.precheck)}).")
        if (cid, pid) in forbidden:
            report.add("forbidden", f"Điều động {cid} → {pid} bị loại trừ trong kịch bản.")

    # ---- a forbidden stay (`post: null`): the cadre may not stay
    for a in problem.forbidden:
        if a.post is None and a.cadre in cadres and a.cadre not in moved:
            report.add("forbidden", f"{a.cadre} không được ở lại theo kịch bản nhưng vẫn ở lại.")

    # ---- heads at the end of their consecutive terms do not stay
    for cid, pid in current.items():
        c, p = cadres[cid], posts[pid]
        if cid not in moved and p.is_head and c.head_unit == p.unit and c.head_terms >= rules.head_term_limit:
            report.add("head_terms", f"{cid} đã {c.head_terms} nhiệm kỳ liên tiếp là người đứng đầu tại {p.unit} "
                                     f"nhưng vẫn ở lại.")

    # ---- pinned moves
    for a in problem.pinned:
        want = a.post if a.post is not None else current.get(a.cadre)
        got = final_post.get(a.cadre)
        if a.post is None and a.cadre in moved:
            report.add("pinned", f"{a.cadre} được cố định ở lại nhưng bị điều động.")
        elif a.post is not None and got != want:
            report.add("pinned", f"{a.cadre} được cố định sang {a.post} nhưng kết quả là {got}.")

    # ---- per-unit limits on leavers and arrivals
    # (one pass over the moves, counted by unit; not the moves rescanned for each unit)
    leavers: dict[str | None, int] = {}
    arrivals: dict[str, int] = {}
    for cid, pid in moved.items():
        origin, destination = unit_now(cid), posts[pid].unit
        if origin != destination:
            leavers[origin] = leavers.get(origin, 0) + 1
            arrivals[destination] = arrivals.get(destination, 0) + 1
    for u in problem.units:
        leaving = leavers.get(u.id, 0)
        arriving = arrivals.get(u.id, 0)
        if u.max_leaving is not None and leaving > u.max_leaving:
            report.add("leave", f"Đơn vị {u.id}: {leaving} người chuyển đi, tối đa {u.max_leaving}.")
        if u.max_arriving is not None and arriving > u.max_arriving:
            report.add("arrive", f"Đơn vị {u.id}: {arriving} người chuyển đến, tối đa {u.max_arriving}.")

    # ---- QĐ 114 across the resulting leadership
    kinds = set(rules.family_kinds)
    for rel in problem.relations:
        if rel.kind not in kinds or rel.a == rel.b:
            continue
        pa, pb = final_post.get(rel.a), final_post.get(rel.b)
        if pa is None or pb is None:
            continue
        a_post, b_post = posts[pa], posts[pb]
        if (a_post.collective or a_post.unit) == (b_post.collective or b_post.unit):
            report.add("family", f"{rel.a} và {rel.b} ({rel.kind}) cùng trong tập thể lãnh đạo "
                                 f"{a_post.collective or a_post.unit}.")
        for top, head in ((a_post, b_post), (b_post, a_post)):
            if (top.top_leader and head.is_head and head.sector and locality_of(top) is not None
                    and locality_of(top) == locality_of(head)):
                report.add("family", f"{rel.a} và {rel.b} ({rel.kind}): bí thư/chủ tịch và người đứng đầu ngành "
                                     f"{head.sector} cùng tại {locality_of(top)}.")

    # ---- structure targets
    # The posts of each unit and of each level, gathered once (not every post rescanned for each
    # target), and the count of a scope's holders with an attribute counted once per scope.
    posts_of_unit: dict[str, list[Post]] = {}
    posts_of_level: dict[str, list[Post]] = {}
    for p in problem.posts:
        posts_of_unit.setdefault(p.unit, []).append(p)
        unit = units.get(p.unit)
        if unit is not None:
            posts_of_level.setdefault(unit.level, []).append(p)
    counted: dict[tuple[str, str | None, str, int | None, int | None], int] = {}
    shortfall = 0
    structure_penalty = 0
    for t in problem.targets:
        scope_key: tuple[str, str | None]
        if t.unit is not None:
            scope_key = ("unit", t.unit)
            scope = posts_of_unit.get(t.unit, [])
        else:
            scope_key = ("level", t.level)
            scope = posts_of_level.get(t.level, []) if t.level is not None else []
        seats = len(scope)
        need = cap = None
        if t.min_count is not None:
            need = t.min_count
        if t.min_share is not None:
            need = max(need or 0, math.ceil(t.min_share * seats - 1e-9))
        if t.max_count is not None:
            cap = t.max_count
        if t.max_share is not None:
            share_cap = math.floor(t.max_share * seats + 1e-9)
            cap = share_cap if cap is None else min(cap, share_cap)
        key = (*scope_key, t.attribute, t.min_age, t.max_age)
        if key not in counted:
            counted[key] = sum(1 for p in scope for cid in final[p.id] if _has(cadres[cid], t))
        count = counted[key]
        off = (max(0, need - count) if need is not None else 0) + (max(0, count - cap) if cap is not None else 0)
        if t.hard and off:
            report.add("target", f"Cơ cấu bắt buộc {t.id}: có {count}, yêu cầu "
                                 f"{'≥ ' + str(need) if need is not None else ''}{' ≤ ' + str(cap) if cap is not None else ''}.")
        elif not t.hard:
            shortfall += off
            structure_penalty += (t.weight if t.weight is not None else weights.structure) * off

    # ---- the objective, term by term
    fit = development = 0
    for c in problem.cadres:
        if c.id in moved:
            cand = candidates.get((c.id, moved[c.id]))
            if cand is not None:
                fit += cand.fit
                development += cand.development
        elif c.id in current:
            fit += c.current_fit
    baseline = {a.cadre: a.post for a in problem.baseline}
    distance = 0
    for c in problem.cadres:
        want = baseline.get(c.id)
        if want is None:
            want = current.get(c.id)
        if final_post.get(c.id) != want:
            distance += 1
    n_moves = len(moved)
    report.values = {"fit": fit, "development": development, "structure": shortfall, "moves": n_moves,
                     "baseline": distance}
    report.terms = {"fit": weights.fit * fit, "development": weights.development * development,
                    "structure": -structure_penalty, "moves": -weights.moves * n_moves,
                    "baseline": -weights.baseline * distance}
    report.objective = sum(report.terms.values())
    if check_objective and plan.objective is not None:
        if plan.objective != report.objective:
            report.add("objective", f"Mục tiêu ghi {plan.objective}, tính lại được {report.objective}.")
        for term in plan.terms:
            if term.name in report.terms and term.contribution != report.terms[term.name]:
                report.add("objective", f"Thành phần {term.name}: ghi {term.contribution}, tính lại "
                                        f"{report.terms[term.name]}.")
        if plan.bound is not None and plan.objective > plan.bound:
            report.add("bound", f"Mục tiêu {plan.objective} vượt cận trên {plan.bound}.")
    return report


_KINDS = ("appointment", "rotation", "transfer", "secondment")


def _move_failures(c: Cadre, p: Post, rules: Rules, locality: str | None,
                   kind: str = "rotation") -> list[tuple[str, str]]:
    """RULES.md §5 and §9 (and P13), for one move of its kind, written independently of
    solver.eligibility: an appointment (QĐ 377 art. 34) needs a pool, the ratings, 60 months
    left, a post not lower, no discipline cooldown; a rotation (QĐ 65) R1–R9; a transfer or a
    secondment a post not higher."""
    out = []
    rotation, appointment = kind == "rotation", kind == "appointment"
    if (rotation or appointment) and rules.require_pool and not c.in_pool:
        out.append(("pool", "không có trong danh sách quy hoạch (R1)"))
    recent = list(c.ratings[: rules.rating_years])
    need = _RATING[rules.rating_threshold]
    if (rotation or appointment) and (len(recent) < rules.rating_years
                                      or not all(r is not None and _RATING.get(r, -1) >= need for r in recent)):
        out.append(("rating", f"xếp loại {rules.rating_years} năm gần nhất chưa đạt ({recent})"))
    if rotation and c.months_service_left < rules.min_service_months:
        out.append(("service", f"còn {c.months_service_left} tháng công tác < {rules.min_service_months} (R7)"))
    if appointment and c.months_service_left < rules.appointment_min_service_months:
        out.append(("service", f"còn {c.months_service_left} tháng công tác < {rules.appointment_min_service_months} "
                               "khi bổ nhiệm"))
    up = p.rank - c.rank
    if rotation and (up < 0 or up > (rules.rank_step_outstanding if c.outstanding else 0)):
        out.append(("rank", f"chênh lệch chức vụ {up:+d} (R6)"))
    if appointment and up < 0:
        out.append(("rank", f"bổ nhiệm vào vị trí thấp hơn ({up:+d})"))
    if kind in ("transfer", "secondment") and up > 0:
        out.append(("rank", f"{kind} lên vị trí cao hơn ({up:+d})"))
    if p.non_local and locality is not None and locality in c.home_localities:
        out.append(("non_local", f"là người địa phương {locality} (R4)"))
    missing = [q for q in p.requires if q not in c.qualifications]
    if missing:
        out.append(("qualification", f"thiếu tiêu chuẩn {', '.join(missing)}"))
    d = c.discipline
    if d is not None:
        judged = d.in_force_appointment if appointment and d.in_force_appointment is not None else d.in_force
        active = judged if judged is not None else d.months_since < rules.discipline_cooldown_months.get(d.level, 0)
        if active and (appointment or rules.discipline_scope == "any" or up > 0):
            out.append(("discipline", f"còn trong thời hạn kỷ luật {d.level} (P13)"))
    if rotation and c.months_in_post < rules.min_tenure_months:
        out.append(("tenure", f"mới giữ chức vụ {c.months_in_post} tháng < {rules.min_tenure_months} (R8)"))
    if p.is_head and c.head_unit == p.unit and c.head_terms >= rules.head_term_limit:
        out.append(("head_terms", f"đã {c.head_terms} nhiệm kỳ người đứng đầu tại {p.unit} (R5)"))
    return out


def _has(cadre: Cadre, target: Target) -> bool:
    if target.attribute == "female":
        return cadre.sex == "F"
    if target.attribute == "minority":
        return cadre.minority
    low = target.min_age if target.min_age is not None else -1
    high = target.max_age if target.max_age is not None else 10_000
    return low <= cadre.age < high
