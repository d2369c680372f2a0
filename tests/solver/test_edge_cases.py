"""Edge cases of the problem format (issue 16): `rating_years: 0` solves, and a forbidden
entry with `post: null` ("may not stay") is honoured by the solver and the checker."""

from __future__ import annotations

from dataclasses import replace

from solver import Assignment, Rules, check, problem_from_dict, problem_to_dict
from tests.solver.build import cadre, make, moved, pair, post, solved


def test_rating_years_zero_asks_for_no_rating() -> None:
    # N has no rating at all: with the default 3 years it cannot move; with 0 years it can.
    posts = [post("P1", must_fill=True)]
    cadres = [cadre("N", ratings=[]), cadre("G")]
    problem = make(posts, cadres, [pair("N", "P1", fit=90), pair("G", "P1", fit=60)])
    assert moved(solved(problem)) == {"G": "P1"}
    problem.rules = Rules(rating_years=0)
    plan = solved(problem)            # solved runs the checker too, which agrees
    assert plan.status == "optimal" and moved(plan) == {"N": "P1"} and plan.objective == 90


def _holder_may_not_stay(with_way_out: bool):
    """A holds P1 (fit 80 there); P2 is vacant. A scores 30 in P2. Forbidden to stay, A must
    go to P2 (objective 30) although staying would score 80."""
    posts = [post("P1", holder="A"), post("P2")]
    cadres = [cadre("A", unit="U1", current_fit=80)]
    candidates = [pair("A", "P2", fit=30)] if with_way_out else []
    return make(posts, cadres, candidates, forbidden=[Assignment("A", None)])


def test_forbidden_stay_is_honoured_by_the_solver() -> None:
    problem = _holder_may_not_stay(with_way_out=True)
    # read back from JSON: the reader keeps the entry
    problem = problem_from_dict(problem_to_dict(problem))
    assert problem.forbidden == [Assignment("A", None)]
    plan = solved(problem)
    assert plan.status == "optimal" and moved(plan) == {"A": "P2"} and plan.objective == 30
    allowed = replace(problem, forbidden=[])
    assert moved(solved(allowed)) == {} and solved(allowed).objective == 80


def test_forbidden_stay_with_nowhere_to_go_is_explained() -> None:
    plan = solved(_holder_may_not_stay(with_way_out=False))
    assert plan.status == "infeasible"
    assert plan.diagnosis is not None and plan.diagnosis.verified
    assert [c.rule for c in plan.diagnosis.conflicts] == ["forbidden"]
    assert "không cho A ở lại vị trí hiện tại" in plan.diagnosis.conflicts[0].message


def test_the_checker_refuses_a_plan_that_keeps_a_cadre_forbidden_to_stay() -> None:
    problem = _holder_may_not_stay(with_way_out=True)
    stay_plan = solved(replace(problem, forbidden=[]))       # A stays: fine without the entry
    assert check(replace(problem, forbidden=[]), stay_plan).ok
    report = check(problem, stay_plan)
    assert not report.ok
    assert "A không được ở lại theo kịch bản nhưng vẫn ở lại." in str(report)
