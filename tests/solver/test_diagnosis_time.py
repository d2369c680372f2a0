"""The diagnosis takes its time from the user's limit, not a fixed 30 s per check, and when
the time runs out it says so plainly, with how to give it more (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest

from solver import Options, Target, solve, summary_lines
from solver.cpsat import RotationModel, SatResult
from solver.diagnosis import Diagnoser
from solver.instance import compile_problem
from tests.solver.build import cadre, make, pair, post


def _unreachable_target():
    """Two women needed in U1, whose two seats can hold one woman at most (only F is one):
    no quick check sees it, the whole model has to be solved."""
    posts = [post("P1", holder="A"), post("P2", must_fill=True)]
    cadres = [cadre("A", unit="U1"), cadre("M", sex="M", age=50), cadre("F", sex="F", age=30)]
    problem = make(posts, cadres, [pair("M", "P2", 90), pair("F", "P2", 60)])
    problem.targets.append(Target("t1", "female", unit="U1", hard=True, min_count=2, name="nữ"))
    return problem


def test_the_whole_check_may_use_all_the_time_given(monkeypatch: pytest.MonkeyPatch) -> None:
    limits: list[float] = []
    real = RotationModel.solve

    def recording(self: RotationModel, **kwargs: Any) -> SatResult:
        limits.append(kwargs["time_limit"])
        return real(self, **kwargs)

    monkeypatch.setattr(RotationModel, "solve", recording)
    infeasible, diagnosis = Diagnoser(compile_problem(_unreachable_target()), time_limit=100).run()
    assert infeasible is True and diagnosis.verified and diagnosis.minimal
    # the first check (the whole model) was given the 100 s, not 30
    assert limits and limits[0] > 99


def test_out_of_time_says_so_and_how_to_give_more(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = _unreachable_target()
    # CP-SAT out of time on every check: what a 30,000 × 6,000 instance does at a short limit
    monkeypatch.setattr(RotationModel, "solve", lambda self, **kw: SatResult(status="UNKNOWN", wall=kw["time_limit"]))
    plan = solve(problem, Options(time_limit=20))
    assert plan.status == "infeasible"
    assert plan.diagnosis is not None and plan.diagnosis.conflicts == [] and not plan.diagnosis.verified
    text = plan.diagnosis.summary
    assert "chưa chỉ ra được những quy định mâu thuẫn" in text
    assert "Hãy giải lại với thời gian cho phép dài hơn" in text
    # the time it had is the user's 20 s less what the relaxation took, rounded to tenths
    assert "Hết 19," in text or "Hết 20 giây" in text
    lines = summary_lines(problem, plan)
    assert not any(".:" in line for line in lines), lines
    assert text in lines


def test_a_conflict_found_but_not_shrunk_in_time_says_so() -> None:
    from solver.diagnosis import _summary
    from solver.model import Conflict, Diagnosis

    diagnosis = Diagnosis(conflicts=[Conflict(rule="target", subject="t1", message="Cơ cấu bắt buộc nữ.")],
                          verified=True, minimal=False)
    text = _summary(diagnosis)
    assert text.startswith("Không có phương án nào thỏa mãn đồng thời các quy định sau: Cơ cấu bắt buộc nữ.")
    assert "Hết thời gian trước khi thu gọn xong" in text and "thời gian cho phép dài hơn" in text
