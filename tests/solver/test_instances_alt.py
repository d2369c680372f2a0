"""The second generator (fixtures/solver_instances_alt.py): deterministic, feasible by construction,
and each shape has the shape it claims."""

from __future__ import annotations

import pytest

from fixtures.solver_instances_alt import SHAPES, generate_alt
from solver import check
from tests.solver.build import solved


@pytest.mark.parametrize("shape", SHAPES)
def test_each_shape_is_deterministic_and_solved_to_a_checked_plan(shape):
    problem = generate_alt(shape, "200x50", 1)
    assert problem == generate_alt(shape, "200x50", 1)
    assert problem != generate_alt(shape, "200x50", 2)
    assert (len(problem.cadres), len(problem.posts)) == (200, 50)
    plan = solved(problem)                     # solves, then the independent checker passes it
    assert plan.ok and check(problem, plan).ok


def test_the_shapes_differ_as_documented():
    units = generate_alt("units", "2000x300", 1)
    assert all(sum(p.unit == u.id for p in units.posts) <= 2 for u in units.units)
    assert all(u.max_leaving is not None and u.max_arriving is not None for u in units.units)

    family = generate_alt("family", "2000x300", 1)
    assert len(family.relations) == 2000 // 3
    assert {p.collective for p in family.posts if p.collective} and any(p.top_leader for p in family.posts)

    chains = generate_alt("chains", "2000x300", 1)
    upper = [p for p in chains.posts if p.rank >= 4]
    assert sum(p.holder is None for p in upper) > len(upper) / 3           # the upper ranks much vacant
    assert sum(p.must_fill for p in chains.posts) > 0.9 * len(chains.posts)

    tight = generate_alt("tight", "2000x300", 1)
    loose = generate_alt("chains", "2000x300", 1)

    def hard_need(problem):
        return sum(t.min_count or 0 for t in problem.targets if t.hard and t.level == "thon")
    assert hard_need(tight) > hard_need(loose) > 0


def test_an_unknown_shape_is_refused():
    with pytest.raises(ValueError, match="shape"):
        generate_alt("round", "200x50", 1)
