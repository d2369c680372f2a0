"""Judging pools: every member against every rule, every pool against its structure
targets, candidate suggestions, and two rule sets compared (the annual review's worklist reads
the stored verdicts: review_views).

Pure reading: facts come from the planning world (services.world), rules from the
domain. The same judgements feed the pages, `quyhoach check` and the reports.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property


from quyhoach.domain import eligibility, structure
from quyhoach.domain.facts import CadreFacts, PoolFacts
from quyhoach.domain.findings import Finding
from quyhoach.domain.retirement import remaining_service_months
from quyhoach.domain.rulesets import RuleSetData
from quyhoach.services.planning.world import POOLS_KEPT, PoolRecord, World
from quyhoach.services.platform import heap


@dataclass
class PoolJudgement:
    record: PoolRecord
    rules: RuleSetData
    members: dict[int, list[Finding]]          # cadre id -> findings
    structure: list[Finding]

    @property
    def facts(self) -> PoolFacts:
        return self.record.facts

    @property
    def key(self) -> str:
        return self.facts.key

    def failing_members(self) -> dict[int, list[Finding]]:
        # a judgement never changes once made (a write makes a new one): worked out once
        if "_failing" not in self.__dict__:
            self.__dict__["_failing"] = {c: [f for f in fs if f.blocking] for c, fs in self.members.items()
                                         if any(f.blocking for f in fs)}
        return self.__dict__["_failing"]

    @cached_property
    def structure_failures(self) -> list[Finding]:
        return [f for f in self.structure if not f.passed]

    @cached_property
    def severity_score(self) -> int:
        """Worst first: blocking structure failures weigh most, then ineligible members,
        then shortfalls against targets."""
        blocking = sum(1 for f in self.structure if f.blocking)
        warnings = sum(1 for f in self.structure if not f.passed and not f.blocking)
        return 100 * blocking + 10 * len(self.failing_members()) + warnings

    @property
    def passes(self) -> bool:
        """No structure target missed, no member failing a rule (the dashboard's "đạt")."""
        return not self.structure_failures and not self.failing_members()

    @property
    def member_count(self) -> int:
        return len(self.facts.members)

    @property
    def member_keys(self) -> set[int]:
        return {m.id for m in self.facts.members}

    def member_name(self, key: int) -> str:
        """The name of the member `failing_members` names by `key` (as `verdicts.StoredJudgement`)."""
        return next((m.name for m in self.facts.members if m.id == key), "")

    def findings(self) -> list[Finding]:
        out = list(self.structure)
        for fs in self.members.values():
            out.extend(fs)
        return out


KEEP_POOLS = 256    # judgements of single pools kept with a world (the pool pages visited last)


def judge_pool(world: World, pool_id: int, on: dt.date | None = None) -> PoolJudgement:
    """One pool judged (its page), kept with the world among the KEEP_POOLS judged last: a
    process never holds every pool's findings (the lists read the stored verdicts)."""
    on = on or world.on
    key = ("pool", pool_id, on)
    found = world.memo.get(key)
    if found is None:
        found = world.memo[key] = _judge_pool(world, pool_id, on)
        kept = world.memo.setdefault(POOLS_KEPT, deque())
        kept.append(key)
        while len(kept) > KEEP_POOLS:
            world.memo.pop(kept.popleft(), None)
    return found


def _judge_pool(world: World, pool_id: int, on: dt.date) -> PoolJudgement:
    record = world.pools[pool_id]
    rules = world.rule_set("planning", on)
    facts = record.facts
    members = {
        member.id: eligibility.check(member, facts.title, facts.term, rules, on, title_index=world.titles,
                                     rating_sets=world.rule_sets)
        for member in facts.members
    }
    return PoolJudgement(record, rules, members, structure.check_pool(facts, rules, on))


def bulk():
    """Many pools judged in a row: the cyclic collector paused meanwhile (services.platform.heap:
    its full passes walked the world and every judgement kept, so that the cost per pool grew
    with the size of the world)."""
    return heap.paused()


def each(world: World, pool_ids: Iterable[int], on: dt.date | None = None) -> Iterator[PoolJudgement]:
    """The pools named judged one after the other, for a caller that uses each judgement and
    lets it go (verdicts stored, a listing printed, a report): a judgement already in the
    world's memo is given as it is, one judged here is not kept. What stays in memory is then
    one pool's findings, not every pool's. Meant to run inside `bulk()`."""
    on = on or world.on
    for pool_id in pool_ids:
        found = world.memo.get(("pool", pool_id, on))
        yield found if found is not None else _judge_pool(world, pool_id, on)


def chosen(world: World, *, unit_id: int | None = None, title_code: str | None = None,
           term_code: str | None = None) -> list[int]:
    """The ids of the pools of one unit's subtree, of one title, of one term (every pool when none)."""
    units = world.subtree(unit_id) if unit_id is not None else None
    out = []
    for pool_id, record in world.pools.items():
        title = record.facts.title
        if units is not None and title.unit_id not in units:
            continue
        if title_code and title.code != title_code:
            continue
        if term_code and record.facts.term.code != term_code:
            continue
        out.append(pool_id)
    return out


def worst_first(judged: PoolJudgement) -> tuple[int, int, str]:
    """The order of every list of judgements: the worst first, then the higher titles, then by code."""
    return (-judged.severity_score, -judged.facts.title.rank, judged.facts.title.code)


def judge_all(world: World, on: dt.date | None = None, *, unit_id: int | None = None,
              title_code: str | None = None, term_code: str | None = None) -> list[PoolJudgement]:
    """Every pool (optionally of one unit's subtree, one title or one term), worst first; the
    judgements are the caller's (a report, a comparison), not kept with the world."""
    with bulk():
        judged = list(each(world, chosen(world, unit_id=unit_id, title_code=title_code, term_code=term_code), on))
    judged.sort(key=worst_first)
    return judged


@dataclass
class Suggestion:
    cadre: CadreFacts
    score: int
    parts: dict[str, int]
    effects: list[str]
    findings: list[Finding]
    remaining_months: int


def suggestions(world: World, pool_id: int, on: dt.date | None = None, limit: int = 10, *,
                within: set[int] | None) -> list[Suggestion]:
    """Eligible cadres for a pool, ranked by a transparent score; each says what it would fix.
    `within`: the cadres the user may see (None: all; `Scope.cadre_ids`).

    Cheap filters first (rank below the title, not already a member, enough service left),
    then the full rule check on the short list."""
    on = on or world.on
    record = world.pools[pool_id]
    facts = record.facts
    rules = world.rule_set("planning", on)
    reference = max(on, facts.term.start)
    minimum = rules["next_term_min_months"]
    members = {m.id for m in facts.members}
    shortlist = []
    for cadre in world.cadres.values():
        if cadre.id in members or (within is not None and cadre.id not in within):
            continue
        highest = max((t.rank for t in cadre.titles), default=0)
        if highest >= facts.title.rank or highest < facts.title.rank - 30:
            continue
        months = remaining_service_months(cadre, reference)
        if months < minimum:
            continue
        shortlist.append((cadre, months))
    ranked = []
    for cadre, months in shortlist:
        found = eligibility.check(cadre, facts.title, facts.term, rules, on, title_index=world.titles,
                                  rating_sets=world.rule_sets)
        if any(f.blocking for f in found):
            continue
        score, parts = structure.suggestion_score(facts, cadre, rules, on, rating_sets=world.rule_sets)
        ranked.append(Suggestion(cadre, score, parts, structure.suggestion_effects(facts, cadre, rules, on),
                                 found, months))
    ranked.sort(key=lambda s: (-s.score, s.cadre.code))
    return ranked[:limit]


@dataclass
class VerdictChange:
    """A verdict that differs between two rule sets: the same rule, the same subject."""

    pool_id: int
    title: str
    term: str
    subject: str                  # cadre name, or "" for the pool's structure
    rule: str
    before: Finding
    after: Finding


def compare_rule_sets(world: World, before: RuleSetData, after: RuleSetData,
                      on: dt.date | None = None) -> list[VerdictChange]:
    """Every pool judged under two rule sets, and the verdicts that change (journey 4: a new
    regulation is entered; what does it change?)."""
    on = on or world.on
    changes: list[VerdictChange] = []
    for pool_id, record in world.pools.items():
        facts = record.facts
        for member in facts.members:
            old = {f.rule: f for f in eligibility.check(member, facts.title, facts.term, before, on,
                                                        title_index=world.titles, rating_sets=world.rule_sets)}
            new = {f.rule: f for f in eligibility.check(member, facts.title, facts.term, after, on,
                                                        title_index=world.titles, rating_sets=world.rule_sets)}
            for rule in sorted(old.keys() & new.keys()):
                if old[rule].passed != new[rule].passed:
                    changes.append(VerdictChange(pool_id, facts.title.name, facts.term.name, member.name, rule,
                                                 old[rule], new[rule]))
        old_s = {f.rule: f for f in structure.check_pool(facts, before, on)}
        new_s = {f.rule: f for f in structure.check_pool(facts, after, on)}
        for rule in sorted(old_s.keys() & new_s.keys()):
            if old_s[rule].passed != new_s[rule].passed:
                changes.append(VerdictChange(pool_id, facts.title.name, facts.term.name, "", rule,
                                             old_s[rule], new_s[rule]))
    changes.sort(key=lambda c: (c.title, c.subject, c.rule))
    return changes
