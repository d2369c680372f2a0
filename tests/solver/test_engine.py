"""The engine's contract: progress, stop on request, alternatives, statuses, determinism."""

from __future__ import annotations

import threading

from fixtures.solver_instances import generate
from solver import Options, check, solve
from tests.solver.build import cadre, make, moved, pair, post, solved


def test_progress_reports_incumbent_bound_and_gap_and_never_raises_the_bound():
    seen = []
    plan = solved(generate("medium", 1), progress=seen.append, relative_gap=0)
    assert seen and {p.phase for p in seen} >= {"relaxation"}
    bounds = [p.bound for p in seen if p.bound is not None]
    assert bounds == sorted(bounds, reverse=True)
    last = seen[-1]
    assert last.incumbent is not None and last.gap is not None
    assert all(p.incumbent is None or p.incumbent <= p.bound for p in seen)
    assert plan.bound <= bounds[0]


def test_stop_on_request_event_and_callable():
    event = threading.Event()
    event.set()
    plan = solve(generate("medium", 1), Options(stop=event))
    assert plan.status in ("unknown", "feasible", "optimal")
    if plan.ok:
        assert check(generate("medium", 1), plan).ok
    calls = []

    def stop() -> bool:
        calls.append(1)
        return len(calls) > 1

    problem = generate("small", 1)
    plan = solved(problem, stop=stop)
    assert calls


def test_alternatives_within_margin_and_differing_in_d_moves():
    problem = generate("small", 1)
    plan = solved(problem, alternatives=3, alternative_margin=0.01, alternative_min_difference=2)
    assert plan.status == "optimal" and len(plan.alternatives) == 3
    best_moves = {(m.cadre, m.to_post) for m in plan.moves}
    previous = [best_moves]
    for alternative in plan.alternatives:
        assert alternative.objective >= plan.objective - int(0.01 * plan.objective)
        assert alternative.objective <= plan.bound
        mine = {(m.cadre, m.to_post) for m in alternative.moves}
        assert all(len(mine ^ other) >= 2 for other in previous)
        assert alternative.difference == len(mine ^ best_moves)
        previous.append(mine)


def test_direct_method_and_auto_agree_on_a_generated_instance():
    problem = generate("small", 2)
    assert solved(problem, method="direct", relative_gap=0).objective == solved(problem, relative_gap=0).objective


def test_same_input_same_plan():
    a = solved(generate("small", 1))
    b = solved(generate("small", 1))
    assert [(m.cadre, m.to_post) for m in a.moves] == [(m.cadre, m.to_post) for m in b.moves]


def test_invalid_problem_is_an_answer():
    problem = make([post("P1")], [cadre("A")], [pair("A", "P9")])
    plan = solve(problem)
    assert plan.status == "invalid" and plan.warnings


def test_duplicate_and_self_proposals_are_warned_and_ignored():
    problem = make([post("P1", holder="A"), post("P2")], [cadre("A", unit="U1"), cadre("B")],
                   [pair("A", "P1"), pair("B", "P2", 60), pair("B", "P2", 10)])
    plan = solved(problem)
    assert moved(plan) == {"B": "P2"} and plan.objective == 60 + 0
    assert len(plan.warnings) == 2


def test_terms_add_up_to_the_objective():
    plan = solved(generate("small", 1))
    assert sum(t.contribution for t in plan.terms) == plan.objective
    assert [t.name for t in plan.terms] == ["fit", "development", "structure", "moves", "baseline"]
    assert all(t.label for t in plan.terms)
    moves = next(t for t in plan.terms if t.name == "moves")
    assert moves.value == len(plan.moves)


def test_moves_carry_reasons_and_the_structure_is_reported():
    plan = solved(generate("small", 1))
    assert plan.moves and all(m.reasons for m in plan.moves)
    assert {m.kind for m in plan.moves} <= {"fills_vacancy", "replaces"}
    assert plan.structure and all(f.seats >= 0 for f in plan.structure)
    assert plan.chains and all(c.text for c in plan.chains)


def test_time_limit_is_respected_on_the_provincial_instance():
    plan = solved(generate("provincial", 1), time_limit=5)
    assert plan.time < 5 + 1
    assert plan.gap is not None and plan.gap <= 1e-4


def test_bad_options_are_an_answer_too():
    from solver import Options

    assert solve(generate("tiny", 1), Options(method="magic")).status == "invalid"
    assert solve(generate("tiny", 1), Options(time_limit=0)).status == "invalid"


def test_progress_reaches_the_diagnosis_phase():
    seen = []
    plan = solved(make([post("P1", must_fill=True)], [cadre("A")]), progress=seen.append)
    assert plan.status == "infeasible" and seen[-1].phase == "diagnosis"
