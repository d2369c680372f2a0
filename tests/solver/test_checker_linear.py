"""The linear checker gives the same verdicts as the checker it replaced.

The checker is the independent verifier of every plan: making it linear (the posts grouped by
unit and level once, the moves counted by unit in one pass) must not change a single verdict.
Each case runs both, the frozen reference (tests/solver/reference_checker.py) and solver.check,
and compares every violation (rule and message, in order), the objective and every term: on the
shipped fixtures, on solved generated instances, and on plans broken on purpose so that every
kind of violation the checker knows appears at least once.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from fixtures.solver_instances import generate
from solver import Assignment, Move, Plan, Relation, Target, check, load_plan, load_problem
from solver.model import Discipline
from tests.solver import reference_checker
from tests.solver.build import cadre, make, post, solved

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "solver"

#: every rule name the checker can report, written out from checker.py's sections
ALL_RULES = {"reference", "one_move", "one_holder", "must_fill", "candidate", "kind", "pool", "rating", "service",
             "rank", "non_local", "qualification", "discipline", "tenure", "head_terms", "precheck", "forbidden",
             "pinned", "leave", "arrive", "family", "target", "objective", "bound"}


def _same(problem, plan, *, check_objective=True):
    new = check(problem, plan, check_objective=check_objective)
    old = reference_checker.check(problem, plan, check_objective=check_objective)
    assert [(v.rule, v.message) for v in new.violations] == [(v.rule, v.message) for v in old.violations]
    assert (new.objective, new.terms, new.values) == (old.objective, old.terms, old.values)
    return new


@pytest.fixture(scope="module")
def small():
    problem = generate("small", 1)
    return problem, solved(problem)


@pytest.mark.parametrize("name", ["tiny-1"])
def test_the_shipped_plans_get_the_same_verdict(name):
    problem = load_problem(FIXTURES / f"{name}.problem.json")
    plan = load_plan(FIXTURES / f"{name}.plan.json")
    assert _same(problem, plan).ok


@pytest.mark.parametrize(("size", "seed"), [("tiny", 2), ("tiny", 3), ("small", 2), ("medium", 1)])
def test_solved_generated_instances_get_the_same_verdict(size, seed):
    problem = generate(size, seed)
    assert _same(problem, solved(problem)).ok


def _cadre(problem, cid):
    return next(c for c in problem.cadres if c.id == cid)


def _post(problem, pid):
    return next(p for p in problem.posts if p.id == pid)


def _broken(problem, plan):
    """(name, problem, plan) for plans broken one way each, on copies."""
    holders = {p.holder: p.id for p in problem.posts if p.holder}
    moved = {m.cadre for m in plan.moves}
    first = plan.moves[0]
    cases = []

    def case(name, edit):
        p2, plan2 = copy.deepcopy(problem), copy.deepcopy(plan)
        edit(p2, plan2)
        cases.append((name, p2, plan2))

    case("unknown cadre and post", lambda p, q: q.moves.append(Move(cadre="NOBODY", to_post="NOWHERE")))
    case("moved twice", lambda p, q: q.moves.append(copy.deepcopy(q.moves[0])))
    stayer = next(c for c, pid in holders.items() if c not in moved)
    case("moved to own post", lambda p, q: q.moves.append(Move(cadre=stayer, to_post=holders[stayer],
                                                                from_post=holders[stayer])))
    case("wrong from_post", lambda p, q: setattr(q.moves[0], "from_post", "NOT-THIS-ONE"))
    outsider = next(c.id for c in problem.cadres if c.id not in holders and c.id not in moved)
    case("two in a post, unproposed", lambda p, q: q.moves.append(Move(cadre=outsider, to_post=first.to_post)))
    must = next((m for m in plan.moves if _post(problem, m.to_post).must_fill and m.kind == "fills_vacancy"), None)
    if must is not None:
        case("must fill", lambda p, q: setattr(q, "moves", [m for m in q.moves if m.cadre != must.cadre]))
    case("invalid kind", lambda p, q: [setattr(c, "kind", "promotion") for c in p.candidates
                                       if (c.cadre, c.post) == (first.cadre, first.to_post)])
    case("kind mismatch", lambda p, q: setattr(q.moves[0], "move_kind", "secondment"))

    def ineligible(p, q):
        c = _cadre(p, first.cadre)
        c.months_service_left, c.ratings, c.in_pool, c.months_in_post = 10, ["fail"], False, 1
        c.rank = _post(p, first.to_post).rank + 1
        c.qualifications = []
        _post(p, first.to_post).requires = ["a qualification nobody has"]
        c.discipline = Discipline(level="warning", months_since=1, in_force=True)
    case("ineligible on every attribute", ineligible)

    def local(p, q):
        target = _post(p, first.to_post)
        target.non_local, target.locality = True, "HOMETOWN"
        _cadre(p, first.cadre).home_localities = ["HOMETOWN"]
    case("local to a non-local post", local)

    def head_moving_in(p, q):
        target = _post(p, first.to_post)
        target.is_head = True
        c = _cadre(p, first.cadre)
        c.head_unit, c.head_terms = target.unit, 5
    case("third term as head (move)", head_moving_in)

    def head_staying(p, q):
        post = _post(p, holders[stayer])
        post.is_head = True
        c = _cadre(p, stayer)
        c.head_unit, c.head_terms = post.unit, 2
    case("third term as head (stay)", head_staying)
    case("precheck", lambda p, q: [setattr(c, "precheck", ["P3"]) for c in p.candidates
                                   if (c.cadre, c.post) == (first.cadre, first.to_post)])
    case("forbidden", lambda p, q: p.forbidden.append(Assignment(cadre=first.cadre, post=first.to_post)))
    case("pinned to stay", lambda p, q: p.pinned.append(Assignment(cadre=first.cadre, post=None)))
    case("pinned elsewhere", lambda p, q: p.pinned.append(Assignment(cadre=stayer, post=first.to_post)))

    def limits(p, q):
        for u in p.units:
            u.max_leaving = u.max_arriving = 0
    case("no one may leave or arrive", limits)

    def family(p, q):
        a = first.cadre
        unit = _post(p, first.to_post).unit
        b = next(c for c, pid in holders.items() if _post(p, pid).unit == unit and c not in moved and c != a)
        p.relations.append(Relation(a=a, b=b, kind=p.rules.family_kinds[0]))
        top, head = _post(p, first.to_post), _post(p, holders[b])
        top.top_leader, head.is_head, head.sector = True, True, "finance"
        top.locality = head.locality = "SAME"
    case("relatives in one collective and top/sector head", family)

    def targets(p, q):
        unit = _post(p, first.to_post).unit
        level = next(u.level for u in p.units if u.id == unit)
        p.targets.append(Target(id="T-HARD-U", attribute="female", unit=unit, min_count=99, hard=True))
        p.targets.append(Target(id="T-HARD-L", attribute="age", level=level, min_age=0, max_age=200, max_count=0,
                                hard=True))
        p.targets.append(Target(id="T-SOFT-L", attribute="minority", level=level, min_share=1.0, weight=7))
        p.targets.append(Target(id="T-SOFT-L2", attribute="minority", level=level, max_share=0.0))
    case("hard and soft targets, by unit and by level", targets)
    case("objective", lambda p, q: setattr(q, "objective", q.objective + 1))

    def bound(p, q):
        q.bound = q.objective - 5
        q.terms[0].contribution += 3
    case("bound and a term", bound)
    return cases


def test_broken_plans_get_the_same_verdicts_for_every_kind_of_violation(small):
    problem, plan = small
    seen = set()
    for name, p2, plan2 in _broken(problem, plan):
        report = _same(p2, plan2)
        assert not report.ok, name                      # each broken plan is refused ...
        seen |= {v.rule for v in report.violations}
        _same(p2, plan2, check_objective=False)         # ... and alike without the objective's checks
    assert seen == ALL_RULES


def test_targets_sharing_a_scope_and_an_attribute_are_counted_alike():
    """Two targets on the same posts and attribute (one hard, one soft) see the same count:
    two women hold the unit's three posts, so ≥ 3 fails by one, and ≤ 1 is one over."""
    problem = make(posts=[post("P1", holder="A"), post("P2", holder="B"), post("P3", holder="C")],
                   cadres=[cadre("A", sex="F", unit="U1"), cadre("B", sex="F", unit="U1"), cadre("C", unit="U1")],
                   candidates=[],
                   targets=[Target(id="need3", attribute="female", unit="U1", min_count=3, hard=True),
                            Target(id="atmost1", attribute="female", unit="U1", max_count=1, weight=10)])
    report = _same(problem, Plan(status="feasible", moves=[]), check_objective=False)
    assert [v.rule for v in report.violations] == ["target"]
    assert "có 2" in report.violations[0].message
    assert report.values["structure"] == 1 and report.terms["structure"] == -10

