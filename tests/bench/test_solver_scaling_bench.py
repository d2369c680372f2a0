"""How each part of the solver grows with the size of the problem (run with `make bench`).

Four parts, on the same instances: `read` (solver.load_problem of the JSON file the CLI reads,
written by dump_problem), `check` (the independent checker on the solved plan), `solve` (this
solver, solver.solve, certified gap 0.01 %) and `highs` (HiGHS on the same MILP, gap 0.01 %).

Instances from both generators at 200 × 50, 2,000 × 300 and 10,000 × 2,000 (30,000 × 6,000 marked
slow: `pytest -m slow tests/bench/test_solver_scaling_bench.py --benchmark-only`):
- `project`: fixtures/solver_instances.py (commune seed 2, provincial, large, huge; seed 1 otherwise:
  commune seed 1 is infeasible);
- `chains`, `units`, `family`, `tight`: the shapes of fixtures/solver_instances_alt.py, seed 1.

Every plan is checked and this solver's objective is compared with HiGHS's. When the module has
run, the section between the scaling markers of docs/benchmarks.md is rewritten with the medians
and the growth of each part between sizes (the exponent k of time ∝ candidate pairs^k).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from pathlib import Path

import pytest

from fixtures.solver_instances import generate
from fixtures.solver_instances_alt import SHAPES, generate_alt
from solver import Options, check, dump_problem, load_problem, solve
from solver.baselines import highs_milp

from tests.bench.test_solver_bench import _machine

DOCS = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"
START, END = "<!-- solver-scaling:start -->", "<!-- solver-scaling:end -->"
SIZES = ["200x50", "2000x300", "10000x2000", "30000x6000"]
PROJECT = {"200x50": ("commune", 2), "2000x300": ("provincial", 1), "10000x2000": ("large", 1),
           "30000x6000": ("huge", 1)}
FAMILIES = ["project", *SHAPES]
PARTS = ["read", "check", "solve", "highs"]
ROUNDS = {"read": 3, "check": 5, "solve": 3, "highs": 3}
RESULTS: dict[tuple[str, str, str], float] = {}
SIZE_OF: dict[tuple[str, str], int] = {}
OBJECTIVES: dict[tuple[str, str, str], int | None] = {}
_CACHE: dict[tuple[str, str], tuple] = {}


def _case(family: str, size: str, tmp: Path):
    """(problem, its file, the solved plan), made once per family and size."""
    if (family, size) not in _CACHE:
        if family == "project":
            name, seed = PROJECT[size]
            problem = generate(name, seed)
        else:
            problem = generate_alt(family, size, 1)
        path = tmp / f"{family}-{size}.problem.json"
        dump_problem(problem, path)
        plan = solve(problem, Options(time_limit=120))
        assert plan.ok and check(problem, plan).ok
        SIZE_OF[(family, size)] = len(problem.candidates)
        _CACHE[(family, size)] = (problem, path, plan)
    return _CACHE[(family, size)]


@pytest.fixture(scope="module", autouse=True)
def write_figures():
    yield
    _CACHE.clear()
    if all((f, s, part) in RESULTS for f in FAMILIES for s in SIZES[:3] for part in PARTS):
        _write()


def _params():
    for size in SIZES:
        marks = [pytest.mark.slow] if size == "30000x6000" else []
        for family in FAMILIES:
            yield pytest.param(family, size, marks=marks, id=f"{family}-{size}")


def _keep(benchmark, family, size, part):
    RESULTS[(family, size, part)] = statistics.median(benchmark.stats.stats.data)


@pytest.mark.parametrize(("family", "size"), list(_params()))
def test_read(benchmark, tmp_path_factory, family, size):
    problem, path, _ = _case(family, size, tmp_path_factory.getbasetemp())
    read = benchmark.pedantic(load_problem, args=(path,), rounds=ROUNDS["read"], iterations=1)
    assert read == problem
    _keep(benchmark, family, size, "read")


@pytest.mark.parametrize(("family", "size"), list(_params()))
def test_check(benchmark, tmp_path_factory, family, size):
    problem, _, plan = _case(family, size, tmp_path_factory.getbasetemp())
    report = benchmark.pedantic(check, args=(problem, plan), rounds=ROUNDS["check"], iterations=1)
    assert report.ok and report.objective == plan.objective
    _keep(benchmark, family, size, "check")


@pytest.mark.parametrize(("family", "size"), list(_params()))
def test_solve(benchmark, tmp_path_factory, family, size):
    problem, _, _ = _case(family, size, tmp_path_factory.getbasetemp())
    plan = benchmark.pedantic(solve, args=(problem, Options(time_limit=120)), rounds=ROUNDS["solve"], iterations=1)
    assert plan.ok and check(problem, plan).ok
    OBJECTIVES[(family, size, "solve")] = plan.objective
    _keep(benchmark, family, size, "solve")


@pytest.mark.parametrize(("family", "size"), list(_params()))
def test_highs(benchmark, tmp_path_factory, family, size):
    problem, _, _ = _case(family, size, tmp_path_factory.getbasetemp())
    result = benchmark.pedantic(highs_milp, args=(problem, 300.0), rounds=ROUNDS["highs"], iterations=1)
    assert result.objective is not None
    OBJECTIVES[(family, size, "highs")] = result.objective
    _keep(benchmark, family, size, "highs")


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else (f"{seconds * 1000:.0f} ms" if seconds < 1
                                                               else f"{seconds:.2f} s")


def _write() -> None:
    sizes = [s for s in SIZES if all((f, s, p) in RESULTS for f in FAMILIES for p in PARTS)]
    lines = [START, "", "## Rotation solver: growth of each part (issue 16)", "",
             f"Machine: {_machine()}. Date: {dt.date.today():%d/%m/%Y}. Written by "
             "`tests/bench/test_solver_scaling_bench.py` (`make bench`); median of 3 rounds (check: 5). "
             "*read*: `load_problem` of the JSON file; *check*: the independent checker on the solved plan; "
             "*solve*: this solver (gap 0.01 %); *highs*: HiGHS on the same MILP (gap 0.01 %). *k*: the "
             "growth from the previous size, time ∝ candidate pairs^k.", ""]
    for family in FAMILIES:
        lines += [f"### {family}", "",
                  "| size | candidate pairs | read | check | solve | highs | solve / highs | objective (solve / highs) |",
                  "|---|---:|---:|---:|---:|---:|---:|---|"]
        previous = None
        for size in sizes:
            cells = []
            for part in PARTS:
                t = RESULTS[(family, size, part)]
                cell = _fmt(t)
                if previous is not None:
                    k = math.log(t / RESULTS[(family, previous, part)]) / math.log(
                        SIZE_OF[(family, size)] / SIZE_OF[(family, previous)])
                    cell += f" (k {k:.2f})"
                cells.append(cell)
            ratio = RESULTS[(family, size, "solve")] / RESULTS[(family, size, "highs")]
            lines.append(f"| {size.replace('x', ' × ')} | {SIZE_OF[(family, size)]:,} | {' | '.join(cells)} | "
                         f"{ratio:.2f} | {OBJECTIVES.get((family, size, 'solve'))} / "
                         f"{OBJECTIVES.get((family, size, 'highs'))} |")
            previous = size
        lines.append("")
    lines.append(END)
    text = DOCS.read_text(encoding="utf-8")
    section = "\n".join(lines)
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        marker = "<!-- solver-bench:end -->"
        at = text.index(marker) + len(marker) if marker in text else len(text)
        text = text[:at] + "\n\n" + section + text[at:]
    DOCS.write_text(text, encoding="utf-8")
