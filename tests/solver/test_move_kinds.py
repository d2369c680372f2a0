"""Appointment is not rotation (RULES.md §9): each kind of move is judged by its own rules,
in the solver's eligibility, in its compiled instance and in the independent checker.

Hand-worked from the regulations:
- appointment (QĐ 377 art. 34): a pool member, rated, with at least 60 months of service left
  at appointment (one full term), not to a lower post, no discipline cooldown for a higher
  post; R6 (equivalent post), R7 (120 months) and R8 (36 months in post) do not apply;
- rotation (QĐ 65): R1–R9, i.e. an equivalent post, 120 months left, 36 months in post.
"""

from __future__ import annotations

import pytest

import solver
from solver import checker, eligibility, io
from solver.instance import compile_problem
from solver.model import Cadre, Candidate, Discipline, Post, Problem, Rules, Unit

RULES = Rules()


def deputy(**over) -> Cadre:
    """A deputy director (rank 5) in the pool for the director's post (rank 6): 80 months of
    service left, 12 months in post, rated good three years running."""
    fields = dict(id="A", unit="U", rank=5, months_service_left=80, months_in_post=12,
                  ratings=["good", "good", "good"], in_pool=True)
    fields.update(over)
    return Cadre(**fields)


DIRECTOR = Post(id="GD#1", unit="U", rank=6, is_head=True)


def failures(cadre: Cadre, post: Post, kind: str) -> list[str]:
    return eligibility.cadre_failures(cadre, RULES, kind) + eligibility.pair_failures(cadre, post, RULES, None, kind)


def test_a_planned_deputy_is_appointed_director_but_would_fail_as_a_rotation():
    assert failures(deputy(), DIRECTOR, "appointment") == []
    # as a rotation: one rank up without being outstanding (R6), 80 < 120 months (R7), 12 < 36 months (R8)
    assert sorted(failures(deputy(), DIRECTOR, "rotation")) == ["rank", "service", "tenure"]


@pytest.mark.parametrize("months, ok", [(59, False), (60, True), (61, True)])
def test_an_appointment_needs_60_months_of_service_left(months, ok):
    assert ("service" not in failures(deputy(months_service_left=months), DIRECTOR, "appointment")) is ok


@pytest.mark.parametrize("months, ok", [(119, False), (120, True)])
def test_a_rotation_needs_120_months_of_service_left(months, ok):
    same_rank = Post(id="PGD#2", unit="V", rank=5)
    cadre = deputy(months_service_left=months, months_in_post=36)
    assert ("service" not in failures(cadre, same_rank, "rotation")) is ok


def test_an_appointment_is_never_to_a_lower_post_and_a_transfer_never_to_a_higher_one():
    lower = Post(id="TP#1", unit="U", rank=4)
    assert "rank" in failures(deputy(), lower, "appointment")
    assert "rank" in failures(deputy(), DIRECTOR, "transfer")
    assert "rank" not in failures(deputy(), lower, "secondment")


def test_the_discipline_cooldown_bars_an_appointment_whatever_the_rule_sets_scope():
    # a reprimand 10 months ago: the 24-month cooldown for a higher post runs
    cadre = deputy(discipline=Discipline("reprimand", 10))
    higher_only = Rules(discipline_scope="higher")
    assert "discipline" in eligibility.cadre_failures(cadre, higher_only, "appointment")
    # the caller's judgement (in_force) stands over the months: the same discipline judged over
    over = deputy(discipline=Discipline("reprimand", 10, in_force=False))
    assert "discipline" not in eligibility.cadre_failures(over, RULES, "appointment")
    still = deputy(discipline=Discipline("reprimand", 30, in_force=True))
    assert "discipline" in eligibility.cadre_failures(still, RULES, "rotation")
    # judged per purpose: an ended reprimand no longer bars planning or a rotation (QĐ 377),
    # its cooldown still bars a higher post
    ended = deputy(discipline=Discipline("reprimand", 20, in_force=False, in_force_appointment=True))
    assert "discipline" in eligibility.cadre_failures(ended, RULES, "appointment")
    assert "discipline" not in eligibility.cadre_failures(ended, RULES, "rotation")
    assert "discipline" in [r for r, _ in checker._move_failures(ended, DIRECTOR, RULES, None, "appointment")]


def _problem(kind: str) -> Problem:
    return Problem(
        units=[Unit("U"), Unit("V")],
        posts=[DIRECTOR, Post(id="PGD#1", unit="U", rank=5, holder="A")],
        cadres=[deputy()],
        candidates=[Candidate("A", "GD#1", fit=60, kind=kind)],
    )


def test_the_solver_appoints_and_the_checker_agrees_with_the_kind():
    problem = _problem("appointment")
    inst = compile_problem(problem)
    move_option = int(inst.stay_option[0]) + 1
    assert inst.failed_rules(move_option) == []
    plan = solver.solve(problem, solver.Options(time_limit=5))
    assert plan.ok and [(m.cadre, m.to_post, m.move_kind) for m in plan.moves] == [("A", "GD#1", "appointment")]
    assert checker.check(problem, plan).ok
    # the same move proposed as a rotation fails R6, R7 and R8: no move
    rotation = _problem("rotation")
    assert sorted(compile_problem(rotation).failed_rules(move_option)) == ["rank", "service", "tenure"]
    assert solver.solve(rotation, solver.Options(time_limit=5)).moves == []
    # the checker judges the appointment's move as a rotation when the problem says rotation
    report = checker.check(rotation, plan, check_objective=False)
    assert {v.rule for v in report.violations} >= {"rank", "service", "tenure", "kind"}


def test_the_kind_round_trips_and_defaults_to_rotation():
    problem = _problem("appointment")
    data = io.problem_to_dict(problem)
    assert data["candidates"][0]["kind"] == "appointment"
    assert io.problem_from_dict(data).candidates[0].kind == "appointment"
    data["candidates"][0].pop("kind")
    assert io.problem_from_dict(data).candidates[0].kind == "rotation"


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        compile_problem(_problem("promotion"))
