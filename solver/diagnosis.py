"""When no plan exists: the smallest set of rules found in conflict, in the users' words.

The attribute rules of a move (pool, ratings, service left, rank, non-local, qualifications,
discipline, tenure) are the law of the land: the diagnosis never proposes to relax them,
it names them to explain why a post has no usable candidate. What it relaxes are the
scenario's rules: a post that must be filled, a unit's limit on leavers or arrivals, a
family relation (QĐ 114), a hard structure target, a pinned or forbidden move, a head's
term limit. Each instance gets a guard literal; with every guard on, the diagnosis model is
the original problem, so its first solve re-checks the infeasible verdict.

1. Quick checks find the usual culprit without search: a post that must be filled, or a
   cadre who must move, with no usable option.
2. Otherwise CP-SAT solves with every guard as an assumption and returns a core.
3. The set is shrunk by deletion (drop a guard, re-solve: still infeasible? then it was
   not needed) until every guard is needed: an irreducible conflict. Sets without any row
   are checked by the min-cost flow in milliseconds.
4. It is re-checked: infeasible with exactly these guards on.
5. Each guard is rendered in Vietnamese with the facts behind it: the rules that block a
   post's candidates, how many eligible people could meet a target.
"""

from __future__ import annotations

import itertools
import time
from typing import TypeVar
from collections.abc import Hashable

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from .cpsat import RotationModel
from .guards import ELIGIBILITY, ELIGIBILITY_BITS, GuardKey, option_guard_keys
from .instance import RULE_BIT, Instance, Row, compile_problem
from .messages import ATTRIBUTE_LABELS, N_, Said, join_vi, rule_requirement, rule_title
from .model import Conflict, Diagnosis, OpenPost, Problem
from .relax import flow_relaxation

K = TypeVar("K", bound=Hashable)

ROW_KINDS = ("leave", "arrive", "family", "target")


# --------------------------------------------------------------------------------------
# Guards of options


def _failed_attributes(inst: Instance, o: int) -> set[str]:
    mask = int(inst.fail[o])
    return {rule for rule in ELIGIBILITY if mask & RULE_BIT[rule]}


# --------------------------------------------------------------------------------------
# Quick checks


def _smallest_hitting_set(sets: list[set[K]]) -> set[K]:
    """The smallest set of keys meeting every set (exhaustive up to 4 keys, then greedy)."""
    universe = sorted({k for s in sets for k in s}, key=repr)
    for size in range(1, min(4, len(universe)) + 1):
        for combo in itertools.combinations(universe, size):
            picked = set(combo)
            if all(s & picked for s in sets):
                return picked
    chosen: set[K] = set()
    remaining = [s for s in sets]
    while remaining:
        best = max(universe, key=lambda k: sum(1 for s in remaining if k in s))
        chosen.add(best)
        remaining = [s for s in remaining if best not in s]
    return chosen


def quick_conflicts(inst: Instance) -> list[set[GuardKey]]:
    """Posts that must be filled and cadres that must end somewhere, with no usable option:
    the smallest set of scenario guards that blocks all of their options."""
    conflicts: list[set[GuardKey]] = []
    into: dict[int, list[int]] = {}
    for opt in np.flatnonzero(inst.opt_post >= 0):
        into.setdefault(int(inst.opt_post[opt]), []).append(int(opt))
    for j in np.flatnonzero(inst.post_must):
        keys = [option_guard_keys(inst, o) for o in into.get(int(j), [])]
        usable = [set(k) for k in keys if k is not None]
        if not any(not k for k in usable):
            conflicts.append({("must_fill", inst.post_ids[j])} | _smallest_hitting_set(usable))
    by_cadre: dict[int, list[int]] = {}
    for o in range(len(inst.opt_cadre)):
        by_cadre.setdefault(int(inst.opt_cadre[o]), []).append(o)
    for opts in by_cadre.values():
        keys = [option_guard_keys(inst, o) for o in opts]
        usable = [set(k) for k in keys if k is not None]
        if not any(not k for k in usable):
            conflicts.append(_smallest_hitting_set(usable))
    conflicts = [c for c in conflicts if c]
    conflicts.sort(key=len)
    return conflicts


# --------------------------------------------------------------------------------------
# The search


class Diagnoser:
    def __init__(self, inst: Instance, *, time_limit: float, workers: int = 1, seed: int = 0) -> None:
        self.inst = inst
        self.time_limit = time_limit
        self.deadline = time.perf_counter() + time_limit
        self.workers, self.seed = workers, seed
        self.keys_of = {o: option_guard_keys(inst, o) for o in range(len(inst.opt_cadre))}
        self.usable = np.array([o for o, k in self.keys_of.items() if k is not None], dtype=np.int64)
        self.rm = RotationModel(inst, self.usable, diagnostic=True, with_objective=False)
        self.all_keys = sorted(self.rm.guards, key=repr)
        self.solves = 0

    def _left(self) -> float:
        return self.deadline - time.perf_counter()

    def _status(self, enforced: set[GuardKey]) -> tuple[str, list[GuardKey]]:
        """Feasibility with exactly the `enforced` guards on (the others off)."""
        self.solves += 1
        if not any(k[0] in ROW_KINDS for k in enforced):
            return self._flow_status(enforced), []
        if self._everyone_stays(enforced):
            return "FEASIBLE", []
        literals = [self.rm.guard(k) if k in enforced else self.rm.guard(k).Not() for k in self.all_keys]
        self.rm.hint(self.inst.stay_option)
        # each check may use all the time left of the user's limit: the first one (the whole
        # model) decides whether there is anything to shrink at all
        result = self.rm.solve(time_limit=max(0.05, self._left()), workers=self.workers,
                               seed=self.seed, assumptions=literals, lp_heavy=True)
        core_keys = []
        if result.status == "INFEASIBLE":
            by_index = {self.rm.guards[k].index: k for k in self.all_keys}
            core_keys = [by_index[i] for i in result.core if i in by_index and by_index[i] in enforced]
        return result.status, core_keys

    def _blocked(self, o: int, enforced: set[GuardKey]) -> bool:
        """Option `o` is never usable, or needs one of the `enforced` guards off."""
        keys = self.keys_of[o]
        return keys is None or bool(set(keys) & enforced)

    def _everyone_stays(self, enforced: set[GuardKey]) -> bool:
        """Whether nobody moving keeps every enforced guard (the usual answer once the
        conflicting rules are dropped): then no search is needed."""
        inst = self.inst
        stays = inst.stay_option
        if any(self._blocked(int(o), enforced) for o in stays):
            return False
        chosen = np.zeros(len(inst.opt_cadre), dtype=bool)
        chosen[stays] = True
        for key in enforced:
            if key[0] == "must_fill" and inst.post_holder[inst.post_index[key[1]]] < 0:
                return False
        for row in inst.rows:
            kind = "family" if row.kind.startswith("family") else row.kind
            if (kind, row.subject) not in enforced:
                continue
            count = int(chosen[row.options].sum())
            if (row.lo is not None and count < row.lo) or (row.hi is not None and count > row.hi):
                return False
        return True

    def _flow_status(self, enforced: set[GuardKey]) -> str:
        """No row among the guards: the min-cost flow decides."""
        allowed = np.array([o for o in self.usable if not self._blocked(int(o), enforced)], dtype=np.int64)
        must = np.zeros(self.inst.n_posts, dtype=bool)
        for key in enforced:
            if key[0] == "must_fill":
                must[self.inst.post_index[key[1]]] = True
        return "FEASIBLE" if flow_relaxation(self.inst, allowed, must).feasible else "INFEASIBLE"

    def run(self) -> tuple[bool | None, Diagnosis]:
        """(infeasible?, diagnosis). infeasible is None when the check ran out of time."""
        everything = set(self.all_keys)
        quick = [c for c in quick_conflicts(self.inst) if c <= everything]
        start = None
        for candidate in quick:
            if self._status(candidate)[0] == "INFEASIBLE":
                start = candidate          # a subset is infeasible, so the whole problem is
                break
        if start is None:
            status, core = self._status(everything)
            if status in ("FEASIBLE", "OPTIMAL"):
                return False, Diagnosis(summary=Said(N_("Kiểm tra lại: bài toán có phương án.")))
            if status != "INFEASIBLE":
                return None, Diagnosis(summary=out_of_time(self.time_limit))
            start = set(core) if core else everything
        conflict, minimal = self._shrink(start)
        verified = self._status(conflict)[0] == "INFEASIBLE"
        diagnosis = Diagnosis(conflicts=render(self.inst, conflict), verified=verified, minimal=minimal)
        diagnosis.summary = _summary(diagnosis)
        return True, diagnosis

    def _shrink(self, keys: set[GuardKey]) -> tuple[set[GuardKey], bool]:
        """Deletion: drop each guard in turn and keep it out when still infeasible."""
        current = set(keys)
        minimal = True
        for key in sorted(current, key=_deletion_order):
            if key not in current:
                continue
            if self._left() <= 0:
                return current, False
            trial = current - {key}
            status, core = self._status(trial)
            if status == "INFEASIBLE":
                current = set(core) if core and set(core) <= trial else trial
            elif status not in ("FEASIBLE", "OPTIMAL"):
                minimal = False
        return current, minimal


def _deletion_order(key: GuardKey) -> tuple[int, str]:
    """Try dropping the least telling guards first, so the conflict keeps its anchors."""
    kind = key[0]
    order = {"forbidden": 0, "family": 1, "leave": 2, "arrive": 2, "target": 3, "pinned": 4}
    return (order.get(kind, 5 if kind in ELIGIBILITY else 6), repr(key))


# --------------------------------------------------------------------------------------
# Messages


def _seconds(value: float) -> str:
    """Seconds the Vietnamese way: 1,5 giây; 30 giây."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return Said(N_("%(n)s giây"), n=text.replace(".", ","))


def out_of_time(time_limit: float) -> str:
    """The time ran out before the whole model was re-checked: nothing is named, and the
    user is told so plainly, and how to give it more."""
    more = max(2 * time_limit, 10.0)
    return Said(N_("Hết %(time)s dành cho việc chẩn đoán trước khi kiểm tra xong, nên chưa chỉ ra được những "
                   "quy định mâu thuẫn với nhau. Hãy giải lại với thời gian cho phép dài hơn, ví dụ %(more)s."),
                time=_seconds(time_limit), more=_seconds(more))


def _summary(diagnosis: Diagnosis) -> str:
    head = (Said(N_("Không có phương án nào thỏa mãn đồng thời các quy định sau (bỏ hoặc nới bất kỳ một quy định "
                    "nào trong số này thì có phương án)")) if diagnosis.minimal and diagnosis.verified
            else Said(N_("Không có phương án nào thỏa mãn đồng thời các quy định sau")))
    messages = {f"m{n}": c.message for n, c in enumerate(diagnosis.conflicts)}
    text = Said("%(head)s: " + " ".join(f"%({k})s" for k in messages), head=head, **messages)
    if not diagnosis.minimal:
        text = Said(N_("%(text)s Hết thời gian trước khi thu gọn xong: có thể bỏ bớt được một số quy định trong danh "
                       "sách này; giải lại với thời gian cho phép dài hơn để có danh sách ngắn nhất."), text=text)
    return text


def _blocking_rules(inst: Instance, options: list[int]) -> list[str]:
    """The smallest set of attribute rules that together fail every option given."""
    failed = [_failed_attributes(inst, o) for o in options]
    if not failed or any(not f for f in failed):
        return []
    return sorted(_smallest_hitting_set(failed), key=ELIGIBILITY.index)


def render(inst: Instance, keys: set[GuardKey]) -> list[Conflict]:
    problem = inst.problem
    posts = {p.id: p for p in problem.posts}
    cadres = {c.id: c for c in problem.cadres}
    units = {u.id: u for u in problem.units}
    rules = problem.rules

    def post_label(pid: str) -> str:
        p = posts[pid]
        unit = units.get(p.unit)
        return f"{p.name or p.id} ({unit.name or unit.id})" if unit else (p.name or p.id)

    def cadre_label(cid: str) -> str:
        c = cadres[cid]
        return f"{c.name} ({c.id})" if c.name and c.name != c.id else c.id

    def needs(options: list[int]) -> str:
        return join_vi([rule_requirement(r, rules) for r in _blocking_rules(inst, options)])

    conflicts: list[Conflict] = []
    text: str
    for key in sorted(keys, key=_render_order):
        kind = key[0]
        if kind == "must_fill":
            pid = key[1]
            j = inst.post_index[pid]
            options = [int(o) for o in np.flatnonzero((inst.opt_post == j) & inst.opt_move)]
            eligible = sum(1 for o in options if not int(inst.fail[o]) & ELIGIBILITY_BITS)
            if not options and inst.post_holder[j] < 0:
                text = Said(N_("Vị trí %(post)s phải có người đảm nhiệm: không có ứng viên nào được đề xuất."),
                            post=post_label(pid))
            elif eligible == 0 and options:
                text = Said(N_("Vị trí %(post)s phải có người đảm nhiệm, cần cán bộ %(needs)s: không ai trong %(n)s "
                               "ứng viên đáp ứng."), post=post_label(pid), needs=needs(options), n=len(options))
            else:
                text = Said(N_("Vị trí %(post)s phải có người đảm nhiệm (%(eligible)s trong %(n)s ứng viên đủ điều "
                               "kiện)."), post=post_label(pid), eligible=eligible, n=len(options))
            conflicts.append(Conflict("must_fill", pid, text))
        elif kind == "head_terms":
            c = cadres[key[1]]
            i = inst.cadre_index[c.id]
            options = [int(o) for o in np.flatnonzero((inst.opt_cadre == i) & inst.opt_move)]
            eligible = sum(1 for o in options if not int(inst.fail[o]) & ELIGIBILITY_BITS)
            place = units[c.head_unit].name if c.head_unit in units else c.head_unit
            head = Said(N_("Cán bộ %(cadre)s đã %(terms)s nhiệm kỳ liên tiếp là người đứng đầu tại %(place)s nên phải "
                           "luân chuyển"), cadre=cadre_label(c.id), terms=c.head_terms, place=place)
            if not options:
                text = Said(N_("%(head)s, nhưng không có vị trí nào được đề xuất cho cán bộ này."), head=head)
            elif eligible == 0:
                text = Said(N_("%(head)s, nhưng không vị trí nào trong %(n)s vị trí đề xuất phù hợp (cần cán bộ "
                               "%(needs)s)."), head=head, n=len(options), needs=needs(options))
            else:
                text = Said(N_("%(head)s (%(eligible)s trong %(n)s vị trí đề xuất phù hợp)."), head=head,
                            eligible=eligible, n=len(options))
            conflicts.append(Conflict("head_terms", c.id, text))
        elif kind == "pinned":
            cid = key[1]
            a = next((a for a in problem.pinned if a.cadre == cid), None)
            where = (Said(N_("sang %(post)s"), post=post_label(a.post)) if a is not None and a.post
                     else Said(N_("ở lại vị trí hiện tại")))
            o = inst.pins.get(inst.cadre_index[cid])
            blocked = sorted(_failed_attributes(inst, o), key=ELIGIBILITY.index) if o is not None else []
            if blocked:
                text = Said(N_("Kịch bản cố định %(cadre)s %(where)s, nhưng cán bộ này không đáp ứng yêu cầu %(needs)s."),
                            cadre=cadre_label(cid), where=where,
                            needs=join_vi([rule_requirement(r, rules) for r in blocked]))
            else:
                text = Said(N_("Kịch bản cố định %(cadre)s %(where)s."), cadre=cadre_label(cid), where=where)
            conflicts.append(Conflict("pinned", cid, text))
        elif kind == "forbidden" and key[2] is None:
            conflicts.append(Conflict("forbidden", f"{key[1]}→", Said(N_("Kịch bản không cho %(cadre)s ở lại vị trí "
                                                                         "hiện tại."), cadre=cadre_label(key[1]))))
        elif kind == "forbidden":
            conflicts.append(Conflict("forbidden", f"{key[1]}→{key[2]}",
                                      Said(N_("Kịch bản loại trừ điều động %(cadre)s sang %(post)s."),
                                           cadre=cadre_label(key[1]), post=post_label(key[2]))))
        elif kind in ("leave", "arrive"):
            u = units[key[1]]
            limit = u.max_leaving if kind == "leave" else u.max_arriving
            template = (N_("Đơn vị %(unit)s chỉ được có tối đa %(limit)s người chuyển đi.") if kind == "leave"
                        else N_("Đơn vị %(unit)s chỉ được có tối đa %(limit)s người chuyển đến."))
            conflicts.append(Conflict(kind, u.id, Said(template, unit=u.name or u.id, limit=limit)))
        elif kind == "family":
            row = next(r for r in inst.rows if r.kind.startswith("family") and r.subject == key[1])
            info = row.info
            if row.kind == "family_collective":
                unit = units.get(info["collective"])
                text = Said(N_("%(a)s và %(b)s có quan hệ gia đình nên không được cùng trong tập thể lãnh đạo "
                               "%(unit)s (QĐ 114)."), a=cadre_label(info['a']), b=cadre_label(info['b']),
                            unit=unit.name if unit else info['collective'])
            else:
                text = Said(N_("%(top)s không được làm bí thư hoặc chủ tịch tại %(locality)s khi người thân là %(head)s "
                               "đứng đầu một ngành nhạy cảm ở đó (QĐ 114)."), top=cadre_label(info['top']),
                            locality=info['locality'], head=cadre_label(info['sector_head']))
            conflicts.append(Conflict("family", key[1], text))
        elif kind == "target":
            t = next(t for t in problem.targets if t.id == key[1])
            row = next(r for r in inst.rows if r.kind == "target" and r.subject == t.id)
            attr = Said(ATTRIBUTE_LABELS[t.attribute]) if t.attribute in ATTRIBUTE_LABELS else t.attribute
            if t.attribute == "age":
                attr = (Said(N_("tuổi từ %(low)s đến dưới %(high)s"), low=t.min_age or 0, high=t.max_age) if t.max_age
                        else Said(N_("tuổi từ %(low)s"), low=t.min_age))
            bits: list[str] = []
            if row.lo is not None:
                bits.append(Said(N_("ít nhất %(n)s"), n=row.lo))
            if row.hi is not None:
                bits.append(Said(N_("nhiều nhất %(n)s"), n=row.hi))
            requirement = Said(N_("%(items)s và %(last)s"), items=bits[0], last=bits[1]) if len(bits) == 2 else \
                (bits[0] if bits else "")
            text = target_message(inst, row, t.name or t.id, attr, requirement)
            conflicts.append(Conflict("target", t.id, text))
        else:
            conflicts.append(Conflict(str(kind), str(key[1:]), Said("%(rule)s: %(key)s", rule=rule_title(str(kind)),
                                                                    key=str(key[1:]))))
    return conflicts


def target_bottleneck(inst: Instance, row: Row) -> tuple[int, int, int]:
    """What limits a hard target, counted over the options that pass every rule: (the persons
    with the attribute who hold or may take one of its seats, how many of them can hold its
    seats *at once*, how many of them cannot leave the seats they hold).

    "At once" is a maximum matching of the persons to the seats (one seat each, one holder a
    seat: the real bottleneck, where counting the seats each could take on their own reads
    as reachable), leaving out the seats whose holder, without the attribute, cannot leave."""
    active = inst.active
    options = row.options[active[row.options]]
    cadres = inst.opt_cadre[options]
    posts = inst.opt_post[options]
    can_leave = np.zeros(inst.n_cadres, dtype=bool)
    can_leave[inst.opt_cadre[inst.opt_move & active]] = True
    holders = inst.post_holder[posts]
    open_seat = (holders < 0) | (holders == cadres) | can_leave[np.maximum(holders, 0)]
    people, person = np.unique(cadres, return_inverse=True)
    seats, seat = np.unique(posts[open_seat], return_inverse=True)
    graph = csr_matrix((np.ones(len(seat), dtype=np.int8), (person[open_seat], seat)), shape=(len(people), len(seats)))
    at_once = int(np.count_nonzero(maximum_bipartite_matching(graph, perm_type="column") >= 0)) if len(seats) else 0
    scope_seats = set(posts.tolist())
    stuck = sum(1 for i in people.tolist() if not can_leave[i] and int(inst.cadre_post[i]) in scope_seats)
    return len(people), at_once, stuck


def target_message(inst: Instance, row: Row, name: str, attribute: str, requirement: str) -> str:
    """A hard target that cannot be met, explained by its bottleneck, with the numbers."""
    possible, at_once, stuck = target_bottleneck(inst, row)
    text = Said(N_("Cơ cấu bắt buộc “%(name)s”: %(requirement)s người (%(attribute)s) trên %(seats)s vị trí; "
                   "%(possible)s người như vậy đang giữ hoặc đủ điều kiện vào một trong các vị trí này"), name=name,
                requirement=requirement, attribute=attribute, seats=row.info['seats'], possible=possible)
    if row.lo is not None and at_once < row.lo:
        return Said(N_("%(text)s, nhưng mỗi người chỉ giữ một vị trí và mỗi vị trí chỉ một người, nên cùng một lúc chỉ "
                       "xếp được tối đa %(at_once)s người, thiếu %(short)s."), text=text, at_once=at_once,
                    short=row.lo - at_once)
    if row.hi is not None and stuck > row.hi:
        return Said(N_("%(text)s, trong đó %(stuck)s người không thể rời vị trí đang giữ, vượt mức tối đa %(max)s."),
                    text=text, stuck=stuck, max=row.hi)
    return Said(N_("%(text)s; cùng một lúc xếp được tối đa %(at_once)s người, nhưng không đạt được khi giữ đồng thời "
                   "các quy định khác trong danh sách này."), text=text, at_once=at_once)


def _render_order(key: GuardKey) -> tuple[int, str]:
    order = {"must_fill": 0, "head_terms": 1, "pinned": 2, "target": 3, "family": 4, "leave": 5, "arrive": 5,
             "forbidden": 6}
    return (order.get(key[0], 9), repr(key))


# --------------------------------------------------------------------------------------
# A plan that leaves vacancies empty


def open_posts_left(problem: Problem, filled: set[str]) -> list[OpenPost]:
    """For each post vacant in the problem and not filled by the plan: how many moves to it
    were proposed, how many of them pass every attribute rule, and (when none does) the
    smallest set of rules that fails them all, in the diagnosis's words."""
    inst = compile_problem(problem)
    out: list[OpenPost] = []
    for post in problem.posts:
        if post.holder is not None or post.id in filled:
            continue
        j = inst.post_index[post.id]
        options = [int(o) for o in np.flatnonzero((inst.opt_post == j) & inst.opt_move)]
        eligible = sum(1 for o in options if not int(inst.fail[o]) & ELIGIBILITY_BITS)
        rules = [] if eligible or not options else _blocking_rules(inst, options)
        out.append(OpenPost(post.id, len(options), eligible, tuple(rule_title(r) for r in rules)))
    return out
