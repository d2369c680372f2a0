"""What the Quy hoạch pages show, read from the planning world and the pool history.

Thin reading on top of `services.planning` (judgements, suggestions, the review worklist)
and `services.pools` (writes): the dashboard's filtered list and aggregates, one pool's
page (members with their key facts and findings, ballots with their checks, history),
a cadre's eligibility for any title, and the editable rule-set parameters.

The lists of pools (the dashboard, the review, the forecast's successors) read the stored
verdicts (services.planning.verdicts), judged once for every process; a process judges only
the pool a page shows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlmodel import Session, select

from quyhoach.db.models import Ballot, Level, Pool, PoolEntry, PoolEvent
from quyhoach.domain import eligibility, structure
from quyhoach.domain import qualifying as dates_that_hold
from quyhoach.domain.dates import age_on
from quyhoach.domain.facts import CadreFacts, TermFact, TitleFact
from quyhoach.domain.findings import Finding
from quyhoach.domain.retirement import remaining_service_months, retirement_of
from quyhoach.domain.rulesets import NoRuleSetError, RuleSetData
from quyhoach.domain.text import fold, name_sort_key, text_sort_key
from quyhoach.services.planning import judging as planning, verdicts
from quyhoach.services.planning.world import MEMO_READS, World
from quyhoach.services.planning.rule_set_views import (  # noqa: F401 - the rule-set page, read through views too
    ParamRow, RuleSetRow, new_version, param_row, parse_parameter, rule_set_in_force, rule_set_rows, set_parameter,
)

def unit_by_code(world: World, code: str):
    if not code:
        return None
    return next((u for u in world.units.values() if u.code == code), None)


def pool_meets_all(j: planning.PoolJudgement | verdicts.StoredJudgement) -> bool:
    return j.passes


# --------------------------------------------------------------------------- dashboard

@dataclass
class GroupStructure:
    """Structure targets aggregated over a group of pools (a level, a term)."""

    key: str
    label: str
    pools: int
    findings: list[Finding]

    @property
    def failing(self) -> int:
        return sum(1 for f in self.findings if not f.passed)


@dataclass
class Dashboard:
    rules: RuleSetData
    judgements: list[verdicts.StoredJudgement]   # every pool of the filter, worst first (stored verdicts)
    failing: list[verdicts.StoredJudgement]      # those short of something, worst first
    by_level: list[GroupStructure]
    by_term: list[GroupStructure]
    unit: Any = None

    @property
    def pool_count(self) -> int:
        return len(self.judgements)

    @property
    def member_count(self) -> int:
        return sum(j.member_count for j in self.judgements)

    @cached_property
    def cadre_count(self) -> int:
        return len(set().union(*(j.member_keys for j in self.judgements)))

    @property
    def meeting_all(self) -> int:
        return self.pool_count - len(self.failing)


def _aggregate(world: World, pools: list, rules: RuleSetData, code: str, filters: tuple) -> list[Finding]:
    """A group's structure over its pools, kept in the world and carried over by a patch: it is
    worked out again only when one of the group's pools was (a write touches one level and
    one term, not the province)."""
    key = ("aggregate", code, rules.code, filters)
    hit = world.memo.get(key)
    if hit is not None and len(hit[0]) == len(pools) and all(a is b for a, b in zip(hit[0], pools, strict=True)):
        return hit[1]
    found = structure.aggregate(pools, rules, world.on, code)
    world.memo[key] = (tuple(pools), found)
    return found


# checked by the identity of the pools' facts, never stale: carried over by every patch
MEMO_READS["aggregate"] = frozenset()


def level_names(session: Session) -> dict[str, str]:
    return dict(session.exec(select(Level.code, Level.name).order_by(Level.depth)).all())


def dashboard(session: Session, world: World, *, term_code: str = "", level: str = "",
              unit_code: str = "") -> Dashboard:
    """The pools of a term, level and unit subtree (all by default), the failing ones
    worst first, as every process reads them from the stored verdicts (issue 15: none judges
    the province again), and the structure aggregated per level and per term from the world's
    pools: once per world and filter."""
    key = ("dashboard", term_code, level, unit_code)
    if key not in world.memo:
        world.memo[key] = _dashboard(session, world, term_code=term_code, level=level, unit_code=unit_code)
    return world.memo[key]


def _dashboard(session: Session, world: World, *, term_code: str, level: str, unit_code: str) -> Dashboard:
    unit = unit_by_code(world, unit_code)
    units = world.subtree(unit.id) if unit is not None else None
    chosen = [
        j for j in verdicts.judgements(session, world)
        if (not term_code or j.facts.term.code == term_code)
        and (not level or j.facts.title.level == level)
        and (units is None or j.facts.title.unit_id in units)
    ]
    rules = world.rule_set("planning")
    names = level_names(session)
    by_level: dict[str, list] = defaultdict(list)
    by_term: dict[str, list] = defaultdict(list)
    for j in chosen:
        record = world.pools.get(j.record.id)
        if record is not None:
            by_level[j.facts.title.level].append(record.facts)
            by_term[j.facts.term.code].append(record.facts)
    level_order = list(names)
    filters = (term_code, level, unit_code)
    levels = [
        GroupStructure(code, names.get(code, code), len(pools), _aggregate(world, pools, rules, code, filters))
        for code, pools in sorted(by_level.items(), key=lambda kv: level_order.index(kv[0]) if kv[0] in level_order else 99)
    ]
    term_facts = {t.code: t for t in world.terms.values()}
    terms = [
        GroupStructure(code, term_facts[code].name, len(pools), _aggregate(world, pools, rules, code, filters))
        for code, pools in sorted(by_term.items(), key=lambda kv: term_facts[kv[0]].start)
    ]
    failing = [j for j in chosen if not pool_meets_all(j)]
    return Dashboard(rules, chosen, failing, levels, terms, unit)


def pool_terms(world: World) -> list[TermFact]:
    """Terms that have pools, oldest first."""
    codes = {r.facts.term.code for r in world.pools.values()}
    return sorted((t for t in world.terms.values() if t.code in codes), key=lambda t: t.start)


# --------------------------------------------------------------------------- pool page


@dataclass
class MemberRow:
    cadre: CadreFacts
    entry_id: int
    source: str
    added_on: dt.date | None
    age: int                       # today
    age_at_term: int               # at the term's start (the structure's ages)
    remaining_months: int
    retirement_date: dt.date
    ratings: list[tuple[int, str | None]]   # (year, rating code) for each counted year (P8's window)
    findings: list[Finding]
    qualifying: dates_that_hold.Qualifying | None = None   # when not eligible: from when (or never, not yet known)

    @property
    def failing(self) -> list[Finding]:
        return [f for f in self.findings if not f.passed]

    @property
    def passing(self) -> list[Finding]:
        return [f for f in self.findings if f.passed]

    @property
    def eligible(self) -> bool:
        return not any(f.blocking for f in self.findings)

    @property
    def eligible_from(self) -> dt.date | None:
        return self.qualifying.date if self.qualifying and self.qualifying.kind == dates_that_hold.FROM else None

    @property
    def current_titles(self) -> list[TitleFact]:
        return sorted(self.cadre.titles, key=lambda t: -t.rank)


@dataclass
class BallotRow:
    ballot: Ballot
    findings: list[Finding]

    @property
    def passed(self) -> bool:
        return all(f.passed for f in self.findings)


@dataclass
class EventRow:
    event: PoolEvent
    cadre_name: str
    cadre_code: str


@dataclass
class PoolPage:
    pool: Pool
    record: Any                     # services.world.PoolRecord
    judgement: planning.PoolJudgement
    members: list[MemberRow]
    ballots: dict[int, dict[str, BallotRow]]    # entry id -> step -> row
    events: list[EventRow]
    on: dt.date
    unit_code: str
    counted: CountedThrough | None = None

    @property
    def title(self) -> TitleFact:
        return self.record.facts.title

    @property
    def term(self) -> TermFact:
        return self.record.facts.term

    @property
    def rules(self) -> RuleSetData:
        return self.judgement.rules

    @property
    def structure(self) -> list[Finding]:
        return self.judgement.structure

    @property
    def is_full(self) -> bool:
        return len(self.members) >= int(self.rules["pool_max_per_title"])

    @property
    def meets_all(self) -> bool:
        return pool_meets_all(self.judgement)

    @property
    def ballot_count(self) -> int:
        return sum(len(steps) for steps in self.ballots.values())


def last_ratings(world: World, cadre: CadreFacts, on: dt.date) -> list[tuple[int, str | None]]:
    """(year, rating) of the years whose ratings count on `on` (the rule set's
    `ratings_count_from`, the E6 skips), the rating rule set of each year deciding a score."""
    return eligibility.window_ratings(cadre, rules_on(world, on), on, rating_sets=world.rule_sets)


@dataclass(frozen=True)
class CountedThrough:
    """Which year's ratings are the latest counted on a day (shown on the pool and review pages)."""

    year: int
    next_when_recorded: int | None = None   # "recorded": this year counts for a cadre once rated


def counted_through(world: World, on: dt.date | None = None) -> CountedThrough:
    on = on or world.on
    rules = rules_on(world, on)
    year = eligibility.latest_counted_year(rules, on)
    recorded = str(rules.params.get("ratings_count_from", "recorded")) == "recorded"
    return CountedThrough(year, on.year if recorded and year < on.year else None)


def qualifying(world: World, cadre: CadreFacts, title: TitleFact, term: TermFact,
               on: dt.date | None = None) -> dates_that_hold.Qualifying:
    """From when the cadre qualifies, judged again on each candidate day (dates that hold)."""
    on = on or world.on
    key = ("qualifying", cadre.id, title.id, term.code, on)
    if key not in world.memo:
        world.memo[key] = dates_that_hold.qualifying_date(cadre, title, term, world.rule_sets, on,
                                                      title_index=world.titles, rating_sets=world.rule_sets)
    return world.memo[key]


def member_row(world: World, record, cadre: CadreFacts, findings: list[Finding]) -> MemberRow:
    on = world.on
    blocked = any(f.blocking for f in findings)
    return MemberRow(
        cadre=cadre, entry_id=record.entry_ids[cadre.id], source=record.sources.get(cadre.id, "internal"),
        added_on=record.added_on.get(cadre.id), age=age_on(cadre.birth_date, on),
        age_at_term=age_on(cadre.birth_date, record.facts.term.start),
        remaining_months=remaining_service_months(cadre, on), retirement_date=retirement_of(cadre),
        ratings=last_ratings(world, cadre, on), findings=findings,
        qualifying=qualifying(world, cadre, record.facts.title, record.facts.term) if blocked else None,
    )


def rules_on(world: World, day: dt.date) -> RuleSetData:
    try:
        return world.rule_set("planning", day)
    except NoRuleSetError:
        return world.rule_set("planning")


def pool_page(session: Session, world: World, pool_id: int) -> PoolPage | None:
    record = world.pools.get(pool_id)
    pool = session.get(Pool, pool_id)
    if record is None or pool is None:
        return None
    judgement = planning.judge_pool(world, pool_id)
    members = [member_row(world, record, c, judgement.members[c.id]) for c in record.facts.members]
    members.sort(key=lambda m: name_sort_key(m.cadre.name))

    entry_to_cadre = {e: c for c, e in record.entry_ids.items()}
    ballots: dict[int, dict[str, BallotRow]] = defaultdict(dict)
    if entry_to_cadre:
        for ballot in session.exec(select(Ballot).where(Ballot.entry_id.in_(list(entry_to_cadre)))):
            cadre = world.cadres.get(entry_to_cadre[ballot.entry_id])
            found = structure.check_ballot(ballot.step, ballot.convened, ballot.present, ballot.valid, ballot.agree,
                                           rules_on(world, ballot.held_on), subject=cadre.code if cadre else "")
            ballots[ballot.entry_id][ballot.step] = BallotRow(ballot, found)

    events = []
    for event in session.exec(select(PoolEvent).where(PoolEvent.pool_id == pool_id)
                              .order_by(PoolEvent.on.desc(), PoolEvent.id.desc())):
        cadre = world.cadres.get(event.cadre_id) if event.cadre_id else None
        events.append(EventRow(event, cadre.name if cadre else "", cadre.code if cadre else ""))
    unit = world.units.get(record.facts.title.unit_id)
    return PoolPage(pool, record, judgement, members, dict(ballots), events, world.on, unit.code if unit else "",
                    counted_through(world))


def ballot_preview(world: World, step: str, convened: int, present: int, valid: int, agree: int,
                   day: dt.date) -> list[Finding]:
    return structure.check_ballot(step, convened, present, valid, agree, rules_on(world, day))


# --------------------------------------------------------------------------- a cadre and a title

@dataclass
class TitleCheck:
    title: TitleFact
    term: TermFact
    rules: RuleSetData
    findings: list[Finding]
    pool_id: int | None
    qualifying: dates_that_hold.Qualifying | None = None

    @property
    def failing(self) -> list[Finding]:
        return [f for f in self.findings if not f.passed]

    @property
    def eligible(self) -> bool:
        return not any(f.blocking for f in self.findings)

    @property
    def eligible_from(self) -> dt.date | None:
        return self.qualifying.date if self.qualifying and self.qualifying.kind == dates_that_hold.FROM else None


@dataclass
class CadreEligibility:
    cadre: CadreFacts
    pools: list[TitleCheck]                 # the pools the cadre is in, with their findings
    options: list[tuple[str, list[TitleFact]]]   # titles above the cadre, grouped by unit name
    terms: list[TermFact]
    chosen: TitleCheck | None = None
    title_code: str = ""
    term_code: str = ""


def pool_id_of(world: World, title_id: int, term_code: str) -> int | None:
    for record in world.pools.values():
        if record.facts.title.id == title_id and record.facts.term.code == term_code:
            return record.id
    return None


def default_term(world: World, title: TitleFact) -> TermFact | None:
    """The term a title is planned for today: the current term of its kind (else the next)."""
    on = world.on
    same = sorted((t for t in world.terms.values() if t.kind == title.term_kind and t.end >= on), key=lambda t: t.start)
    return same[0] if same else None


def cadre_eligibility(world: World, cadre_id: int, *, title_code: str = "", term_code: str = "") -> CadreEligibility | None:
    """Journey 3: the pools a cadre is in with their findings, the titles above them to ask
    about, and — for a chosen title and term — every finding and the date they'd qualify."""
    cadre = world.cadres.get(cadre_id)
    if cadre is None:
        return None
    on = world.on
    rules = world.rule_set("planning")
    pools = []
    for record in world.pools.values():
        if cadre_id in record.entry_ids:
            facts = record.facts
            found = eligibility.check(cadre, facts.title, facts.term, rules, on, title_index=world.titles,
                                      rating_sets=world.rule_sets)
            when = qualifying(world, cadre, facts.title, facts.term) if any(f.blocking for f in found) else None
            pools.append(TitleCheck(facts.title, facts.term, rules, found, record.id, when))
    pools.sort(key=lambda c: (-c.title.rank, c.term.start))

    highest = max((t.rank for t in cadre.titles), default=0)
    groups: dict[str, list[TitleFact]] = defaultdict(list)
    for title in world.titles.values():
        if title.rank > highest:
            groups[title.unit_name].append(title)
    options = [(name, sorted(ts, key=lambda t: (-t.rank, text_sort_key(t.name))))
               for name, ts in sorted(groups.items(), key=lambda kv: (-max(t.rank for t in kv[1]), text_sort_key(kv[0])))]
    terms = sorted((t for t in world.terms.values() if t.end >= on), key=lambda t: (t.kind, t.start))

    result = CadreEligibility(cadre, pools, options, terms, title_code=title_code, term_code=term_code)
    title = next((t for t in world.titles.values() if t.code == title_code), None) if title_code else None
    if title is not None:
        term = next((t for t in world.terms.values() if t.code == term_code), None) or default_term(world, title)
        if term is not None:
            found = eligibility.check(cadre, title, term, rules, on, title_index=world.titles,
                                      rating_sets=world.rule_sets)
            when = qualifying(world, cadre, title, term) if any(f.blocking for f in found) else None
            result.chosen = TitleCheck(title, term, rules, found, pool_id_of(world, title.id, term.code), when)
            result.term_code = term.code
    return result


def title_matches(options: list[tuple[str, list[TitleFact]]], text: str, limit: int = 15) -> list[TitleFact]:
    """The titles of a cadre's picker (`CadreEligibility.options`) matching what was typed,
    every word found at the start of a word of the title or its unit, with or without
    diacritics; titles whose name begins with the text first, then higher rank."""
    words = fold(text).split()
    if not words:
        return []
    phrase = " ".join(words)
    found = []
    for _, titles in options:
        for title in titles:
            name = fold(title.name)
            haystack = f" {name} {fold(title.unit_name)}"
            if all(f" {w}" in haystack for w in words):
                tier = 0 if name.startswith(phrase) else 1 if f" {phrase}" in f" {name}" else 2
                found.append((tier, -title.rank, text_sort_key(title.name), title))
    found.sort(key=lambda t: t[:3])
    return [t[-1] for t in found[:limit]]


# --------------------------------------------------------------------------- pool entries

def entry_in_pool(session: Session, pool_id: int, entry_id: int) -> PoolEntry | None:
    entry = session.get(PoolEntry, entry_id)
    return entry if entry is not None and entry.pool_id == pool_id else None
