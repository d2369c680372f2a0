"""`solve(problem, options) -> Plan`: the algorithm.

1. Compile the problem to options and rows; drop the options that fail a rule.
2. Min-cost flow without the side rows: the first plan and the first bound. When that
   plan already keeps every side rule and pays no structure penalty, it is optimal.
3. Linear relaxation (GLOP) of the whole model: a bound valid for any dual vector, and
   for each option the bound of any plan using it.
4. CP-SAT over the options that could still reach the target value (all others are
   provably worse), hinted with the best plan known. The certified bound is the larger
   of CP-SAT's bound on that set and the best value a left-out option could reach. When
   the set turns out too tight, the target is lowered to the plan found and CP-SAT runs
   again on the larger set.
5. On request, alternatives within a margin of the best, each differing from the plans
   before it in at least d moves, searched among the options that could reach the margin.
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
from .model import Options, Plan, Problem, Progress
from .relax import LPHandle, build_lp, flow_relaxation, solve_lp


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
            return self.with_alternatives(self.finish("optimal"), active, np.full(len(active), float(flow.value)))
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
        self.progress("relaxation", upper)
        if self.good_enough():
            return self.with_alternatives(self.finish_partial(), active, option_bound)
        if self.stop_requested() or self.left() <= 0:
            return self.finish_partial()

        # 4. CP-SAT over the options that can still reach the target
        hint = _round_lp(inst, active, lp_result.x) if lp_result.x is not None else (
            self.best.chosen if self.best else None)
        tolerance = opts.relative_gap * max(1.0, abs(upper))
        # a tight first set (the LP is nearly integral); widened below when it proves too tight.
        # The optimum lies 0-7 points under the LP bound at 2,000 × 300 (0-20 at 10,000 × 2,000):
        # a first set that holds it proves the plan in one search instead of two, and a few
        # points more cost few options (most have no reduced profit). No option under the plan
        # held can improve on it.
        target = upper - min(max(1, int(tolerance)) + 6, 12)
        if self.best is not None:
            target = max(target, self.best.objective + 1)
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
            # the set was too tight: lower the target to the plan we have (without one, by a
            # step that doubles each time)
            if self.best is not None:
                new_target = self.best.objective + 1
            else:
                new_target = target - max(1, int(tolerance)) * 4 * 2 ** solved_sets
            target = min(new_target, target - 1)
        if self.best is None:
            return self.finish("unknown")
        plan = self.finish("optimal" if self.bound is not None and self.best.objective >= self.bound else "feasible")
        return self.with_alternatives(plan, active, option_bound)

    def with_alternatives(self, plan: Plan, active: np.ndarray, option_bound: np.ndarray) -> Plan:
        """5. On request, the alternatives to the best plan, whichever phase found it."""
        if (self.options.alternatives > 0 and self.best is not None and not self.stop_requested()
                and self.left() > 0):
            t = time.perf_counter()
            plan.alternatives = self.alternatives(active, option_bound)
            self.timed("alternatives", t)
        return plan

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

        return rm.solve(time_limit=self.left(), workers=opts.workers, seed=opts.seed,
                        relative_gap=opts.relative_gap, on_solution=on_solution,
                        stop=self.stop_requested if opts.stop is not None else None, log=opts.log,
                        lp_heavy=True)

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

    def alternatives(self, active: np.ndarray, option_bound: np.ndarray) -> list[Plan]:
        opts, best = self.options, self.best
        assert best is not None, "alternatives follow a best plan"
        margin = int(opts.alternative_margin * max(1, abs(best.objective)))
        floor = best.objective - margin
        keep = np.union1d(active[option_bound >= floor], best.chosen)
        rm = RotationModel(self.inst, keep)
        rm.add_objective_floor(floor)
        found = [best.chosen]
        plans: list[Plan] = []
        for _ in range(opts.alternatives):
            if self.stop_requested() or self.left() <= 0:
                break
            rm.add_difference(found[-1], opts.alternative_min_difference)
            rm.hint(found[-1])
            result = rm.solve(time_limit=self.left() / max(1, opts.alternatives - len(plans)),
                              workers=opts.workers, seed=opts.seed, relative_gap=opts.relative_gap,
                              stop=self.stop_requested if opts.stop is not None else None)
            if result.chosen is None:
                break
            found.append(np.sort(result.chosen))
            plan = self.plan_of(result.chosen, "feasible")
            plan.bound = None
            plan.gap = None
            plan.difference = _difference(self.inst, best.chosen, result.chosen)
            plans.append(plan)
            self.progress("alternatives")
        return plans

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


def _difference(inst: Instance, a: np.ndarray, b: np.ndarray) -> int:
    moves_a = set(int(o) for o in a if inst.opt_move[o])
    moves_b = set(int(o) for o in b if inst.opt_move[o])
    return len(moves_a ^ moves_b)


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
