"""The CP-SAT model of a rotation problem over a chosen set of options.

The engine builds it over the options the linear relaxation could not rule out; the
straightforward baseline builds it over every eligible option; the diagnosis builds it
over every option, eligible or not, with each rule guarded by a literal it can relax.

The model reads in sections: variables, hard rules, soft rules, objective, solve,
extract. Each rule is one small function opening with the rule in plain words.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from ortools.sat.python import cp_model

from .guards import GuardKey, option_guard_keys
from .instance import Instance, Row

#: A guard's key: the rule's kind, then its subject ("must_fill", post id), ("target", subject) ...


@dataclass
class Penalty:
    """A named penalty term: `weight * var`, var counting persons short or over."""

    name: str
    row: Row
    side: str            # "short" or "over"
    var: cp_model.IntVar
    weight: int


def _groups(keys: np.ndarray, n: int) -> list[list[int]]:
    """For each key 0..n-1, the positions holding it, in order (keys equal to n are left out)."""
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(n + 1)).tolist()
    positions = order.tolist()
    return [positions[bounds[i]:bounds[i + 1]] for i in range(n)]


class _CpModel(cp_model.CpModel):
    """OR-Tools' model without the camelCase aliases it sets up on every instance (a scan of
    every method, several ms per model: most of a small instance's model building). The
    package uses the snake_case names only."""

    def _add_pre_pep8_methods(self) -> None:
        pass


class RotationModel:
    def __init__(self, inst: Instance, options: np.ndarray, *, diagnostic: bool = False,
                 with_objective: bool = True) -> None:
        self.inst = inst
        self.options = np.asarray(options, dtype=np.int64)
        self.diagnostic = diagnostic
        self.model = _CpModel()
        self.guards: dict[GuardKey, cp_model.IntVar] = {}
        self.penalties: list[Penalty] = []
        self.has_objective = False

        self._variables()
        # hard rules
        self._each_cadre_ends_in_one_place()
        self._each_post_has_at_most_one_holder()
        self._posts_that_must_be_filled()
        self._unit_leaving_limits()
        self._unit_arrival_limits()
        self._family_conflicts()
        self._hard_structure_targets()
        if diagnostic:
            self._options_only_when_their_rules_are_relaxed()
        # soft rules
        self._soft_structure_targets()
        # objective
        if with_objective:
            self._objective()

    # ----------------------------------------------------------------------------------
    # variables

    def _variables(self) -> None:
        """One Boolean per option: the cadre ends there. The options are grouped by cadre and
        by post with numpy (the model is built from the instance's arrays)."""
        inst = self.inst
        self.x = [self.model.new_bool_var(f"x{o}") for o in self.options]
        self.x_index = np.array([v.index for v in self.x], dtype=np.int64)
        # where each option of the instance sits in this model (-1: not in it)
        self.at = np.full(len(inst.opt_cadre), -1, dtype=np.int64)
        self.at[self.options] = np.arange(len(self.options))
        self.by_cadre = _groups(inst.opt_cadre[self.options], inst.n_cadres)
        posts = inst.opt_post[self.options]
        self.by_post = {j: ks for j, ks in enumerate(_groups(np.where(posts >= 0, posts, inst.n_posts), inst.n_posts))
                        if ks}

    def _vars(self, positions: Iterable[int]) -> list[cp_model.IntVar]:
        return [self.x[k] for k in positions]

    def _row_vars(self, row: Row) -> list[cp_model.IntVar]:
        at = self.at[row.options]
        return [self.x[k] for k in at[at >= 0].tolist()]

    def guard(self, key: GuardKey) -> cp_model.IntVar:
        """The literal that enforces one rule instance (diagnosis only)."""
        if key not in self.guards:
            self.guards[key] = self.model.new_bool_var(f"enforce {key}")
        return self.guards[key]

    def _enforced(self, constraint: cp_model.Constraint, key: GuardKey) -> None:
        if self.diagnostic:
            constraint.only_enforce_if(self.guard(key))

    # ----------------------------------------------------------------------------------
    # hard rules

    def _each_cadre_ends_in_one_place(self) -> None:
        """Each cadre ends in exactly one place: stays, or makes one move."""
        for positions in self.by_cadre:
            self.model.add_exactly_one(self._vars(positions))

    def _each_post_has_at_most_one_holder(self) -> None:
        """A post has at most one holder (R2: no new seats are created for a rotation)."""
        for positions in self.by_post.values():
            if len(positions) > 1:
                self.model.add_at_most_one(self._vars(positions))

    def _posts_that_must_be_filled(self) -> None:
        """A post the scenario must fill has exactly one holder."""
        for j in np.flatnonzero(self.inst.post_must):
            holders = self._vars(self.by_post.get(int(j), []))
            if self.diagnostic:
                self._enforced(self.model.add(cp_model.LinearExpr.sum(holders) >= 1), ("must_fill", self.inst.post_ids[int(j)]))
            else:
                self.model.add_exactly_one(holders)

    def _count_at_most(self, row: Row, key: GuardKey) -> None:
        self._enforced(self.model.add(cp_model.LinearExpr.sum(self._row_vars(row)) <= row.hi), key)

    def _unit_leaving_limits(self) -> None:
        """At most `max_leaving` of a unit's cadres move to another unit."""
        for row in self.inst.rows:
            if row.kind == "leave":
                self._count_at_most(row, ("leave", row.subject))

    def _unit_arrival_limits(self) -> None:
        """At most `max_arriving` cadres from other units move into a unit."""
        for row in self.inst.rows:
            if row.kind == "arrive":
                self._count_at_most(row, ("arrive", row.subject))

    def _family_conflicts(self) -> None:
        """QĐ 114: relatives are never both in one leadership collective, nor party
        secretary or government head of a locality while the other heads one of the 13
        sectors there."""
        for row in self.inst.rows:
            if row.kind in ("family_collective", "family_sector"):
                members = self._row_vars(row)
                if len(members) > 1:
                    if self.diagnostic:
                        self._enforced(self.model.add(cp_model.LinearExpr.sum(members) <= 1), ("family", row.subject))
                    else:
                        self.model.add_at_most_one(members)

    def _hard_structure_targets(self) -> None:
        """A hard structure target holds on the resulting leadership of its unit or level."""
        for row in self.inst.rows:
            if row.kind == "target" and row.hard:
                count = cp_model.LinearExpr.sum(self._row_vars(row))
                if row.lo is not None:
                    self._enforced(self.model.add(count >= row.lo), ("target", row.subject))
                if row.hi is not None:
                    self._enforced(self.model.add(count <= row.hi), ("target", row.subject))

    def _options_only_when_their_rules_are_relaxed(self) -> None:
        """(Diagnosis) An option that fails a rule is usable only once that rule is relaxed."""

        for k, o in enumerate(self.options):
            keys = option_guard_keys(self.inst, int(o))
            assert keys is not None, "the diagnosis builds its model over usable options only"
            for key in keys:
                self.model.add_implication(self.x[k], self.guard(key).Not())

    # ----------------------------------------------------------------------------------
    # soft rules

    def _soft_structure_targets(self) -> None:
        """A soft structure target costs its weight per person short of the requirement
        (or over the cap) on the resulting leadership."""
        for row in self.inst.rows:
            if row.kind != "target" or row.hard:
                continue
            members = self._row_vars(row)
            count = cp_model.LinearExpr.sum(members)
            if row.lo is not None and row.lo > 0:
                short = self.model.new_int_var(0, row.lo, f"short {row.subject}")
                self.model.add(count + short >= row.lo)
                self.penalties.append(Penalty(f"structure:{row.subject}", row, "short", short, row.weight))
            if row.hi is not None and len(members) > row.hi:
                over = self.model.new_int_var(0, len(members) - row.hi, f"over {row.subject}")
                self.model.add(count - over <= row.hi)
                self.penalties.append(Penalty(f"structure:{row.subject}", row, "over", over, row.weight))

    # ----------------------------------------------------------------------------------
    # objective

    def _objective(self) -> None:
        """Maximise the weighted score of the options chosen minus the weighted structure
        penalties (fit, development, moves and baseline distance are in the option scores).

        Written into the model's objective as arrays (CP-SAT minimises: the coefficients and
        the offset negated, scaling factor −1): the same as `maximize(objective_expr)`."""
        self.has_objective = True
        objective = self.model.proto.objective
        variables = np.concatenate([self.x_index, np.array([p.var.index for p in self.penalties], dtype=np.int64)])
        scores = np.concatenate([self.inst.opt_score[self.options],
                                 -np.array([p.weight for p in self.penalties], dtype=np.int64)])
        keep = scores != 0
        objective.vars.extend(variables[keep].tolist())
        objective.coeffs.extend((-scores[keep]).tolist())
        objective.offset = float(-self.inst.constant)
        objective.scaling_factor = -1.0

    @property
    def objective_expr(self) -> cp_model.LinearExpr | None:
        """The objective as an expression (for a floor on it), None in a model without one."""
        if not self.has_objective:
            return None
        expr = cp_model.LinearExpr.weighted_sum(self.x, [int(s) for s in self.inst.opt_score[self.options]])
        if self.penalties:
            expr = expr - cp_model.LinearExpr.weighted_sum([p.var for p in self.penalties],
                                                           [p.weight for p in self.penalties])
        result: cp_model.LinearExpr = expr + self.inst.constant
        return result

    def add_objective_floor(self, floor: int) -> None:
        """Keep only plans scoring at least `floor` (used for alternatives)."""
        assert self.objective_expr is not None, "a model built without its objective has no floor"
        self.model.add(self.objective_expr >= floor)

    def add_difference(self, chosen: np.ndarray, at_least: int) -> None:
        """Differ from a plan (its chosen options) in at least `at_least` moves."""
        moves = self.inst.opt_move[self.options]
        in_plan = np.zeros(len(self.options), dtype=bool)
        at = self.at[np.asarray(chosen, dtype=np.int64)]
        in_plan[at[at >= 0]] = True
        dropped = [self.x[k] for k in np.flatnonzero(moves & in_plan)]
        added = [self.x[k] for k in np.flatnonzero(moves & ~in_plan)]
        # |moves of the plan not kept| + |new moves| >= at_least
        self.model.add(len(dropped) - cp_model.LinearExpr.sum(dropped) + cp_model.LinearExpr.sum(added) >= at_least)

    def hint(self, chosen: np.ndarray) -> None:
        """Hint a plan (its chosen options): every option variable, 1 when chosen, and every
        penalty variable at the least value the plan allows (persons short or over), written
        into the model's hint as arrays. A complete hint is a solution CP-SAT holds from the
        start: its gap limit then counts from the plan's value, not from the first plan its
        own search finds."""
        self.model.clear_hints()  # type: ignore[no-untyped-call]  # untyped in ortools' stubs
        on = np.zeros(len(self.options), dtype=np.int64)
        at = self.at[np.asarray(chosen, dtype=np.int64)]
        on[at[at >= 0]] = 1
        hint = self.model.proto.solution_hint
        hint.vars.extend(self.x_index.tolist())
        hint.values.extend(on.tolist())
        for penalty in self.penalties:
            members = self.at[penalty.row.options]
            count = int(on[members[members >= 0]].sum())
            assert penalty.row.lo is not None or penalty.row.hi is not None, "a soft row has a side"
            value = max(0, (penalty.row.lo or 0) - count) if penalty.side == "short" else max(0, count - (penalty.row.hi or 0))
            hint.vars.append(penalty.var.index)
            hint.values.append(value)

    # ----------------------------------------------------------------------------------
    # solve and extract

    def solve(self, *, time_limit: float, workers: int = 2, seed: int = 0, relative_gap: float = 0.0,
              absolute_gap: float = 0.0, on_solution: Callable[[int, int], bool | None] | None = None,
              stop: Callable[[], bool] | None = None, log: bool = False,
              assumptions: Sequence[cp_model.LiteralT] | None = None, lp_heavy: bool = False,
              on_bound: Callable[[int], bool] | None = None) -> SatResult:
        """Solve. `on_solution(objective, bound)` is called for each improving plan and
        may return True to end the search; `on_bound(bound)` likewise for each better bound
        (the search often proves a bound long after its last plan). `lp_heavy` runs the
        search with the full LP relaxation (linearization level 2), which proves these
        assignment-shaped models far faster than the default portfolio, after one light
        presolve pass (no probing, a small budget for the set-inclusion detection): on large
        models (100,000 options) the default three passes with probing took two thirds of
        the search's CPU time and left the root LP no stronger (units 30,000 × 6,000: the
        second search 18 s CPU → 10 s)."""
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.max_time_in_seconds = max(0.01, time_limit)
        p.num_workers = workers
        p.random_seed = seed
        p.log_search_progress = log
        if lp_heavy:
            if workers <= 1:
                p.linearization_level = 2
            else:
                p.subsolvers.extend(["max_lp", "default_lp"])
            p.max_presolve_iterations = 1
            p.cp_model_probing_level = 0
            p.presolve_inclusion_work_limit = 1_000_000
        if relative_gap:
            p.relative_gap_limit = relative_gap
        if absolute_gap:
            p.absolute_gap_limit = absolute_gap
        if assumptions is not None:
            self.model.clear_assumptions()
            self.model.add_assumptions(assumptions)
        callback = _Callback(on_solution) if on_solution is not None else None
        if on_bound is not None:
            def bound_found(bound: float) -> None:
                if on_bound(int(np.floor(bound + 1e-6))):
                    solver.stop_search()
            solver.best_bound_callback = bound_found
        watcher = _StopWatcher(solver, stop) if stop is not None else None
        started = time.perf_counter()
        try:
            if watcher:
                watcher.start()
            status = solver.solve(self.model, callback)
        finally:
            if watcher:
                watcher.finish()
        result = SatResult(status=solver.status_name(status), wall=time.perf_counter() - started,
                           stopped=bool(watcher and watcher.fired))
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            values = np.asarray(solver.response_proto.solution, dtype=np.int64)
            result.chosen = self.options[values[self.x_index] > 0]
            if self.has_objective:
                result.objective = int(round(solver.objective_value))
                result.bound = int(np.floor(solver.best_objective_bound + 1e-6))
        elif status == cp_model.UNKNOWN and self.has_objective:
            result.bound = int(np.floor(solver.best_objective_bound + 1e-6))
        if status == cp_model.INFEASIBLE and assumptions is not None:
            result.core = list(solver.sufficient_assumptions_for_infeasibility())
        return result


@dataclass
class SatResult:
    status: str
    wall: float
    stopped: bool = False
    chosen: np.ndarray | None = None
    objective: int | None = None
    bound: int | None = None
    core: list[int] = field(default_factory=list)

    @property
    def has_solution(self) -> bool:
        return self.chosen is not None


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Callable[[int, int], bool | None]) -> None:
        super().__init__()
        self.report = report

    def on_solution_callback(self) -> None:
        if self.report(int(round(self.objective_value)), int(np.floor(self.best_objective_bound + 1e-6))):
            self.stop_search()


class _StopWatcher:
    """Polls a stop request while CP-SAT runs and stops the search when it fires."""

    def __init__(self, solver: cp_model.CpSolver, stop: Callable[[], bool], every: float = 0.02) -> None:
        self.solver, self.stop, self.every = solver, stop, every
        self.done = threading.Event()
        self.fired = False
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        while not self.done.wait(self.every):
            if self.stop():
                self.fired = True
                self.solver.stop_search()
                return

    def finish(self) -> None:
        self.done.set()
        self.thread.join()
