"""Per rule: a tiny feasible case, a forced-infeasible case with the expected explanation,
and a case where the rule changes the optimum. Every test ends in `solved`, which runs the
independent checker (or verifies the diagnosis)."""

from __future__ import annotations

import pytest

from solver import Discipline
from tests.solver.build import (
    Assignment,
    Relation,
    Rules,
    Target,
    Weights,
    cadre,
    make,
    moved,
    pair,
    post,
    solved,
)


def messages(plan) -> str:
    return " ".join(c.message for c in plan.diagnosis.conflicts)


# --------------------------------------------------------------------------------------
# Attribute rules of a move: one table drives the three cases for each


ATTRIBUTE_RULES = {
    # rule: (what makes a cadre fail it, words the explanation must contain, rules that let it pass)
    "rating": (dict(ratings=["good", "complete", "good"]), "xếp loại từ Hoàn thành tốt nhiệm vụ trở lên",
               dict(rules=Rules(rating_threshold="complete"))),
    "service": (dict(months_service_left=100), "còn ≥ 120 tháng công tác",
                dict(rules=Rules(min_service_months=90))),
    "rank": (dict(rank=49), "chức vụ tương đương", dict(cadre=dict(rank=49, outstanding=True))),
    "non_local": (dict(home_localities=["L-U1"]), "không là người địa phương", dict(post=dict(non_local=False))),
    "qualification": (dict(qualifications=[]), "tiêu chuẩn trình độ", dict(post=dict(requires=[]))),
    "discipline": (dict(discipline=Discipline("warning", 10)), "thời hạn kỷ luật",
                   dict(rules=Rules(discipline_cooldown_months={"warning": 6}))),
    "tenure": (dict(months_in_post=12), "≥ 36 tháng", dict(rules=Rules(min_tenure_months=12))),
    "pool": (dict(in_pool=False), "danh sách quy hoạch", dict(rules=Rules(require_pool=False))),
}


def _attribute_problem(rule, *, failing: bool, fix: dict | None = None, must_fill=True, rival=False):
    bad, _, _ = ATTRIBUTE_RULES[rule]
    fix = fix or {}
    post_fields = dict(must_fill=must_fill, non_local=True, requires=["q"])
    post_fields.update(fix.get("post", {}))
    c_fields = dict(bad) if failing else {}
    c_fields.update(fix.get("cadre", {}))
    cadres = [cadre("A", **c_fields)]
    pairs = [pair("A", "P1", fit=90)]
    if rival:                                  # an eligible but weaker candidate
        cadres.append(cadre("B"))
        pairs.append(pair("B", "P1", fit=40))
    return make([post("P1", **post_fields)], cadres, pairs, rules=fix.get("rules"))


@pytest.mark.parametrize("rule", sorted(ATTRIBUTE_RULES))
def test_attribute_rule_feasible(rule):
    plan = solved(_attribute_problem(rule, failing=False))
    assert plan.status == "optimal" and moved(plan) == {"A": "P1"}


@pytest.mark.parametrize("rule", sorted(ATTRIBUTE_RULES))
def test_attribute_rule_infeasible_explained(rule):
    plan = solved(_attribute_problem(rule, failing=True))
    assert plan.status == "infeasible"
    text = messages(plan)
    assert "P1" in text and "phải có người" in text and "không ai trong 1 ứng viên" in text
    assert ATTRIBUTE_RULES[rule][1] in text
    assert plan.diagnosis.minimal


@pytest.mark.parametrize("rule", sorted(ATTRIBUTE_RULES))
def test_attribute_rule_changes_the_optimum(rule):
    strict = solved(_attribute_problem(rule, failing=True, rival=True))
    assert moved(strict) == {"B": "P1"} and strict.objective == 40
    relaxed = solved(_attribute_problem(rule, failing=True, rival=True, fix=ATTRIBUTE_RULES[rule][2]))
    assert moved(relaxed) == {"A": "P1"} and relaxed.objective == 90


def test_the_issue_example_lists_every_rule_blocking_the_candidates():
    """'Post X needs a non-local cadre with ≥ 120 months left: none of the 4 candidates qualifies.'"""
    cadres = [cadre("A", home_localities=["L-U1"]), cadre("B", home_localities=["L-U1"]),
              cadre("C", months_service_left=90), cadre("D", months_service_left=100, home_localities=["L-U1"])]
    problem = make([post("P1", name="Bí thư xã", must_fill=True, non_local=True)], cadres,
                   [pair(c.id, "P1") for c in cadres])
    plan = solved(problem)
    assert plan.status == "infeasible"
    text = messages(plan)
    assert ("Vị trí Bí thư xã (U1) phải có người đảm nhiệm, cần cán bộ còn ≥ 120 tháng công tác và không là "
            "người địa phương: không ai trong 4 ứng viên đáp ứng.") in text


def test_precheck_of_the_caller_is_respected():
    problem = make([post("P1", must_fill=True)], [cadre("A"), cadre("B")],
                   [pair("A", "P1", fit=90, precheck=["P11"]), pair("B", "P1", fit=30)])
    plan = solved(problem)
    assert moved(plan) == {"B": "P1"}
    problem.candidates.pop()
    plan = solved(problem)
    assert plan.status == "infeasible" and "đạt các kiểm tra quy hoạch" in messages(plan)


# --------------------------------------------------------------------------------------
# Heads: two consecutive terms (R5)


def _heads(options_for_head: bool = True, current_fit: int = 95):
    posts = [post("H1", is_head=True, holder="A", must_fill=True), post("H2", unit="U2", is_head=True)]
    cadres = [cadre("A", unit="U1", head_unit="U1", head_terms=2, current_fit=current_fit), cadre("B")]
    pairs = [pair("B", "H1", fit=50)]
    if options_for_head:
        pairs.append(pair("A", "H2", fit=30))
    return make(posts, cadres, pairs)


def test_head_terms_feasible_the_head_moves():
    plan = solved(_heads())
    assert moved(plan) == {"A": "H2", "B": "H1"}
    assert any("2 nhiệm kỳ liên tiếp" in r for m in plan.moves for r in m.reasons)


def test_head_terms_infeasible_explained():
    plan = solved(_heads(options_for_head=False))
    assert plan.status == "infeasible"
    assert "đã 2 nhiệm kỳ liên tiếp là người đứng đầu" in messages(plan)
    assert "phải luân chuyển" in messages(plan)


def test_head_terms_changes_the_optimum():
    problem = _heads()
    problem.cadres[0].head_terms = 1                 # one term: staying (fit 95) is best
    assert moved(solved(problem)) == {}
    problem.cadres[0].head_terms = 2
    assert moved(solved(problem)) == {"A": "H2", "B": "H1"}


def test_head_cannot_take_another_head_post_of_the_same_unit():
    posts = [post("H1", is_head=True, holder="A"), post("H2", is_head=True, must_fill=True)]
    problem = make(posts, [cadre("A", unit="U1", head_unit="U1", head_terms=2)], [pair("A", "H2")])
    plan = solved(problem)
    assert plan.status == "infeasible"


# --------------------------------------------------------------------------------------
# Posts and cadres: one holder, one move, must fill, vacancy chains


def test_one_holder_per_post_and_one_move_per_cadre():
    problem = make([post("P1"), post("P2")], [cadre("A"), cadre("B")],
                   [pair("A", "P1", 90), pair("B", "P1", 80), pair("A", "P2", 10)])
    plan = solved(problem)
    assert moved(plan) == {"B": "P1", "A": "P2"} and plan.objective == 90


def test_must_fill_infeasible_without_candidates():
    plan = solved(make([post("P1", must_fill=True)], [cadre("A")]))
    assert plan.status == "infeasible"
    assert "không có ứng viên nào được đề xuất" in messages(plan)


def test_must_fill_changes_the_optimum():
    weights = Weights(fit=1, moves=60)
    problem = make([post("P1")], [cadre("A")], [pair("A", "P1", 50)], weights=weights)
    assert moved(solved(problem)) == {}
    problem.posts[0].must_fill = True
    plan = solved(problem)
    assert moved(plan) == {"A": "P1"} and plan.objective == -10


def test_vacancy_chain_is_reported():
    # A (holder of P1) moves up to the vacant P2; P1 must be filled, by B from outside
    posts = [post("P1", holder="A", must_fill=True), post("P2", unit="U2", must_fill=True)]
    problem = make(posts, [cadre("A", unit="U1", current_fit=40), cadre("B")],
                   [pair("A", "P2", 90), pair("B", "P1", 60)])
    plan = solved(problem)
    assert moved(plan) == {"A": "P2", "B": "P1"}
    (chain,) = plan.chains
    assert chain.kind == "chain" and chain.posts == ["P2", "P1"] and chain.cadres == ["A", "B"]


def test_swap_is_reported_as_a_cycle():
    posts = [post("P1", holder="A"), post("P2", unit="U2", holder="B")]
    problem = make(posts, [cadre("A", unit="U1", current_fit=10), cadre("B", unit="U2", current_fit=10)],
                   [pair("A", "P2", 80), pair("B", "P1", 80)])
    plan = solved(problem)
    (cycle,) = plan.chains
    assert cycle.kind == "cycle" and sorted(cycle.cadres) == ["A", "B"]


def test_holder_left_post_open_at_the_end_of_a_chain():
    posts = [post("P1", holder="A"), post("P2", unit="U2", must_fill=True)]
    plan = solved(make(posts, [cadre("A", unit="U1")], [pair("A", "P2", 70)]))
    (chain,) = plan.chains
    assert chain.opens == "P1" and "để trống" in chain.text


# --------------------------------------------------------------------------------------
# Pinned and forbidden moves


def test_pinned_move_is_taken_even_when_worse():
    problem = make([post("P1")], [cadre("A"), cadre("B")], [pair("A", "P1", 90), pair("B", "P1", 10)],
                   pinned=[Assignment("B", "P1")])
    plan = solved(problem)
    assert moved(plan) == {"B": "P1"}
    assert any("cố định" in r for r in plan.moves[0].reasons)


def test_pinned_stay_keeps_a_holder():
    problem = make([post("P1", holder="A"), post("P2", unit="U2")], [cadre("A", unit="U1")],
                   [pair("A", "P2", 90)], pinned=[Assignment("A", None)])
    assert moved(solved(problem)) == {}


def test_pinned_conflicts_are_explained():
    problem = make([post("P1")], [cadre("A"), cadre("B")], [pair("A", "P1"), pair("B", "P1")],
                   pinned=[Assignment("A", "P1"), Assignment("B", "P1")])
    plan = solved(problem)
    assert plan.status == "infeasible"
    assert "cố định Lê" not in messages(plan)
    assert {c.subject for c in plan.diagnosis.conflicts} == {"A", "B"}
    assert all(c.rule == "pinned" for c in plan.diagnosis.conflicts)


def test_pinned_ineligible_move_is_explained():
    problem = make([post("P1")], [cadre("A", months_service_left=10)], [pair("A", "P1")],
                   pinned=[Assignment("A", "P1")])
    plan = solved(problem)
    assert plan.status == "infeasible"
    assert "cố định" in messages(plan) and "tháng công tác" in messages(plan)


def test_forbidden_move_changes_the_optimum_and_can_block_a_post():
    problem = make([post("P1", must_fill=True)], [cadre("A"), cadre("B")],
                   [pair("A", "P1", 90), pair("B", "P1", 10)], forbidden=[Assignment("A", "P1")])
    assert moved(solved(problem)) == {"B": "P1"}
    problem.forbidden.append(Assignment("B", "P1"))
    plan = solved(problem)
    assert plan.status == "infeasible" and "loại trừ" in messages(plan)


# --------------------------------------------------------------------------------------
# Per-unit limits on leavers and arrivals


def _leavers(limit):
    posts = [post("P1", holder="A"), post("P2", holder="B"), post("Q1", unit="U2"), post("Q2", unit="U2")]
    cadres = [cadre("A", unit="U1", current_fit=10), cadre("B", unit="U1", current_fit=10)]
    problem = make(posts, cadres, [pair("A", "Q1", 90), pair("B", "Q2", 80)])
    problem.units[0].max_leaving = limit
    return problem


def test_leaving_limit_feasible_and_changes_the_optimum():
    assert len(solved(_leavers(None)).moves) == 2
    plan = solved(_leavers(1))
    assert moved(plan) == {"A": "Q1"}


def test_leaving_limit_infeasible_explained():
    problem = _leavers(1)
    problem.posts[2].must_fill = problem.posts[3].must_fill = True
    plan = solved(problem)
    assert plan.status == "infeasible"
    assert "tối đa 1 người chuyển đi" in messages(plan)


def test_arrival_limit_changes_the_optimum_and_can_conflict():
    posts = [post("Q1", unit="U2"), post("Q2", unit="U2")]
    problem = make(posts, [cadre("A"), cadre("B")], [pair("A", "Q1", 90), pair("B", "Q2", 80)])
    assert len(solved(problem).moves) == 2
    problem.units[0].max_arriving = 1
    assert moved(solved(problem)) == {"A": "Q1"}
    problem.posts[1].must_fill = problem.posts[0].must_fill = True
    plan = solved(problem)
    assert plan.status == "infeasible" and "tối đa 1 người chuyển đến" in messages(plan)


# --------------------------------------------------------------------------------------
# QĐ 114: relatives


def test_relatives_not_in_one_collective():
    posts = [post("P1", holder="A"), post("P2", must_fill=True)]
    problem = make(posts, [cadre("A", unit="U1"), cadre("B"), cadre("C")],
                   [pair("B", "P2", 90), pair("C", "P2", 20)], relations=[Relation("A", "B", "spouse")])
    plan = solved(problem)
    assert moved(plan) == {"C": "P2"}
    problem.rules.family_kinds = ["sibling"]           # spouses no longer counted
    assert moved(solved(problem)) == {"B": "P2"}


def test_relatives_conflict_explained():
    posts = [post("P1", holder="A"), post("P2", must_fill=True)]
    problem = make(posts, [cadre("A", unit="U1"), cadre("B")], [pair("B", "P2")],
                   relations=[Relation("A", "B", "sibling")], pinned=[Assignment("A", None)])
    plan = solved(problem)
    assert plan.status == "infeasible"
    assert "quan hệ gia đình" in messages(plan) and "QĐ 114" in messages(plan)


def test_secretary_and_relative_heading_a_sector_of_the_same_locality():
    posts = [post("BT", unit="UBND", top_leader=True, is_head=True, holder="A"),
             post("CA", unit="POLICE", is_head=True, sector="police", must_fill=True)]
    from solver import Unit
    units = [Unit("UBND", level="xa", locality="X1"), Unit("POLICE", level="xa", locality="X1")]
    problem = make(posts, [cadre("A", unit="UBND"), cadre("B"), cadre("C")],
                   [pair("B", "CA", 90), pair("C", "CA", 10)], units=units,
                   relations=[Relation("A", "B", "child")])
    assert moved(solved(problem)) == {"C": "CA"}
    problem.units[1].locality = "X2"                     # another locality: no conflict
    assert moved(solved(problem)) == {"B": "CA"}
    problem.units[1].locality = "X1"
    problem.candidates.pop()
    plan = solved(problem)
    assert plan.status == "infeasible" and "ngành nhạy cảm" in messages(plan)


# --------------------------------------------------------------------------------------
# Structure targets


def _structure(hard: bool, weight: int = 50, attribute="female", **target):
    posts = [post("P1", holder="A"), post("P2", must_fill=True)]
    cadres = [cadre("A", unit="U1"), cadre("M", sex="M", age=50), cadre("F", sex="F", age=30, minority=True)]
    problem = make(posts, cadres, [pair("M", "P2", 90), pair("F", "P2", 60)])
    spec = dict(min_count=1) if not target else target
    problem.targets.append(Target("t1", attribute, unit="U1", hard=hard, weight=weight, name="chỉ tiêu", **spec))
    return problem


@pytest.mark.parametrize("attribute,extra", [("female", {}), ("minority", {}), ("age", dict(max_age=40))])
def test_hard_target_changes_the_optimum(attribute, extra):
    problem = _structure(hard=True, attribute=attribute, min_count=1, **extra)
    plan = solved(problem)
    assert moved(plan) == {"F": "P2"}
    figure = plan.structure[0]
    assert (figure.before, figure.after, figure.shortfall_after) == (0, 1, 0)


def test_soft_target_depends_on_its_weight():
    assert moved(solved(_structure(hard=False, weight=10))) == {"M": "P2"}
    plan = solved(_structure(hard=False, weight=40))
    assert moved(plan) == {"F": "P2"}
    assert any("Bổ sung cơ cấu" in r for r in plan.moves[0].reasons)
    terms = {t.name: t for t in solved(_structure(hard=False, weight=10)).terms}
    assert terms["structure"].value == 1 and terms["structure"].contribution == -10


def test_hard_target_infeasible_explained():
    problem = _structure(hard=True, min_count=2)
    plan = solved(problem)
    assert plan.status == "infeasible"
    assert "Cơ cấu bắt buộc" in messages(plan) and "ít nhất 2" in messages(plan)
    assert "1 người như vậy đang giữ hoặc đủ điều kiện" in messages(plan)
    assert [c.rule for c in plan.diagnosis.conflicts] == ["target"]


def test_share_targets_round_on_seats_and_caps_hold():
    # 2 seats, 50 % women -> need 1; a cap of 0 % over 55s forbids the older candidate
    problem = _structure(hard=True, min_share=0.5)
    assert moved(solved(problem)) == {"F": "P2"}
    problem = _structure(hard=True, attribute="age", min_age=46, max_share=0.0)
    problem.cadres[0].age = 40
    assert moved(solved(problem)) == {"F": "P2"}


def test_three_age_bands_per_level():
    posts = [post("P1", holder="A"), post("P2", holder="B"), post("P3", must_fill=True)]
    cadres = [cadre("A", unit="U1", age=35), cadre("B", unit="U1", age=45),
              cadre("X", age=44), cadre("Y", age=56)]
    problem = make(posts, cadres, [pair("X", "P3", 90), pair("Y", "P3", 50)])
    for lo, hi in ((0, 40), (40, 50), (50, 100)):
        problem.targets.append(Target(f"band{lo}", "age", level="xa", min_age=lo, max_age=hi, min_count=1,
                                      weight=100))
    plan = solved(problem)
    assert moved(plan) == {"Y": "P3"}
    assert all(f.shortfall_after == 0 for f in plan.structure)
