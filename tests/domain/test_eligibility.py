"""Eligibility with reasons: every rule of RULES.md §4 (P1, P4–P14, R4) passes, fails and
flips on its boundary month; all failures are listed together; dates from which the
cadre would pass; messages carry the numbers."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from quyhoach.domain.eligibility import EXIT_RULES, check, exit_findings, failing
from quyhoach.domain.facts import RatingFact
from quyhoach.domain.findings import ERROR, INFO, WARNING, eligible, eligible_from

from tests.domain.fact_builders import (
    CURRENT_TERM,
    NEXT_TERM,
    ON,
    OTHER_PROVINCE,
    PROVINCE,
    cadre,
    d,
    deputy,
    discipline,
    good_years,
    relative,
    rules,
    term,
    title,
    vote,
)

RULES = rules()
HEAD = title(1, "Giám đốc Sở Xây dựng", 200, is_head=True)


def judge(person=None, of=HEAD, in_term=NEXT_TERM, on=ON, ruleset=RULES, **kw):
    return check(person or cadre(), of, in_term, ruleset, on, **kw)


def one(findings, rule):
    found = [f for f in findings if f.rule == rule]
    assert len(found) == 1, f"{rule}: {found}"
    return found[0]


def rule_of(rule, person=None, **kw):
    return one(judge(person, **kw), rule)


# --------------------------------------------------------------------------- overall

def test_an_unremarkable_cadre_passes_every_rule_with_reasons():
    findings = judge()
    assert [f.rule for f in findings] == ["P1", "P4", "P5", "P6", "P8", "P9", "P10", "P11", "P13", "P14", "E5"]
    assert all(f.passed and f.severity == INFO for f in findings)
    assert eligible(findings)
    for f in findings:
        assert f.message and f.name
        assert f.rule_set == "QD377-2025"
        assert "Quy định 377-QĐ/TW" in f.basis
        assert f.subject == findings[0].subject


def test_all_failing_rules_are_listed_not_only_the_first():
    person = cadre(
        birth="15/01/1970",                               # P6: 24 months left at the term's start
        titles=(title(name="Giám đốc Sở Nội vụ", rank=250),),  # P1
        open_proposal=True,                               # P5
        ratings=good_years(2019, 2022) + (RatingFact(2023, "complete"), RatingFact(2024, "fail")),  # P8, P10
        votes=(vote("01/05/2025", present=40, low=25),),  # P11
        disciplines=(discipline("warning", "01/07/2024"),),  # P9, P13
        relatives=(relative("spouse", title(name="Phó Giám đốc Sở Xây dựng", rank=150, unit_id=HEAD.unit_id,
                                            is_deputy=True)),),  # P14
        pool_title_ids=frozenset({2, 3, 4}),              # P4 (no index: all counted)
    )
    findings = judge(person)
    assert {f.rule for f in failing(findings)} == {"P1", "P4", "P5", "P6", "P8", "P9", "P10", "P11", "P13", "P14"}
    assert not eligible(findings)
    assert eligible_from(findings) is None  # age never comes back


def test_eligible_from_is_the_latest_date_of_the_waiting_rules():
    person = cadre(
        ratings=good_years(2019, 2022) + (RatingFact(2023, "complete"), RatingFact(2024, "good")),
        disciplines=(discipline("reprimand", "10/03/2025"),),
    )
    findings = judge(person)
    assert one(findings, "P8").from_date == d("01/01/2027")
    assert one(findings, "P13").from_date == d("10/03/2027")
    assert eligible_from(findings) == d("10/03/2027")
    # judged on that date (ratings of 2025 and 2026 good), every rule passes
    later = cadre(ratings=person.ratings + (RatingFact(2025, "good"), RatingFact(2026, "good")),
                  disciplines=person.disciplines)
    assert eligible(judge(later, on=d("10/03/2027"), in_term=term("01/10/2030", "30/09/2035")))
    assert not eligible(judge(later, on=d("09/03/2027")))


# --------------------------------------------------------------------------- P1

def test_p1_passes_for_a_higher_title():
    f = rule_of("P1", cadre(titles=(deputy(rank=150),)))
    assert f.passed and f.compared == {"value": 150, "threshold": 200, "unit": "thứ bậc"}


def test_p1_passes_for_someone_holding_no_title():
    assert rule_of("P1", cadre(titles=())).passed


@pytest.mark.parametrize("held_rank", [200, 250])
def test_p1_fails_for_an_equal_or_lower_title(held_rank):
    f = rule_of("P1", cadre(titles=(title(name="Giám đốc Sở Tài chính", rank=held_rank),)))
    assert not f.passed and f.severity == ERROR
    assert str(held_rank) in f.message and "200" in f.message
    assert "Giám đốc Sở Tài chính" in f.evidence[0]


def test_p1_boundary_one_rank_below_passes():
    assert rule_of("P1", cadre(titles=(deputy(rank=199),))).passed


# --------------------------------------------------------------------------- P4

INDEX = {
    2: title(2, "Giám đốc Sở Y tế", 200, level="province"),
    3: title(3, "Giám đốc Sở Giáo dục", 200, level="province"),
    4: title(4, "Giám đốc Sở Tư pháp", 200, level="province"),
    5: title(5, "Bí thư Đảng ủy xã", 100, level="commune"),
}


def test_p4_passes_below_the_cap():
    f = rule_of("P4", cadre(pool_title_ids=frozenset({2, 3})), title_index=INDEX)
    assert f.passed and f.compared["value"] == 3 and f.compared["threshold"] == 3
    assert any("Giám đốc Sở Y tế" in e for e in f.evidence)


def test_p4_fails_at_the_cap_of_other_same_level_pools():
    f = rule_of("P4", cadre(pool_title_ids=frozenset({2, 3, 4})), title_index=INDEX)
    assert not f.passed and f.severity == ERROR
    assert "3 chức danh khác cùng cấp" in f.message and "tối đa 3" in f.message


def test_p4_counts_only_the_same_level_and_not_the_title_itself():
    person = cadre(pool_title_ids=frozenset({HEAD.id, 2, 3, 5}))
    assert rule_of("P4", person, title_index=INDEX).passed
    assert rule_of("P4", person, title_index={k: v.level for k, v in INDEX.items()}).passed
    # without an index every other pool counts (the caller passes same-level ids only)
    assert not rule_of("P4", person).passed


def test_p4_custom_cap_changes_the_verdict():
    person = cadre(pool_title_ids=frozenset({2, 3, 4}))
    assert rule_of("P4", person, title_index=INDEX, ruleset=rules(pools_per_cadre_max=4)).passed


# --------------------------------------------------------------------------- P5

def test_p5_open_proposal_blocks():
    assert rule_of("P5").passed
    f = rule_of("P5", cadre(open_proposal=True))
    assert not f.passed and f.severity == ERROR and f.from_date is None


# --------------------------------------------------------------------------- P6 / P7

def test_p6_boundary_month_at_the_terms_start():
    # men born 09/1973 retire 30/09/2035: exactly 60 months from 01/10/2030
    at = rule_of("P6", cadre(birth="20/09/1973"))
    assert at.compared["value"] == 60 and not at.passed and at.severity == WARNING
    assert "còn 60 tháng công tác tính đến 01/10/2030" in at.message
    below = rule_of("P6", cadre(birth="20/08/1973"))
    assert not below.passed and below.severity == ERROR and below.from_date is None
    assert below.message == "còn 59 tháng công tác tính đến 01/10/2030; cần ít nhất 60"
    assert below.compared == {"value": 59, "threshold": 60, "preferred": 120, "unit": "tháng"}
    assert any("31/08/2035" in e for e in below.evidence)


def test_p6_two_terms_preferred():
    assert rule_of("P6", cadre(birth="20/09/1978")).passed                  # 120 months
    warn = rule_of("P6", cadre(birth="20/08/1978"))                         # 119 months
    assert not warn.passed and warn.severity == WARNING and not warn.blocking
    assert "119" in warn.message and "120" in warn.message


def test_p6_women_use_their_roadmap():
    # a woman born 05/1975 retires 31/05/2035 (60y0m): 56 months at 01/10/2030
    f = rule_of("P6", cadre(sex="F", birth="02/05/1975"))
    assert f.compared["value"] == 56 and f.blocking


def test_p6_someone_already_retired_on_the_terms_start():
    f = rule_of("P6", cadre(birth="15/01/1966"))
    assert f.blocking and f.compared["value"] < 0
    assert f.message.startswith("không còn thời gian công tác tính đến 01/10/2030 (nghỉ hưu ngày 31/10/2027)")  # 61y9m


def test_p6_override_counts():
    f = rule_of("P6", cadre(retirement_override=d("30/09/2034")))
    assert f.compared["value"] == 48 and f.blocking
    assert "quyết định riêng" in f.evidence[0]


def test_p7_annual_supplement_for_the_highest_titles_counts_from_the_day():
    on = d("01/03/2026")
    # men born 02/1970 retire 28/02/2032: 72 months on 01/03/2026
    at = judge(cadre(birth="10/02/1970"), in_term=CURRENT_TERM, on=on)
    assert "P6" not in {f.rule for f in at}
    assert one(at, "P7").passed and one(at, "P7").compared["value"] == 72
    below = one(judge(cadre(birth="10/01/1970"), in_term=CURRENT_TERM, on=on), "P7")
    assert not below.passed and below.severity == ERROR
    assert below.message.startswith("còn 71 tháng công tác tính đến 01/03/2026; cần ít nhất 72")


def test_started_term_below_the_supplement_rank_uses_p6_from_the_day():
    ruleset = rules(supplement_rank_min=300)
    findings = judge(cadre(birth="10/02/1971"), in_term=CURRENT_TERM, on=d("01/03/2026"), ruleset=ruleset)
    assert "P7" not in {f.rule for f in findings}
    f = one(findings, "P6")
    assert f.compared["value"] == 72 + 12 and "01/03/2026" in f.message


# --------------------------------------------------------------------------- P8

def test_p8_passes_with_good_or_better_in_the_window():
    person = cadre(ratings=(RatingFact(2022, "excellent"), RatingFact(2023, "good"), RatingFact(2024, "good"),
                            RatingFact(2021, "fail")))
    f = rule_of("P8", person)
    assert f.passed and "2022–2024" in f.message
    assert f.evidence == ("năm 2022: HTXSNV", "năm 2023: HTTNV", "năm 2024: HTTNV")


def test_p8_fails_on_a_weak_year_with_the_date_it_leaves_the_window():
    person = cadre(ratings=good_years(2019, 2022) + (RatingFact(2023, "complete"), RatingFact(2024, "good")))
    f = rule_of("P8", person)
    assert not f.passed and f.severity == ERROR
    assert "năm 2023 xếp loại HTNV" in f.message
    assert f.from_date == d("01/01/2027") and "đủ điều kiện từ 01/01/2027" in f.message
    assert f.compared == {"value": 2, "threshold": 3, "unit": "năm đạt từ HTTNV", "latest_year": 2024}


def test_p8_boundary_the_weak_year_leaves_the_window_when_the_next_year_counts():
    # RULES.md §9: a December review works on the year being closed. "recorded" (the shipped
    # value): 2026 counts as soon as the cadre's 2026 rating is recorded, so on 30/11/2026 the
    # window is 2024–2026 and the 2023 HTNV has left it; without the 2026 rating the window is
    # still 2023–2025 until 31/12/2026, and from 01/01/2027 it is 2024–2026 with 2026 missing.
    rated = good_years(2019, 2022) + (RatingFact(2023, "complete"),) + good_years(2024, 2026)
    unrated = good_years(2019, 2022) + (RatingFact(2023, "complete"),) + good_years(2024, 2025)
    assert rule_of("P8", cadre(ratings=rated), on=d("30/11/2026")).passed
    assert not rule_of("P8", cadre(ratings=unrated), on=d("31/12/2026")).passed
    assert "năm 2023 xếp loại HTNV" in rule_of("P8", cadre(ratings=unrated), on=d("31/12/2026")).message
    after = rule_of("P8", cadre(ratings=unrated), on=d("01/01/2027"))
    assert not after.passed and "chưa có xếp loại năm 2026" in after.message
    # "12-01": from 1 December of the year itself, recorded or not: 30/11 still 2023–2025, 01/12 2024–2026
    december = rules(ratings_count_from="12-01")
    assert not rule_of("P8", cadre(ratings=rated), on=d("30/11/2026"), ruleset=december).passed
    assert rule_of("P8", cadre(ratings=rated), on=d("01/12/2026"), ruleset=december).passed
    assert "chưa có xếp loại năm 2026" in rule_of("P8", cadre(ratings=unrated), on=d("01/12/2026"),
                                                   ruleset=december).message


def test_p8_missing_year_fails_with_evidence_and_no_date():
    f = rule_of("P8", cadre(ratings=good_years(2019, 2023)))
    assert not f.passed and "chưa có xếp loại năm 2024" in f.evidence
    assert f.from_date is None


def test_p8_score_only_year_reads_the_score_only_under_qd_366():
    # QĐ 366 (in force from 30/08/2025, so on 31/12/2025) rates by a 100-point score: 85 is
    # good (70–<90), 65 complete (50–<70). 2024 closed under QĐ 124, which has no score: a
    # score-only 2024 is not a rating, so P8 finds 2024 missing.
    person = cadre(ratings=good_years(2019, 2024) + (RatingFact(2025, None, 85.0),))
    f = rule_of("P8", person, on=d("01/01/2026"))
    assert f.passed and "85 điểm (tương đương HTTNV)" in f.evidence[-1]
    low = cadre(ratings=good_years(2019, 2024) + (RatingFact(2025, None, 65.0),))
    assert not rule_of("P8", low, on=d("01/01/2026")).passed
    before = rule_of("P8", cadre(ratings=good_years(2019, 2023) + (RatingFact(2024, None, 85.0),)))
    assert not before.passed and "chưa có xếp loại năm 2024" in before.message
    assert "85 điểm (chưa áp dụng thang điểm để xếp loại năm 2024)" in before.evidence[-1]


def test_p8_custom_threshold_and_window_change_the_verdict():
    assert not rule_of("P8", ruleset=rules(rating_min="excellent")).passed
    person = cadre(ratings=good_years(2019, 2021) + (RatingFact(2022, "complete"),) + good_years(2023, 2024))
    assert not rule_of("P8", person).passed
    assert rule_of("P8", person, ruleset=rules(rating_window_years=2)).passed


# --------------------------------------------------------------------------- P9 / P13

def test_p9_and_p13_discipline_in_its_cooldown():
    person = cadre(disciplines=(discipline("reprimand", "01/07/2024", no="12-QĐ/UBKT"),))
    p9, p13 = rule_of("P9", person), rule_of("P13", person)
    assert not p9.passed and not p13.passed
    assert p9.from_date == p13.from_date == d("01/07/2026")
    assert "12-QĐ/UBKT" in p13.message and "24 tháng" in p13.message and "01/07/2026" in p13.message
    assert "khiển trách" in p9.evidence[0]


def test_p13_boundary_the_cooldown_ends_on_its_anniversary():
    person = cadre(disciplines=(discipline("warning", "15/03/2023"),))
    assert rule_of("P13", person, on=d("14/03/2026")).from_date == d("15/03/2026")
    assert rule_of("P13", person, on=d("15/03/2026")).passed
    assert rule_of("P9", person, on=d("15/03/2026")).passed


@pytest.mark.parametrize("level, months", [("reprimand", 24), ("warning", 36), ("removal", 60)])
def test_p13_cooldown_per_level(level, months):
    person = cadre(disciplines=(discipline(level, "01/01/2024"),))
    f = rule_of("P13", person, on=d("02/01/2024"))
    assert f.from_date == dt.date(2024 + months // 12, 1, 1)
    assert f.compared["months"] == months


def test_p13_latest_end_of_several_disciplines():
    person = cadre(disciplines=(discipline("warning", "01/01/2024"), discipline("reprimand", "01/06/2025")))
    f = rule_of("P13", person)
    assert f.from_date == d("01/06/2027") and len(f.evidence) == 2
    assert "khiển trách" in f.message and "01/06/2027" in f.message


def test_discipline_decided_after_the_day_is_not_known_yet():
    person = cadre(disciplines=(discipline("warning", "01/12/2025"),))
    assert rule_of("P13", person).passed and rule_of("P9", person).passed


def test_p9_exit_level_is_a_parameter():
    person = cadre(disciplines=(discipline("reprimand", "01/07/2025"),))
    ruleset = rules(discipline_exit_min="warning")
    assert rule_of("P9", person, ruleset=ruleset).passed
    assert not rule_of("P13", person, ruleset=ruleset).passed


def test_p13_custom_cooldown_changes_the_verdict():
    person = cadre(disciplines=(discipline("reprimand", "01/07/2024"),))
    ruleset = rules(discipline_cooldown_months={"reprimand": 12, "warning": 36, "removal": 60, "expulsion": 1200})
    assert rule_of("P13", person, ruleset=ruleset).passed


# --------------------------------------------------------------------------- P10

def test_p10_fail_in_the_latest_completed_year():
    person = cadre(ratings=good_years(2019, 2023) + (RatingFact(2024, "fail"),))
    f = rule_of("P10", person)
    assert not f.passed and f.severity == ERROR and "năm 2024" in f.message
    assert f.from_date == d("01/01/2026")


def test_p10_only_the_latest_year_counts():
    person = cadre(ratings=good_years(2019, 2022) + (RatingFact(2023, "fail"), RatingFact(2024, "good")))
    assert rule_of("P10", person).passed
    assert not rule_of("P8", person).passed


def test_p10_boundary_a_new_year_moves_the_latest_year():
    # 2024 fail. Without a 2025 rating the latest counted year is 2024 until 31/12/2025; from
    # 01/01/2026 it is 2025, not rated yet, so P10 has nothing to read and passes.
    person = cadre(ratings=good_years(2019, 2023) + (RatingFact(2024, "fail"),))
    assert not rule_of("P10", person, on=d("31/12/2025")).passed
    assert rule_of("P10", person, on=d("01/01/2026")).passed
    # With 2025 rated good and recorded, the December review already reads 2025 ("recorded")
    rated = cadre(ratings=person.ratings + (RatingFact(2025, "good"),))
    assert rule_of("P10", rated, on=d("01/12/2025")).passed
    # "12-01": 2025 counts from 01/12/2025, recorded or not
    december = rules(ratings_count_from="12-01")
    assert not rule_of("P10", rated, on=d("30/11/2025"), ruleset=december).passed
    assert rule_of("P10", rated, on=d("01/12/2025"), ruleset=december).passed


def test_p10_a_fail_recorded_for_the_current_year_counts_in_the_december_review():
    # the officer imports the 2026 ratings on 05/12/2026: a 2026 fail shows at once
    person = cadre(ratings=good_years(2019, 2025) + (RatingFact(2026, "fail"),))
    f = rule_of("P10", person, on=d("05/12/2026"))
    assert not f.passed and "năm 2026" in f.message and f.from_date == d("01/01/2028")


# --------------------------------------------------------------------------- P11

def test_p11_exactly_half_low_passes_more_fails():
    half = rule_of("P11", cadre(votes=(vote("01/05/2025", present=40, low=20),)))
    assert half.passed and half.compared == {"value": 50.0, "threshold": 50.0, "unit": "%", "dismissal": False}
    over = rule_of("P11", cadre(votes=(vote("01/05/2025", present=40, low=21),)))
    assert not over.passed and over.severity == ERROR
    assert "21/40" in over.message and "52,5%" in over.message
    assert "tín nhiệm thấp 21" in over.evidence[0] and "01/05/2025" in over.evidence[0]


def test_p11_latest_vote_before_the_day_counts():
    votes = (vote("01/05/2023", present=40, low=30), vote("01/05/2025", present=40, low=2),
             vote("01/12/2025", present=40, low=35))
    f = rule_of("P11", cadre(votes=votes))
    assert f.passed and "01/05/2025" in f.evidence[0]


def test_p11_no_vote_passes():
    assert rule_of("P11").passed


def test_p11_custom_share():
    person = cadre(votes=(vote("01/05/2025", present=40, low=15),))
    assert not rule_of("P11", person, ruleset=rules(confidence_low_max_share=1 / 3)).passed


# --------------------------------------------------------------------------- P12

def test_p12_only_for_members_appointed_to_the_title_or_higher():
    assert "P12" not in {f.rule for f in judge()}
    member = cadre(pool_title_ids=frozenset({HEAD.id}))
    assert rule_of("P12", member).passed
    appointed = cadre(titles=(HEAD,), pool_title_ids=frozenset({HEAD.id}))
    f = rule_of("P12", appointed)
    assert not f.passed and "chức danh quy hoạch" in f.message
    higher = cadre(titles=(title(name="Phó Chủ tịch UBND tỉnh", rank=300),), pool_title_ids=frozenset({HEAD.id}))
    assert not rule_of("P12", higher).passed
    equal = cadre(titles=(title(name="Giám đốc Sở Y tế", rank=200),), pool_title_ids=frozenset({HEAD.id}))
    assert not rule_of("P12", equal).passed


# --------------------------------------------------------------------------- P14

SECRETARY = title(20, "Bí thư Tỉnh ủy", 500, unit_id=20, unit_name="Tỉnh ủy", is_head=True, is_party_secretary=True)
CHAIR = title(21, "Chủ tịch UBND tỉnh", 480, unit_id=21, unit_name="UBND tỉnh", is_head=True, is_government_head=True)
FINANCE = title(22, "Giám đốc Sở Tài chính", 200, unit_id=22, unit_name="Sở Tài chính", is_head=True,
                sensitive_sector="finance")


def test_p14_secretary_with_a_relative_heading_a_sensitive_sector():
    person = cadre(relatives=(relative("spouse", FINANCE, name="Trần Thị Bình"),))
    f = rule_of("P14", person, of=SECRETARY)
    assert not f.passed and f.severity == ERROR
    assert "Trần Thị Bình" in f.evidence[0] and "Giám đốc Sở Tài chính" in f.evidence[0]
    assert "Tài chính" in f.message
    assert "Quy định 114-QĐ/TW" in f.basis


def test_p14_the_other_way_round():
    person = cadre(relatives=(relative("sibling", CHAIR),))
    assert not rule_of("P14", person, of=FINANCE).passed


def test_p14_other_locality_or_other_sector_passes():
    elsewhere = title(23, "Giám đốc Sở Tài chính", 200, unit_id=23, is_head=True, sensitive_sector="finance",
                      locality_id=OTHER_PROVINCE)
    assert rule_of("P14", cadre(relatives=(relative("spouse", elsewhere),)), of=SECRETARY).passed
    culture = title(24, "Giám đốc Sở Văn hóa", 200, unit_id=24, is_head=True)
    assert rule_of("P14", cadre(relatives=(relative("spouse", culture),)), of=SECRETARY).passed
    deputy_finance = title(25, "Phó Giám đốc Sở Tài chính", 150, unit_id=22, is_deputy=True, sensitive_sector="finance")
    assert rule_of("P14", cadre(relatives=(relative("spouse", deputy_finance),)), of=SECRETARY).passed


def test_p14_head_and_deputy_of_one_unit():
    person = cadre(relatives=(relative("child", deputy(unit_id=HEAD.unit_id)),))
    f = rule_of("P14", person)
    assert not f.passed and "cấp trưởng và cấp phó" in f.evidence[0]


def test_p14_same_leadership_collective():
    person = cadre(relatives=(relative("parent", deputy(unit_id=HEAD.unit_id)),))
    other_deputy = deputy(rank=160, unit_id=HEAD.unit_id)
    f = rule_of("P14", person, of=other_deputy)
    assert not f.passed and "cùng tập thể lãnh đạo" in f.evidence[0]


def test_p14_relative_holding_the_very_title_is_succession_not_conflict():
    person = cadre(relatives=(relative("parent", HEAD),))
    assert rule_of("P14", person).passed


def test_p14_relation_kinds_are_configurable():
    person = cadre(relatives=(relative("sibling_in_law", FINANCE),))
    assert not rule_of("P14", person, of=SECRETARY).passed
    narrow = rules(relation_kinds=["spouse", "parent", "child", "sibling"])
    assert rule_of("P14", person, of=SECRETARY, ruleset=narrow).passed


# --------------------------------------------------------------------------- R4

def test_r4_non_local_post_is_a_planning_warning():
    post = title(30, "Bí thư Tỉnh ủy", 500, unit_id=30, is_head=True, is_party_secretary=True, non_local=True)
    local = rule_of("R4", cadre(hometown_locality_ids=frozenset({PROVINCE, 1})), of=post)
    assert not local.passed and local.severity == WARNING and not local.blocking
    assert "người địa phương" in local.message and "Quy định 65-QĐ/TW" in local.basis
    assert rule_of("R4", cadre(hometown_locality_ids=frozenset({OTHER_PROVINCE})), of=post).passed
    assert "R4" not in {f.rule for f in judge(cadre(hometown_locality_ids=frozenset({PROVINCE})))}


# --------------------------------------------------------------------------- exits

def test_exit_findings_are_the_blocking_failures_of_the_exit_rules():
    person = cadre(
        birth="20/08/1978",                                # P6 warning only: not an exit
        titles=(HEAD,), pool_title_ids=frozenset({HEAD.id}),  # P1 (not an exit rule) and P12
        ratings=good_years(2019, 2023) + (RatingFact(2024, "fail"),),   # P8 (not exit), P10
        votes=(vote("01/05/2025", present=40, low=30),),   # P11
        open_proposal=True,                                # P5 (not exit)
    )
    exits = exit_findings(person, HEAD, NEXT_TERM, RULES, ON)
    assert [f.rule for f in exits] == ["P10", "P11", "P12"]
    assert all(f.rule in EXIT_RULES and f.blocking for f in exits)
    assert exit_findings(cadre(), HEAD, NEXT_TERM, RULES, ON) == []


def test_over_age_is_an_exit_in_the_review():
    member = cadre(birth="15/01/1968", pool_title_ids=frozenset({HEAD.id}))
    exits = exit_findings(member, HEAD, CURRENT_TERM, RULES, d("01/12/2026"))
    assert [f.rule for f in exits] == ["P7"]


# --------------------------------------------------------------------------- rule sets

def test_each_finding_names_the_rule_set_in_force_on_its_day():
    old = rules(d("07/10/2025"))
    new = rules(d("08/10/2025"))
    assert {f.rule_set for f in judge(on=d("07/10/2025"), ruleset=old)} == {"QD50-2021"}
    assert {f.rule_set for f in judge(on=d("08/10/2025"), ruleset=new)} == {"QD377-2025"}
    assert all("Quy định 50-QĐ/TW" in f.basis for f in judge(on=d("07/10/2025"), ruleset=old))


def test_findings_serialise():
    f = rule_of("P13", cadre(disciplines=(discipline("reprimand", "01/07/2024"),)))
    data = f.as_dict()
    assert data["from_date"] == "2026-07-01" and data["rule"] == "P13" and isinstance(data["evidence"], list)


# --------------------------------------------------------------------------- plumbing

def test_fast_findings_equal_constructed_ones():
    from quyhoach.domain.eligibility import new_finding
    from quyhoach.domain.findings import Finding

    values = dict(rule="P1", passed=False, severity=ERROR, name="n", message="m", basis="b", rule_set="r",
                  compared={"value": 1}, evidence=("e",), from_date=d("01/07/2027"), subject="C1")
    assert new_finding(**values) == Finding(**values)
    assert new_finding(rule="P1", passed=True, severity=INFO, name="n", message="m") == Finding(
        rule="P1", passed=True, severity=INFO, name="n", message="m")
    with pytest.raises(dataclasses.FrozenInstanceError):
        new_finding(**values).passed = True  # type: ignore[misc]


def test_domain_stays_pure():
    import pathlib
    import re

    import quyhoach.domain as domain

    forbidden = re.compile(r"^\s*(from|import)\s+(flask|sqlmodel|sqlalchemy|ortools)\b", re.M)
    for path in pathlib.Path(domain.__file__).parent.glob("*.py"):
        assert not forbidden.search(path.read_text(encoding="utf-8")), path.name
