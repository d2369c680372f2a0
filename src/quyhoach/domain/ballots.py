"""The ballot checks of the planning procedure (B0–B2): consistent tallies, the quorum and the
agreeing share of each step. `structure` re-exports them (`structure.check_ballot`)."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from .eligibility import new_finding
from .findings import ERROR, INFO, Finding
from .phrase import Phrase, Share
from .rulesets import RuleSetData
from .text import fold
from .vocab import N_

RULE_NAMES: dict[str, str] = {
    "B0": N_("Số liệu kiểm phiếu"),
    "B1": N_("Số người có mặt đủ để biểu quyết hợp lệ"),
    "B2": N_("Tỷ lệ phiếu đồng ý"),
}

# step code (Ballot.step) -> (label, share parameter or None, strictly more than the share)
BALLOT_STEPS: dict[str, tuple[str, str | None, bool]] = {
    "leadership_proposal": (N_("tập thể lãnh đạo đề xuất"), "ballot_standing_min_share", True),
    "key_cadres": (N_("hội nghị cán bộ chủ chốt"), "ballot_first_round_min_share", False),
    "standing_committee": (N_("ban thường vụ"), "ballot_standing_min_share", True),
    "approval": (N_("cấp có thẩm quyền phê duyệt"), None, False),
}


_STEP_ALIASES = {
    fold(alias): code
    for code, aliases in {
        "leadership_proposal": ("tập thể lãnh đạo", "tập thể lãnh đạo đề xuất", "đề xuất"),
        "key_cadres": ("hội nghị cán bộ chủ chốt", "cán bộ chủ chốt", "hội nghị cán bộ"),
        "standing_committee": ("ban thường vụ", "thường vụ"),
        "approval": ("phê duyệt", "cấp có thẩm quyền phê duyệt"),
    }.items()
    for alias in (code, *aliases)
}


def ballot_step(step: str) -> str:
    """The step code for a code or its Vietnamese name ("hội nghị cán bộ chủ chốt" -> "key_cadres")."""
    return _STEP_ALIASES.get(fold(step), step)


def _fraction(share: float) -> Fraction:
    return Fraction(share).limit_denominator(1000)


def _finding(rules: RuleSetData, rule: str, passed: bool, message: str, subject: str,
             compared: dict[str, Any], evidence: tuple[str, ...] = ()) -> Finding:
    extra = (rules.params.get("rule_basis") or {}).get(rule)
    return new_finding(
        rule=rule, passed=passed, severity=INFO if passed else ERROR, name=RULE_NAMES[rule], message=message,
        basis=f"{rules.legal_basis}; {extra}" if extra else rules.legal_basis, rule_set=rules.code,
        compared=compared, evidence=evidence, from_date=None, subject=subject,
    )


def _with_share(template: str, share_template: str, part: int, whole: int, **args: Any) -> Phrase:
    """"{head}" followed by " (58,3%)" when the whole is not zero."""
    if whole:
        return Phrase(share_template, part=part, whole=whole, share=Share(part / whole), **args)
    return Phrase(template, part=part, whole=whole, **args)


def check_ballot(step: str, convened: int, present: int, valid: int, agree: int, rules: RuleSetData, *,
                 subject: str = "") -> list[Finding]:
    """The checks of one procedure step's tallies: consistent numbers (B0, only when they
    are not), quorum — at least 2/3 of those convened present (B1) — and the step's
    threshold of agreeing votes among the valid ones (B2): ≥ 30% at the key-cadres
    conference, > 50% at the standing committee and for the leadership's proposal."""
    code = ballot_step(step)
    label, share_key, strict = BALLOT_STEPS.get(code, (step, None, False))
    step_words = Phrase(label) if code in BALLOT_STEPS else label
    findings: list[Finding] = []
    problems: list[str] = []
    if present > convened:
        problems.append(Phrase(N_("có mặt %(present)s nhiều hơn triệu tập %(convened)s"), present=present,
                               convened=convened))
    if valid > present:
        problems.append(Phrase(N_("phiếu hợp lệ %(valid)s nhiều hơn số có mặt %(present)s"), valid=valid,
                               present=present))
    if agree > valid:
        problems.append(Phrase(N_("phiếu đồng ý %(agree)s nhiều hơn phiếu hợp lệ %(valid)s"), agree=agree, valid=valid))
    if problems:
        findings.append(_finding(rules, "B0", False,
                                 Phrase(N_("%(step)s: số liệu không hợp lý: %(problems)s"), step=step_words,
                                        problems=Phrase.joined(problems)),
                                 subject, {"value": len(problems), "threshold": 0, "unit": Phrase.of(N_("sai lệch"))},
                                 tuple(problems)))

    quorum = _fraction(float(rules.params["ballot_quorum_share"]))
    need_present = math.ceil(quorum * convened)
    quorum_text: str | Share = (f"{quorum.numerator}/{quorum.denominator}" if quorum.denominator <= 10
                                else Share(float(quorum)))
    head = _with_share(N_("%(step)s: có mặt %(part)s/%(whole)s"), N_("%(step)s: có mặt %(part)s/%(whole)s (%(share)s)"),
                       present, convened, step=step_words)
    compared = {"value": present, "threshold": need_present, "unit": Phrase.of(N_("người có mặt"))}
    if convened > 0 and present * quorum.denominator >= quorum.numerator * convened:
        findings.append(_finding(rules, "B1", True, Phrase(N_("%(head)s; cần ít nhất %(quorum)s (%(need)s người)"),
                                                          head=head, quorum=quorum_text, need=need_present),
                                 subject, compared))
    else:
        findings.append(_finding(rules, "B1", False,
                                 Phrase(N_("%(head)s; cần ít nhất %(quorum)s (%(need)s người): không đủ để biểu "
                                           "quyết hợp lệ"), head=head, quorum=quorum_text, need=need_present),
                                 subject, compared))

    if share_key is None:
        return findings
    share = _fraction(float(rules.params[share_key]))
    if strict:
        need_agree = (share.numerator * valid) // share.denominator + 1
        ok = valid > 0 and agree * share.denominator > share.numerator * valid
        rule_text = Phrase(N_("trên %(share)s"), share=Share(float(share)))
    else:
        need_agree = math.ceil(share * valid)
        ok = valid > 0 and agree * share.denominator >= share.numerator * valid
        rule_text = Phrase(N_("từ %(share)s"), share=Share(float(share)))
    head = _with_share(N_("%(step)s: đồng ý %(part)s/%(whole)s phiếu hợp lệ"),
                       N_("%(step)s: đồng ý %(part)s/%(whole)s phiếu hợp lệ (%(share)s)"), agree, valid, step=step_words)
    compared = {"value": agree, "total": valid, "threshold": need_agree, "share": float(share),
                "unit": Phrase.of(N_("phiếu đồng ý"))}
    message = Phrase(N_("%(head)s; cần %(rule)s (ít nhất %(need)s phiếu)"), head=head, rule=rule_text, need=need_agree)
    if not ok:
        message = Phrase(N_("%(message)s: không đạt"), message=message)
    findings.append(_finding(rules, "B2", ok, message, subject, compared))
    return findings
