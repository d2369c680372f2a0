"""Title standards (P15, QĐ 365 framework), the political-standard conclusion (P9), young age
by level (S2) — RULES.md §9. Expected values are worked from the regulation's words."""

from __future__ import annotations

import dataclasses

import pytest

from quyhoach.domain import standards
from quyhoach.domain.eligibility import check, exit_findings
from quyhoach.domain.facts import ConclusionFact
from quyhoach.domain.findings import ERROR, WARNING
from quyhoach.domain.structure import check_pool

from tests.domain.fact_builders import NEXT_TERM, born_aged, cadre, d, discipline, pool, rules, title


def one(findings, rule_id):
    found = [f for f in findings if f.rule == rule_id]
    assert len(found) == 1, [f.rule for f in findings]
    return found[0]


# A provincial leadership title as provinces apply QĐ 365: cao cấp theory, chuyên viên chính
# or above in state management, a university degree.
LEADER = title(1, "Phó Chủ tịch UBND tỉnh", 200, required_theory="advanced", required_state_mgmt="principal",
               required_degree="university")


def qualified(**kw):
    kw.setdefault("theory_level", "advanced")
    kw.setdefault("state_mgmt_level", "principal")
    kw.setdefault("degree", "master")
    return cadre(**kw)


# --------------------------------------------------------------------------- the solver's codes

def test_requirement_codes_name_each_standard_the_title_sets():
    assert standards.requirement_codes(LEADER) == ["theory:advanced", "state_mgmt:principal", "degree:university"]
    assert standards.requirement_codes(title(2)) == []
    # "none" (chưa qua đào tạo) is no requirement
    assert standards.requirement_codes(title(3, required_theory="none")) == []


def test_qualification_codes_hold_every_level_up_to_the_cadres():
    # cao cấp holds sơ cấp and trung cấp too; chuyên viên chính holds chuyên viên; thạc sĩ holds
    # trung cấp, cao đẳng and đại học (the solver compares sets: requires ⊆ qualifications)
    codes = standards.qualification_codes(qualified())
    assert codes == ["theory:basic", "theory:intermediate", "theory:advanced",
                     "state_mgmt:specialist", "state_mgmt:principal",
                     "degree:vocational", "degree:college", "degree:university", "degree:master"]
    assert standards.qualification_codes(cadre()) == []   # none recorded


@pytest.mark.parametrize("theory, mgmt, degree, meets", [
    ("advanced", "principal", "university", True),     # exactly the requirement (the boundary)
    ("advanced", "senior", "doctorate", True),         # above it
    ("intermediate", "principal", "university", False),
    ("advanced", "specialist", "university", False),
    ("advanced", "principal", "college", False),
    ("advanced", "principal", None, False),            # degree not known from the record
])
def test_the_subset_test_is_the_p15_verdict(theory, mgmt, degree, meets):
    person = cadre(theory_level=theory, state_mgmt_level=mgmt, degree=degree)
    subset = set(standards.requirement_codes(LEADER)) <= set(standards.qualification_codes(person))
    assert subset is meets
    assert (standards.shortfalls(person, LEADER) == []) is meets
    assert standards.title_standards(person, LEADER, rules()).passed is meets


# --------------------------------------------------------------------------- P15

def test_p15_passes_when_every_standard_is_met():
    f = one(check(qualified(), LEADER, NEXT_TERM, rules(), d("01/11/2025")), "P15")
    assert f.passed and f.name == "Tiêu chuẩn chức danh (QĐ 365)"
    assert f.compared == {"value": 3, "threshold": 3, "unit": "tiêu chuẩn đạt"}


def test_p15_says_what_the_title_requires_and_what_the_cadre_has():
    f = one(check(qualified(theory_level="intermediate"), LEADER, NEXT_TERM, rules(), d("01/11/2025")), "P15")
    assert not f.passed
    assert f.message.startswith("chức danh yêu cầu lý luận chính trị cao cấp; cán bộ có trung cấp")
    assert f.compared["value"] == 2


def test_p15_is_a_warning_for_planning_and_blocks_an_appointment():
    # Planning: the planned cadre is trained to the standard during the term (HD 16), so a
    # shortfall is shown, not blocking; appointing (QĐ 377 art. 34) needs the standard met.
    person = qualified(state_mgmt_level="specialist")
    planning = standards.title_standards(person, LEADER, rules())
    assert not planning.passed and planning.severity == WARNING and not planning.blocking
    assert "cần đào tạo, bồi dưỡng đủ trước khi bổ nhiệm" in planning.message
    appointment = standards.title_standards(person, LEADER, rules(), appointment=True)
    assert appointment.severity == ERROR and appointment.blocking
    assert "quản lý nhà nước chuyên viên chính; cán bộ có chuyên viên" in appointment.message
    # a province that makes it blocking in planning too
    strict = standards.title_standards(person, LEADER, rules(title_standards_planning_severity="error"))
    assert strict.blocking


def test_p15_does_not_propose_an_exit_in_the_review():
    person = qualified(theory_level="basic", pool_title_ids=frozenset({LEADER.id}))
    assert [f.rule for f in exit_findings(person, LEADER, NEXT_TERM, rules(), d("01/11/2025"))] == []


def test_p15_is_not_judged_for_a_title_without_standards():
    assert all(f.rule != "P15" for f in check(cadre(), title(2), NEXT_TERM, rules(), d("01/11/2025")))


@pytest.mark.parametrize("day, code, framework", [
    ("07/10/2025", "QD50-2021", "Quy định 214-QĐ/TW"),   # last day of QĐ 50: QĐ 214's framework
    ("08/10/2025", "QD377-2025", "Quy định 365-QĐ/TW"),  # first day of QĐ 377: QĐ 365's
])
def test_p15_names_the_framework_of_the_set_in_force(day, code, framework):
    f = standards.title_standards(qualified(), LEADER, rules(d(day)))
    assert f.rule_set == code and framework in f.basis


@pytest.mark.parametrize("text, code", [
    ("Thạc sĩ Kinh tế nông nghiệp", "master"),
    ("Tiến sĩ Quản lý công", "doctorate"),
    ("Cử nhân Luật", "university"),
    ("Kỹ sư Xây dựng", "university"),
    ("Bác sĩ đa khoa", "university"),
    ("Bác sĩ chuyên khoa II", "doctorate"),
    ("Bác sĩ chuyên khoa I", "master"),
    ("Cao đẳng Sư phạm", "college"),
    ("Trung cấp Nông lâm", "vocational"),
    ("Đại học Kinh tế", "university"),
    ("THAC SI LUAT", "master"),
    ("", None),
    ("Tốt nghiệp phổ thông", None),
])
def test_degree_of_reads_the_start_of_the_2c_record(text, code):
    assert standards.degree_of(text) == code


# --------------------------------------------------------------------------- P9: the conclusion

UBKT = ConclusionFact(d("20/11/2025"), "Ủy ban Kiểm tra Tỉnh ủy", "12-KL/UBKTTU")


def test_p9_a_conclusion_takes_the_cadre_out_from_its_date():
    person = cadre(conclusions=(UBKT,))
    before = one(check(person, title(2), NEXT_TERM, rules(), d("19/11/2025")), "P9")
    assert before.passed          # the day before the conclusion
    on_the_day = one(check(person, title(2), NEXT_TERM, rules(), d("20/11/2025")), "P9")
    assert not on_the_day.passed and on_the_day.blocking
    assert on_the_day.message == ("Ủy ban Kiểm tra Tỉnh ủy kết luận ngày 20/11/2025 (số 12-KL/UBKTTU): "
                                  "không đạt tiêu chuẩn chính trị: đương nhiên ra khỏi quy hoạch")
    # no end: a conclusion does not expire, so no "eligible from" date
    assert on_the_day.from_date is None
    assert not one(check(person, title(2), NEXT_TERM, rules(), d("01/01/2031")), "P9").passed


def test_p9_a_conclusion_is_an_exit_in_the_review_under_both_sets():
    for day in ("07/10/2025", "08/10/2025"):
        concluded = ConclusionFact(d("01/06/2025"), "Ban Thường vụ Tỉnh ủy")
        person = cadre(conclusions=(concluded,), pool_title_ids=frozenset({5}))
        exits = exit_findings(person, title(5), NEXT_TERM, rules(d(day)), d(day))
        assert [f.rule for f in exits] == ["P9"]
        assert "Ban Thường vụ Tỉnh ủy kết luận ngày 01/06/2025" in exits[0].message


def test_p9_with_a_discipline_and_a_conclusion_lists_both_and_gives_no_date():
    person = cadre(conclusions=(UBKT,), disciplines=(discipline("reprimand", "01/03/2025"),))
    f = one(check(person, title(2), NEXT_TERM, rules(), d("01/12/2025")), "P9")
    assert not f.passed and f.from_date is None and f.compared["value"] == 2
    assert f.evidence[0].startswith("Ủy ban Kiểm tra Tỉnh ủy kết luận") and "khiển trách" in f.evidence[1]
    # the discipline alone still gives the end of its cooldown (reprimand: 24 months, QĐ 377 set)
    alone = one(check(dataclasses.replace(person, conclusions=()), title(2), NEXT_TERM, rules(), d("01/12/2025")), "P9")
    assert alone.from_date == d("01/03/2027")


# --------------------------------------------------------------------------- S2: young by level

DISTRICT_HEAD = title(7, "Bí thư Huyện ủy", 100, level="district")


@pytest.mark.parametrize("day", ["07/10/2025", "08/10/2025"])   # both planning sets
def test_s2_young_is_under_40_at_district_level(day):
    # RULES.md §9: under 40 at province and district. Ages at the term's start (01/10/2030).
    thirty_nine = check_pool(pool(born_aged(39), born_aged(47), born_aged(52), of=DISTRICT_HEAD), rules(d(day)), d(day))
    assert one(thirty_nine, "S2").passed                # 39 is young at district level (was: under 35)
    forty = check_pool(pool(born_aged(40), born_aged(47), born_aged(52), of=DISTRICT_HEAD), rules(d(day)), d(day))
    f = one(forty, "S2")
    assert not f.passed and f.message.endswith("thiếu 1 cán bộ dưới 40 tuổi")   # 40 is not (the boundary)


@pytest.mark.parametrize("level, young", [("central", 45), ("province", 40), ("district", 40), ("commune", 35)])
def test_young_age_per_level_in_every_shipped_planning_set(level, young):
    for day in ("27/12/2021", "08/10/2025"):
        assert rules(d(day))["young_age"][level] == young
