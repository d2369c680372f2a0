"""The engine's shortcuts (issue 16, "ahead of HiGHS at every size") change how fast a plan is
proved, never which plan or bound is reported: each is checked here against HiGHS at gap 0 and
the independent checker, or against the slow way of doing the same thing."""

from __future__ import annotations

import numpy as np
import pytest

from fixtures.solver_instances import generate
from fixtures.solver_instances_alt import SHAPES, generate_alt
from solver import Options, check, solve
from solver.baselines import highs_milp
from solver.cpsat import RotationModel
from solver.engine import is_assignment
from solver.explain import evaluate
from solver.instance import compile_problem


@pytest.mark.parametrize("shape", SHAPES)
def test_an_integral_lp_proves_the_plan_without_a_search(shape):
    """At 200 × 50 the LP of these instances is integral: its rounded plan meets the safe dual
    bound, so the plan is optimal with no CP-SAT run, and it is HiGHS's optimum."""
    problem = generate_alt(shape, "200x50", 1)
    plan = solve(problem, Options(relative_gap=0))
    reference = highs_milp(problem, relative_gap=0)
    assert reference.status == "optimal"
    assert plan.status == "optimal" and plan.objective == plan.bound == reference.objective
    assert not any(name.startswith("search") for name in plan.stats["phases"])
    assert check(problem, plan).ok


def test_is_assignment_refuses_what_is_not_one_place_per_cadre_and_one_holder_per_post():
    inst = compile_problem(generate("small", 1))
    stays = inst.stay_option
    assert is_assignment(inst, stays) == bool(inst.post_holder[inst.post_must].min(initial=0) >= 0)
    moves = np.flatnonzero(inst.active & inst.opt_move)
    o = int(moves[0])
    cadre, post = int(inst.opt_cadre[o]), int(inst.opt_post[o])
    two_places = np.append(stays, o)                                  # the cadre both stays and moves
    assert not is_assignment(inst, two_places)
    moved = stays.copy()
    moved[cadre] = o
    holder = int(inst.post_holder[post])
    if holder >= 0:                                                    # the post's holder stays: two holders
        assert not is_assignment(inst, moved)
    assert not is_assignment(inst, stays[1:])                         # a cadre with no place


@pytest.mark.parametrize("size,seed", [("small", 1), ("small", 2)])
def test_the_model_built_from_arrays_scores_plans_as_the_plain_objective(size, seed):
    """The objective written into CP-SAT's proto (negated, scaling −1) and the hint read back
    agree with the objective recomputed from the plan's options and with the expression the
    alternatives use."""
    inst = compile_problem(generate(size, seed))
    active = np.flatnonzero(inst.active)
    rm = RotationModel(inst, active)
    rm.hint(inst.stay_option)
    result = rm.solve(time_limit=20, workers=2, relative_gap=0)
    assert result.status == "OPTIMAL" and result.chosen is not None
    assert result.objective == evaluate(inst, result.chosen).objective
    assert result.bound == result.objective
    # the same model with a floor just above its optimum has no plan; at the optimum it has one
    above = RotationModel(inst, active)
    above.add_objective_floor(result.objective + 1)
    assert above.solve(time_limit=30, workers=2, lp_heavy=True).status == "INFEASIBLE"
    at = RotationModel(inst, active)
    at.add_objective_floor(result.objective)
    assert at.solve(time_limit=20, workers=2).status in ("OPTIMAL", "FEASIBLE")



@pytest.mark.parametrize("shape", ["units", "tight"])
def test_the_hint_is_a_whole_plan_with_its_penalties(shape):
    """The hint sets every variable of the model, the penalty counts included (persons short of
    a soft target), so CP-SAT holds the hinted plan from the start: with every variable fixed to
    its hinted value the model has exactly that plan, scored as the plan scores."""
    from ortools.sat.python import cp_model

    inst = compile_problem(generate_alt(shape, "200x50", 1))
    active = np.flatnonzero(inst.active)
    for chosen in (RotationModel(inst, active).solve(time_limit=20, workers=2).chosen, inst.stay_option):
        assert chosen is not None
        rm = RotationModel(inst, active)
        assert any(p.side == "short" for p in rm.penalties), "the instance has soft targets"
        rm.hint(chosen)
        assert set(rm.model.proto.solution_hint.vars) == set(range(len(rm.model.proto.variables)))
        solver = cp_model.CpSolver()
        solver.parameters.fix_variables_to_their_hinted_value = True
        solver.parameters.num_workers = 1
        if not evaluate(inst, chosen).feasible:
            continue                      # staying put may break a hard rule: no plan to compare
        assert solver.solve(rm.model) == cp_model.OPTIMAL
        assert int(round(solver.objective_value)) == evaluate(inst, chosen).objective
