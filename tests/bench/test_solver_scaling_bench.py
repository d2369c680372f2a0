"""How each part of the solver grows with the size of the problem, against the reference methods,
in one run (run with `make bench`; the 30,000 × 6,000 cases with `make bench-all`).

On the same instances: `read` (solver.load_problem of the JSON file the CLI reads, written by
dump_problem), `check` (the independent checker on the solved plan), `solve` (this solver,
solver.solve, certified gap 0.01 %), `highs` (HiGHS on the same MILP, gap 0.01 %, one solve before each
round of `solve`: the two alternate), `direct` (the
straightforward CP-SAT model, solver.baselines.cpsat_direct, 30 s limit) and `floor` (the
assignment relaxation with linear_sum_assignment, which ignores every side rule). The solve's
phases (compile, flow, LP, CP-SAT search, building the plan) come from `plan.stats["phases"]`.

Instances from both generators at 200 × 50, 2,000 × 300 and 10,000 × 2,000 (30,000 × 6,000 marked
slow: `pytest -m slow tests/bench/test_solver_scaling_bench.py --benchmark-only`):
- `project`: fixtures/solver_instances.py (commune seed 2, provincial, large, huge seed 1);
- `chains`, `units`, `family`, `tight`: the shapes of fixtures/solver_instances_alt.py, seed 1.

Every plan is checked and this solver's objective is compared with HiGHS's. When the module has
run, the section between the scaling markers of docs/benchmarks.md is rewritten with the medians,
the ratio to HiGHS measured in the same run, the load average of the machine, and the growth of
each part (the exponent k of time ∝ candidate pairs^k, step by step and fitted over all sizes).
"""

from __future__ import annotations

import datetime as dt
import time
import math
import statistics
from pathlib import Path

import numpy as np
import pytest

from fixtures.solver_instances import generate
from fixtures.solver_instances_alt import SHAPES, generate_alt
from solver import Options, check, dump_problem, load_problem, solve
from solver.baselines import assignment_floor, cpsat_direct, highs_milp

from tests.bench.figures import fmt, load, machine, write_section

START, END = "<!-- solver-scaling:start -->", "<!-- solver-scaling:end -->"
SIZES = ["200x50", "2000x300", "10000x2000", "30000x6000"]
PROJECT = {"200x50": ("commune", 2), "2000x300": ("provincial", 1), "10000x2000": ("large", 1),
           "30000x6000": ("huge", 1)}
FAMILIES = ["project", *SHAPES]
PARTS = ["read", "check", "solve", "highs", "direct", "floor"]
PHASES = ["compile", "flow", "lp", "support", "search", "plan"]
ROUNDS = {"read": 3, "check": 3, "solve": 3, "highs": 3, "direct": 1, "floor": 3}
DIRECT_LIMIT = 30.0
RESULTS: dict[tuple[str, str, str], float] = {}
STATUS: dict[tuple[str, str, str], str] = {}
LOAD: list[float] = []
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
    LOAD.append(load())
    yield
    LOAD.append(load())
    _CACHE.clear()
    if all((f, s, part) in RESULTS for f in FAMILIES for s in SIZES[:3] for part in PARTS):
        _write()


def _rounds(part: str, size: str) -> int:
    """Fewer rounds of the long runs at the largest size (the whole module fits in an hour)."""
    return 1 if size == "30000x6000" and part in ("solve", "highs", "floor") else ROUNDS[part]


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
    read = benchmark.pedantic(load_problem, args=(path,), rounds=_rounds("read", size), iterations=1)
    assert read == problem
    _keep(benchmark, family, size, "read")


@pytest.mark.parametrize(("family", "size"), list(_params()))
def test_check(benchmark, tmp_path_factory, family, size):
    problem, _, plan = _case(family, size, tmp_path_factory.getbasetemp())
    report = benchmark.pedantic(check, args=(problem, plan), rounds=_rounds("check", size), iterations=1)
    assert report.ok and report.objective == plan.objective
    _keep(benchmark, family, size, "check")


@pytest.mark.parametrize(("family", "size"), list(_params()))
def test_solve_and_highs(benchmark, tmp_path_factory, family, size):
    """This solver's rounds, each after one HiGHS solve (run in the round's untimed set-up and
    timed apart): the two alternate, so the load of the shared machine weighs on both alike.
    Wall clock and CPU time (`time.process_time`, every thread of the process) of both."""
    problem, _, _ = _case(family, size, tmp_path_factory.getbasetemp())
    plans, highs, cpu = [], [], []

    def run_highs():
        wall, started = time.perf_counter(), time.process_time()
        result = highs_milp(problem, 300.0)
        highs.append((time.perf_counter() - wall, time.process_time() - started, result))

    def solve_and_keep():
        started = time.process_time()
        plans.append(solve(problem, Options(time_limit=120)))
        cpu.append(time.process_time() - started)

    benchmark.pedantic(solve_and_keep, setup=run_highs, rounds=_rounds("solve", size), iterations=1)
    plan, reference = plans[-1], highs[-1][2]
    assert plan.ok and check(problem, plan).ok
    assert reference.objective is not None
    OBJECTIVES[(family, size, "solve")] = plan.objective
    STATUS[(family, size, "solve")] = plan.status
    OBJECTIVES[(family, size, "highs")] = reference.objective
    STATUS[(family, size, "highs")] = reference.status
    _keep(benchmark, family, size, "solve")
    RESULTS[(family, size, "highs")] = statistics.median(w for w, _, _ in highs)
    RESULTS[(family, size, "cpu_ratio")] = statistics.median(cpu) / statistics.median(c for _, c, _ in highs)
    for phase in PHASES:
        RESULTS[(family, size, phase)] = statistics.median(
            sum(t for name, t in p.stats["phases"].items() if name.rstrip("0123456789") == phase) for p in plans)


@pytest.mark.parametrize(("family", "size"), list(_params()))
def test_direct(benchmark, tmp_path_factory, family, size):
    problem, _, _ = _case(family, size, tmp_path_factory.getbasetemp())
    result = benchmark.pedantic(cpsat_direct, args=(problem, DIRECT_LIMIT), rounds=_rounds("direct", size),
                                iterations=1)
    OBJECTIVES[(family, size, "direct")] = result.objective
    STATUS[(family, size, "direct")] = result.status
    _keep(benchmark, family, size, "direct")


@pytest.mark.parametrize(("family", "size"), list(_params()))
def test_floor(benchmark, tmp_path_factory, family, size):
    problem, _, plan = _case(family, size, tmp_path_factory.getbasetemp())
    result = benchmark.pedantic(assignment_floor, args=(problem,), rounds=_rounds("floor", size), iterations=1)
    assert result.bound is not None and result.bound >= plan.objective      # a relaxation bounds every plan
    _keep(benchmark, family, size, "floor")


def _fit(family: str, part: str, sizes: list[str]) -> float | None:
    """The exponent k of time ∝ candidate pairs^k, least squares over the sizes measured."""
    points = [(math.log(SIZE_OF[(family, s)]), math.log(RESULTS[(family, s, part)])) for s in sizes
              if RESULTS.get((family, s, part), 0) > 0]
    if len(points) < 2:
        return None
    x, y = np.array(points).T
    return float(np.polyfit(x, y, 1)[0])


def _k(family: str, size: str, previous: str | None, part: str) -> str:
    t = RESULTS[(family, size, part)]
    if previous is None or t <= 0 or RESULTS[(family, previous, part)] <= 0:
        return ""
    k = math.log(t / RESULTS[(family, previous, part)]) / math.log(SIZE_OF[(family, size)] / SIZE_OF[(family, previous)])
    return f" (k {k:.2f})"


def _write() -> None:
    sizes = [s for s in SIZES if all((f, s, p) in RESULTS for f in FAMILIES for p in PARTS)]
    loads = " → ".join(f"{a:.1f}" for a in LOAD)
    lines = ["", "## Rotation solver: against HiGHS, CP-SAT and the assignment floor, and the growth of each part "
             "(issue 16)", "",
             f"Machine: {machine()}. Date: {dt.date.today():%d/%m/%Y}. Load average (1 min) at the start and the end "
             f"of the run: {loads}: the machine is shared with other engineers' work, so absolute times move by tens of "
             "percent. Each round of this solver follows one HiGHS solve on the same instance, so the two alternate "
             "and the load weighs on both alike; *solve / highs* is the ratio of their medians in wall-clock time, "
             "*CPU* the ratio in CPU time (`time.process_time`, every thread), which the load moves less. Written by "
             "`tests/bench/test_solver_scaling_bench.py` (`make bench`; 30,000 × 6,000 by `make bench-all`); median "
             "of 3 rounds (30,000 × 6,000: 1 round of solve, HiGHS and the floor; the straightforward CP-SAT model: 1 round). "
             "*solve*: this solver (certified gap 0.01 %); *highs*: HiGHS on the same MILP (gap 0.01 %); *direct*: "
             f"the straightforward CP-SAT model (`cpsat_direct`, {DIRECT_LIMIT:g} s limit, its status); *floor*: the "
             "assignment relaxation (`linear_sum_assignment`, no side rule: a bound, no plan); *read*: "
             "`load_problem` of the JSON file; *check*: the independent checker on the solved plan. *k*: the growth "
             "from the previous size, time ∝ candidate pairs^k.", ""]
    for family in FAMILIES:
        lines += [f"### {family}", "",
                  "| size | candidate pairs | solve | highs | solve / highs | CPU | direct | floor | read | check | "
                  "objective (solve / highs / direct) |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        previous = None
        for size in sizes:
            cell = {part: fmt(RESULTS[(family, size, part)]) + _k(family, size, previous, part) for part in PARTS}
            cell["direct"] += f" {STATUS.get((family, size, 'direct'), '')}"
            ratio = RESULTS[(family, size, "solve")] / RESULTS[(family, size, "highs")]
            objectives = " / ".join(str(OBJECTIVES.get((family, size, m))) for m in ("solve", "highs", "direct"))
            lines.append(f"| {size.replace('x', ' × ')} | {SIZE_OF[(family, size)]:,} | {cell['solve']} | "
                         f"{cell['highs']} | **{ratio:.2f}** | {RESULTS[(family, size, 'cpu_ratio')]:.2f} | "
                         f"{cell['direct']} | {cell['floor']} | {cell['read']} | "
                         f"{cell['check']} | {objectives} |")
            previous = size
        lines += ["", "The solve's phases (median of the rounds):", "",
                  "| size | " + " | ".join(PHASES) + " |", "|---|" + "---:|" * len(PHASES)]
        previous = None
        for size in sizes:
            lines.append(f"| {size.replace('x', ' × ')} | " + " | ".join(
                fmt(RESULTS[(family, size, phase)]) + _k(family, size, previous, phase) for phase in PHASES) + " |")
            previous = size
        lines.append("")
    lines += ["### Growth fitted over all sizes", "",
              "The exponent k of time ∝ candidate pairs^k, least squares over " +
              ", ".join(s.replace("x", " × ") for s in sizes) + ".", "",
              "| family | " + " | ".join(PARTS + PHASES) + " |", "|---|" + "---:|" * len(PARTS + PHASES)]
    for family in FAMILIES:
        fits = [_fit(family, part, sizes) for part in PARTS + PHASES]
        lines.append(f"| {family} | " + " | ".join("—" if k is None else f"{k:.2f}" for k in fits) + " |")
    lines += [""]
    write_section(START, END, lines, after="<!-- solver-bench:end -->")
