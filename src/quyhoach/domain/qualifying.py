"""Dates that hold: when a cadre qualifies for a title's pool, found by judging again
(`eligibility.check`) on each day a blocking rule names and each day a new rule set takes
effect: now, from a date, never, or not yet known."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from .eligibility import check
from .facts import CadreFacts, TermFact, TitleFact
from .findings import Finding
from .phrase import Phrase
from .rulesets import PLANNING, RATING, NoRuleSetError, RuleSetData, in_force
from .vocab import N_


NOW, FROM, NEVER, UNKNOWN = "now", "from", "never", "unknown"

# Rules that, failing on a day with no date of their own, cannot pass by waiting: the title
# held (P1, P12) does not change by itself and remaining service only shrinks (P6, P7).
NEVER_RULES: frozenset[str] = frozenset({"P1", "P6", "P7", "P12"})


@dataclasses.dataclass(frozen=True)
class Qualifying:
    """When a cadre qualifies for a title's pool: now, from a date (judged on that date, every
    rule passes), never (no date exists), or not yet known (waiting for a rating, a vote, a
    decision). `blocking` are the findings that decide a never or an unknown."""

    kind: str
    date: dt.date | None = None
    blocking: tuple[Finding, ...] = ()

    @property
    def waiting_for(self) -> str:
        """What the unknown waits for, in words."""
        rules = {f.rule for f in self.blocking}
        parts = []
        if rules & {"P8", "P10"}:
            parts.append(Phrase.of(N_("xếp loại")))
        if "P11" in rules:
            parts.append(Phrase.of(N_("phiếu tín nhiệm")))
        if rules & {"P4", "P5", "P14"}:
            parts.append(Phrase.of(N_("quyết định của cấp có thẩm quyền")))
        if not parts:
            return Phrase.of(N_("thông tin mới"))
        return Phrase.joined(parts, ", ")


def _planning_sets(rule_sets: RuleSetData | Sequence[RuleSetData]) -> list[RuleSetData]:
    if isinstance(rule_sets, RuleSetData):
        return [rule_sets]
    return [r for r in rule_sets if r.domain == PLANNING]


def qualifying_date(cadre: CadreFacts, title: TitleFact, term: TermFact,
                    rule_sets: RuleSetData | Sequence[RuleSetData], on: dt.date, *,
                    title_index: Mapping[int, TitleFact | str] | None = None,
                    rating_sets: Sequence[RuleSetData] | None = None) -> Qualifying:
    """The first day from `on` on which the cadre passes every rule for (title, term), found by
    re-judging on each candidate day under the planning set in force that day, with the facts
    recorded today (ratings already recorded count; ratings, votes and decisions still to come
    are not assumed). Candidate days are the days each blocking rule names and the days a new
    rule set takes effect. `rule_sets` is one planning set or all sets (the one in force on each
    day is used; a single set is used for every day)."""
    sets = _planning_sets(rule_sets)
    if rating_sets is None and not isinstance(rule_sets, RuleSetData):
        rating_sets = [r for r in rule_sets if r.domain == RATING] or None
    switches = sorted({r.valid_from for r in sets if r.valid_from > on})
    day = on
    for _ in range(60):
        if day > term.end:
            return Qualifying(NEVER)
        try:
            rules = sets[0] if len(sets) == 1 else in_force(sets, PLANNING, day)
        except NoRuleSetError:
            return Qualifying(UNKNOWN)
        found = check(cadre, title, term, rules, day, title_index=title_index, rating_sets=rating_sets)
        blocking = tuple(f for f in found if f.blocking)
        if not blocking:
            return Qualifying(NOW, on) if day == on else Qualifying(FROM, day)
        never = tuple(f for f in blocking if f.rule in NEVER_RULES)
        if never:
            return Qualifying(NEVER, None, never)
        dateless = tuple(f for f in blocking if f.from_date is None)
        if dateless:
            return Qualifying(UNKNOWN, None, dateless)
        following = max(f.from_date for f in blocking if f.from_date is not None)
        following = min([following] + [s for s in switches if day < s < following])
        day = following if following > day else day + dt.timedelta(days=1)
    return Qualifying(UNKNOWN)
