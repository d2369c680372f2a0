"""Versioned rule sets: the set in force on a date, every parameter present, and a custom
set changing a verdict."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from quyhoach.domain.eligibility import check
from quyhoach.domain.rulesets import (
    BUILTIN,
    PLANNING,
    PLANNING_DEFAULTS,
    RATING,
    NoRuleSetError,
    RuleSetData,
    in_force,
)
from quyhoach.domain.structure import check_pool

from tests.domain.fact_builders import NEXT_TERM, born_aged, cadre, d, pool, rules, title


@pytest.mark.parametrize("day, code", [
    ("27/12/2021", "QD50-2021"),
    ("01/06/2024", "QD50-2021"),
    ("07/10/2025", "QD50-2021"),
    ("08/10/2025", "QD377-2025"),
    ("01/01/2031", "QD377-2025"),
])
def test_planning_set_in_force(day, code):
    assert in_force(BUILTIN, PLANNING, d(day)).code == code


@pytest.mark.parametrize("day, code", [
    ("01/01/2020", "QD124-2023"),
    ("29/08/2025", "QD124-2023"),
    ("30/08/2025", "QD366-2025"),
])
def test_rating_set_in_force(day, code):
    assert in_force(BUILTIN, RATING, d(day)).code == code


def test_no_set_before_the_first_one():
    with pytest.raises(NoRuleSetError) as error:
        in_force(BUILTIN, PLANNING, d("26/12/2021"))
    assert "26/12/2021" in str(error.value)


def test_latest_valid_from_wins_on_overlap():
    local = RuleSetData(code="TINH-2026", domain=PLANNING, name="Quy định của Tỉnh ủy", legal_basis="Quy định 01-QĐ/TU",
                        valid_from=d("01/01/2026"), valid_to=None, params=dict(PLANNING_DEFAULTS))
    assert in_force(BUILTIN + (local,), PLANNING, d("01/01/2026")).code == "TINH-2026"
    assert in_force(BUILTIN + (local,), PLANNING, d("31/12/2025")).code == "QD377-2025"


def test_every_planning_set_carries_every_parameter_and_marks_the_unconfirmed():
    for rule_set in BUILTIN:
        if rule_set.domain != PLANNING:
            continue
        assert set(PLANNING_DEFAULTS) <= set(rule_set.params)
        assert set(rule_set.unconfirmed) <= set(rule_set.params)
        assert rule_set.legal_basis and rule_set.basis == rule_set.legal_basis
    assert "appointment_term_years" in PLANNING_DEFAULTS and "committee_age_edges" in PLANNING_DEFAULTS


def test_builtin_levels_share_their_keys():
    assert set(PLANNING_DEFAULTS["age_bands"]) == set(PLANNING_DEFAULTS["young_age"])
    for bands in PLANNING_DEFAULTS["age_bands"].values():
        assert len(bands) == 3
        assert all(a[1] == b[0] for a, b in zip(bands, bands[1:], strict=False))


def test_the_set_in_force_is_the_one_findings_name():
    person = cadre()
    head = title(1, rank=200, is_head=True)
    for day, code in (("07/10/2025", "QD50-2021"), ("08/10/2025", "QD377-2025")):
        on = d(day)
        findings = check(person, head, NEXT_TERM, in_force(BUILTIN, PLANNING, on), on)
        assert {f.rule_set for f in findings} == {code}


def test_a_custom_set_with_another_parameter_changes_the_verdict():
    person = cadre(birth="20/08/1976")   # 100 months at 01/10/2030
    head = title(1, rank=200, is_head=True)
    on = dt.date(2025, 11, 1)
    strict = rules(next_term_min_months=120, next_term_preferred_months=120)
    assert strict.code == "TEST-CUSTOM"
    lenient = next(f for f in check(person, head, NEXT_TERM, rules(), on) if f.rule == "P6")
    assert not lenient.blocking
    blocked = next(f for f in check(person, head, NEXT_TERM, strict, on) if f.rule == "P6")
    assert blocked.blocking and blocked.rule_set == "TEST-CUSTOM" and "cần ít nhất 120" in blocked.message

    four = pool(*(born_aged(a) for a in (38, 44, 47, 52)))
    assert not next(f for f in check_pool(four, rules(), on) if f.rule == "P2").passed
    older_local = dataclasses.replace(rules(), code="QD-LOCAL-4", params={**rules().params, "pool_max_per_title": 4})
    p2 = next(f for f in check_pool(four, older_local, on) if f.rule == "P2")
    assert p2.passed and p2.rule_set == "QD-LOCAL-4"
