"""Dates as the offices write them."""

from __future__ import annotations

import datetime as dt

import pytest

from quyhoach.domain.dates import DateParseError, add_months, age_on, format_date, months_between, parse_date


@pytest.mark.parametrize("text, expected", [
    ("07/03/1978", dt.date(1978, 3, 7)),
    ("7/3/1978", dt.date(1978, 3, 7)),
    ("07.03.1978", dt.date(1978, 3, 7)),
    ("07-03-1978", dt.date(1978, 3, 7)),
    ("1978-03-07", dt.date(1978, 3, 7)),
    ("03/1978", dt.date(1978, 3, 1)),
    (dt.datetime(1978, 3, 7, 0, 0), dt.date(1978, 3, 7)),
    ("", None),
    (None, None),
])
def test_parse_accepts_the_usual_spellings(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/1980", "1980-13-01", "hôm qua", "12/1980/05", "29/02/2023"])
def test_parse_refuses_with_a_vietnamese_reason(text):
    with pytest.raises(DateParseError) as error:
        parse_date(text)
    assert "dd/mm/yyyy" in str(error.value) or "không tồn tại" in str(error.value)


def test_format_is_dd_mm_yyyy():
    assert format_date(dt.date(2026, 1, 5)) == "05/01/2026"
    assert format_date(None) == ""


def test_month_arithmetic_clamps_to_month_end():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert add_months(dt.date(2025, 12, 15), 1) == dt.date(2026, 1, 15)
    assert add_months(dt.date(2025, 1, 15), -13) == dt.date(2023, 12, 15)


def test_whole_months_and_age():
    assert months_between(dt.date(2020, 1, 15), dt.date(2020, 3, 14)) == 1
    assert months_between(dt.date(2020, 1, 15), dt.date(2020, 3, 15)) == 2
    assert age_on(dt.date(1980, 6, 30), dt.date(2026, 6, 29)) == 45
    assert age_on(dt.date(1980, 6, 30), dt.date(2026, 6, 30)) == 46
