"""A rule judged for one subject: the currency of planning. The UI, the reports, the CLI
and the tests all read findings, never bare booleans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

ERROR = "error"      # fails a hard rule: not eligible / pool not valid
WARNING = "warning"  # short of a target or a preference: shown, not blocking
INFO = "info"        # passed, with the numbers shown for transparency


@dataclass(frozen=True)
class Finding:
    rule: str                      # rule id of RULES.md: "P6", "S3" ...
    passed: bool
    severity: str                  # ERROR / WARNING when not passed; INFO when passed
    name: str                      # the rule in a few Vietnamese words: "Đủ tuổi công tác một nhiệm kỳ"
    message: str                   # the judgement with its numbers, in Vietnamese
    basis: str = ""                # legal basis: "Quy định 377-QĐ/TW (08/10/2025)"
    rule_set: str = ""             # code of the rule set it was judged under
    compared: dict[str, Any] = field(default_factory=dict)  # {"value": 52, "threshold": 60, "unit": "tháng"}
    evidence: tuple[str, ...] = ()  # which rating, vote, relative ... in words
    from_date: dt.date | None = None  # when failing now: the date from which it would pass
    subject: str = ""              # cadre code, or pool key "TITLE-CODE@TERM-CODE"

    @property
    def blocking(self) -> bool:
        return not self.passed and self.severity == ERROR

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule, "passed": self.passed, "severity": self.severity, "name": self.name,
            "message": self.message, "basis": self.basis, "rule_set": self.rule_set,
            "compared": self.compared, "evidence": list(self.evidence),
            "from_date": self.from_date.isoformat() if self.from_date else None, "subject": self.subject,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, message: str | None = None,
                  evidence: tuple[str, ...] | None = None) -> Finding:
        """The finding `as_dict` gave (a stored verdict), with its message and evidence given
        back as the words they were (`Phrase`s, which the caller reads from what it kept)."""
        return cls(
            rule=data["rule"], passed=bool(data["passed"]), severity=data["severity"], name=data["name"],
            message=data["message"] if message is None else message, basis=data.get("basis", ""),
            rule_set=data.get("rule_set", ""), compared=data.get("compared") or {},
            evidence=tuple(data.get("evidence") or ()) if evidence is None else evidence,
            from_date=dt.date.fromisoformat(data["from_date"]) if data.get("from_date") else None,
            subject=data.get("subject", ""),
        )


def eligible(findings: list[Finding]) -> bool:
    """Eligible when no finding blocks."""
    return not any(f.blocking for f in findings)


def eligible_from(findings: list[Finding]) -> dt.date | None:
    """The date from which every blocking finding would pass, if each names one; else None."""
    blocking = [f for f in findings if f.blocking]
    if not blocking or any(f.from_date is None for f in blocking):
        return None
    return max(f.from_date for f in blocking if f.from_date is not None)
