"""The national rotation solved by decomposition (issue 15): per province, then the centre.

Small national instances (3 provinces of 200 cadres and the centre) against HiGHS at gap 0 on
the WHOLE problem: the decomposition's bound is at least the optimum, its plan at most the
optimum, and the independent checker accepts the plan on the whole problem."""

from __future__ import annotations

import copy
import random
import sys
from pathlib import Path

import pytest

from solver import Assignment, Discipline, Options, Problem, check, dump_problem, load_plan, problem_to_dict, solve
from solver.baselines import highs_milp
from solver.decompose import EXIT, NotDecomposable, priced, solve_decomposed, split_problem

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from fixtures.solver_national import generate_national  # noqa: E402

_optimum: dict[int, tuple[Problem, int]] = {}


def national(seed: int) -> tuple[Problem, int]:
    """3 provinces × 200 cadres and the centre, with the whole problem's optimum by HiGHS at gap 0."""
    if seed not in _optimum:
        problem = generate_national(3, "small", seed)
        reference = highs_milp(problem, time_limit=120, relative_gap=0)
        assert reference.status == "optimal" and reference.objective is not None
        _optimum[seed] = (problem, reference.objective)
    return _optimum[seed]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_bound_holds_the_optimum_and_the_plan_passes_the_checker(seed):
    problem, optimum = national(seed)
    plan = solve_decomposed(problem, Options(time_limit=30, relative_gap=1e-4), processes=1, block_posts=1)
    assert plan.ok and plan.objective is not None and plan.bound is not None
    assert plan.bound >= optimum >= plan.objective
    assert plan.gap == pytest.approx((plan.bound - plan.objective) / plan.bound)
    assert plan.stats["blocks"] == 3 and plan.stats["linking_cadres"] > 0
    assert "parts_objective" not in plan.stats and not plan.warnings   # the parts add up to the whole
    report = check(problem, plan)
    assert report.ok, report
    assert not any(m.to_post.startswith(EXIT) for m in plan.moves)


def test_the_centre_takes_cadres_of_the_provinces():
    problem, _ = national(3)
    plan = solve_decomposed(problem, Options(time_limit=30), processes=1, block_posts=1)
    central = {p.id for p in problem.posts if p.unit.startswith("TW-")}
    from_provinces = [m for m in plan.moves if m.to_post in central and m.cadre.startswith("P")]
    assert from_provinces, "no province cadre took a central post"
    for m in from_provinces:                  # the move is read on the whole problem: from their post
        held = next((p.id for p in problem.posts if p.holder == m.cadre), None)
        assert m.from_post == held


@pytest.mark.parametrize("seed", [1, 2])
def test_every_price_gives_a_bound_on_the_whole_problem(seed):
    """The Lagrangian argument: the exit earns λ in the block, the central move costs λ in the
    centre, so for ANY prices the parts' bounds add up to a bound of the whole."""
    problem, optimum = national(seed)
    split = split_problem(problem, block_posts=1)
    rng = random.Random(seed)
    for _ in range(3):
        prices = {c: rng.randint(-60, 200) for c in split.linking}
        blocks, centre = priced(split, prices)
        total = 0
        for part in blocks + [centre]:
            plan = solve(part, Options(time_limit=30, relative_gap=0, diagnose=False))
            assert plan.ok and plan.bound is not None
            total += plan.bound
        assert total >= optimum


def test_the_parts_partition_the_posts_and_the_cadres():
    problem, _ = national(1)
    split = split_problem(problem, block_posts=1)
    parts = split.blocks + [split.centre]
    posts = [p.id for part in parts for p in part.posts if not p.id.startswith(EXIT)]
    assert sorted(posts) == sorted(p.id for p in problem.posts)
    cadres = [c.id for part in parts for c in part.cadres if c.id not in split.linking or part is split.centre]
    in_blocks = [c.id for b in split.blocks for c in b.cadres]
    assert len(in_blocks) == len(set(in_blocks))
    assert set(in_blocks) | {c.id for c in split.centre.cadres} == {c.id for c in problem.cadres}
    assert set(split.linking) <= set(in_blocks) and set(split.linking) <= {c.id for c in split.centre.cadres}
    assert len(cadres) == len(set(cadres))
    # each province is a block of its own: its posts' ids carry its code
    assert [{p.id[:3] for p in b.posts if not p.id.startswith(EXIT)} for b in split.blocks] == [{"P01"}, {"P02"}, {"P03"}]


def test_a_coupling_it_does_not_relax_is_solved_whole_and_says_so():
    """An approved baseline that sends a province's cadre to a central post would be counted
    twice by the parts: the problem is solved whole, with a warning."""
    problem, optimum = national(2)
    split = split_problem(problem)
    cand = next(c for c in problem.candidates if c.cadre in split.linking and c.post.startswith("TW-"))
    coupled = copy.deepcopy(problem)
    coupled.baseline = [a for a in coupled.baseline if a.cadre != cand.cadre] + [Assignment(cand.cadre, cand.post)]
    with pytest.raises(NotDecomposable, match=cand.cadre):
        split_problem(coupled)
    plan = solve_decomposed(coupled, Options(time_limit=30), processes=1)
    assert plan.ok and any("Không tách được theo tỉnh" in w for w in plan.warnings)
    assert check(coupled, plan).ok


def test_the_generator_is_deterministic_by_seed():
    a, b, c = generate_national(2, "tiny", 5), generate_national(2, "tiny", 5), generate_national(2, "tiny", 6)
    assert problem_to_dict(a) == problem_to_dict(b) != problem_to_dict(c)
    assert len({p.id for p in a.posts}) == len(a.posts) and len({x.id for x in a.cadres}) == len(a.cadres)


def test_cli_solve_method_decompose(runner, tmp_path):
    problem, optimum = national(3)
    path, out = tmp_path / "national.json", tmp_path / "plan.json"
    dump_problem(problem, path)
    result = runner.invoke(args=["solve", str(path), "--method", "decompose", "--time-limit", "30", "--out", str(out)])
    assert result.exit_code == 0, result.output
    plan = load_plan(out)
    assert plan.bound is not None and plan.objective is not None and plan.bound >= optimum >= plan.objective
    assert check(problem, plan).ok


def test_a_disciplined_cadre_appointed_to_the_centre_keeps_the_bound():
    """A cadre whose discipline bars a rotation or a transfer but not an appointment (the
    caller's two verdicts) may still be appointed to a central post: the exit must let them go."""
    problem = copy.deepcopy(national(3)[0])
    split = split_problem(problem)
    central = {c.cadre for c in problem.candidates if c.post.startswith("TW-") and c.cadre in split.linking}
    for c in problem.cadres:
        if c.id in central:
            c.discipline = Discipline(level="reprimand", months_since=6, in_force=True, in_force_appointment=False)
    for cand in problem.candidates:
        if cand.cadre in central and cand.post.startswith("TW-"):
            cand.kind = "appointment"
    reference = highs_milp(problem, time_limit=120, relative_gap=0)
    assert reference.status == "optimal" and reference.objective is not None
    plan = solve_decomposed(problem, Options(time_limit=30), processes=1, block_posts=1)
    assert plan.ok and plan.bound is not None and plan.objective is not None
    assert plan.bound >= reference.objective >= plan.objective
    assert any(m.move_kind == "appointment" and m.cadre in central for m in plan.moves)
    assert check(problem, plan).ok


def test_pins_and_forbidden_moves_of_linking_cadres_are_kept():
    """A linking cadre pinned to a post of their province, another forbidden to take a central
    post, a third pinned to a central post: the parts keep each rule where it bites."""
    problem = copy.deepcopy(national(3)[0])
    base = solve_decomposed(problem, Options(time_limit=30), processes=1, block_posts=1)
    to_centre = [m for m in base.moves if m.to_post.startswith("TW-") and m.cadre.startswith("P")]
    assert len(to_centre) >= 1
    banned = to_centre[0]
    problem.forbidden.append(Assignment(banned.cadre, banned.to_post))
    split = split_problem(problem)
    stay = next(c for c in split.linking if c != banned.cadre and any(p.holder == c for p in problem.posts))
    problem.pinned.append(Assignment(stay, None))
    reference = highs_milp(problem, time_limit=120, relative_gap=0)
    assert reference.status == "optimal" and reference.objective is not None
    plan = solve_decomposed(problem, Options(time_limit=30), processes=1, block_posts=1)
    assert plan.ok and plan.bound is not None and plan.objective is not None
    assert plan.bound >= reference.objective >= plan.objective
    assert not any(m.cadre == banned.cadre and m.to_post == banned.to_post for m in plan.moves)
    assert not any(m.cadre == stay for m in plan.moves)
    assert check(problem, plan).ok


def _pinned_home(problem: Problem) -> tuple[Problem, str, str, int] | None:
    """A cadre the centre takes, pinned to a post of their province where the whole problem
    still has a plan: (problem, cadre, post, optimum)."""
    from solver.instance import compile_problem

    base = solve_decomposed(problem, Options(time_limit=30), processes=1, block_posts=1)
    inst = compile_problem(problem)
    for taken in (m for m in base.moves if m.to_post.startswith("TW-")):
        i = inst.cadre_index[taken.cadre]
        for o in range(len(inst.opt_cadre)):
            if inst.opt_cadre[o] != i or inst.opt_post[o] < 0 or not inst.active[o]:
                continue
            home = inst.post_ids[inst.opt_post[o]]
            if home.startswith("TW-"):
                continue
            pinned = copy.deepcopy(problem)
            pinned.pinned.append(Assignment(taken.cadre, home))
            reference = highs_milp(pinned, time_limit=120, relative_gap=0)
            if reference.status == "optimal" and reference.objective is not None:
                return pinned, taken.cadre, home, reference.objective
    return None


def test_a_cadre_the_province_pins_at_home_is_not_taken_by_the_centre():
    """A cadre the centre took, pinned to a post of their province: the centre sees the pin as
    "not to the centre", and the plan keeps the pin."""
    found = next(x for seed in (2, 3) if (x := _pinned_home(national(seed)[0])) is not None)
    problem, cadre, home, optimum = found
    plan = solve_decomposed(problem, Options(time_limit=30), processes=1, block_posts=1, max_rounds=1)
    assert plan.ok and plan.bound is not None and plan.objective is not None
    assert plan.bound >= optimum >= plan.objective
    assert any(m.cadre == cadre and m.to_post == home for m in plan.moves)
    assert check(problem, plan).ok
