"""Builders for tiny rotation problems, and `solved`, which every solver test ends with:
it solves, then runs the independent checker (or, for an infeasible answer, checks that
the diagnosis was re-verified)."""

from __future__ import annotations

from solver import (
    Assignment,
    Cadre,
    Candidate,
    Options,
    Plan,
    Post,
    Problem,
    Relation,
    Rules,
    Target,
    Unit,
    Weights,
    check,
    solve,
)

__all__ = ["Assignment", "Relation", "Target", "Rules", "Weights", "cadre", "post", "pair", "make", "solved",
           "moved"]


def cadre(id: str, **fields) -> Cadre:
    """An eligible pool cadre from outside the problem's posts, unless told otherwise."""
    values = dict(name=id, unit="EXT", rank=50, sex="M", age=45, months_service_left=240,
                  ratings=["good", "good", "good"], months_in_post=60, in_pool=True,
                  home_localities=["HOME"], qualifications=["q"])
    values.update(fields)
    return Cadre(id=id, **values)


def post(id: str, unit: str = "U1", **fields) -> Post:
    values = dict(name=id, rank=50)
    values.update(fields)
    return Post(id=id, unit=unit, **values)


def pair(c: str, p: str, fit: int = 50, development: int = 0, **fields) -> Candidate:
    return Candidate(cadre=c, post=p, fit=fit, development=development, **fields)


def make(posts, cadres, candidates=(), *, units=None, weights=None, rules=None, **fields) -> Problem:
    if units is None:
        seen: dict[str, Unit] = {}
        for p in posts:
            seen.setdefault(p.unit, Unit(id=p.unit, name=p.unit, level="xa", locality=f"L-{p.unit}"))
        units = list(seen.values())
    return Problem(
        id="test", units=list(units), posts=list(posts), cadres=list(cadres), candidates=list(candidates),
        weights=weights or Weights(fit=1, development=0, structure=50, moves=0, baseline=0),
        rules=rules or Rules(), **fields,
    )


def solved(problem: Problem, **options) -> Plan:
    """Solve, then check: a plan passes the independent checker, its objective is the
    checker's and never above its bound; an infeasible answer carries a re-verified diagnosis."""
    options.setdefault("time_limit", 20)
    plan = solve(problem, Options(**options))
    if plan.ok:
        report = check(problem, plan)
        assert report.ok, str(report)
        assert report.objective == plan.objective
        assert plan.bound is None or plan.objective <= plan.bound
        for alternative in plan.alternatives:
            alt_report = check(problem, alternative)
            assert alt_report.ok, str(alt_report)
            assert alt_report.objective == alternative.objective
    elif plan.status == "infeasible" and options.get("diagnose", True):
        assert plan.diagnosis is not None and plan.diagnosis.verified, plan.diagnosis
        assert plan.diagnosis.conflicts
    return plan


def moved(plan: Plan) -> dict[str, str]:
    """cadre -> post they move to."""
    return {m.cadre: m.to_post for m in plan.moves}
