"""`quyhoach solve problem.json --out plan.json --time-limit S`."""

from __future__ import annotations

import json

from solver import check, load_plan, load_problem
from tests.conftest import FIXTURES
from tests.solver.build import cadre, make, post

EXAMPLE = FIXTURES / "solver" / "small-1.problem.json"


def test_solve_writes_the_plan_and_prints_a_vietnamese_summary(runner, tmp_path):
    out = tmp_path / "plan.json"
    result = runner.invoke(args=["solve", str(EXAMPLE), "--out", str(out), "--time-limit", "5", "--progress"])
    assert result.exit_code == 0, result.output
    assert "Kết quả: tối ưu" in result.output and "Điều động:" in result.output
    assert "Mức phù hợp với vị trí" in result.output and f"Đã ghi phương án vào {out}" in result.output
    plan = load_plan(out)
    assert plan.status == "optimal" and plan.objective == 4890
    assert check(load_problem(EXAMPLE), plan).ok


def test_solve_reports_an_infeasible_problem_and_exits_1(runner, tmp_path):
    from solver import dump_problem

    path = tmp_path / "p.json"
    dump_problem(make([post("P1", must_fill=True)], [cadre("A")]), path)
    result = runner.invoke(args=["solve", str(path)])
    assert result.exit_code == 1
    assert "không có phương án" in result.output and "phải có người đảm nhiệm" in result.output


def test_solve_refuses_a_malformed_file(runner, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"posts": [{"id": "P1"}]}), encoding="utf-8")
    result = runner.invoke(args=["solve", str(path)])
    assert result.exit_code == 1 and "không hợp lệ" in result.output and "unit" in result.output
