"""The blocks of the decomposition compiled once (solver/decompose_parts.py): a priced or
restricted block from the compiled one is the block compiled with those prices or pins; the
first prices are what the block loses without each linking cadre; the centre never sees a
cadre it could not take."""

from __future__ import annotations

import copy
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from solver import Assignment, Options, check, solve
from solver.baselines import highs_milp
from solver.decompose import EXIT, priced, solve_decomposed, split_problem
from solver.decompose_parts import prepare, solve_instance
from solver.instance import compile_problem
from solver.relax import flow_relaxation

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from fixtures.solver_national import generate_national  # noqa: E402


@pytest.fixture(scope="module")
def national():
    problem = generate_national(3, "small", 2)
    return problem, split_problem(problem, block_posts=1)


def test_a_priced_block_is_the_block_compiled_with_its_prices(national):
    _, split = national
    block = split.blocks[0]
    part = prepare(block)
    prices = {c: 7 * k - 40 for k, c in enumerate(sorted(part.exits))}
    blocks, _ = priced(split, prices)
    want = compile_problem(blocks[0])
    got = part.priced(prices)
    assert np.array_equal(got.opt_score, want.opt_score) and np.array_equal(got.opt_dev, want.opt_dev)
    assert np.array_equal(got.active, want.active)
    assert not np.array_equal(got.opt_score, part.inst.opt_score)      # the compiled block is left as it was


def test_a_restricted_block_solves_as_the_block_with_those_exits_pinned(national):
    _, split = national
    block = split.blocks[1]
    part = prepare(block)
    going = set(sorted(part.exits)[:2])
    prices = dict.fromkeys(part.exits, 25)
    blocks, _ = priced(split, prices)
    pinned = replace(blocks[1], pinned=blocks[1].pinned + [Assignment(c, f"{EXIT}{c}") for c in sorted(going)],
                     forbidden=blocks[1].forbidden + [Assignment(c, f"{EXIT}{c}") for c in part.exits if c not in going])
    reference = solve(pinned, Options(time_limit=30, relative_gap=0, diagnose=False))
    got = solve_instance(part.priced(prices, going), 30, 0, 2)
    assert reference.ok and got.ok
    assert got.objective == reference.objective
    assert {m.cadre for m in got.moves if m.to_post.startswith(EXIT)} == going


def test_the_first_price_makes_the_block_indifferent_on_its_flow(national):
    """The reservation price of a linking cadre, by shortest paths in the residual graph, against
    solving the block's flow relaxation again with the cadre sent to its exit at that price."""
    _, split = national
    compared = 0
    for block in split.blocks:
        part = prepare(block)
        inst = part.inst
        dev_w = inst.problem.weights.development
        is_exit = np.zeros(len(inst.opt_cadre), dtype=bool)
        is_exit[list(part.exits.values())] = True
        home = flow_relaxation(inst, np.flatnonzero(inst.active & ~is_exit))
        assert home.feasible and part.prices
        for cadre, price in part.prices.items():
            o = part.exits[cadre]
            sent = part.priced({cadre: price})
            i = inst.cadre_index[cadre]
            keep = sent.active & ~is_exit & (sent.opt_cadre != i)
            keep[o] = True
            away = flow_relaxation(sent, np.flatnonzero(keep))
            if not away.feasible:          # a cadre the block cannot do without: priced at the most
                continue
            assert abs(away.value - home.value) <= dev_w // 2, (cadre, price)
            compared += 1
    assert compared >= 10


def test_a_cadre_the_centre_can_never_take_gets_no_exit():
    """Every central post requires a qualification: a province cadre without it, though proposed
    for the centre, is no linking cadre; the bound still holds the whole problem's optimum."""
    problem = copy.deepcopy(generate_national(3, "small", 3))
    split = split_problem(problem)
    barred = sorted(split.linking)[:3]
    for c in problem.cadres:
        if c.id in barred:
            c.qualifications = [q for q in c.qualifications if q != "theory:advanced"]
    cut = split_problem(problem, block_posts=1)
    assert not set(barred) & set(cut.linking)
    assert not any(p.id in {f"{EXIT}{c}" for c in barred} for b in cut.blocks for p in b.posts)
    assert not set(barred) & {c.id for c in cut.centre.cadres}
    reference = highs_milp(problem, time_limit=120, relative_gap=0)
    assert reference.status == "optimal" and reference.objective is not None
    plan = solve_decomposed(problem, Options(time_limit=30, relative_gap=1e-4), processes=1, block_posts=1)
    assert plan.ok and plan.bound is not None and plan.objective is not None
    assert plan.bound >= reference.objective >= plan.objective
    assert check(problem, plan).ok


def test_two_processes_give_a_checked_plan_and_a_bound(national):
    problem, _ = national
    reference = highs_milp(problem, time_limit=120, relative_gap=0)
    assert reference.status == "optimal" and reference.objective is not None
    plan = solve_decomposed(problem, Options(time_limit=30, relative_gap=1e-4), processes=2, block_posts=1)
    assert plan.ok and plan.bound is not None and plan.objective is not None
    assert plan.bound >= reference.objective >= plan.objective
    assert "parts_objective" not in plan.stats and check(problem, plan).ok


def test_without_first_prices_the_bound_still_holds(national, monkeypatch):
    """A block whose flow gives no prices (all at 0, as before the first prices): the rounds
    still give a bound of the whole and a plan the checker passes."""
    import solver.decompose_parts as parts

    problem, _ = national
    monkeypatch.setattr(parts, "reservation_prices", lambda inst, exits: {})
    reference = highs_milp(problem, time_limit=120, relative_gap=0)
    assert reference.status == "optimal" and reference.objective is not None
    plan = solve_decomposed(problem, Options(time_limit=30, relative_gap=1e-4), processes=1, block_posts=1)
    assert plan.ok and plan.bound is not None and plan.objective is not None
    assert plan.bound >= reference.objective >= plan.objective
    assert "parts_objective" not in plan.stats and check(problem, plan).ok
