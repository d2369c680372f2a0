"""The planning world: every fact the rules read, built from the database in a handful
of batched queries (no query per cadre or per pool), so the whole province can be judged
in well under a second.

The rules themselves live in `quyhoach.domain`; this module only gathers facts. A record
withdrawn as wrong (`withdrawn_at` set) is no fact: every query here leaves it out.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db.models import (
    Cadre, ConfidenceVote, Discipline, Evaluation, Level, PoliticalConclusion, Pool, PoolEntry, Posting, Proposal,
    Relation, Term, Title, Unit,
)
from quyhoach.domain import standards
from quyhoach.domain.facts import (
    CadreFacts, ConclusionFact, DisciplineFact, PoolFacts, RatingFact, RelativeFact, TermFact, TitleFact, VoteFact,
)
from quyhoach.domain.rulesets import RuleSetData
from quyhoach.domain.vocab import RELATION_INVERSE
from quyhoach.services.planning import rulesets as rule_service
from quyhoach.services.platform import stamp


@dataclass
class PoolRecord:
    """A pool with its database ids, next to the facts the rules read."""

    id: int
    status: str
    version: int
    facts: PoolFacts
    entry_ids: dict[int, int] = field(default_factory=dict)   # cadre id -> pool entry id
    sources: dict[int, str] = field(default_factory=dict)      # cadre id -> internal / external
    added_on: dict[int, dt.date] = field(default_factory=dict)


@dataclass
class World:
    on: dt.date
    units: dict[int, Unit]
    levels: dict[int, str]                 # level id -> level code
    titles: dict[int, TitleFact]
    terms: dict[int, TermFact]
    term_ids: dict[str, int]
    cadres: dict[int, CadreFacts]
    pools: dict[int, PoolRecord]
    rule_sets: list[RuleSetData]
    holders: dict[int, list[tuple[int, dt.date]]]   # title id -> [(cadre id, since)]
    title_of_cadre: dict[int, list[int]]
    title_seats: dict[int, int] = field(default_factory=dict)  # title id -> seats
    # judgements made on this world, kept as long as it is (a world never changes: any
    # write makes a new one)
    memo: dict = field(default_factory=dict)

    def rule_set(self, domain: str, on: dt.date | None = None) -> RuleSetData:
        from quyhoach.domain import rulesets

        return rulesets.in_force(self.rule_sets, domain, on or self.on)

    def title_levels(self) -> dict[int, str]:
        return {t.id: t.level for t in self.titles.values()}

    def unit_ancestors(self, unit_id: int | None) -> list[int]:
        chain: list[int] = []
        while unit_id is not None and unit_id not in chain:
            chain.append(unit_id)
            unit_id = self.units[unit_id].parent_id if unit_id in self.units else None
        return chain

    def subtree(self, unit_id: int) -> set[int]:
        children: dict[int, list[int]] = defaultdict(list)
        for unit in self.units.values():
            if unit.parent_id is not None:
                children[unit.parent_id].append(unit.id)
        found, stack = set(), [unit_id]
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(children[current])
        return found


def _locality(units: dict[int, Unit], unit_id: int) -> Unit | None:
    seen = set()
    current = units.get(unit_id)
    while current is not None and current.id not in seen:
        if current.is_locality:
            return current
        seen.add(current.id)
        current = units.get(current.parent_id) if current.parent_id else None
    return None


def _requirements(t: Title) -> dict[str, str | None]:
    """The title's standards (P15) as TitleFact fields."""
    return {"required_theory": t.required_theory, "required_state_mgmt": t.required_state_mgmt,
            "required_degree": t.required_degree}


def _degrees(session: Session) -> dict[int, str | None]:
    """Each cadre's degree, read from the 2C record's "trình độ chuyên môn" (P15)."""
    return {id_: standards.degree_of(text) for id_, text in session.exec(select(Cadre.id, Cadre.education))}


def _conclusions(session: Session, on: dt.date) -> dict[int, list[ConclusionFact]]:
    """Political-standard conclusions recorded by `on` (P9)."""
    out: dict[int, list[ConclusionFact]] = defaultdict(list)
    for c in session.exec(select(PoliticalConclusion).where(PoliticalConclusion.concluded_on <= on)
                          .order_by(PoliticalConclusion.concluded_on)):
        out[c.cadre_id].append(ConclusionFact(c.concluded_on, c.body, c.document_no))
    return out


def build(session: Session, on: dt.date | None = None) -> World:
    """Everything the planning rules need, as of `on` (today by default)."""
    on = on or dt.date.today()
    units = {u.id: u for u in session.exec(select(Unit))}
    for unit in units.values():
        # The world outlives the request: detached now, a later rollback of this session
        # cannot expire the units (reading unit.parent_id would then raise).
        session.expunge(unit)
    levels = dict(session.exec(select(Level.id, Level.code)).all())

    titles: dict[int, TitleFact] = {}
    title_seats: dict[int, int] = {}
    for t in session.exec(select(Title)):
        title_seats[t.id] = t.seats
        unit = units[t.unit_id]
        locality = _locality(units, unit.id)
        titles[t.id] = TitleFact(
            id=t.id, code=t.code, name=t.name, unit_id=t.unit_id, unit_name=unit.name,
            level=levels.get(unit.level_id, ""), rank=t.rank, is_head=t.is_head, is_deputy=t.is_deputy,
            non_local=t.non_local, sensitive_sector=t.sensitive_sector,
            locality_id=locality.id if locality else None, term_kind=t.term_kind,
            is_party_secretary=t.leadership_role == "party_secretary",
            is_government_head=t.leadership_role == "government_head",
            unit_code=unit.code, locality_code=locality.code if locality else "",
            **_requirements(t),
        )

    terms: dict[int, TermFact] = {}
    term_ids: dict[str, int] = {}
    for term in session.exec(select(Term)):
        terms[term.id] = TermFact(code=term.code, kind=term.kind, name=term.name, start=term.start_date, end=term.end_date)
        term_ids[term.code] = term.id

    holders: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
    title_of_cadre: dict[int, list[int]] = defaultdict(list)
    for cadre_id, title_id, start in session.exec(
        select(Posting.cadre_id, Posting.title_id, Posting.start_date)
        .where(Posting.title_id.is_not(None), Posting.start_date <= on, Posting.withdrawn_at.is_(None),
               sa.or_(Posting.end_date.is_(None), Posting.end_date >= on))
    ):
        holders[title_id].append((cadre_id, start))
        title_of_cadre[cadre_id].append(title_id)

    ratings: dict[int, list[RatingFact]] = defaultdict(list)
    for cadre_id, year, rating, score in session.exec(
        select(Evaluation.cadre_id, Evaluation.year, Evaluation.rating, Evaluation.score)
        .where(Evaluation.period == "year", Evaluation.withdrawn_at.is_(None))
    ):
        ratings[cadre_id].append(RatingFact(year=year, rating=rating, score=score))
    # E6 (under 6 months worked: not rated, the year skipped): months worked are not recorded;
    # a closed year with no yearly rating reads them from its monthly evaluations, if any.
    yearly = {(c, r.year) for c, rs in ratings.items() for r in rs}
    for cadre_id, year, months in session.exec(
        select(Evaluation.cadre_id, Evaluation.year, sa.func.count(sa.distinct(Evaluation.period_no)))
        .where(Evaluation.period == "month", Evaluation.year < on.year, Evaluation.withdrawn_at.is_(None))
        .group_by(Evaluation.cadre_id, Evaluation.year)
    ):
        if (cadre_id, year) not in yearly:
            ratings[cadre_id].append(RatingFact(year=year, rating=None, months_worked=int(months)))

    votes: dict[int, list[VoteFact]] = defaultdict(list)
    for v in session.exec(select(ConfidenceVote).where(ConfidenceVote.vote_date <= on,
                                                           ConfidenceVote.withdrawn_at.is_(None))):
        votes[v.cadre_id].append(VoteFact(v.vote_date, v.body, v.convened, v.present, v.high, v.normal, v.low))

    disciplines: dict[int, list[DisciplineFact]] = defaultdict(list)
    for d in session.exec(select(Discipline).where(Discipline.decision_date <= on, Discipline.withdrawn_at.is_(None))):
        disciplines[d.cadre_id].append(DisciplineFact(d.level, d.decision_date, d.effective_to, d.decision_no))

    open_proposals = set(session.exec(select(Proposal.cadre_id).where(
        Proposal.opened_on <= on, sa.or_(Proposal.closed_on.is_(None), Proposal.closed_on > on))).all())

    pool_rows = session.exec(
        select(Pool.id, Pool.title_id, Pool.term_id, Pool.status, Pool.version,
               PoolEntry.id, PoolEntry.cadre_id, PoolEntry.status, PoolEntry.source, PoolEntry.added_on)
        .join(PoolEntry, PoolEntry.pool_id == Pool.id, isouter=True)
    ).all()
    pool_titles_of: dict[int, set[int]] = defaultdict(set)
    for (_, title_id, term_id, _, _, entry_id, cadre_id, entry_status, _, _) in pool_rows:
        if entry_id is not None and entry_status == "active" and terms[term_id].end >= on:
            pool_titles_of[cadre_id].add(title_id)

    people = session.exec(select(
        Cadre.id, Cadre.code, Cadre.full_name, Cadre.sex, Cadre.birth_date, Cadre.ethnicity_code,
        Cadre.hometown_unit_id, Cadre.retirement_override, Cadre.theory_level, Cadre.state_mgmt_level,
    )).all()
    names = {row[0]: (row[1], row[2]) for row in people}

    relatives: dict[int, list[RelativeFact]] = defaultdict(list)
    for a, b, kind in session.exec(select(Relation.cadre_id, Relation.relative_id, Relation.kind)
                                  .where(Relation.withdrawn_at.is_(None))):
        # stored as "a is kind of b": b's relative a is b's `kind`; a's relative b is the inverse
        relatives[b].append(RelativeFact(code=names[a][0], name=names[a][1], kind=kind,
                                         titles=tuple(titles[t] for t in title_of_cadre.get(a, ()))))
        relatives[a].append(RelativeFact(code=names[b][0], name=names[b][1], kind=RELATION_INVERSE[kind],
                                         titles=tuple(titles[t] for t in title_of_cadre.get(b, ()))))

    ancestors_cache: dict[int, frozenset[int]] = {}

    def hometown_ids(unit_id: int | None) -> frozenset[int]:
        if unit_id is None:
            return frozenset()
        if unit_id not in ancestors_cache:
            chain, current = [], unit_id
            while current is not None and current not in chain:
                chain.append(current)
                current = units[current].parent_id if current in units else None
            ancestors_cache[unit_id] = frozenset(chain)
        return ancestors_cache[unit_id]

    degrees = _degrees(session)
    conclusions = _conclusions(session, on)
    cadres: dict[int, CadreFacts] = {}
    for (id_, code, name, sex, birth, ethnicity, hometown, override, theory, state_mgmt) in people:
        cadres[id_] = CadreFacts(
            id=id_, code=code, name=name, sex=sex, birth_date=birth, minority=ethnicity != "01",
            hometown_locality_ids=hometown_ids(hometown), retirement_override=override,
            theory_level=theory, state_mgmt_level=state_mgmt,
            titles=tuple(titles[t] for t in title_of_cadre.get(id_, ())),
            ratings=tuple(ratings.get(id_, ())), votes=tuple(votes.get(id_, ())),
            disciplines=tuple(disciplines.get(id_, ())), relatives=tuple(relatives.get(id_, ())),
            open_proposal=id_ in open_proposals, pool_title_ids=frozenset(pool_titles_of.get(id_, ())),
            degree=degrees.get(id_), conclusions=tuple(conclusions.get(id_, ())),
        )

    pools: dict[int, PoolRecord] = {}
    for (pool_id, title_id, term_id, status, version, entry_id, cadre_id, entry_status, source, added_on) in pool_rows:
        record = pools.get(pool_id)
        if record is None:
            record = pools[pool_id] = PoolRecord(
                id=pool_id, status=status, version=version,
                facts=PoolFacts(title=titles[title_id], term=terms[term_id], members=()))
        if entry_id is not None and entry_status == "active":
            record.entry_ids[cadre_id] = entry_id
            record.sources[cadre_id] = source
            record.added_on[cadre_id] = added_on
    for record in pools.values():
        record.facts = PoolFacts(title=record.facts.title, term=record.facts.term,
                                 members=tuple(cadres[c] for c in record.entry_ids))

    return World(on=on, units=units, levels=levels, titles=titles, terms=terms, term_ids=term_ids,
                 cadres=cadres, pools=pools, rule_sets=rule_service.all_rule_sets(session),
                 holders=dict(holders), title_of_cadre=dict(title_of_cadre), title_seats=title_seats)


_cache: dict[str, tuple[int, dt.date, World]] = {}
_lock = threading.Lock()


def cached(session: Session, on: dt.date | None = None) -> World:
    """The world for `on`, rebuilt only when the data stamp has moved since the last build
    in this process (any write through the services moves it)."""
    on = on or dt.date.today()
    key = str(session.get_bind().url)
    counter = stamp.current(session)
    with _lock:
        hit = _cache.get(key)
        if hit and hit[0] == counter and hit[1] == on:
            return hit[2]
    world = build(session, on)
    with _lock:
        _cache[key] = (counter, on, world)
    return world


def clear_cache() -> None:
    with _lock:
        _cache.clear()
