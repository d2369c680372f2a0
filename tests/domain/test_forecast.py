"""Vacancy forecast: when and why each seat falls vacant in the current and next term,
year by year, against the depth of its pool."""

from __future__ import annotations

from quyhoach.domain.forecast import (
    APPOINTMENT_END,
    RETIREMENT,
    TERM_LIMIT,
    VACANT,
    Seat,
    forecast,
    vacancy_of,
)

from tests.domain.fact_builders import CURRENT_TERM, NEXT_TERM, ON, cadre, d, rules, term, title

RULES = rules()
TERMS = [CURRENT_TERM, NEXT_TERM]
GOV_TERMS = [term("01/07/2026", "30/06/2031", kind="government"), term("01/07/2031", "30/06/2036", kind="government")]


def seat(name="Giám đốc Sở Xây dựng", holder=None, rank=200, is_head=False, term_kind="party", **kw):
    return Seat(title=title(name=name, rank=rank, is_head=is_head, term_kind=term_kind, code=name), holder=holder, **kw)


YOUNG = dict(birth="15/06/1980")


def test_retirement_by_the_roadmap():
    # a man born 07/1965 retires at 61y9m on 30/04/2027: the seat is vacant from 01/05/2027
    v = vacancy_of(seat(holder=cadre(name="Trần Văn Hưu", birth="10/07/1965")), TERMS, RULES, ON)
    assert v.reason == RETIREMENT and v.date == d("01/05/2027") and v.term == CURRENT_TERM
    assert "Trần Văn Hưu nghỉ hưu ngày 30/04/2027" in v.message
    assert "chưa có người kế cận" in v.message and not v.covered


def test_retirement_override():
    v = vacancy_of(seat(holder=cadre(retirement_override=d("31/12/2026"), **YOUNG)), TERMS, RULES, ON)
    assert v.reason == RETIREMENT and v.date == d("01/01/2027") and "quyết định riêng" in v.message


def test_already_past_retirement_is_vacant_from_today():
    v = vacancy_of(seat(holder=cadre(birth="10/01/1963")), TERMS, RULES, ON)
    assert v.date == ON and "đã nghỉ hưu" in v.message


def test_head_term_limit_at_the_end_of_the_current_term():
    v = vacancy_of(seat(holder=cadre(**YOUNG), is_head=True, consecutive_terms=2), TERMS, RULES, ON)
    assert v.reason == TERM_LIMIT and v.date == d("01/10/2030") and v.term == NEXT_TERM
    assert "nhiệm kỳ thứ 2 liên tiếp" in v.message and "30/09/2030" in v.message


def test_head_in_a_first_term_leaves_after_the_next_one_beyond_the_horizon():
    assert vacancy_of(seat(holder=cadre(**YOUNG), is_head=True, consecutive_terms=1), TERMS, RULES, ON) is None
    # a limit of one term brings it to the end of the current term
    v = vacancy_of(seat(holder=cadre(**YOUNG), is_head=True), TERMS, rules(head_max_consecutive_terms=1), ON)
    assert v.reason == TERM_LIMIT and v.date == d("01/10/2030")


def test_term_limit_does_not_apply_to_deputies():
    assert vacancy_of(seat(holder=cadre(**YOUNG), consecutive_terms=3), TERMS, RULES, ON) is None


def test_appointment_term_ends_five_years_after_it_started():
    v = vacancy_of(seat(holder=cadre(**YOUNG), appointed=True, since=d("15/03/2022")), TERMS, RULES, ON)
    assert v.reason == APPOINTMENT_END and v.date == d("15/03/2027")
    assert "14/03/2027" in v.message and "bổ nhiệm lại" in v.message
    # reappointed once already: the second appointment ends in 2030
    v = vacancy_of(seat(holder=cadre(**YOUNG), appointed=True, since=d("01/06/2020")), TERMS, RULES, ON)
    assert v.date == d("01/06/2030") and "lần bổ nhiệm thứ 2" in v.message
    # a custom appointment length
    v = vacancy_of(seat(holder=cadre(**YOUNG), appointed=True, since=d("15/03/2022")), TERMS,
                   rules(appointment_term_years=4), ON)
    assert v.date == d("15/03/2026")


def test_an_empty_seat_is_vacant_now():
    v = vacancy_of(seat(successors=1), TERMS, RULES, ON)
    assert v.reason == VACANT and v.date == ON and v.covered and "đang khuyết" in v.message


def test_earliest_cause_wins_and_all_are_kept():
    holder = cadre(birth="10/07/1965")  # retires 30/04/2027
    v = vacancy_of(seat(holder=holder, is_head=True, consecutive_terms=2, appointed=True, since=d("15/03/2022")),
                   TERMS, RULES, ON)
    assert v.reason == APPOINTMENT_END
    assert [c.reason for c in v.causes] == [APPOINTMENT_END, RETIREMENT, TERM_LIMIT]


def test_terms_of_the_titles_kind():
    v = vacancy_of(seat(holder=cadre(**YOUNG), is_head=True, consecutive_terms=2, term_kind="government"),
                   TERMS + GOV_TERMS, RULES, ON)
    assert v.date == d("01/07/2031") and v.term == GOV_TERMS[1]


def test_successors_per_term():
    s = seat(holder=cadre(**YOUNG), is_head=True, consecutive_terms=2, successors=0,
             successors_by_term={NEXT_TERM.code: 2})
    v = vacancy_of(s, TERMS, RULES, ON)
    assert v.successors == 2 and v.covered


def test_year_by_year_summary_against_pool_depth():
    seats = [
        seat("Giám đốc Sở A", holder=cadre(birth="10/07/1965")),                          # 2027, no successor
        seat("Giám đốc Sở B", holder=cadre(birth="10/08/1965")),                          # 2027, no successor
        seat("Giám đốc Sở C", holder=cadre(**YOUNG), appointed=True, since=d("15/03/2022"), successors=2),  # 2027
        seat("Giám đốc Sở D", holder=cadre(birth="10/09/1965", sex="F")),                 # retired already
        seat("Bí thư Huyện ủy E", holder=cadre(**YOUNG), is_head=True, consecutive_terms=2, successors=1),  # 2030
        seat("Giám đốc Sở F", holder=cadre(**YOUNG)),                                     # stays
        seat("Giám đốc Sở G"),                                                            # vacant now
    ]
    result = forecast(seats, TERMS, RULES, ON)
    assert [v.title.name for v in result.vacancies] == [
        "Giám đốc Sở D", "Giám đốc Sở G", "Giám đốc Sở C", "Giám đốc Sở A", "Giám đốc Sở B", "Bí thư Huyện ủy E"]
    years = result.by_year()
    assert sorted(years) == list(range(2025, 2036))
    assert years[2027].message == "2 chức danh khuyết năm 2027 chưa có người kế cận đủ điều kiện (trong 3 chức danh khuyết)"
    assert years[2025].message == "2 chức danh khuyết năm 2025 chưa có người kế cận đủ điều kiện"
    assert years[2030].message == "năm 2030: 1 chức danh khuyết, đều đã có người kế cận đủ điều kiện"
    assert years[2028].message == "năm 2028: không có chức danh khuyết"
    assert len(result.uncovered) == 4
    assert result.horizon_end == NEXT_TERM.end
    assert len(result.messages) == 11
