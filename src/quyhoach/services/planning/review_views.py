"""The annual review (rà soát, bổ sung): its worklist, every member an exit rule catches and
every pool short of its targets, read from the stored verdicts (services.planning.verdicts:
what the rules found, judged once for every process); and what its page shows: one row per
pool entry with every reason and the decision taken, grouped by unit, and the pools below
target (`views` has the dashboard and the pool page)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from quyhoach.db.models import PoolEntry, ReviewDecision
from quyhoach.domain import eligibility
from quyhoach.domain.facts import CadreFacts, TermFact, TitleFact
from quyhoach.domain.findings import ERROR, Finding
from quyhoach.domain.text import name_sort_key, text_sort_key
from quyhoach.services.planning import verdicts
from quyhoach.services.planning.world import MEMO_READS, World


# --------------------------------------------------------------------------- the worklist

@dataclass
class ReviewItem:
    """One line of the annual review worklist: a proposed exit, or a pool below target."""

    kind: str                     # "exit" or "structure"
    pool_id: int
    title: str
    term: str
    finding: Finding
    cadre: CadreFacts | None = None
    entry_id: int | None = None
    decision: ReviewDecision | None = None
    flags: list[Finding] = field(default_factory=list)   # E5: grounds for dismissal, shown beside the exit


@dataclass
class Worklist:
    year: int
    exits: list[ReviewItem] = field(default_factory=list)
    short_pools: list[ReviewItem] = field(default_factory=list)

    @property
    def open_exits(self) -> list[ReviewItem]:
        return [i for i in self.exits if i.decision is None]


def _review_items(world: World, judgement: verdicts.StoredJudgement) -> tuple[list[tuple], list[tuple]]:
    """One pool's lines of the worklist, from its stored verdict: its members' exits (with the
    flags beside them), its structure failures."""
    record = world.pools[judgement.record.id]
    facts = record.facts
    exits, short = [], []
    for cadre in facts.members:
        found = [f for f in judgement.findings if f.subject == cadre.code]
        flags = eligibility.flags_of(found)
        for finding in eligibility.exits_of(found):
            exits.append((record.id, facts.title.name, facts.term.name, finding, cadre, record.entry_ids[cadre.id], flags))
    for finding in judgement.structure_failures:
        short.append((record.id, facts.title.name, facts.term.name, finding))
    return exits, short


# each pool's items checked by the identity of its stored verdict: carried over by every patch
MEMO_READS["review-by-pool"] = frozenset()


def review_worklist(session: Session, world: World, *, unit_id: int | None = None) -> Worklist:
    """The annual review of the world's date (of one unit's subtree): every member an exit rule
    catches and every pool short of its targets, each with its reason, worst pool first; the
    decisions already taken this year attached."""
    decided = {(d.entry_id, d.rule): d for d in session.exec(
        select(ReviewDecision).where(ReviewDecision.review_year == world.on.year))}
    worklist = Worklist(world.on.year)
    judged = verdicts.judgements(session, world)
    key = ("review", unit_id)
    if key not in world.memo or world.memo[key][0] is not judged:
        # What the rules propose does not move while the verdicts do not: listed once per world,
        # and each pool's items carried over by a patch with its verdict (the same object).
        held = world.memo.get(("review-by-pool",), {})
        parts = dict(held)
        units = world.subtree(unit_id) if unit_id is not None else None
        exits, short = [], []
        for judgement in judged:
            if units is not None and judgement.facts.title.unit_id not in units:
                continue
            part = held.get(judgement.record.id)
            if part is None or part[0] is not judgement:
                part = parts[judgement.record.id] = (judgement, *_review_items(world, judgement))
            exits.extend(part[1])
            short.extend(part[2])
        world.memo[("review-by-pool",)] = parts
        world.memo[key] = (judged, exits, short)
    _, exits, short = world.memo[key]
    for pool_id, title, term, finding, cadre, entry_id, flags in exits:
        worklist.exits.append(ReviewItem("exit", pool_id, title, term, finding, cadre, entry_id,
                                         decided.get((entry_id, finding.rule)), flags))
    for pool_id, title, term, finding in short:
        worklist.short_pools.append(ReviewItem("structure", pool_id, title, term, finding))
    worklist.exits.sort(key=lambda i: (i.decision is not None, i.finding.severity != ERROR, i.title))
    return worklist


# --------------------------------------------------------------------------- annual review

@dataclass
class ReviewReason:
    """One reason a pool entry is proposed for exit: the rule, its finding, and the
    decision taken for it this year (if any)."""

    rule: str
    finding: Finding | None
    decision: ReviewDecision | None = None

    @property
    def rule_name(self) -> str:
        return self.finding.name if self.finding else eligibility.RULE_NAMES.get(self.rule, self.rule)


@dataclass
class ReviewRow:
    """One pool entry of the worklist with every reason it is proposed for exit, open or
    decided: the officer decides the entry (keep or take out), not each rule."""

    entry_id: int
    pool_id: int
    title: TitleFact
    term: TermFact
    cadre: CadreFacts
    reasons: list[ReviewReason] = field(default_factory=list)
    flags: list[Finding] = field(default_factory=list)   # E5: grounds for dismissal from the post held

    @property
    def rules(self) -> list[str]:
        return [r.rule for r in self.reasons]

    @property
    def open_rules(self) -> list[str]:
        return [r.rule for r in self.reasons if r.decision is None]

    @property
    def decisions(self) -> list[ReviewDecision]:
        return [r.decision for r in self.reasons if r.decision is not None]

    @property
    def decision(self) -> ReviewDecision | None:
        """The entry's decision once every reason is decided (the latest one), else None."""
        decided = self.decisions
        if not decided or len(decided) < len(self.reasons):
            return None
        return max(decided, key=lambda d: (d.decided_on, d.id or 0))

    @property
    def earlier(self) -> ReviewDecision | None:
        """A decision taken for some reasons while others are still open (a new reason came up)."""
        decided = self.decisions
        return decided[0] if decided and self.decision is None else None

    @property
    def sort_key(self) -> tuple:
        return (text_sort_key(self.title.unit_name), self.title.unit_id, name_sort_key(self.cadre.name),
                text_sort_key(self.title.name))


@dataclass
class ShortPool:
    pool_id: int
    title: TitleFact
    term: TermFact
    findings: list[Finding]


def review_rows(session: Session, world: World, worklist: Worklist, unit_id: int | None = None) -> list[ReviewRow]:
    """The worklist's proposed exits, one row per pool entry with all its reasons, and the
    exits already accepted this year (the member has left the pool, so the worklist no
    longer lists them): the progress of the review is counted over both. Sorted by unit,
    then the cadre's name (Vietnamese order), then the title."""
    rows: dict[int, ReviewRow] = {}
    for item in worklist.exits:
        assert item.entry_id is not None and item.cadre is not None
        row = rows.get(item.entry_id)
        if row is None:
            record = world.pools[item.pool_id]
            row = rows[item.entry_id] = ReviewRow(item.entry_id, item.pool_id, record.facts.title, record.facts.term,
                                                  item.cadre, flags=list(item.flags))
        if item.finding.rule not in row.rules:
            row.reasons.append(ReviewReason(item.finding.rule, item.finding, item.decision))
    units = world.subtree(unit_id) if unit_id is not None else None
    accepted = session.exec(
        select(ReviewDecision, PoolEntry).join(PoolEntry, PoolEntry.id == ReviewDecision.entry_id)
        .where(ReviewDecision.review_year == worklist.year, ReviewDecision.decision == "accept")
        .order_by(ReviewDecision.decided_on, ReviewDecision.id))
    rules = world.rule_set("planning")
    for decision, entry in accepted:
        record = world.pools.get(entry.pool_id)
        cadre = world.cadres.get(entry.cadre_id)
        if record is None or cadre is None:
            continue
        if units is not None and record.facts.title.unit_id not in units:
            continue
        row = rows.get(entry.id)
        if row is not None and decision.rule in row.rules:
            continue
        facts = record.facts
        if row is None:
            row = rows[entry.id] = ReviewRow(entry.id, record.id, facts.title, facts.term, cadre)
        # the finding as it was judged, recomputed (the member has left the pool)
        found = next((f for f in eligibility.check(cadre, facts.title, facts.term, rules, world.on,
                                                   title_index=world.titles, rating_sets=world.rule_sets)
                      if f.rule == decision.rule), None)
        row.reasons.append(ReviewReason(decision.rule, found, decision))
    return sorted(rows.values(), key=lambda r: r.sort_key)


@dataclass
class ReviewUnit:
    """The worklist rows of one unit (the unit of the titles), decided together if the officer wishes."""

    unit_id: int
    name: str
    rows: list[ReviewRow]

    @property
    def open_rows(self) -> list[ReviewRow]:
        return [r for r in self.rows if r.open_rules]


def review_units(rows: list[ReviewRow]) -> list[ReviewUnit]:
    """The rows grouped by the unit of the title, in the rows' order (sorted by unit)."""
    grouped: dict[int, ReviewUnit] = {}
    for row in rows:
        unit = grouped.get(row.title.unit_id)
        if unit is None:
            unit = grouped[row.title.unit_id] = ReviewUnit(row.title.unit_id, row.title.unit_name, [])
        unit.rows.append(row)
    return list(grouped.values())


def review_progress(rows: list[ReviewRow]) -> tuple[int, int]:
    return sum(1 for r in rows if r.decision is not None), len(rows)


def short_pools(world: World, worklist: Worklist) -> list[ShortPool]:
    """The pools below target, one per pool (worst first), with every shortfall."""
    grouped: dict[int, ShortPool] = {}
    for item in worklist.short_pools:
        if item.pool_id not in grouped:
            facts = world.pools[item.pool_id].facts
            grouped[item.pool_id] = ShortPool(item.pool_id, facts.title, facts.term, [])
        grouped[item.pool_id].findings.append(item.finding)
    return list(grouped.values())
