"""Title standards (QĐ 365-QĐ/TW, 2025, after QĐ 214-QĐ/TW, 2020) and the political-standard
conclusion (P9): RULES.md §9.

QĐ 365 sets a framework of standards for titles in six groups; the checkable part is the
level of political theory, of state management and the degree a title requires of its
holder. They are data on the title (`TitleFact.required_*`), judged by P15 for planning (a
warning by default: the planned cadre is trained to the standard during the term) and for
appointment (blocking), and given to the rotation solver as codes:

    >>> requirement_codes(title)        # what the post requires
    ['theory:advanced', 'state_mgmt:principal', 'degree:university']
    >>> qualification_codes(cadre)      # what the cadre holds, every level up to theirs
    ['theory:basic', 'theory:intermediate', 'theory:advanced', ...]

A post's requirements are met when `set(requirement_codes(title)) <= set(qualification_codes(cadre))`
(the solver's `Post.requires ⊆ Cadre.qualifications`): a level implies every level below it,
so one subset test compares levels.

A competent body's conclusion that a cadre does not meet the political standard of the title
takes the cadre out of the pools automatically. That is P9, decided by
`eligibility._p9_automatic_exit` alone; `conclusions_in_force` only says which recorded
conclusions it reads on a date and how they read.
"""

from __future__ import annotations

import datetime as dt
import re

from .facts import CadreFacts, ConclusionFact, TitleFact
from .findings import ERROR, INFO, WARNING, Finding
from .registry import rule
from .rulesets import RuleSetData
from .text import fold
from .phrase import Phrase
from .vocab import N_, DEGREE, DEGREE_ORDER, STATE_MGMT_LEVEL, STATE_MGMT_ORDER, THEORY_LEVEL, THEORY_ORDER

NAME = N_("Tiêu chuẩn chức danh (QĐ 365)")

# The three checkable standards: (kind, the title's field, the cadre's field, levels in order).
_KINDS: tuple[tuple[str, str, str, dict[str, int]], ...] = (
    ("theory", "required_theory", "theory_level", THEORY_ORDER),
    ("state_mgmt", "required_state_mgmt", "state_mgmt_level", STATE_MGMT_ORDER),
    ("degree", "required_degree", "degree", DEGREE_ORDER),
)
_WORDS = {"theory": Phrase.of(N_("lý luận chính trị")), "state_mgmt": Phrase.of(N_("quản lý nhà nước")),
          "degree": Phrase.of(N_("trình độ chuyên môn"))}
_LABELS = {"theory": THEORY_LEVEL, "state_mgmt": STATE_MGMT_LEVEL, "degree": DEGREE}

# The degree written at the start of the 2C record's "trình độ chuyên môn" (folded, no
# diacritics): "Thạc sĩ Kinh tế", "Kỹ sư Xây dựng", "Bác sĩ chuyên khoa II", "Cao đẳng Sư phạm".
_DEGREE_WORDS: tuple[tuple[str, str], ...] = (
    (r"\b(tien sy|tien si|pho giao su|giao su)\b", "doctorate"),
    (r"\bchuyen khoa (ii|2)\b", "doctorate"),
    (r"\b(thac sy|thac si)\b|\bchuyen khoa (i|1)\b", "master"),
    (r"\b(dai hoc|cu nhan|ky su|bac si|bac sy|duoc si|duoc sy|kien truc su|luat su)\b", "university"),
    (r"\bcao dang\b", "college"),
    (r"\btrung cap\b", "vocational"),
)


def degree_of(education: str | None) -> str | None:
    """The degree code of a 2C record's "trình độ chuyên môn" text; None when it names none."""
    if not education:
        return None
    text = fold(education)
    for pattern, code in _DEGREE_WORDS:
        if re.search(pattern, text):
            return code
    return None


def _required(title: TitleFact) -> list[tuple[str, str, dict[str, int], str]]:
    """(kind, required level, order, the cadre's field) for each standard the title sets."""
    out = []
    for kind, title_field, cadre_field, order in _KINDS:
        level = getattr(title, title_field)
        if level and level in order and order[level] > 0:
            out.append((kind, level, order, cadre_field))
    return out


def requirement_codes(title: TitleFact) -> list[str]:
    """The solver's `Post.requires` for a title: one code per standard it sets."""
    return [f"{kind}:{level}" for kind, level, _, _ in _required(title)]


def qualification_codes(cadre: CadreFacts) -> list[str]:
    """The solver's `Cadre.qualifications`: every level the cadre holds or exceeds, per kind
    (advanced theory holds basic and intermediate too)."""
    codes: list[str] = []
    for kind, _, cadre_field, order in _KINDS:
        have = order.get(getattr(cadre, cadre_field) or "", 0)
        codes.extend(f"{kind}:{level}" for level, rank in sorted(order.items(), key=lambda x: x[1])
                     if 0 < rank <= have)
    return codes


def _held(cadre: CadreFacts, attr: str, order: dict[str, int]) -> str | None:
    value = getattr(cadre, attr)
    return value if value in order and order[value] > 0 else None


def shortfalls(cadre: CadreFacts, title: TitleFact) -> list[tuple[str, str, str | None]]:
    """(kind, required level, the cadre's level or None) for each standard not met."""
    out: list[tuple[str, str, str | None]] = []
    for kind, level, order, attr in _required(title):
        have = _held(cadre, attr, order)
        if order.get(have or "", 0) < order[level]:
            out.append((kind, level, have))
    return out


def _have_words(kind: str, have: str | None) -> str:
    if have is None:
        return Phrase.of(N_("chưa qua đào tạo")) if kind != "degree" else Phrase.of(N_("chưa rõ trình độ chuyên môn"))
    return Phrase.lowered(_LABELS[kind].label(have))


def _level_words(kind: str, level: str) -> Phrase:
    return Phrase.lowered(_LABELS[kind].label(level))


@rule("P15")
def title_standards(cadre: CadreFacts, title: TitleFact, rules: RuleSetData, *,
                    appointment: bool = False) -> Finding | None:
    """P15: the cadre holds the political theory level, state-management level and degree the
    title requires (QĐ 365 framework). For planning a shortfall is a warning by default
    (`planning.title_standards_planning_severity`: the planned cadre is trained during the
    term); for an appointment it blocks. None when the title sets no standard."""
    required = _required(title)
    if not required:
        return None
    basis = rules.legal_basis
    extra = (rules.params.get("rule_basis") or {}).get("P15")
    if extra:
        basis = f"{basis}; {extra}"
    severity = ERROR if appointment or rules.params.get("title_standards_planning_severity") == "error" else WARNING
    missing = shortfalls(cadre, title)
    evidence = tuple(Phrase(N_("%(kind)s: chức danh yêu cầu %(level)s; cán bộ có %(have)s"), kind=_WORDS[kind],
                            level=_level_words(kind, level), have=_have_words(kind, _held(cadre, attr, order)))
                     for kind, level, order, attr in required)
    compared = {"value": len(required) - len(missing), "threshold": len(required), "unit": Phrase.of(N_("tiêu chuẩn đạt"))}
    if not missing:
        return Finding(rule="P15", passed=True, severity=INFO, name=NAME,
                       message=Phrase(N_("đạt tiêu chuẩn trình độ của chức danh: %(levels)s"), levels=Phrase.joined([
                           Phrase("%(kind)s %(level)s", kind=_WORDS[kind], level=_level_words(kind, level))
                           for kind, level, _, _ in required])),
                       basis=basis, rule_set=rules.code, compared=compared, evidence=evidence, subject=cadre.code)
    message = Phrase.joined([
        Phrase(N_("chức danh yêu cầu %(kind)s %(level)s; cán bộ có %(have)s"), kind=_WORDS[kind],
               level=_level_words(kind, level), have=_have_words(kind, have)) for kind, level, have in missing])
    if severity == WARNING:
        message = Phrase(N_("%(message)s (cần đào tạo, bồi dưỡng đủ trước khi bổ nhiệm)"), message=message)
    return Finding(rule="P15", passed=False, severity=severity, name=NAME, message=message, basis=basis,
                   rule_set=rules.code, compared=compared, evidence=evidence, subject=cadre.code)


# --------------------------------------------------------------------------- P9: the conclusion

def conclusion_words(c: ConclusionFact) -> str:
    """'Ủy ban Kiểm tra Tỉnh ủy kết luận ngày 12/03/2026 (số 05-KL/UBKTTU): không đạt tiêu chuẩn chính trị'."""
    if c.document_no:
        return Phrase(N_("%(body)s kết luận ngày %(date)s (số %(number)s): không đạt tiêu chuẩn chính trị"),
                      body=c.body, date=_date(c.concluded_on), number=c.document_no)
    return Phrase(N_("%(body)s kết luận ngày %(date)s: không đạt tiêu chuẩn chính trị"), body=c.body,
                  date=_date(c.concluded_on))


def _date(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def conclusions_in_force(cadre: CadreFacts, on: dt.date) -> list[ConclusionFact]:
    """The political-standard conclusions P9 reads on `on`: those concluded by that day,
    oldest first. A conclusion has no end: the exit it triggers stands."""
    return sorted((c for c in cadre.conclusions if c.concluded_on <= on), key=lambda c: c.concluded_on)
