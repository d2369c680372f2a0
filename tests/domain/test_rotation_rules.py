"""The rotation rules of domain/rotation.py, with values worked by hand."""

from __future__ import annotations

import datetime as dt

from quyhoach.domain import rotation
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


def test_head_terms_are_whole_five_year_terms_and_r5_is_registered():
    since = dt.date(2016, 6, 1)
    assert rotation.head_terms(since, dt.date(2026, 5, 31)) == 1     # 119 months
    assert rotation.head_terms(since, dt.date(2026, 6, 1)) == 2      # 120 months
    assert rotation.head_terms(dt.date(2027, 1, 1), dt.date(2026, 1, 1)) == 0
    assert rotation.head_terms(since, dt.date(2026, 6, 1), {"head_term_months": 48}) == 2   # 120 // 48
    assert rotation.at_head_term_limit(2) and not rotation.at_head_term_limit(1)
    assert rotation.at_head_term_limit(1, {"head_max_consecutive_terms": 1})
    assert RULES["R5"] is rotation.head_terms


def test_relatives_conflict_in_posts_same_collective_or_top_leader_and_sector_head():
    held = rotation.HeldPost
    assert rotation.relatives_conflict_in_posts(held("UB-X", "X"), held("UB-X", "Y"))
    secretary = held("TU-X", "X", top_leader=True)
    finance_head = held("STC-X", "X", is_head=True, sector="finance")
    assert rotation.relatives_conflict_in_posts(secretary, finance_head)
    assert rotation.relatives_conflict_in_posts(finance_head, secretary)
    assert not rotation.relatives_conflict_in_posts(secretary, held("STC-Y", "Y", is_head=True, sector="finance"))
    assert not rotation.relatives_conflict_in_posts(secretary, held("VH-X", "X", is_head=True))
