"""Reference methods the engine is measured against (benchmarks and agreement tests).

- `cpsat_direct`: the straightforward CP-SAT model, one Boolean per eligible option, the
  side rows as linear constraints, default parameters, no relaxation and no hint.
- `highs_milp`: the same model as a MILP for HiGHS through `scipy.optimize.milp`.
- `assignment_floor`: the pure assignment relaxation (no side rows) with
  `scipy.optimize.linear_sum_assignment`: the floor on time, and an upper bound.

All three read the compiled instance, so they solve exactly the problem the engine solves.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .engine import solve
from .instance import compile_problem
from .model import Options, Problem
from .relax import build_lp


@dataclass
class BaselineResult:
    method: str
    status: str
    objective: int | None
    bound: float | None
    seconds: float

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return max(0.0, (self.bound - self.objective) / max(1.0, abs(self.bound)))


def cpsat_direct(problem: Problem, time_limit: float = 60.0, workers: int = 2) -> BaselineResult:
    started = time.perf_counter()
    plan = solve(problem, Options(method="direct", time_limit=time_limit, workers=workers, diagnose=False,
                                  relative_gap=1e-4))
    return BaselineResult("cpsat_direct", plan.status, plan.objective, plan.bound, time.perf_counter() - started)


def highs_milp(problem: Problem, time_limit: float = 60.0, relative_gap: float = 1e-4) -> BaselineResult:
    from scipy.optimize import Bounds, LinearConstraint, milp

    started = time.perf_counter()
    inst = compile_problem(problem)
    lp = build_lp(inst, np.flatnonzero(inst.active))
    result = milp(lp.c, constraints=[LinearConstraint(lp.a, lp.lo, lp.hi)], integrality=np.ones(len(lp.c)),
                  bounds=Bounds(np.zeros(len(lp.c)), lp.ub),
                  options={"time_limit": time_limit, "mip_rel_gap": relative_gap, "disp": False})
    seconds = time.perf_counter() - started
    objective = None if result.x is None else int(round(-result.fun)) + lp.constant
    bound = getattr(result, "mip_dual_bound", None)
    bound = None if bound is None or not np.isfinite(bound) else -float(bound) + lp.constant
    status = {0: "optimal", 1: "feasible" if result.x is not None else "unknown", 2: "infeasible"}.get(
        result.status, "unknown")
    return BaselineResult("highs_milp", status, objective, bound, seconds)


def assignment_floor(problem: Problem) -> BaselineResult:
    """Posts choose cadres, ignoring every side row: rows are posts, columns are cadres and
    one 'leave empty' column per post. Holders must be placed (they cannot go outside), so
    their pairs get a large bonus that is taken off afterwards."""
    from scipy.optimize import linear_sum_assignment

    started = time.perf_counter()
    inst = compile_problem(problem)
    active = np.flatnonzero(inst.active)
    n_p, n_c = inst.n_posts, inst.n_cadres
    big = 10 * int(np.abs(inst.opt_score).max() + 1) * 4
    forbidden = 1e12
    # cost of a post taking a cadre: minus the gain over that cadre's staying put
    stay_score = inst.opt_score[inst.stay_option]
    stay_ok = inst.active[inst.stay_option]
    holders = inst.cadre_post >= 0
    cost = np.full((n_p, n_c + n_p), forbidden)
    into = active[inst.opt_post[active] >= 0]
    gain = inst.opt_score[into] - np.where(holders[inst.opt_cadre[into]] | ~stay_ok[inst.opt_cadre[into]], 0,
                                           stay_score[inst.opt_cadre[into]])
    bonus = np.where(holders[inst.opt_cadre[into]], big, 0)
    cost[inst.opt_post[into], inst.opt_cadre[into]] = -(gain + bonus)
    empty = np.where(inst.post_must, forbidden, 0.0)
    cost[np.arange(n_p), n_c + np.arange(n_p)] = empty
    rows, cols = linear_sum_assignment(cost)
    seconds = time.perf_counter() - started
    value = -cost[rows, cols].sum()
    placed = int(np.isin(np.flatnonzero(holders), cols[cols < n_c]).sum())
    feasible = placed == int(holders.sum()) and cost[rows, cols].max() < forbidden
    outside = (~holders) & stay_ok
    bound = value - big * int(holders.sum()) + stay_score[outside].sum() + inst.constant
    return BaselineResult("assignment_floor", "relaxation" if feasible else "infeasible", None,
                          float(bound) if feasible else None, seconds)
