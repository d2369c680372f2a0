"""Relaxations: the min-cost flow (no side rows) and the linear programme (all rows).

Without the side rows (unit limits, family conflicts, structure targets) the problem is
a min-cost flow: each cadre sends one unit to the place they end in (their post, a
candidate post, or "outside"), each post passes at most one unit on (exactly one when it
must be filled). OR-Tools' SimpleMinCostFlow solves it in milliseconds; its optimum is
the first upper bound and its assignment the first plan.

The linear relaxation of the full model (GLOP, OR-Tools' simplex, through model_builder)
is almost integral on these problems: it gives a bound within a few points of the
optimum and, through its duals, a *reduced profit* for every option. From any dual
vector we compute a bound that is valid whatever the LP solver's accuracy (a weak-duality
bound with the dual signs projected), and for each option the bound of every plan that
uses it; options whose bound falls below the target are left out of the search.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from ortools.graph.python import min_cost_flow
from ortools.linear_solver.python import model_builder_helper as mbh

from .instance import Instance

INF = float("inf")


# --------------------------------------------------------------------------------------
# Min-cost flow


@dataclass
class FlowResult:
    feasible: bool
    value: int | None = None        # optimum of the relaxation (an upper bound)
    chosen: np.ndarray | None = None  # option indices chosen, one per cadre


def flow_relaxation(inst: Instance, options: np.ndarray, must: np.ndarray | None = None) -> FlowResult:
    """The problem without its side rows, as a min-cost flow over `options` (`must`:
    which posts must be filled; by default the problem's)."""
    must = inst.post_must if must is None else must
    n_c, n_p = inst.n_cadres, inst.n_posts
    outside, sink = n_c + n_p, n_c + n_p + 1
    posts = inst.opt_post[options]
    tails = inst.opt_cadre[options]
    heads = np.where(posts >= 0, n_c + posts, outside)
    free = np.flatnonzero(~must)
    n_must = int(must.sum())
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([tails, n_c + free, [outside]]).astype(np.int32),
        np.concatenate([heads, np.full(len(free), sink), [sink]]).astype(np.int32),
        np.concatenate([np.ones(len(options) + len(free), dtype=np.int64), [n_c]]),
        np.concatenate([-inst.opt_score[options], np.zeros(len(free) + 1, dtype=np.int64)]),
    )
    supply = np.zeros(n_c + n_p + 2, dtype=np.int64)
    supply[:n_c] = 1
    supply[n_c + np.flatnonzero(must)] = -1
    supply[sink] = -(n_c - n_must)
    smcf.set_nodes_supplies(np.arange(n_c + n_p + 2, dtype=np.int32), supply)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        return FlowResult(False)
    flows = smcf.flows(np.arange(len(options), dtype=np.int32))
    chosen = options[flows > 0]
    return FlowResult(True, int(-smcf.optimal_cost()) + inst.constant, chosen)


# --------------------------------------------------------------------------------------
# Linear relaxation


@dataclass
class LinearProgram:
    """The LP over a set of options, in minimisation form: min c.x, lo <= A x <= hi,
    0 <= x <= ub. Columns: the options, then one slack per soft row side."""

    options: np.ndarray
    c: np.ndarray
    ub: np.ndarray
    a: sp.csr_matrix
    lo: np.ndarray
    hi: np.ndarray
    constant: int


def build_lp(inst: Instance, options: np.ndarray) -> LinearProgram:
    n = len(options)
    position = np.full(len(inst.opt_cadre), -1, dtype=np.int64)
    position[options] = np.arange(n)
    rows_i: list[np.ndarray] = []
    cols_i: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    lo: list[float] = []
    hi: list[float] = []
    k = 0
    # each cadre ends in exactly one place
    rows_i.append(inst.opt_cadre[options])
    cols_i.append(np.arange(n))
    vals.append(np.ones(n))
    lo += [1.0] * inst.n_cadres
    hi += [1.0] * inst.n_cadres
    k += inst.n_cadres
    # each post at most one holder, exactly one when it must be filled
    posts = inst.opt_post[options]
    into = np.flatnonzero(posts >= 0)
    rows_i.append(k + posts[into])
    cols_i.append(into)
    vals.append(np.ones(len(into)))
    lo += [1.0 if m else -INF for m in inst.post_must]
    hi += [1.0] * inst.n_posts
    k += inst.n_posts
    # side rows; soft sides get a slack column each
    slack_cost: list[float] = []
    slack_ub: list[float] = []
    for row in inst.rows:
        members = position[row.options]
        members = members[members >= 0]
        sides = []
        if row.hard:
            sides.append((row.lo, row.hi, 0.0))
        else:
            if row.lo is not None:
                sides.append((row.lo, None, +1.0))      # count + shortfall >= lo
            if row.hi is not None:
                sides.append((None, row.hi, -1.0))      # count - excess <= hi
        for side_lo, side_hi, slack in sides:
            rows_i.append(np.full(len(members), k))
            cols_i.append(members)
            vals.append(np.ones(len(members)))
            if slack:
                rows_i.append(np.array([k]))
                cols_i.append(np.array([n + len(slack_cost)]))
                vals.append(np.array([slack]))
                slack_cost.append(float(row.weight))
                if side_lo is not None:
                    slack_ub.append(float(side_lo))
                else:
                    assert side_hi is not None  # a soft side has one bound, the other is None
                    slack_ub.append(float(max(0, len(members) - side_hi)))
            lo.append(-INF if side_lo is None else float(side_lo))
            hi.append(INF if side_hi is None else float(side_hi))
            k += 1
    n_cols = n + len(slack_cost)
    a = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows_i), np.concatenate(cols_i))), shape=(k, n_cols))
    c = np.concatenate([-inst.opt_score[options].astype(float), np.array(slack_cost, dtype=float)])
    ub = np.concatenate([np.ones(n), np.array(slack_ub, dtype=float)])
    return LinearProgram(options, c, ub, a, np.array(lo), np.array(hi), inst.constant)


@dataclass
class LPResult:
    status: str                          # optimal, infeasible, interrupted, failed
    bound: int | None = None          # valid upper bound on the objective (max sense), rounded down
    dual_value: float | None = None   # the same bound before rounding
    exact_bound: float | None = None  # the LP optimum as the solver reports it
    x: np.ndarray | None = None       # LP values of the options
    penalty: np.ndarray | None = None  # per option: how much using it lowers dual_value (>= 0)

    def option_bounds(self) -> np.ndarray:
        """For each option, an upper bound on the objective of any plan that uses it
        (rounded down only here, after the penalty: floor(U) - p is not a bound)."""
        assert self.dual_value is not None and self.penalty is not None, "only for a solved LP"
        bounds: np.ndarray = np.floor(self.dual_value - self.penalty + 1e-6)
        return bounds


class LPHandle:
    """Lets another thread interrupt a running LP solve."""

    def __init__(self) -> None:
        self.solver: mbh.ModelSolverHelper | None = None

    def interrupt(self) -> None:
        if self.solver is not None:
            self.solver.interrupt_solve()


def solve_lp(lp: LinearProgram, time_limit: float, handle: LPHandle | None = None) -> LPResult:
    model = mbh.ModelBuilderHelper()
    # the stubs shipped with ortools spell the array types in a form mypy cannot match
    model.fill_model_from_sparse_data(np.zeros(len(lp.c)), lp.ub, lp.c, lp.lo, lp.hi, lp.a)  # type: ignore[arg-type]
    solver = mbh.ModelSolverHelper("glop")
    # the dual simplex: about twice as fast as the primal on these problems at 10,000 × 2,000
    solver.set_solver_specific_parameters("use_dual_simplex: true")
    solver.set_time_limit_in_seconds(max(0.01, time_limit))
    if handle is not None:
        handle.solver = solver
    solver.solve(model)
    status = solver.status()
    if status == mbh.SolveStatus.INFEASIBLE:
        return LPResult("infeasible")
    if status == mbh.SolveStatus.CANCELLED_BY_USER:
        return LPResult("interrupted")
    if not solver.has_solution():
        return LPResult("failed")
    duals = np.asarray(solver.dual_values(), dtype=float)
    value, penalty = dual_bound(lp, duals)
    x = np.asarray(solver.variable_values(), dtype=float)[: len(lp.options)]
    exact = -float(solver.objective_value()) + lp.constant
    return LPResult("optimal" if status == mbh.SolveStatus.OPTIMAL else "failed", math.floor(value + 1e-6),
                    value, exact, x, penalty)


def dual_bound(lp: LinearProgram, duals: np.ndarray) -> tuple[float, np.ndarray]:
    """A bound valid for any dual vector (weak duality, signs projected), and for each
    option the amount by which fixing it to 1 lowers that bound. Neither is rounded.

    min c.x with lo <= Ax <= hi, 0 <= x <= ub: for any pi,
        c.x = pi.Ax + (c - A'pi).x >= sum_i (pi_i lo_i if pi_i > 0 else pi_i hi_i) + sum_j min(0, r_j) ub_j
    """
    pi = duals.copy()
    pi[(pi > 0) & ~np.isfinite(lp.lo)] = 0.0
    pi[(pi < 0) & ~np.isfinite(lp.hi)] = 0.0
    side = np.where(pi > 0, np.where(np.isfinite(lp.lo), lp.lo, 0.0), np.where(np.isfinite(lp.hi), lp.hi, 0.0))
    reduced = lp.c - lp.a.T @ pi
    lower = float(pi @ side) + float(np.minimum(reduced, 0.0) @ lp.ub)
    upper = -lower + lp.constant
    n = len(lp.options)
    penalty = np.maximum(reduced[:n], 0.0)
    return upper, penalty
