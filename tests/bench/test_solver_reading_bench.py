"""Reading a problem file and checking a plan (issue 16), run with `make bench`
(30,000 × 6,000: `make bench-all`).

The project's instances (fixtures/solver_instances.py, seed 1) at 2,000 × 300, 10,000 × 2,000
and 30,000 × 6,000, written by dump_problem. *read*: `load_problem` (msgspec into structs of
the model's fields, then the dataclasses); *reference*: what it did before, `json.load` and
the Python reader (`problem_from_dict`), kept as the fallback for the files the direct path
does not take as they are; *check*: the independent checker on the solved plan. The machine
is shared, so the CPU time of one call (time.process_time) is given with the wall-clock
medians. The section between the markers of docs/benchmarks.md is rewritten.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from pathlib import Path

import pytest

from fixtures.solver_instances import generate
from solver import Options, check, dump_problem, load_problem, problem_from_dict, solve

from tests.bench.figures import fmt, machine, write_section

START, END = "<!-- solver-reading:start -->", "<!-- solver-reading:end -->"
SIZES = {"2000x300": "provincial", "10000x2000": "large", "30000x6000": "huge"}
PARTS = ("read", "reference", "check")
RESULTS: dict[tuple[str, str], tuple[float, float]] = {}
PAIRS: dict[str, int] = {}
_CACHE: dict[str, tuple] = {}


def _case(size: str, tmp: Path):
    if size not in _CACHE:
        problem = generate(SIZES[size], 1)
        path = tmp / f"{size}.problem.json"
        dump_problem(problem, path)
        plan = solve(problem, Options(time_limit=120))
        assert plan.ok
        PAIRS[size] = len(problem.candidates)
        _CACHE[size] = (problem, path, plan)
    return _CACHE[size]


@pytest.fixture(scope="module", autouse=True)
def write_figures():
    yield
    _CACHE.clear()
    if all(("2000x300", p) in RESULTS and ("10000x2000", p) in RESULTS for p in PARTS):
        _write()


def _reference(path: Path):
    with open(path, encoding="utf-8") as handle:
        return problem_from_dict(json.load(handle))


def _params():
    for size in SIZES:
        yield pytest.param(size, marks=[pytest.mark.slow] if size == "30000x6000" else [], id=size)


def _measure(benchmark, size, part, function, *args):
    started = time.process_time()
    result = function(*args)
    cpu = time.process_time() - started
    benchmark.pedantic(function, args=args, rounds=3, iterations=1)
    RESULTS[(size, part)] = (statistics.median(benchmark.stats.stats.data), cpu)
    return result


@pytest.mark.parametrize("size", list(_params()))
def test_read(benchmark, tmp_path_factory, size):
    problem, path, _ = _case(size, tmp_path_factory.getbasetemp())
    assert _measure(benchmark, size, "read", load_problem, path) == problem


@pytest.mark.parametrize("size", list(_params()))
def test_reference_reader(benchmark, tmp_path_factory, size):
    problem, path, _ = _case(size, tmp_path_factory.getbasetemp())
    assert _measure(benchmark, size, "reference", _reference, path) == problem


@pytest.mark.parametrize("size", list(_params()))
def test_check(benchmark, tmp_path_factory, size):
    problem, _, plan = _case(size, tmp_path_factory.getbasetemp())
    report = _measure(benchmark, size, "check", check, problem, plan)
    assert report.ok and report.objective == plan.objective


def _write() -> None:
    lines = ["", "## Solver: reading a problem and checking a plan (issue 16)", "",
             f"Machine: {machine()}. Date: {dt.date.today():%d/%m/%Y}. Written by "
             "`tests/bench/test_solver_reading_bench.py`; wall clock: median of 3 rounds; CPU: one call "
             "(`time.process_time`, what the call costs on a machine shared with other work). *read*: "
             "`load_problem`; *reference*: `json.load` + the Python reader, as before (the fallback now); "
             "*check*: the independent checker.", "",
             "| size | candidate pairs | read (CPU) | reference (CPU) | check (CPU) |", "|---|---:|---:|---:|---:|"]
    for size in SIZES:
        if not all((size, p) in RESULTS for p in PARTS):
            continue
        cells = [f"{fmt(RESULTS[(size, p)][0])} ({fmt(RESULTS[(size, p)][1])})" for p in PARTS]
        lines.append(f"| {size.replace('x', ' × ')} | {PAIRS[size]:,} | {' | '.join(cells)} |")
    lines += [""]
    write_section(START, END, lines, after="<!-- solver-scaling:end -->")
