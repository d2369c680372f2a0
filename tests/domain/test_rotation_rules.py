"""The rotation rules of domain/rotation.py, with values worked by hand."""

from __future__ import annotations

import datetime as dt

from quyhoach.domain import rotation
from quyhoach.domain.facts import TermFact
from quyhoach.domain.registry import RULES
from quyhoach.domain.rulesets import PLANNING_DEFAULTS


def test_fit_score_from_ratings_training_and_service_left():
    # 30 + (10 + 6 + 0) ratings + 12 advanced theory + 6 principal + min(100 // 12 = 8, 15)
    assert rotation.fit_score(["excellent", "good", "complete", "fail"], "advanced", "principal", 100) == 72
    # a fail costs 15; nothing else; 200 months left is capped at 15 years
    assert rotation.fit_score(["fail", None, None], None, None, 200) == 30 - 15 + 15
    # clamped to 0..100
    assert rotation.fit_score(["fail"] * 3, None, None, 0) == 0
    assert rotation.fit_score(["excellent"] * 3, "advanced", "senior", 600, {"rotation_fit": {
        **PLANNING_DEFAULTS["rotation_fit"], "base": 90}}) == 100


def test_fit_score_reads_its_weights_from_the_rule_set():
    params = {"rotation_fit": {**PLANNING_DEFAULTS["rotation_fit"], "base": 0, "rating_years": 1}}
    # 0 + 10 (only the last year counts) + 0 + 0 + 1
    assert rotation.fit_score(["excellent", "excellent"], None, None, 12, params) == 11


def test_development_bonus_counts_locality_unit_and_level():
    assert rotation.development_bonus("X1", "X2", 1, 2, "commune", "district") == 30 + 10 + 10
    assert rotation.development_bonus("X1", "X1", 1, 2, "commune", "commune") == 10
    assert rotation.development_bonus("X1", "X1", 1, 1, "commune", "commune") == 0
    custom = {"rotation_development": {"other_locality": 5, "other_unit": 1, "other_level": 2}}
    assert rotation.development_bonus("X1", "X2", 1, 1, "commune", "province", custom) == 7


def test_head_terms_count_real_terms_and_r5_is_registered():
    # Party terms 10/2015–10/2020, 10/2020–10/2025, 10/2025–10/2030 (hand-worked: the current
    # term counts; an earlier one counts when the head held at least half of it, i.e. came in
    # by its middle, 25/04/2018 for 2015–2020).
    terms = [TermFact(code=c, kind="party", name=c, start=dt.date(a, 10, 25), end=dt.date(a + 5, 10, 24))
             for c, a in (("2015", 2015), ("2020", 2020), ("2025", 2025))]
    on = dt.date(2026, 6, 1)
    assert rotation.head_terms(dt.date(2019, 6, 1), terms, on) == 2   # 7 years, but 2015–2020 held < half
    assert rotation.head_terms(dt.date(2018, 4, 1), terms, on) == 3   # came in before the middle of 2015–2020
    assert rotation.head_terms(dt.date(2026, 1, 1), terms, on) == 1   # the current term only
    assert rotation.head_terms(dt.date(2027, 1, 1), terms, on) == 0   # not yet head
    assert rotation.head_leaves(2, terms[2:], 2) == (terms[2], 2)     # second term: leaves when it ends
    assert rotation.head_leaves(1, terms[2:], 2) is None               # the next term is not given
    assert rotation.head_leaves(3, terms[2:], 2) == (terms[2], 3)     # past the limit: end of the current term
    assert rotation.at_head_term_limit(2) and not rotation.at_head_term_limit(1)
    assert rotation.at_head_term_limit(1, {"head_max_consecutive_terms": 1})
    assert RULES["R5"] is rotation.head_terms


def test_direction_of_a_rotation_r3():
    assert rotation.direction("province", "commune", "T", "X") == "down"
    assert rotation.direction("commune", "province", "X", "T") == "up"
    assert rotation.direction("commune", "commune", "X", "Y") == "locality"
    assert rotation.direction("province", "province", "T", "T") == "agency"


def test_planned_end_of_a_rotation_is_36_months_and_a_secondment_at_most_36():
    start = dt.date(2026, 7, 1)
    assert rotation.planned_end("rotation", start) == dt.date(2029, 7, 1)       # R8: 36 months
    assert rotation.planned_end("secondment", start) == dt.date(2029, 7, 1)
    assert rotation.planned_end("appointment", start) is None
    assert rotation.planned_end("transfer", start) is None
