"""The checker catches what a wrong solver could produce."""

from __future__ import annotations

import copy

import pytest

from fixtures.solver_instances import generate
from solver import Move, check
from tests.solver.build import solved


@pytest.fixture(scope="module")
def case():
    problem = generate("small", 1)
    return problem, solved(problem)


def _rules(report):
    return {v.rule for v in report.violations}


def test_the_solved_plan_passes(case):
    problem, plan = case
    report = check(problem, plan)
    assert report.ok and report.objective == plan.objective and "hợp lệ" in str(report)


def test_a_changed_objective_is_caught(case):
    problem, plan = case
    bad = copy.deepcopy(plan)
    bad.objective += 1
    assert "objective" in _rules(check(problem, bad))
    bad.bound = bad.objective - 5
    assert "bound" in _rules(check(problem, bad))


def test_two_cadres_in_one_post_and_an_unproposed_move_are_caught(case):
    problem, plan = case
    bad = copy.deepcopy(plan)
    first = bad.moves[0]
    outsider = next(c.id for c in problem.cadres if c.unit.startswith("EXT") and c.id not in
                    {m.cadre for m in bad.moves})
    bad.moves.append(Move(cadre=outsider, to_post=first.to_post))
    assert {"one_holder", "candidate"} <= _rules(check(problem, bad, check_objective=False))


def test_dropping_a_move_breaks_a_post_that_must_be_filled(case):
    problem, plan = case
    filled = next(m for m in plan.moves if m.kind == "fills_vacancy" and
                  next(p for p in problem.posts if p.id == m.to_post).must_fill)
    bad = copy.deepcopy(plan)
    bad.moves = [m for m in bad.moves if m is not filled and m.cadre != filled.cadre]
    assert "must_fill" in _rules(check(problem, bad, check_objective=False))


def test_ineligible_moves_are_caught_rule_by_rule(case):
    problem, plan = case
    problem = copy.deepcopy(problem)
    move = plan.moves[0]
    c = next(c for c in problem.cadres if c.id == move.cadre)
    c.months_service_left, c.ratings, c.in_pool, c.months_in_post = 10, ["fail"], False, 1
    assert {"service", "rating", "pool", "tenure"} <= _rules(check(problem, plan, check_objective=False))
