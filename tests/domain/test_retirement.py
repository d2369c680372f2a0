"""Retirement by the Nghị định 135/2020 roadmap, exact to the month, for both sexes."""

from __future__ import annotations

import datetime as dt

import pytest

from quyhoach.domain.facts import CadreFacts
from quyhoach.domain.retirement import (
    remaining_service_months,
    required_age,
    retirement_age_applied,
    retirement_date,
    service_end,
)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


@pytest.mark.parametrize("year, men, women", [
    (2015, (60, 0), (55, 0)),
    (2020, (60, 0), (55, 0)),
    (2021, (60, 3), (55, 4)),
    (2022, (60, 6), (55, 8)),
    (2023, (60, 9), (56, 0)),
    (2024, (61, 0), (56, 4)),
    (2025, (61, 3), (56, 8)),
    (2026, (61, 6), (57, 0)),
    (2027, (61, 9), (57, 4)),
    (2028, (62, 0), (57, 8)),
    (2029, (62, 0), (58, 0)),
    (2030, (62, 0), (58, 4)),
    (2031, (62, 0), (58, 8)),
    (2032, (62, 0), (59, 0)),
    (2033, (62, 0), (59, 4)),
    (2034, (62, 0), (59, 8)),
    (2035, (62, 0), (60, 0)),
    (2036, (62, 0), (60, 0)),
    (2050, (62, 0), (60, 0)),
])
def test_required_age_follows_the_roadmap(year, men, women):
    assert required_age("M", year) == men
    assert required_age("F", year) == women


# Rows of the NĐ 135/2020 annex: (sex, birth month/year) -> (retirement month/year, age applied).
# Each pair of rows around a year boundary is the "boundary month": born one month later,
# the age of this year would be reached next year, where the requirement is higher.
@pytest.mark.parametrize("sex, born, retires, age", [
    ("M", (1960, 12), (2020, 12), (60, 0)),
    ("M", (1961, 1), (2021, 4), (60, 3)),
    ("M", (1961, 9), (2021, 12), (60, 3)),
    ("M", (1961, 10), (2022, 4), (60, 6)),     # 60y3m would fall in 01/2022
    ("M", (1962, 6), (2022, 12), (60, 6)),
    ("M", (1962, 7), (2023, 4), (60, 9)),
    ("M", (1963, 3), (2023, 12), (60, 9)),
    ("M", (1963, 4), (2024, 4), (61, 0)),
    ("M", (1963, 12), (2024, 12), (61, 0)),
    ("M", (1964, 1), (2025, 4), (61, 3)),
    ("M", (1964, 9), (2025, 12), (61, 3)),
    ("M", (1964, 10), (2026, 4), (61, 6)),
    ("M", (1965, 6), (2026, 12), (61, 6)),
    ("M", (1965, 7), (2027, 4), (61, 9)),
    ("M", (1966, 3), (2027, 12), (61, 9)),
    ("M", (1966, 4), (2028, 4), (62, 0)),
    ("M", (1970, 2), (2032, 2), (62, 0)),
    ("M", (1974, 11), (2036, 11), (62, 0)),
    ("F", (1965, 12), (2020, 12), (55, 0)),
    ("F", (1966, 1), (2021, 5), (55, 4)),
    ("F", (1966, 8), (2021, 12), (55, 4)),
    ("F", (1966, 9), (2022, 5), (55, 8)),     # 55y4m would fall in 01/2022
    ("F", (1967, 4), (2022, 12), (55, 8)),
    ("F", (1967, 5), (2023, 5), (56, 0)),
    ("F", (1967, 12), (2023, 12), (56, 0)),
    ("F", (1968, 1), (2024, 5), (56, 4)),
    ("F", (1968, 8), (2024, 12), (56, 4)),
    ("F", (1968, 9), (2025, 5), (56, 8)),
    ("F", (1969, 4), (2025, 12), (56, 8)),
    ("F", (1969, 5), (2026, 5), (57, 0)),     # 56y8m would fall in 01/2026
    ("F", (1969, 12), (2026, 12), (57, 0)),
    ("F", (1975, 1), (2034, 9), (59, 8)),
    ("F", (1975, 4), (2034, 12), (59, 8)),
    ("F", (1975, 5), (2035, 5), (60, 0)),     # 59y8m would fall in 01/2035
    ("F", (1976, 3), (2036, 3), (60, 0)),
])
def test_annex_rows(sex, born, retires, age):
    birth = dt.date(*born, 17)
    assert retirement_date(sex, birth) == _month_end(*retires)
    assert retirement_age_applied(sex, birth) == age


def _by_month_scan(sex: str, birth: dt.date) -> dt.date:
    """Oracle: walk month by month until the age reached meets the requirement of that year."""
    month = birth.year * 12 + birth.month - 1
    reached = 0
    while True:
        year = month // 12
        years, months = required_age(sex, year)
        if reached >= years * 12 + months:
            return _month_end(year, month % 12 + 1)
        month += 1
        reached += 1


@pytest.mark.parametrize("sex", ["M", "F"])
def test_every_birth_month_retiring_2019_to_2037_matches_a_month_by_month_scan(sex):
    for year in range(1957, 1982):
        for month in range(1, 13):
            birth = dt.date(year, month, 28)
            assert retirement_date(sex, birth) == _by_month_scan(sex, birth), birth


@pytest.mark.parametrize("sex, first, last, gap", [("M", 2022, 2028, 3), ("F", 2022, 2035, 4)])
def test_no_one_retires_in_the_first_months_of_a_step_year(sex, first, last, gap):
    """Where the requirement steps up by 3 (men) or 4 (women) months, the first 3/4 months
    of the year see no retirements; from the year after the cap, every month does."""
    months = {retirement_date(sex, dt.date(y, m, 1)) for y in range(1958, 1980) for m in range(1, 13)}
    for year in range(first, last + 1):
        found = {d.month for d in months if d.year == year}
        assert found == set(range(gap + 1, 13)), year
    assert {d.month for d in months if d.year == last + 1} == set(range(1, 13))


@pytest.mark.parametrize("sex", ["M", "F"])
def test_later_birth_never_retires_earlier(sex):
    previous = dt.date(1900, 1, 1)
    for year in range(1955, 1985):
        for month in range(1, 13):
            current = retirement_date(sex, dt.date(year, month, 1))
            assert current >= previous
            previous = current


def test_only_the_birth_month_matters():
    assert retirement_date("M", dt.date(1970, 2, 1)) == retirement_date("M", dt.date(1970, 2, 28))


def test_leap_day_birth():
    assert retirement_date("M", dt.date(1972, 2, 29)) == dt.date(2034, 2, 28)


def test_override_wins():
    override = dt.date(2027, 6, 30)
    assert retirement_date("M", dt.date(1970, 1, 1), override) == override
    assert retirement_date("F", dt.date(1960, 1, 1), override) == override


def test_sex_is_validated():
    with pytest.raises(ValueError):
        required_age("X", 2025)


def test_remaining_months_counts_service_through_the_retirement_date():
    # Man born 09/1973 reaches 62 in 09/2035: last day 30/09/2035, exactly 60 months from 01/10/2030.
    person = ("M", dt.date(1973, 9, 15))
    assert retirement_date(*person) == dt.date(2035, 9, 30)
    assert remaining_service_months(person, dt.date(2030, 10, 1)) == 60
    assert remaining_service_months(person, dt.date(2030, 10, 2)) == 59
    assert remaining_service_months(person, dt.date(2035, 9, 1)) == 1
    assert remaining_service_months(person, dt.date(2035, 9, 30)) == 0
    assert remaining_service_months(person, dt.date(2035, 10, 1)) == 0
    assert remaining_service_months(person, dt.date(2036, 1, 1)) == -3
    assert service_end(person) == dt.date(2035, 10, 1)


def test_remaining_months_accepts_a_cadre_and_its_override():
    cadre = CadreFacts(id=1, code="C1", name="Lò Thị Hoa", sex="F", birth_date=dt.date(1975, 5, 2), minority=True)
    assert remaining_service_months(cadre, dt.date(2030, 10, 1)) == months_to(dt.date(2035, 6, 1))
    early = CadreFacts(id=1, code="C1", name="Lò Thị Hoa", sex="F", birth_date=dt.date(1975, 5, 2), minority=True,
                       retirement_override=dt.date(2031, 9, 30))
    assert remaining_service_months(early, dt.date(2030, 10, 1)) == 12
    assert remaining_service_months(("F", dt.date(1975, 5, 2), dt.date(2031, 9, 30)), dt.date(2030, 10, 1)) == 12


def months_to(first_free: dt.date, start: dt.date = dt.date(2030, 10, 1)) -> int:
    return (first_free.year - start.year) * 12 + first_free.month - start.month


# --------------------------------------------------------------------------- the roadmap as a rule set

def _old_retirement_date(sex: str, birth: dt.date) -> dt.date:
    """The code before the roadmap moved into a rule set (issue 10), kept verbatim as the
    reference: (first year, base, step, cap) in months, written in the code."""
    first_year, base, step, cap = {"M": (2021, 720, 3, 744), "F": (2021, 660, 4, 720)}[sex]

    def required(year: int) -> int:
        return base if year < first_year else min(base + step * (year - first_year + 1), cap)

    birth_index = birth.year * 12 + birth.month - 1
    month = birth_index + required(0)
    while True:
        months = required(month // 12)
        if month - birth_index >= months:
            year, month0 = divmod(month + 1, 12)
            return dt.date(year, month0 + 1, 1) - dt.timedelta(days=1)
        month = birth_index + months


def test_moving_the_roadmap_into_a_rule_set_changes_no_retirement_date():
    """Every birth month from 1940 to 2010, both sexes, three days in each month: the date from
    the rule set's roadmap equals the one the code computed before."""
    compared = 0
    for year in range(1940, 2011):
        for month in range(1, 13):
            for day in (1, 15, 28):
                birth = dt.date(year, month, day)
                for sex in ("M", "F"):
                    assert retirement_date(sex, birth) == _old_retirement_date(sex, birth), (sex, birth)
                    compared += 1
    assert compared == 71 * 12 * 3 * 2


def test_the_numbers_are_read_from_the_retirement_rule_set():
    import dataclasses

    from quyhoach.domain import rulesets
    from quyhoach.domain.retirement import retirement_date_under

    shipped = rulesets.builtin(rulesets.RETIREMENT)
    assert shipped.code == "ND135-2020" and shipped.domain == "retirement"
    assert shipped["roadmap"]["M"] == {"base_months": 720, "first_year": 2021, "step_months": 3, "cap_months": 744}
    assert shipped["roadmap"]["F"] == {"base_months": 660, "first_year": 2021, "step_months": 4, "cap_months": 720}
    born = dt.date(1970, 5, 10)
    # shipped: a man born 05/1970 reaches 62 (the cap, from 2028) in 05/2032
    assert retirement_date_under(shipped, "M", born) == dt.date(2032, 5, 31) == retirement_date("M", born)
    # a set whose men's cap were 63 years: the requirement is 60y + 3 months a year from 2021,
    # i.e. 63y from 2032; at 62 in 05/2032 he is short of 63, so he retires at 63, in 05/2033
    other = dataclasses.replace(shipped, params={"roadmap": {
        **shipped["roadmap"], "M": {**shipped["roadmap"]["M"], "cap_months": 63 * 12}}})
    assert retirement_date_under(other, "M", born) == dt.date(2033, 5, 31)
