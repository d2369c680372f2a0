"""`solve(problem, options) -> Plan`: the algorithm.

1. Compile the problem to options and rows; drop the options that fail a rule.
2. Min-cost flow without the side rows: the first plan and the first bound. When that
   plan already keeps every side rule and pays no structure penalty, it is optimal.
3. Linear relaxation (GLOP) of the whole model: a bound valid for any dual vector, and
   for each option the bound of any plan using it. When the gap allows more points than
   the first CP-SAT set's margin, the LP's support (the options it uses) is solved first:
   a small model whose plan often ends the solve within the gap.
4. CP-SAT over the options that could still reach the target value (all others are
   provably worse), hinted with the best plan known. The certified bound is the larger
   of CP-SAT's bound on that set and the best value a left-out option could reach. When
   the set turns out too tight, the target is lowered to the plan found plus the gap
   allowed (the smallest set that can prove it) and CP-SAT runs again on the larger set.
5. On request, alternatives within a margin of the best, each differing from the plans
   before it in at least d moves, searched in neighbourhoods of the best plan among the
   options that could reach the margin; one better than the best becomes the best.
6. No plan: the diagnosis pass (solver.diagnosis), which also re-checks the verdict.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any
from collections.abc import Callable

import numpy as np

from . import diagnosis as diagnosis_module
from .cpsat import RotationModel, SatResult
from .explain import build_moves, evaluate, structure_figures, vacancy_chains
from .instance import Instance, compile_problem
from .neighbourhoods import Neighbourhoods, difference, hood_size
from .model import Options, Plan, Problem, Progress
from .relax import LPHandle, build_lp, flow_relaxation, solve_lp


#: the most points under the LP bound the first CP-SAT set reaches (step 4)
FIRST_MARGIN = 12


def solve(problem: Problem, options: Options | None = None) -> Plan:
    """Solve a rotation problem. Never raises on a bad or infeasible problem: the plan
    says so (status "invalid" or "infeasible", with the reasons)."""
    options = options or Options()
    started = time.perf_counter()
    if options.method not in ("auto", "direct") or options.time_limit <= 0 or options.alternatives < 0:
        return Plan(status="invalid", warnings=[
            f"Tùy chọn không hợp lệ: method={options.method!r}, time_limit={options.time_limit}, "
            f"alternatives={options.alternatives}"])
    try:
        inst = compile_problem(problem)
    except (KeyError, ValueError, TypeError) as exc:
        return Plan(status="invalid", time=time.perf_counter() - started,
                    warnings=[f"Bài toán không hợp lệ: {exc!r}"])
    engine = Engine(inst, options, started)
    engine.timed("compile", started)
    plan = engine.run_direct() if options.method == "direct" else engine.run()
    plan = engine.with_alternatives(plan)
    plan.time = time.perf_counter() - started
    plan.warnings = inst.warnings + plan.warnings
    return plan


def gap_of(objective: int | None, bound: int | None) -> float | None:
    if objective is None or bound is None:
        return None
    return max(0.0, (bound - objective) / max(1.0, abs(bound)))


@dataclass
class Incumbent:
    objective: int
    chosen: np.ndarray


class Engine:
    #: the LP's bound on any plan using each eligible option, once the LP has run
    option_bound: np.ndarray | None = None

    def __init__(self, inst: Instance, options: Options, started: float) -> None:
        self.inst = inst
        self.options = options
        self.started = started
        self.deadline = started + options.time_limit
        self.best: Incumbent | None = None
        self.bound: int | None = None
        self.stats: dict[str, Any] = {"options": int(len(inst.opt_cadre)), "eligible": int(inst.active.sum()),
                            "rows": len(inst.rows), "phases": {}}
        stop = options.stop
        if stop is None:
            self.stop_requested: Callable[[], bool] = lambda: False
        elif isinstance(stop, threading.Event):
            self.stop_requested = stop.is_set
        else:
            self.stop_requested = stop

    # ----------------------------------------------------------------------------------
    # bookkeeping

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def progress(self, phase: str, bound: int | None = None, incumbent: int | None = None) -> None:
        if bound is not None:
            self.bound = bound if self.bound is None else min(self.bound, bound)
        if self.options.progress is not None:
            values = [v for v in (incumbent, self.best.objective if self.best else None) if v is not None]
            value = max(values) if values else None
            self.options.progress(Progress(phase, self.elapsed(), value, self.bound, gap_of(value, self.bound)))

    def offer(self, chosen: np.ndarray) -> bool:
        """A plan found by any phase; kept when feasible and better."""
        ev = evaluate(self.inst, chosen)
        if not ev.feasible:
            return False
        if self.best is None or ev.objective > self.best.objective:
            self.best = Incumbent(ev.objective, np.sort(np.asarray(chosen, dtype=np.int64)))
            return True
        return False

    def good_enough(self) -> bool:
        gap = gap_of(self.best.objective if self.best else None, self.bound)
        return gap is not None and gap <= self.options.relative_gap

    def timed(self, name: str, since: float) -> None:
        self.stats["phases"][name] = round(time.perf_counter() - since, 4)

    # ----------------------------------------------------------------------------------
    # the main algorithm

    def run(self) -> Plan:
        inst, opts = self.inst, self.options
        active = np.flatnonzero(inst.active)

        # 2. the flow relaxation: first plan, first bound
        t = time.perf_counter()
        flow = flow_relaxation(inst, active)
        self.timed("flow", t)
        if not flow.feasible:
            return self.infeasible("flow")
        assert flow.chosen is not None and flow.value is not None, "a feasible flow has a plan and a value"
        self.offer(flow.chosen)
        self.progress("relaxation", flow.value)
        if self.best is not None and self.best.objective == flow.value:
            self.option_bound = np.full(len(active), float(flow.value))    # for the alternatives (step 5)
            return self.finish("optimal")
        if self.stop_requested() or self.left() <= 0:
            return self.finish_partial()

        # 3. the linear relaxation: a tight bound and a penalty per option
        t = time.perf_counter()
        lp = build_lp(inst, active)
        handle = LPHandle()
        if opts.stop is None:
            lp_result = solve_lp(lp, self.left(), handle)     # no stop to watch: no thread to start
        else:
            with _Watch(self.stop_requested, handle.interrupt):
                lp_result = solve_lp(lp, self.left(), handle)
        self.timed("lp", t)
        self.stats["lp_bound"] = lp_result.bound
        if lp_result.status == "infeasible":
            return self.infeasible("lp")
        if lp_result.status != "optimal":
            # no usable LP: search over every eligible option, as the direct model does
            upper = flow.value
            option_bound = np.full(len(active), float(upper))
        else:
            assert lp_result.bound is not None, "an optimal LP has a bound"
            upper = min(flow.value, lp_result.bound)
            option_bound = np.minimum(lp_result.option_bounds(), upper)
            # the LP is often integral on these problems: its rounded plan, when it is an
            # assignment, is a plan; when it meets the safe dual bound it is proved optimal
            rounded = active[lp_result.x > 0.5] if lp_result.x is not None else None
            if rounded is not None and is_assignment(inst, rounded):
                self.offer(rounded)
        self.option_bound = option_bound       # for the alternatives (step 5)
        self.progress("relaxation", upper)
        if self.good_enough() or self.stop_requested() or self.left() <= 0:
            return self.finish_partial()

        # 3b. the LP's support: the LP is integral but for a few cadres, so the plans that use
        # only options the LP uses are a small model (one option for most cadres). Its best
        # plan lies a few points under the LP bound: it ends the solve when the gap allows more
        # points than the first search set's margin (large problems: 28 points at 10,000 ×
        # 2,000), and is the search's hint otherwise; when the gap allows only a few points
        # (2,000 × 300: 4), the search is needed anyway and the support would only add time.
        hint = _round_lp(inst, active, lp_result.x) if lp_result.x is not None else (
            self.best.chosen if self.best else None)
        tolerance = opts.relative_gap * max(1.0, abs(upper))
        if lp_result.x is not None and int(tolerance) + 6 > FIRST_MARGIN:
            self.support_search(active[lp_result.x > 1e-6], hint)
            if self.best is not None:
                hint = self.best.chosen
            if self.good_enough() or self.stop_requested() or self.left() <= 0:
                return self.finish_partial()

        # 4. CP-SAT over the options that can still reach the target (see first_target);
        # widened below when it proves too tight
        target = first_target(upper, tolerance, self.best.objective if self.best else None)
        solved_sets = 0
        while True:
            keep = active[option_bound >= target]
            cut_value: int | None = target - 1  # the best a plan using a left-out option can reach
            if len(keep) == len(active):
                cut_value = None
            self.stats.setdefault("search_options", []).append(int(len(keep)))
            t = time.perf_counter()
            result = self.search(keep, hint, cut_value, upper)
            self.timed(f"search{solved_sets}", t)
            solved_sets += 1
            if result.chosen is not None:
                self.offer(result.chosen)
                assert self.best is not None, "the search returns feasible plans only"
                hint = self.best.chosen
            bound = global_bound(kept_bound(result, upper), cut_value, upper)
            if bound is None:
                # nothing fits in the kept set and nothing outside it: the problem has no plan
                return self.infeasible("search")
            self.progress("search", bound)
            if self.good_enough() or result.stopped or self.stop_requested() or self.left() <= 0.05:
                break
            if result.status != "OPTIMAL" and result.status != "INFEASIBLE":
                break                       # out of time on this set
            if cut_value is None:
                break                       # the whole model was solved
            target = next_target(target, tolerance, self.best.objective if self.best else None, solved_sets)
        if self.best is None:
            return self.finish("unknown")
        return self.finish("optimal" if self.bound is not None and self.best.objective >= self.bound else "feasible")

    def support_search(self, support: np.ndarray, hint: np.ndarray | None) -> None:
        """The best plan among the LP's support (a restriction of the problem: its plans are
        plans, its bound proves nothing for the whole), for a short part of the time left;
        it stops as soon as a plan is within the gap of the certified bound."""
        opts = self.options
        if len(support) <= self.inst.n_cadres:
            return                       # an integral LP: its rounded plan was offered already
        t = time.perf_counter()
        rm = RotationModel(self.inst, support)
        if hint is not None:
            rm.hint(hint)

        def on_solution(objective: int, bound: int) -> bool:
            self.progress("search", incumbent=objective)
            gap = gap_of(objective, self.bound)
            return gap is not None and gap <= opts.relative_gap

        result = rm.solve(time_limit=min(self.left(), max(0.5, 0.1 * self.left())), workers=opts.workers,
                          seed=opts.seed, relative_gap=opts.relative_gap, on_solution=on_solution,
                          stop=self.stop_requested if opts.stop is not None else None, log=opts.log)
        if result.chosen is not None:
            self.offer(result.chosen)
        self.stats["support_options"] = int(len(support))
        self.timed("support", t)

    def search(self, keep: np.ndarray, hint: np.ndarray | None, cut_value: int | None,
               upper: int) -> SatResult:
        opts = self.options
        rm = RotationModel(self.inst, keep)
        if hint is not None:
            rm.hint(hint)

        def on_solution(objective: int, bound: int) -> bool:
            # CP-SAT's bound on the kept set is used only when it is consistent with the plan
            # it just found; otherwise the LP's bound stands for the kept set
            kept = bound if bound >= objective else upper
            self.progress("search", global_bound(kept, cut_value, upper), incumbent=objective)
            # stop as soon as the certified gap is small enough
            gap = gap_of(objective, self.bound)
            return gap is not None and gap <= opts.relative_gap

        def on_bound(bound: int) -> bool:
            # a better bound on the kept set: stop as soon as it proves the plan in hand within
            # the gap (CP-SAT's own gap limit counts from its own plans, which may be worse)
            if self.best is None:
                return False
            self.progress("search", global_bound(bound, cut_value, upper))
            return self.good_enough()

        return rm.solve(time_limit=self.left(), workers=opts.workers, seed=opts.seed,
                        relative_gap=opts.relative_gap, on_solution=on_solution,
                        stop=self.stop_requested if opts.stop is not None else None, log=opts.log,
                        lp_heavy=True, on_bound=on_bound)

    def run_direct(self) -> Plan:
        """The straightforward model: every eligible option, no relaxation, no hint."""
        inst, opts = self.inst, self.options
        active = np.flatnonzero(inst.active)
        t = time.perf_counter()
        result = RotationModel(inst, active).solve(
            time_limit=self.left(), workers=opts.workers, seed=opts.seed, relative_gap=opts.relative_gap,
            stop=self.stop_requested if opts.stop is not None else None, log=opts.log)
        self.timed("search0", t)
        if result.status == "INFEASIBLE":
            return self.infeasible("direct")
        if result.chosen is not None:
            self.offer(result.chosen)
        bound = kept_bound(result, None)
        if bound is not None:
            self.progress("search", bound)
        return self.finish_partial()

    # ----------------------------------------------------------------------------------
    # alternatives

    def with_alternatives(self, plan: Plan) -> Plan:
        """5. The plan with its alternatives, when asked for and there is time left; the plan
        itself is replaced when an alternative beats it."""
        if self.options.alternatives <= 0 or not plan.ok or self.best is None or self.stop_requested() or self.left() <= 0:
            return plan
        t = time.perf_counter()
        active = np.flatnonzero(self.inst.active)
        option_bound = self.option_bound if self.option_bound is not None else np.full(len(active), np.inf)
        alternatives = self.alternatives(active, option_bound)
        if plan.objective is not None and self.best.objective > plan.objective:
            plan = self.finish_partial()        # an alternative beat the incumbent: it is the best plan now
        plan.alternatives = alternatives
        self.timed("alternatives", t)
        return plan

    def alternatives(self, active: np.ndarray, option_bound: np.ndarray) -> list[Plan]:
        """k plans within the margin of the best, each differing from every plan before it
        in at least d moves, by neighbourhoods of the best plan (see `solver.neighbourhoods`).

        Each search keeps the best plan for every cadre outside a small neighbourhood and
        frees the options of the cadres inside it that can still reach `best − margin` (the
        LP's per-option bound), with "objective ≥ best − margin" and "differs in at least d
        moves" from each plan found. Its plans are plans of the whole problem (a restriction
        of it), and it is solved to its optimum, fast because it is small: when that beats
        the best plan, it becomes the best plan (the bound, proved for the whole problem,
        stands). The neighbourhood grows when it holds no such plan; the last one is the whole
        pruned model. The phase ends as soon as it has k plans."""
        opts = self.options
        assert self.best is not None, "alternatives follow a best plan"
        k, d = opts.alternatives, max(1, opts.alternative_min_difference)
        hoods = Neighbourhoods(self.inst, active, option_bound)
        found: list[Incumbent] = []            # the alternatives, in order
        attempts = 0
        while len(found) < k and not self.stop_requested() and self.left() > 0.05:
            best = self.best
            floor = self.alternative_floor()
            chosen_list = [best.chosen] + [f.chosen for f in found]
            cadres = hoods.next(best.chosen, floor, size=hood_size(attempts, d))
            attempts += 1
            keep = hoods.options(best.chosen, cadres)
            rm = RotationModel(self.inst, keep)
            rm.add_objective_floor(floor)
            for chosen in chosen_list:
                rm.add_difference(chosen, d)
            rm.hint(best.chosen)
            whole = cadres is None
            budget = self.left() if whole else min(self.left(), max(1.0, self.left() / (2 * (k - len(found)))))
            result = rm.solve(time_limit=budget, workers=opts.workers, seed=opts.seed + attempts,
                              relative_gap=opts.relative_gap,
                              stop=self.stop_requested if opts.stop is not None else None)
            self.stats.setdefault("alternative_searches", []).append(
                [int(len(keep)), result.status, round(result.wall, 3)])
            if result.chosen is None:
                if whole:
                    break                   # no such plan in the whole pruned model, or out of time
                continue
            chosen = np.sort(np.asarray(result.chosen, dtype=np.int64))
            ev = evaluate(self.inst, chosen)
            if ev.objective > best.objective and self.offer(chosen):
                # better than the incumbent: the best plan; the old one becomes an alternative
                found.insert(0, best)
                found = [f for f in found if f.objective >= self.alternative_floor()]
            else:
                found.append(Incumbent(ev.objective, chosen))
            hoods.used(self.inst.opt_cadre[np.setxor1d(chosen, best.chosen)])
            attempts = 0
            self.progress("alternatives")
        plans: list[Plan] = []
        assert self.best is not None, "alternatives keep a best plan"
        for f in found[:k]:
            plan = self.plan_of(f.chosen, "feasible")
            plan.bound = None
            plan.gap = None
            plan.difference = difference(self.inst, self.best.chosen, f.chosen)
            plans.append(plan)
        return plans

    def alternative_floor(self) -> int:
        """The least objective an alternative may have: the best plan's minus the margin."""
        assert self.best is not None, "the floor follows a best plan"
        return self.best.objective - int(self.options.alternative_margin * max(1, abs(self.best.objective)))

    # ----------------------------------------------------------------------------------
    # results

    def plan_of(self, chosen: np.ndarray, status: str) -> Plan:
        t = time.perf_counter()
        plan = self._plan_of(chosen, status)
        self.stats["phases"]["plan"] = round(self.stats["phases"].get("plan", 0.0) + time.perf_counter() - t, 4)
        return plan

    def _plan_of(self, chosen: np.ndarray, status: str) -> Plan:
        inst = self.inst
        ev = evaluate(inst, chosen)
        moves = build_moves(inst, chosen)
        names = {p.id: (p.name or p.id) for p in inst.problem.posts}
        names.update({c.id: (c.name or c.id) for c in inst.problem.cadres})
        return Plan(status=status, objective=ev.objective, terms=ev.terms, moves=moves,
                    chains=vacancy_chains(moves, names), structure=structure_figures(inst, chosen))

    def finish(self, status: str) -> Plan:
        if self.best is None:
            return Plan(status=status, bound=self.bound, stats=self.stats)
        plan = self.plan_of(self.best.chosen, status)
        assert plan.objective is not None, "plan_of always sets the objective"
        if self.bound is not None and self.bound < plan.objective:
            # every bound taken is proved, so this cannot happen; if it ever does, the bound
            # is wrong: report none rather than raise it to the plan and call the plan optimal
            self.stats["bound_below_plan"] = self.bound
            self.bound = None
        plan.bound = self.bound
        plan.gap = gap_of(plan.objective, plan.bound)
        # "optimal" only when a proved bound meets the plan
        plan.status = "optimal" if self.bound is not None and plan.objective >= self.bound else (
            "feasible" if status == "optimal" else status)
        plan.stats = self.stats
        return plan

    def finish_partial(self) -> Plan:
        if self.best is None:
            return self.finish("unknown")
        return self.finish("optimal" if self.bound is not None and self.best.objective >= self.bound else "feasible")

    def infeasible(self, where: str) -> Plan:
        """Infeasible is an answer: diagnose, and re-check the verdict on the way."""
        self.stats["infeasible_at"] = where
        if not self.options.diagnose:
            return Plan(status="infeasible", stats=self.stats)
        self.progress("diagnosis")
        t = time.perf_counter()
        diagnoser = diagnosis_module.Diagnoser(self.inst, time_limit=max(1.0, self.left()),
                                                 workers=self.options.workers, seed=self.options.seed)
        infeasible, diagnosis = diagnoser.run()
        self.timed("diagnosis", t)
        self.stats["diagnosis_solves"] = diagnoser.solves
        if infeasible is False:
            # the re-check found a plan: trust the full model, not the relaxation
            self.stats["recheck"] = "feasible"
            return self.run_direct()
        plan = Plan(status="infeasible", diagnosis=diagnosis, stats=self.stats)
        if infeasible is None:
            plan.warnings.append("Kết luận không có phương án đến từ phép nới lỏng, chưa được kiểm tra lại "
                                 "trên toàn bộ mô hình trong thời gian cho phép.")
        return plan


def first_target(upper: int, tolerance: float, best: int | None) -> int:
    """The least LP bound an option needs to enter the first CP-SAT set: `upper` is the
    LP bound, `tolerance` the points the gap allows, `best` the plan in hand.

    A tight set (the LP is nearly integral): the optimum lies 0-7 points under the LP bound
    at 2,000 × 300 (0-20 at 10,000 × 2,000), and a set that holds it proves the plan in one
    search instead of two; a few points more cost few options. It stays tight when the plan
    in hand lies farther under the bound: the optimum is often nearer the bound than that plan
    (units at 10,000 × 2,000: the support's plan 40 points under, the optimum 23, proved in a
    set of 14,000 options in 0.7 s where the set reaching the plan held 40,000 and took 13 s).
    No option under the plan held can improve on it."""
    target = upper - min(max(1, int(tolerance)) + 6, FIRST_MARGIN)
    return target if best is None else max(target, best + 1)


def next_target(target: int, tolerance: float, best: int | None, solved_sets: int) -> int:
    """The target of the next, larger set when the last one proved too tight.

    With a plan in hand, the options that can reach that plan plus the gap allowed: the cut
    (target − 1) then lies within the gap of the plan, so the set is the smallest whose search
    can prove the plan (units at 30,000 × 6,000: the plan 199 points under the LP bound, 86
    allowed); without a plan, a step that doubles each time. Always below the last target."""
    if best is not None:
        new_target = best + int(tolerance) + 1
    else:
        new_target = target - max(1, int(tolerance)) * 4 * 2 ** solved_sets
    return min(new_target, target - 1)


def kept_bound(result: SatResult, upper: int | None) -> int | None:
    """A proved upper bound on the plans that use only the kept options, or None when the
    kept set has none (CP-SAT proved it infeasible).

    CP-SAT's own bound is taken only when it has one: after OPTIMAL (which, with a relative
    gap limit, means within that gap, so its bound and not its plan's value is used) or
    FEASIBLE, and only when it is at least the plan it found. Stopped before it has a bound
    (status UNKNOWN), CP-SAT answers 0, the protocol's default, which is no bound at all:
    then the whole problem's bound `upper` (the LP's or the flow's), which also bounds the
    kept part, stands."""
    if result.status == "INFEASIBLE":
        return None
    if (result.status in ("OPTIMAL", "FEASIBLE") and result.bound is not None and result.objective is not None
            and result.bound >= result.objective):
        return result.bound if upper is None else min(result.bound, upper)
    return upper


def global_bound(kept: int | None, cut_value: int | None, upper: int) -> int | None:
    """The bound of the whole problem from a bound on the kept part and the pruning cut.

    Every plan either uses only kept options (value ≤ `kept`) or uses at least one pruned
    option (value ≤ that option's LP bound ≤ `cut_value`): the optimum is at most the larger
    of the two, and never more than `upper`. None when neither part can hold a plan."""
    parts = [x for x in (kept, cut_value) if x is not None]
    if not parts:
        return None
    return min(max(parts), upper)


def is_assignment(inst: Instance, chosen: np.ndarray) -> bool:
    """Whether `chosen` gives each cadre exactly one place, each post at most one holder and
    every post to be filled one (the side rows are `evaluate`'s to check)."""
    if len(chosen) != inst.n_cadres or not np.array_equal(np.bincount(inst.opt_cadre[chosen], minlength=inst.n_cadres),
                                                           np.ones(inst.n_cadres, dtype=np.int64)):
        return False
    posts = inst.opt_post[chosen]
    held = np.bincount(posts[posts >= 0], minlength=inst.n_posts)
    return bool(held.max(initial=0) <= 1 and held[inst.post_must].min(initial=1) == 1)


def _round_lp(inst: Instance, active: np.ndarray, x: np.ndarray | None) -> np.ndarray | None:
    """The option with the largest LP value for each cadre (a hint, not necessarily feasible)."""
    if x is None:
        return None
    order = np.lexsort((-x, inst.opt_cadre[active]))
    cadres = inst.opt_cadre[active][order]
    first = np.r_[True, cadres[1:] != cadres[:-1]]
    return active[order[first]]


class _Watch:
    """Calls `action` once if `stop()` becomes true while the block runs."""

    def __init__(self, stop: Callable[[], bool], action: Callable[[], None], every: float = 0.02) -> None:
        self.stop, self.action, self.every = stop, action, every
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.done.wait(self.every):
            if self.stop():
                self.action()
                return

    def __enter__(self) -> _Watch:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()
