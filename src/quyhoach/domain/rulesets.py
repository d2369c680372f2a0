"""Versioned rule sets: every number of RULES.md is a parameter here, never a literal in
the rules. A rule set has a legal basis and a validity; a check is judged under the set in
force on its reference date and names it.

`BUILTIN` are the sets shipped with the software (seeded into the database, where the
Organization Board can edit the parameters marked unconfirmed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from collections.abc import Iterable

PLANNING = "planning"
RATING = "rating"
RETIREMENT = "retirement"


@dataclass(frozen=True)
class RuleSetData:
    code: str
    domain: str
    name: str
    legal_basis: str
    valid_from: dt.date
    valid_to: dt.date | None
    params: dict[str, Any]
    unconfirmed: tuple[str, ...] = ()

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    @property
    def basis(self) -> str:
        return self.legal_basis


class NoRuleSetError(LookupError):
    pass


def in_force(rule_sets: Iterable[RuleSetData], domain: str, on: dt.date) -> RuleSetData:
    """The rule set of `domain` in force on a date (the latest valid_from wins on overlap)."""
    candidates = [r for r in rule_sets if r.domain == domain and r.in_force(on)]
    if not candidates:
        raise NoRuleSetError(f"không có bộ quy định «{domain}» có hiệu lực ngày {on:%d/%m/%Y}")
    return max(candidates, key=lambda r: r.valid_from)


# Planning parameters (RULES.md §3, §4). Unconfirmed ones ([?], [L]) are listed in
# PLANNING_UNCONFIRMED and shown with an "unconfirmed default" mark in the UI.
PLANNING_DEFAULTS: dict[str, Any] = {
    "pool_max_per_title": 3,            # P2
    "pool_min_per_title": 2,            # P3 (warning)
    "pools_per_cadre_max": 3,           # P4, per level
    "next_term_min_months": 60,         # P6: one full term of service left at the term's start
    "next_term_preferred_months": 120,  # P6: two terms preferred (warning)
    "supplement_min_months": 72,        # P7: annual supplement for the current term
    "supplement_rank_min": 90,          # P7 applies to titles of this rank and above ("highest titles")
    "rating_window_years": 3,           # P8 [?]
    "rating_min": "good",               # P8 [?]
    # P8/P10/E5: from when a year's ratings count. "recorded": once the cadre's rating for the
    # year is recorded (a December review reads the year being closed), and from 1 January of
    # the next year in any case; "MM-DD" (e.g. "12-01"): from that day of the year itself.
    "ratings_count_from": "recorded",   # [?] RULES.md §9 "Ratings"
    "confidence_low_max_share": 0.5,    # P11: more than this share of low votes => out
    "confidence_quorum_share": 2 / 3,   # P11: a vote counts only with >= 2/3 of those convened present [C]
    "confidence_dismissal_share": 2 / 3,  # P11: >= 2/3 low votes => grounds for dismissal [C2]
    "discipline_exit_min": "reprimand", # P9: discipline at this level or above => automatic exit
    # P13: months from the decision before planning or appointment to a higher post. QĐ 80 (2022),
    # the QĐ 50 era: 12 / 30 / 60 (QD50_COOLDOWNS); QĐ 377: 24 / 36 / 60 [C2].
    "discipline_cooldown_months": {"reprimand": 24, "warning": 36, "removal": 60, "expulsion": 1200},
    # P9/P13 (QĐ 377): these levels no longer block planning once the discipline's own effect has
    # ended (effective_to); empty before QĐ 377 [C2, English summary]
    "discipline_ended_no_bar": ["reprimand", "warning"],
    "relation_kinds": ["spouse", "parent", "child", "sibling", "parent_in_law", "sibling_in_law", "child_in_law"],  # P14 [?]
    "sensitive_sectors": ["home_affairs", "inspection", "finance", "banking", "tax", "customs",
                          "industry_trade", "planning_investment", "natural_resources", "military",
                          "police", "court", "procuracy"],  # P14 (QĐ 114)
    # Structure targets (S1–S5)
    "age_band_years": 5,                # S1: bands 5 years apart [L]
    "age_bands": {                      # S1: ages at the term's start, [min, max) per band, per level [L]
        "central": [[0, 50], [50, 55], [55, 200]],
        "province": [[0, 45], [45, 50], [50, 200]],
        "district": [[0, 40], [40, 45], [45, 200]],
        "commune": [[0, 40], [40, 45], [45, 200]],
    },
    # S2: under 45 central; under 40 province and district [C2]; under 35 commune [?] (RULES.md §9)
    "young_age": {"central": 45, "province": 40, "district": 40, "commune": 35},
    "young_min_share": 0.15,            # S2
    "women_min_share": 0.25,            # S3
    "minority_min_share": 0.0,          # S4: default; per locality in minority_min_share_by_unit
    "minority_min_share_by_unit": {},   # S4: {unit code: share}, e.g. the local population share
    "committee_under40_min_share": 0.10,   # S5 (Chỉ thị 35)
    "committee_40_50_share": [0.40, 0.50],  # S5
    "committee_age_edges": [40, 50],    # S5: the "under 40" and "40–50" edges (ages at the term's start)
    # Ballots (RULES.md §4 procedure)
    "ballot_quorum_share": 2 / 3,       # present / convened for a valid vote
    "ballot_first_round_min_share": 0.30,   # key-cadres conference recommendation
    "ballot_standing_min_share": 0.50,  # standing committee: more than half
    # Rotation (QĐ 65-QĐ/TW, RULES.md §5)
    "rotation_min_service_months": 120,  # R7: ten years of service left on the rotation date
    "rotation_min_tenure_months": 36,    # R8: a rotation lasts at least three years
    "secondment_max_months": 36,         # R8: a secondment (biệt phái) lasts at most three years
    # Vacancy forecast
    "head_max_consecutive_terms": 2,    # R5
    # Rotation scores (RULES.md §5): how a candidate move is valued in a scenario
    "rotation_fit": {                   # fit of a cadre for a post, 0-100
        "base": 30,
        "rating_years": 3,
        "rating": {"excellent": 10, "good": 6, "complete": 0, "fail": -15},
        "theory": {"advanced": 12, "intermediate": 6},
        "state_mgmt": {"senior": 8, "principal": 6, "specialist": 2},
        "service_years_max": 15,
    },
    "rotation_development": {"other_locality": 30, "other_unit": 10, "other_level": 10},
    "appointment_term_years": 5,        # an appointment lasts 5 years (then reappointment or vacancy)
    # P15 (title standards, QĐ 365): in planning a shortfall is a warning (the planned cadre is
    # trained to the standard during the term); for an appointment it blocks [?]
    "title_standards_planning_severity": "warning",
    # Regulations a rule rests on besides the rule set's own basis (shown with it in findings)
    "rule_basis": {
        "P6": "Nghị định 135/2020/NĐ-CP (tuổi nghỉ hưu)",
        "P7": "Nghị định 135/2020/NĐ-CP (tuổi nghỉ hưu)",
        "P11": "Quy định 96-QĐ/TW năm 2023 (lấy phiếu tín nhiệm)",
        "P14": "Quy định 114-QĐ/TW ngày 11/07/2023 (kiểm soát quyền lực trong công tác cán bộ)",
        "R4": "Quy định 65-QĐ/TW ngày 28/04/2022 (luân chuyển cán bộ)",
        "S5": "Chỉ thị 35-CT/TW năm 2019 (cơ cấu cấp ủy)",
    },
}
PLANNING_UNCONFIRMED = (
    "rating_window_years", "rating_min", "relation_kinds", "age_band_years", "age_bands",
    "young_age", "minority_min_share", "ballot_first_round_min_share",
    "title_standards_planning_severity",
    # sourced from a news summary or local practice (RULES.md §9): editable, marked in the UI
    "pool_min_per_title", "supplement_rank_min", "ratings_count_from",
)
# QĐ 377's shares and cooldowns are known from summaries only (RULES.md §9) [C2]
QD377_UNCONFIRMED = PLANNING_UNCONFIRMED + (
    "young_min_share", "women_min_share", "discipline_cooldown_months", "discipline_ended_no_bar",
)
QD50_COOLDOWNS = {"reprimand": 12, "warning": 30, "removal": 60, "expulsion": 1200}  # QĐ 80-QĐ/TW (2022) [C2]
# The framework of title standards each planning set was judged by (P15).
_P15_BASIS_QD50 = "Quy định 214-QĐ/TW ngày 02/01/2020 (khung tiêu chuẩn chức danh)"
_P15_BASIS_QD377 = "Quy định 365-QĐ/TW năm 2025 (khung tiêu chuẩn chức danh, thay Quy định 214-QĐ/TW)"

RATING_DEFAULTS: dict[str, Any] = {
    "score_excellent_min": 90,          # E2
    "score_good_min": 70,
    "score_complete_min": 50,
    "excellent_tasks_exceeded_min_share": 0.30,
    "complete_tasks_late_max_share": 0.20,
    "excellent_max_share_of_good": 0.20,  # E4
    "fail_years_for_dismissal": 2,      # E5
    "min_months_worked": 6,             # E6
    "uses_score": True,
}


# The retirement roadmap (RULES.md §3; Bộ luật Lao động 2019 art. 169, Nghị định 135/2020):
# per sex, the age before the roadmap, its first year, the step added each year from then
# on and the cap, in months. The age that applies is the one of the year in which it is
# reached. Its own domain, not planning parameters: the roadmap is labour law, read by every
# date rule (planning, forecast, rotation) and by pages with no planning set at hand, and a
# person's retirement date must not depend on which planning set is in force on the day of
# the check (the planning sets switch on 08/10/2025; the roadmap does not).
RETIREMENT_DEFAULTS: dict[str, Any] = {
    "roadmap": {
        "M": {"base_months": 60 * 12, "first_year": 2021, "step_months": 3, "cap_months": 62 * 12},
        "F": {"base_months": 55 * 12, "first_year": 2021, "step_months": 4, "cap_months": 60 * 12},
    },
}


def _planning(**overrides: Any) -> dict[str, Any]:
    return {**PLANNING_DEFAULTS, **overrides}


def _with_basis(params: dict[str, Any], **extra: str) -> dict[str, Any]:
    return {**params, "rule_basis": {**params["rule_basis"], **extra}}


BUILTIN: tuple[RuleSetData, ...] = (
    RuleSetData(
        code="QD50-2021", domain=PLANNING,
        name="Quy hoạch cán bộ theo Quy định 50-QĐ/TW",
        legal_basis="Quy định 50-QĐ/TW ngày 27/12/2021; Hướng dẫn 16-HD/BTCTW năm 2022",
        valid_from=dt.date(2021, 12, 27), valid_to=dt.date(2025, 10, 7),
        params=_with_basis(_planning(discipline_cooldown_months=dict(QD50_COOLDOWNS), discipline_ended_no_bar=[]),
                           P15=_P15_BASIS_QD50),
        unconfirmed=PLANNING_UNCONFIRMED,
    ),
    RuleSetData(
        code="QD377-2025", domain=PLANNING,
        name="Quy hoạch cán bộ theo Quy định 377-QĐ/TW",
        legal_basis="Quy định 377-QĐ/TW ngày 08/10/2025",
        valid_from=dt.date(2025, 10, 8), valid_to=None,
        params=_with_basis(_planning(), P15=_P15_BASIS_QD377), unconfirmed=QD377_UNCONFIRMED,
    ),
    RuleSetData(
        code="QD124-2023", domain=RATING,
        name="Kiểm điểm, đánh giá, xếp loại theo Quy định 124-QĐ/TW",
        legal_basis="Quy định 124-QĐ/TW năm 2023 (trước đó Quy định 132-QĐ/TW năm 2018)",
        valid_from=dt.date(2018, 3, 8), valid_to=dt.date(2025, 8, 29),
        params={**RATING_DEFAULTS, "uses_score": False},
    ),
    RuleSetData(
        code="QD366-2025", domain=RATING,
        name="Kiểm điểm, đánh giá, xếp loại theo Quy định 366-QĐ/TW",
        legal_basis="Quy định 366-QĐ/TW ngày 30/08/2025; Nghị định 335/2025/NĐ-CP",
        valid_from=dt.date(2025, 8, 30), valid_to=None,
        params=dict(RATING_DEFAULTS), unconfirmed=("excellent_max_share_of_good",),  # the QĐ 366 cap [C2]
    ),
    RuleSetData(
        code="ND135-2020", domain=RETIREMENT,
        name="Tuổi nghỉ hưu theo lộ trình của Nghị định 135/2020/NĐ-CP",
        legal_basis="Bộ luật Lao động 2019 (Điều 169); Nghị định 135/2020/NĐ-CP ngày 18/11/2020",
        valid_from=dt.date(2021, 1, 1), valid_to=None,
        params=dict(RETIREMENT_DEFAULTS),
    ),
)


def builtin(domain: str) -> RuleSetData:
    """The shipped set of a domain with a single set (the retirement roadmap)."""
    found = [r for r in BUILTIN if r.domain == domain]
    if len(found) != 1:
        raise LookupError(f"{domain}: {len(found)} shipped sets")
    return found[0]

# Values an earlier version of the software shipped for a built-in set, now corrected. Seeding
# replaces a stored value only while it still equals one of these (an edited value is kept).
SUPERSEDED: dict[str, dict[str, list[Any]]] = {
    "QD50-2021": {
        # shipped with QĐ 377's numbers until issue 10; QĐ 80 (2022) says 12 / 30 / 60
        "discipline_cooldown_months": [{"reprimand": 24, "warning": 36, "removal": 60, "expulsion": 1200}],
    },
}
