"""The fast reader reads exactly what the reference reader (`_from_plain`) reads, and refuses
what it refuses with the same message naming the same place."""

from __future__ import annotations

import copy
import gc
import json
from pathlib import Path

import pytest

from fixtures.solver_instances import generate
from solver import ProblemFormatError, load_plan, load_problem, plan_from_dict, plan_to_dict, problem_from_dict, problem_to_dict
from solver.io import _from_plain
from solver.model import Plan, Problem

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "solver"


def _reference(data):
    data = dict(data)
    data.pop("format", None)
    return _from_plain(Problem, data, "problem")


@pytest.mark.parametrize("name", ["tiny-1", "small-1", "no-plan"])
def test_the_fixtures_read_alike(name):
    data = json.loads((FIXTURES / f"{name}.problem.json").read_text(encoding="utf-8"))
    assert problem_from_dict(data) == _reference(data)


@pytest.mark.parametrize(("size", "seed"), [("tiny", 5), ("medium", 2), ("provincial", 1)])
def test_generated_problems_read_alike_and_round_trip(size, seed):
    problem = generate(size, seed)
    data = json.loads(json.dumps(problem_to_dict(problem)))
    read = problem_from_dict(data)
    assert read == _reference(data) == problem
    # the lists read are the reader's own, not the JSON's: editing one leaves the other alone
    read.cadres[0].ratings.append("fail")
    assert data["cadres"][0].get("ratings", []) != read.cadres[0].ratings


def test_the_plan_reads_alike():
    plan = load_plan(FIXTURES / "tiny-1.plan.json")
    data = plan_to_dict(plan)
    rest = {k: v for k, v in data.items() if k not in ("format", "words")}   # words: the messages for the web
    assert plan_from_dict(data) == _from_plain(Plan, rest, "plan") == plan


def test_a_whole_number_written_as_a_float_is_an_integer_and_an_integer_is_taken_as_a_share():
    data = problem_to_dict(generate("tiny", 1))
    data["cadres"][0]["age"] = 41.0
    data["targets"][0]["min_share"] = 1
    problem = problem_from_dict(data)
    assert problem.cadres[0].age == 41 and type(problem.cadres[0].age) is int
    assert problem.targets[0].min_share == 1.0 and type(problem.targets[0].min_share) is float


def _broken():
    base = problem_to_dict(generate("tiny", 1))
    edits = {
        "unknown field": (lambda d: d["cadres"][3].update(colour="red"),
                          "problem.cadres[3]: trường không có trong định dạng: colour"),
        "missing field": (lambda d: d["posts"][2].pop("unit"), "problem.posts[2]: thiếu trường bắt buộc: unit"),
        "string for an integer": (lambda d: d["cadres"][1].update(age="forty"),
                                  "problem.cadres[1].age: cần một số nguyên, nhận 'forty'"),
        "true for an integer": (lambda d: d["cadres"][1].update(age=True),
                                "problem.cadres[1].age: cần một số nguyên, nhận True"),
        "fractional age": (lambda d: d["cadres"][1].update(age=40.5),
                           "problem.cadres[1].age: cần một số nguyên, nhận 40.5"),
        "number for a flag": (lambda d: d["posts"][0].update(must_fill=1),
                              "problem.posts[0].must_fill: cần true/false, nhận 1"),
        "number in a list of strings": (lambda d: d["cadres"][0].update(qualifications=["a", 7]),
                                        "problem.cadres[0].qualifications[1]: cần một chuỗi, nhận 7"),
        "object for a list": (lambda d: d.update(units={}), "problem.units: cần một danh sách (list), nhận dict"),
        "list for an object": (lambda d: d["cadres"].__setitem__(2, []), "problem.cadres[2]: cần một đối tượng (object)"),
        "list for the rules' cooldowns": (lambda d: d["rules"].update(discipline_cooldown_months=[]),
                                          "problem.rules.discipline_cooldown_months: cần một đối tượng (object)"),
    }
    for name, (edit, message) in edits.items():
        data = copy.deepcopy(base)
        edit(data)
        yield pytest.param(data, message, id=name)


@pytest.mark.parametrize(("data", "message"), list(_broken()))
def test_a_malformed_problem_is_refused_with_the_reference_message(data, message):
    with pytest.raises(ProblemFormatError) as fast:
        problem_from_dict(data)
    with pytest.raises(ProblemFormatError) as reference:
        _reference(data)
    assert str(fast.value) == str(reference.value) == message
    assert gc.isenabled()            # the collector paused while reading is back on, even after an error


# ---- reading a file: the bytes go to the objects in one step (msgspec) when they are read as they are


def _write(tmp_path, data) -> Path:
    path = tmp_path / "p.problem.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("size", "seed"), [("tiny", 5), ("medium", 2), ("provincial", 1)])
def test_a_problem_file_reads_as_the_reference_reader_reads_it(tmp_path, size, seed):
    data = problem_to_dict(generate(size, seed))
    read = load_problem(_write(tmp_path, data))
    assert read == _reference(data) == generate(size, seed)
    assert gc.isenabled()


@pytest.mark.parametrize(("data", "message"), [
    *_broken(),
    # a field of another object is still unknown where it stands
    pytest.param({**problem_to_dict(generate("tiny", 1)), "cadres": [{"id": "C1", "holder": "C2"}]},
                 "problem.cadres[0]: trường không có trong định dạng: holder", id="a post's field in a cadre"),
    pytest.param({**problem_to_dict(generate("tiny", 1)), "format": "other/1"},
                 "định dạng 'other/1' không được hỗ trợ (cần 'quyhoach.rotation-problem/1')", id="another format"),
])
def test_a_malformed_problem_file_is_refused_with_the_reference_message(tmp_path, data, message):
    with pytest.raises(ProblemFormatError) as error:
        load_problem(_write(tmp_path, data))
    assert str(error.value) == message
    assert gc.isenabled()


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "p.problem.json"
    path.write_text('{"units": [', encoding="utf-8")
    with pytest.raises(ProblemFormatError, match="JSON không hợp lệ"):
        load_problem(path)


def test_a_file_with_a_whole_number_written_as_a_float_reads_as_the_reference_reads_it(tmp_path):
    data = problem_to_dict(generate("tiny", 1))
    data["cadres"][0]["age"] = 41.0
    data["targets"][0]["min_share"] = 1
    problem = load_problem(_write(tmp_path, data))
    assert problem == _reference(data)
    assert type(problem.cadres[0].age) is int and type(problem.targets[0].min_share) is float


def test_an_integer_share_in_a_file_is_a_float_on_the_direct_path(tmp_path):
    data = problem_to_dict(generate("tiny", 1))
    data["targets"][0]["min_share"] = 1
    problem = load_problem(_write(tmp_path, data))
    assert problem == _reference(data) and type(problem.targets[0].min_share) is float
