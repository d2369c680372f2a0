"""A hard target that cannot be met is explained by its real bottleneck: how many people with
the attribute can hold the target's seats at once (a matching), not how many seats each could
take on their own, which reads as reachable (issue 16)."""

from __future__ import annotations

from solver import Target
from tests.solver.build import cadre, make, pair, post, solved


def _three_women_for_three_seats():
    """Three women for three seats of U1, each seat open to one of them at least, each woman
    eligible somewhere: counted one by one it looks reachable (3 women, 3 seats they could
    take), but F2 and F3 both can take P1 only, so at most 2 can hold the seats at once."""
    posts = [post("P1"), post("P2"), post("P3")]
    women = [cadre(c, sex="F") for c in ("F1", "F2", "F3")]
    candidates = [pair("F1", "P2"), pair("F1", "P3"), pair("F2", "P1"), pair("F3", "P1")]
    problem = make(posts, women, candidates)
    problem.targets.append(Target("T-nu", "female", unit="U1", hard=True, min_count=3, name="Nữ trong ban lãnh đạo"))
    return problem


def test_the_message_gives_how_many_can_hold_the_seats_at_once():
    plan = solved(_three_women_for_three_seats())
    assert plan.status == "infeasible"
    [conflict] = plan.diagnosis.conflicts
    assert conflict.rule == "target" and conflict.subject == "T-nu"
    text = conflict.message
    assert "Cơ cấu bắt buộc “Nữ trong ban lãnh đạo”: ít nhất 3 người (nữ) trên 3 vị trí" in text
    assert "3 người như vậy đang giữ hoặc đủ điều kiện" in text
    assert "cùng một lúc chỉ xếp được tối đa 2 người, thiếu 1" in text
    # the old wording counted the seats one by one: 3, which reads as enough
    assert "3 vị trí có thể do họ đảm nhiệm" not in text


def test_a_reachable_count_that_other_rules_block_says_so():
    # two women for two seats, both can hold them at once, but a unit limit lets one arrive
    problem = make([post("P1"), post("P2")], [cadre("F1", sex="F"), cadre("F2", sex="F")],
                   [pair("F1", "P1"), pair("F2", "P2")])
    problem.units[0].max_arriving = 1
    problem.targets.append(Target("T", "female", unit="U1", hard=True, min_count=2))
    plan = solved(problem)
    assert plan.status == "infeasible"
    assert {c.rule for c in plan.diagnosis.conflicts} == {"target", "arrive"}
    text = next(c.message for c in plan.diagnosis.conflicts if c.rule == "target")
    assert "cùng một lúc xếp được tối đa 2 người, nhưng không đạt được khi giữ đồng thời các quy định khác" in text


def test_a_cap_held_by_those_who_cannot_leave():
    # at most 0 women in U1, whose seat is held by a woman with nowhere to go
    problem = make([post("P1", holder="F")], [cadre("F", sex="F", unit="U1")])
    problem.targets.append(Target("T", "female", unit="U1", hard=True, max_count=0))
    plan = solved(problem)
    assert plan.status == "infeasible"
    text = plan.diagnosis.conflicts[0].message
    assert "1 người không thể rời vị trí đang giữ, vượt mức tối đa 0" in text
