"""JSON formats: the schemas, the examples, round trips and readable errors."""

from __future__ import annotations

import json

import jsonschema
import pytest

from fixtures.solver_instances import generate
from solver import ProblemFormatError, plan_from_dict, plan_to_dict, problem_from_dict, problem_to_dict
from solver.io import SCHEMA_DIR
from tests.conftest import FIXTURES
from tests.solver.build import solved

PROBLEM_SCHEMA = json.loads((SCHEMA_DIR / "problem.schema.json").read_text(encoding="utf-8"))
PLAN_SCHEMA = json.loads((SCHEMA_DIR / "plan.schema.json").read_text(encoding="utf-8"))


def test_schemas_are_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(PROBLEM_SCHEMA)
    jsonschema.Draft202012Validator.check_schema(PLAN_SCHEMA)


@pytest.mark.parametrize("path", sorted((FIXTURES / "solver").glob("*.problem.json")), ids=lambda p: p.name)
def test_examples_match_the_schema_and_load(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, PROBLEM_SCHEMA)
    problem_from_dict(data)


def test_problem_round_trip_and_plan_matches_schema():
    problem = generate("small", 2)
    data = json.loads(json.dumps(problem_to_dict(problem)))
    jsonschema.validate(data, PROBLEM_SCHEMA)
    again = problem_from_dict(data)
    assert again == problem
    plan = solved(again, alternatives=1)
    out = json.loads(json.dumps(plan_to_dict(plan)))
    jsonschema.validate(out, PLAN_SCHEMA)
    assert plan_from_dict(out).objective == plan.objective


def test_infeasible_plan_matches_schema():
    from tests.solver.build import cadre, make, post

    plan = solved(make([post("P1", must_fill=True)], [cadre("A")]))
    jsonschema.validate(json.loads(json.dumps(plan_to_dict(plan))), PLAN_SCHEMA)


@pytest.mark.parametrize("mutate,words", [
    (lambda d: d["posts"][0].update(unit="NOPE"), "posts[0].unit"),
    (lambda d: d["cadres"][0].update(age="bốn mươi"), "cadres[0].age"),
    (lambda d: d["posts"][0].update(colour="red"), "colour"),
    (lambda d: d["candidates"].append({"cadre": "C00000"}), "post"),
    (lambda d: d.update(format="other/9"), "định dạng"),
    (lambda d: d["cadres"].append(dict(d["cadres"][0])), "trùng"),
])
def test_bad_input_names_the_place(mutate, words):
    data = problem_to_dict(generate("tiny", 1))
    mutate(data)
    with pytest.raises(ProblemFormatError, match=words.replace("[", r"\[").replace("]", r"\]")):
        problem_from_dict(data)


@pytest.mark.parametrize("path", sorted((FIXTURES / "solver").glob("*.plan.json")), ids=lambda p: p.name)
def test_plan_examples_match_the_schema_and_their_problem(path):
    from solver import check, load_plan, load_problem, solve

    data = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, PLAN_SCHEMA)
    plan = load_plan(path)
    problem = load_problem(path.with_name(path.name.replace(".plan.", ".problem.")))
    if plan.ok:
        assert check(problem, plan).ok
    else:
        again = solve(problem)
        assert again.status == plan.status
        assert [c.message for c in again.diagnosis.conflicts] == [c.message for c in plan.diagnosis.conflicts]
