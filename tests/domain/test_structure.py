"""Pool structure: counts, three age bands, young / women / minority shares with the
shortfall in words, aggregates with the committee age structure, what a candidate would
fix, and the ballot checks."""

from __future__ import annotations

import pytest

from quyhoach.domain.findings import ERROR, INFO, WARNING
from quyhoach.domain.structure import (
    aggregate,
    band_label,
    check_ballot,
    check_pool,
    committee_structure,
    excess,
    pool_profile,
    shortfall,
    suggestion_effects,
    suggestion_score,
)

from tests.domain.fact_builders import ON, born_aged, pool, rules, title

RULES = rules()
HEAD = title(1, "Giám đốc Sở Xây dựng", 200, is_head=True, code="SXD-GD", unit_code="SXD", locality_code="T01")


def one(findings, rule):
    found = [f for f in findings if f.rule == rule]
    assert len(found) == 1, f"{rule}: {found}"
    return found[0]


def balanced(**kw):
    """Three men, one per provincial age band (38, 47, 52 at the term's start)."""
    return [born_aged(38, name="Lê Văn Ba", **kw), born_aged(47, name="Phạm Văn Bốn", **kw),
            born_aged(52, name="Hoàng Văn Năm", **kw)]


# --------------------------------------------------------------------------- shortfall arithmetic

@pytest.mark.parametrize("count, total, share, expected", [
    (0, 3, 0.25, 1),      # 1/4 = 25%
    (0, 4, 0.25, 2),      # 1/5 = 20% short; 2/6 = 33%
    (1, 4, 0.25, 0),
    (0, 0, 0.25, 1),
    (0, 10, 0.15, 2),     # 1/11 = 9%, 2/12 = 16.7%
    (3, 20, 0.15, 0),     # exactly 15%
    (0, 3, 0.0, 0),
    (2, 3, 1.0, None),
    (3, 3, 1.0, 0),
    (1, 3, 0.43, 1),      # 2/4 = 50%
])
def test_shortfall_is_the_smallest_number_to_add(count, total, share, expected):
    assert shortfall(count, total, share) == expected


def test_excess_is_the_smallest_number_of_others_to_add():
    assert excess(3, 4, 0.5) == 2      # 3/6
    assert excess(2, 4, 0.5) == 0
    assert excess(0, 0, 0.5) == 0


@pytest.mark.parametrize("low, high, text", [(0, 45, "dưới 45"), (45, 50, "45–49"), (50, 200, "từ 50 trở lên")])
def test_band_labels(low, high, text):
    assert band_label(low, high) == text


# --------------------------------------------------------------------------- P2 / P3

def test_p2_cap_boundary():
    assert one(check_pool(pool(*balanced(), of=HEAD), RULES, ON), "P2").passed
    over = one(check_pool(pool(*balanced(), born_aged(44), of=HEAD), RULES, ON), "P2")
    assert not over.passed and over.severity == ERROR
    assert over.message == "4 người trong danh sách, vượt mức tối đa 3 (thừa 1)"
    assert over.subject == "SXD-GD@2030-2035"


def test_p2_custom_cap_of_an_older_local_rule():
    assert one(check_pool(pool(*balanced(), born_aged(44), of=HEAD), rules(pool_max_per_title=4), ON), "P2").passed


def test_p3_minimum_is_a_warning():
    assert one(check_pool(pool(*balanced()[:2], of=HEAD), RULES, ON), "P3").passed
    short = one(check_pool(pool(balanced()[0], of=HEAD), RULES, ON), "P3")
    assert not short.passed and short.severity == WARNING and "thiếu 1 người" in short.message


# --------------------------------------------------------------------------- S1

def test_s1_all_three_bands_present():
    f = one(check_pool(pool(*balanced(), of=HEAD), RULES, ON), "S1")
    assert f.passed and f.compared == {"value": 3, "threshold": 3, "unit": "độ tuổi"}
    assert "tuổi tính đến 01/10/2030" in f.message
    assert f.evidence[0] == "dưới 45: Lê Văn Ba (38)"


def test_s1_names_the_missing_band():
    members = [born_aged(47), born_aged(52)]
    f = one(check_pool(pool(*members, of=HEAD), RULES, ON), "S1")
    assert not f.passed and f.severity == WARNING
    assert f.message.startswith("không có ai trong độ tuổi dưới 45")


def test_s1_band_edges_are_ages_at_the_terms_start():
    # 45 on 01/10/2030 belongs to the 45–49 band, 44 to the under-45 band
    f = one(check_pool(pool(born_aged(45), born_aged(49), born_aged(50), of=HEAD), RULES, ON), "S1")
    assert not f.passed and "dưới 45" in f.message
    assert one(check_pool(pool(born_aged(44), born_aged(49), born_aged(50), of=HEAD), RULES, ON), "S1").passed


def test_s1_bands_per_level():
    commune = title(5, "Chủ tịch UBND xã", 100, level="commune")
    # commune bands: under 40, 40–45, 45 and over (the province's would miss the youngest band)
    f = one(check_pool(pool(born_aged(38), born_aged(42), born_aged(46), of=commune), RULES, ON), "S1")
    assert f.passed
    assert not one(check_pool(pool(born_aged(38), born_aged(42), born_aged(46), of=HEAD), RULES, ON), "S1").passed
    unknown = title(6, "Trưởng ban", 100, level="special_zone")
    f = one(check_pool(pool(born_aged(34), of=unknown), RULES, ON), "S1")
    assert not f.passed and "special_zone" in f.message


# --------------------------------------------------------------------------- S2–S4

def test_s2_young_is_under_the_levels_age_at_the_terms_start():
    f = one(check_pool(pool(born_aged(40), born_aged(47), born_aged(52), of=HEAD), RULES, ON), "S2")
    assert not f.passed and f.message.endswith("thiếu 1 cán bộ dưới 40 tuổi")
    f = one(check_pool(pool(born_aged(39), born_aged(47), born_aged(52), of=HEAD), RULES, ON), "S2")
    assert f.passed and "1/3" in f.message


def test_s3_women_share_with_the_shortfall_in_words():
    f = one(check_pool(pool(*balanced(), of=HEAD), RULES, ON), "S3")
    assert not f.passed and f.severity == WARNING
    assert f.message == "cán bộ nữ: 0/3 (0%); chỉ tiêu từ 25%: thiếu 1 cán bộ nữ"
    assert f.compared["shortfall"] == 1
    members = balanced()[:2] + [born_aged(52, sex="F", name="Lò Thị Hoa")]
    f = one(check_pool(pool(*members, of=HEAD), RULES, ON), "S3")
    assert f.passed and "33,3%" in f.message and f.evidence == ("Lò Thị Hoa",)


def test_s4_target_by_unit_then_locality_then_default():
    members = balanced()[:2] + [born_aged(52, minority=True)]
    assert one(check_pool(pool(*members, of=HEAD), RULES, ON), "S4").passed  # no target
    by_unit = rules(minority_min_share_by_unit={"SXD": 0.43})
    f = one(check_pool(pool(*members, of=HEAD), by_unit, ON), "S4")
    assert not f.passed and "43%" in f.message and "thiếu 1 cán bộ dân tộc thiểu số" in f.message
    by_locality = rules(minority_min_share_by_unit={"T01": 0.30})
    assert one(check_pool(pool(*members, of=HEAD), by_locality, ON), "S4").passed
    default = rules(minority_min_share=0.5)
    assert not one(check_pool(pool(*members, of=HEAD), default, ON), "S4").passed


def test_empty_pool():
    findings = check_pool(pool(of=HEAD), RULES, ON)
    assert one(findings, "P2").passed and not one(findings, "P3").passed
    assert one(findings, "S3").message.endswith("thiếu 1 cán bộ nữ")
    assert "dưới 45, 45–49, từ 50 trở lên" in one(findings, "S1").message


def test_every_pool_finding_names_its_rule_set():
    for f in check_pool(pool(*balanced(), of=HEAD), RULES, ON):
        assert f.rule_set == "QD377-2025" and f.basis and f.name
        assert f.severity == (INFO if f.passed else f.severity)


# --------------------------------------------------------------------------- aggregate

def test_aggregate_counts_distinct_cadres_and_failing_pools():
    shared = born_aged(38, sex="F", name="Lò Thị Hoa")
    a = pool(shared, born_aged(47), born_aged(52), of=HEAD)
    other = title(2, "Giám đốc Sở Y tế", 200, code="SYT-GD")
    b = pool(shared, born_aged(48), of=other)
    findings = aggregate([a, b], RULES, ON, "Tỉnh Điện Biên")
    assert all(f.subject == "Tỉnh Điện Biên" for f in findings)
    assert one(findings, "P2").passed and one(findings, "P3").passed
    s1 = one(findings, "S1")
    assert s1.passed is False and s1.message == "1/2 danh sách thiếu độ tuổi" and "Giám đốc Sở Y tế" in s1.evidence[0]
    s3 = one(findings, "S3")
    assert s3.compared["value"] == 1 and s3.compared["total"] == 4 and s3.passed


def test_aggregate_finds_a_cadre_in_too_many_pools_at_one_level():
    busy = born_aged(40, name="Vũ Văn Bận")
    pools = [pool(busy, of=title(10 + i, f"Chức danh {i}", 200, code=f"T{i}")) for i in range(4)]
    f = one(aggregate(pools, RULES, ON, "Tỉnh"), "P4")
    assert not f.passed and f.severity == ERROR and "Vũ Văn Bận: 4 chức danh cấp tỉnh" in f.evidence[0]


def test_s5_committee_age_structure():
    ages = [38] + [45] * 4 + [55] * 5             # 10% under 40, 40% 40–50
    under, middle = committee_structure(ages, RULES, "BCH")
    assert under.rule == middle.rule == "S5" and under.passed and middle.passed
    assert "Chỉ thị 35" in under.basis
    under, middle = committee_structure([45] * 6 + [55] * 4, RULES, "BCH")
    assert not under.passed and "thiếu 2 cán bộ dưới 40 tuổi" in under.message  # 1/11 < 10%
    assert not middle.passed and "cần thêm 2 cán bộ ngoài độ tuổi 40–50" in middle.message
    _, middle = committee_structure([45] * 3 + [55] * 7, RULES, "BCH")
    assert not middle.passed and "thiếu 2 cán bộ 40–50 tuổi" in middle.message


# --------------------------------------------------------------------------- suggestions

def test_suggestion_effects_say_what_the_candidate_fixes():
    p = pool(born_aged(47), born_aged(52), of=HEAD)
    hoa = born_aged(36, sex="F", name="Lò Thị Hoa")
    assert suggestion_effects(p, hoa, RULES, ON) == ["bổ sung một cán bộ nữ dưới 40 tuổi", "lấp độ tuổi dưới 45"]
    mid = pool(born_aged(40), born_aged(52), of=HEAD)
    assert suggestion_effects(mid, born_aged(47), RULES, ON) == ["lấp độ tuổi 45–49"]
    assert suggestion_effects(pool(*balanced(), of=HEAD), born_aged(47), RULES, ON) == []
    lonely = pool(born_aged(47), of=HEAD)
    assert suggestion_effects(lonely, born_aged(48), RULES, ON) == ["đưa danh sách lên 2/2 người tối thiểu"]


def test_suggestion_effects_of_a_member_are_empty():
    member = born_aged(36, sex="F")
    assert suggestion_effects(pool(member, of=HEAD), member, RULES, ON) == []


def test_suggestion_score_is_the_sum_of_its_parts_and_ranks_structure_first():
    p = pool(born_aged(47), born_aged(52), of=HEAD)
    profile = pool_profile(p, RULES)
    hoa = born_aged(36, sex="F", theory_level="advanced", state_mgmt_level="principal")
    man = born_aged(48, theory_level="advanced", state_mgmt_level="principal")
    s_hoa = suggestion_score(p, hoa, RULES, ON, profile=profile)
    s_man = suggestion_score(p, man, RULES, ON, profile=profile)
    assert s_hoa.total == sum(s_hoa.parts.values())
    assert s_hoa.parts["structure"] == 90        # woman, young, under-45 band
    assert s_man.parts["structure"] == 0
    assert s_hoa.parts["ratings"] == 9           # good in 2022, 2023, 2024
    assert s_hoa.parts["training"] == 8
    assert s_hoa.parts["service"] == 20
    assert s_hoa.total > s_man.total
    weighted = suggestion_score(p, hoa, rules(suggestion_weights={"structure_fix": 1}), ON)
    assert weighted.parts["structure"] == 3


# --------------------------------------------------------------------------- ballots

def test_quorum_is_two_thirds_of_those_convened():
    ok = one(check_ballot("key_cadres", 30, 20, 20, 10, RULES), "B1")
    assert ok.passed and "20/30" in ok.message and "2/3" in ok.message
    short = one(check_ballot("key_cadres", 30, 19, 19, 10, RULES), "B1")
    assert not short.passed and short.severity == ERROR and "20 người" in short.message


def test_key_cadres_conference_needs_thirty_percent_of_valid_votes():
    assert one(check_ballot("key_cadres", 30, 30, 30, 9, RULES), "B2").passed
    f = one(check_ballot("key_cadres", 30, 30, 30, 8, RULES), "B2")
    assert not f.passed and "8/30" in f.message and "từ 30%" in f.message and "ít nhất 9 phiếu" in f.message


def test_standing_committee_needs_more_than_half():
    f = one(check_ballot("standing_committee", 15, 15, 14, 7, RULES), "B2")
    assert not f.passed and "trên 50%" in f.message and "ít nhất 8 phiếu" in f.message
    assert one(check_ballot("standing_committee", 15, 15, 14, 8, RULES), "B2").passed


def test_approval_and_unknown_steps_check_only_the_quorum():
    assert [f.rule for f in check_ballot("approval", 15, 12, 12, 12, RULES)] == ["B1"]
    assert [f.rule for f in check_ballot("other", 15, 12, 12, 12, RULES)] == ["B1"]


def test_inconsistent_tallies_are_reported():
    findings = check_ballot("standing_committee", 15, 16, 17, 18, RULES)
    f = one(findings, "B0")
    assert not f.passed and len(f.evidence) == 3


def test_no_valid_votes_fails_the_threshold():
    assert not one(check_ballot("key_cadres", 30, 25, 0, 0, RULES), "B2").passed


def test_steps_may_be_named_in_vietnamese():
    assert one(check_ballot("Hội nghị cán bộ chủ chốt", 30, 30, 30, 9, RULES), "B2").passed
    f = one(check_ballot("Ban Thường vụ", 15, 15, 14, 7, RULES), "B2")
    assert not f.passed and f.message.startswith("ban thường vụ")
