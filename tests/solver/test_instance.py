"""The bulk eligibility check of the compiled instance agrees with the one-pair reference."""

from __future__ import annotations

import dataclasses

from fixtures.solver_instances import generate
from solver import eligibility
from solver.instance import RULE_BIT, compile_problem


def _reference_bits(problem, inst, o):
    i, j = int(inst.opt_cadre[o]), int(inst.opt_post[o])
    cadre, post = problem.cadres[i], problem.posts[j]
    unit = next(u for u in problem.units if u.id == post.unit)
    rules = eligibility.cadre_failures(cadre, problem.rules)
    rules += eligibility.pair_failures(cadre, post, problem.rules, post.locality or unit.locality)
    cand = problem.candidates[int(inst.opt_cadre is not None and inst.opt_cand[o])]
    if cand.precheck:
        rules.append("precheck")
    if any(a.cadre == cadre.id and a.post == post.id for a in problem.forbidden):
        rules.append("forbidden")
    return sum(RULE_BIT[r] for r in set(rules))


def test_bulk_rules_match_the_reference_pair_by_pair():
    for rules_change in ({}, {"discipline_scope": "higher"}):
        problem = generate("medium", 2)
        problem.rules = dataclasses.replace(problem.rules, **rules_change)
        inst = compile_problem(problem)
        pin_bit = RULE_BIT["pinned"]
        checked = 0
        for o in range(len(inst.opt_cadre)):
            if inst.opt_cand[o] < 0:
                continue
            assert int(inst.fail[o]) & ~pin_bit == _reference_bits(problem, inst, o), o
            checked += 1
        assert checked > 2000


def test_cadre_rules_in_bulk_match_the_reference_cadre_by_cadre():
    problem = generate("medium", 1)
    disciplined = [c for c in problem.cadres if c.discipline is not None]
    assert len(disciplined) > 3
    disciplined[0].discipline = dataclasses.replace(disciplined[0].discipline, in_force=True)
    disciplined[1].discipline = dataclasses.replace(disciplined[1].discipline, in_force=False)
    disciplined[2].discipline = dataclasses.replace(disciplined[2].discipline, in_force_appointment=True)
    problem.cadres[0].ratings = []
    problem.cadres[1].ratings = [None, "good", "good"]
    kinds = ("rotation", "appointment", "transfer", "secondment")
    for rules_change in ({}, {"discipline_scope": "higher"}, {"rating_years": 0}, {"require_pool": False},
                         {"rating_threshold": "excellent", "rating_years": 1}):
        rules = dataclasses.replace(problem.rules, **rules_change)
        masks = eligibility.cadre_failure_masks(problem.cadres, rules, kinds)
        failing = set()
        for kind in kinds:
            for i, cadre in enumerate(problem.cadres):
                bulk = [rule for rule in eligibility.CADRE_RULES if masks[kind][rule][i]]
                assert bulk == eligibility.cadre_failures(cadre, rules, kind), (rules_change, kind, cadre.id)
                failing.update(bulk)
        assert len(failing) >= 3
