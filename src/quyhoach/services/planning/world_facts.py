"""Reading the planning facts from the database: the organisation, the cadres' facts (postings,
ratings, votes, disciplines, relatives, conclusions, degrees) and the pools, each in a handful of
batched queries (no query per cadre or per pool), for `world.build`, `world.build_part` and
`world.patch`. A record withdrawn as wrong (`withdrawn_at` set) is no fact: every query here
leaves it out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
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
from quyhoach.domain.vocab import RELATION_INVERSE


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


def _locality(units: dict[int, Unit], unit_id: int) -> Unit | None:
    seen = set()
    current = units.get(unit_id)
    while current is not None and current.id not in seen:
        if current.is_locality:
            return current
        seen.add(current.id)
        current = units.get(current.parent_id) if current.parent_id else None
    return None


def _requirements(t) -> dict[str, str | None]:
    """The title's standards (P15) as TitleFact fields."""
    return {"required_theory": t.required_theory, "required_state_mgmt": t.required_state_mgmt,
            "required_degree": t.required_degree}


def _degrees(session: Session, ids: Iterable[int] | None = None) -> dict[int, str | None]:
    """Each cadre's degree, read from the 2C record's "trình độ chuyên môn" (P15); each distinct
    text read once (a province repeats a few hundred of them over its cadres)."""
    read: dict[str | None, str | None] = {}
    out: dict[int, str | None] = {}
    for id_, text in _rows(session, select(Cadre.id, Cadre.education).where(_only(Cadre.id, ids))):
        if text not in read:
            read[text] = standards.degree_of(text)
        out[id_] = read[text]
    return out


def _conclusions(session: Session, on: dt.date, ids: Iterable[int] | None = None) -> dict[int, list[ConclusionFact]]:
    """Political-standard conclusions recorded by `on` (P9)."""
    out: dict[int, list[ConclusionFact]] = defaultdict(list)
    for cadre_id, concluded_on, body, document_no in _rows(session, select(
            PoliticalConclusion.cadre_id, PoliticalConclusion.concluded_on, PoliticalConclusion.body,
            PoliticalConclusion.document_no)
            .where(PoliticalConclusion.concluded_on <= on, _only(PoliticalConclusion.cadre_id, ids))
            .order_by(PoliticalConclusion.concluded_on, PoliticalConclusion.id)):
        out[cadre_id].append(ConclusionFact(concluded_on, body, document_no))
    return out


def _rows(session: Session, statement) -> list:
    """The rows of a column query as plain tuples: read through the connection, without the ORM's
    per-row processing (the builds read hundreds of thousands of rows). The session's pending
    changes are flushed first, as its own queries would."""
    session.flush()
    return list(session.connection().execute(statement).all())


def _only(column, ids: Iterable[int] | None):
    """No filter for a full build; `column IN ids` for a patch."""
    return sa.true() if ids is None else column.in_(sorted(ids))


@dataclass
class _Structure:
    units: dict[int, Unit]
    levels: dict[int, str]
    titles: dict[int, TitleFact]
    title_seats: dict[int, int]
    terms: dict[int, TermFact]
    term_ids: dict[str, int]


def organisation(session: Session) -> _Structure:
    """The organisation as the builds read it (`build_part(org=...)`)."""
    return _structure(session)


def _structure(session: Session) -> _Structure:
    """The organisation: units, levels, titles, terms (any change to them rebuilds the world)."""
    units = {u.id: u for u in session.exec(select(Unit))}
    for unit in units.values():
        # The world outlives the request: detached now, a later rollback of this session
        # cannot expire the units (reading unit.parent_id would then raise).
        session.expunge(unit)
    levels = dict(session.exec(select(Level.id, Level.code)).all())

    titles: dict[int, TitleFact] = {}
    title_seats: dict[int, int] = {}
    # the columns, not Title objects: a merged province has thousands of titles
    for t in session.exec(select(
        Title.id, Title.code, Title.name, Title.unit_id, Title.rank, Title.is_head, Title.is_deputy, Title.non_local,
        Title.sensitive_sector, Title.term_kind, Title.leadership_role, Title.seats, Title.required_theory,
        Title.required_state_mgmt, Title.required_degree)).all():
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
    return _Structure(units, levels, titles, title_seats, terms, term_ids)


def _holdings(session: Session, on: dt.date, *, cadre_ids: Iterable[int] | None = None,
              title_ids: Iterable[int] | None = None) -> list[tuple[int, int, dt.date]]:
    """(cadre, title, since) of the postings held on `on`, in one order for builds and patches."""
    return _rows(session, (
        select(Posting.cadre_id, Posting.title_id, Posting.start_date)
        .where(Posting.title_id.is_not(None), Posting.start_date <= on, Posting.withdrawn_at.is_(None),
               sa.or_(Posting.end_date.is_(None), Posting.end_date >= on),
               _only(Posting.cadre_id, cadre_ids), _only(Posting.title_id, title_ids))
        .order_by(Posting.start_date, Posting.id)
    ))


def _ratings(session: Session, on: dt.date, ids: Iterable[int] | None) -> dict[int, list[RatingFact]]:
    ratings: dict[int, list[RatingFact]] = defaultdict(list)
    # a fact is frozen: one object for each distinct (year, rating, score), shared by the cadres
    shared: dict[tuple, RatingFact] = {}
    for cadre_id, year, rating, score in _rows(session,
        select(Evaluation.cadre_id, Evaluation.year, Evaluation.rating, Evaluation.score)
        .where(Evaluation.period == "year", Evaluation.withdrawn_at.is_(None), _only(Evaluation.cadre_id, ids))
        .order_by(Evaluation.cadre_id, Evaluation.year, Evaluation.id)
    ):
        fact = shared.get((year, rating, score))
        if fact is None:
            fact = shared[(year, rating, score)] = RatingFact(year=year, rating=rating, score=score)
        ratings[cadre_id].append(fact)
    # E6 (under 6 months worked: not rated, the year skipped): months worked are not recorded;
    # a closed year with no yearly rating reads them from its monthly evaluations, if any.
    for cadre_id, year, months in _rows(session,
        select(Evaluation.cadre_id, Evaluation.year, sa.func.count(sa.distinct(Evaluation.period_no)))
        .where(Evaluation.period == "month", Evaluation.year < on.year, Evaluation.withdrawn_at.is_(None),
               _only(Evaluation.cadre_id, ids))
        .group_by(Evaluation.cadre_id, Evaluation.year).order_by(Evaluation.cadre_id, Evaluation.year)
    ):
        if not any(r.year == year and r.months_worked is None for r in ratings.get(cadre_id, ())):
            ratings[cadre_id].append(RatingFact(year=year, rating=None, months_worked=int(months)))
    return ratings


def _pool_rows(session: Session, pool_ids: Iterable[int] | None = None) -> list:
    return _rows(session, (
        select(Pool.id, Pool.title_id, Pool.term_id, Pool.status, Pool.version,
               PoolEntry.id, PoolEntry.cadre_id, PoolEntry.status, PoolEntry.source, PoolEntry.added_on)
        .join(PoolEntry, PoolEntry.pool_id == Pool.id, isouter=True)
        .where(_only(Pool.id, pool_ids)).order_by(Pool.id, PoolEntry.id)
    ))


def _pool_titles(session: Session, on: dt.date, terms: dict[int, TermFact],
                 ids: Iterable[int] | None) -> dict[int, set[int]]:
    """The titles each cadre is in the pool of, for a term not yet over (P-rules on pools)."""
    out: dict[int, set[int]] = defaultdict(set)
    for cadre_id, title_id, term_id in _rows(session,
        select(PoolEntry.cadre_id, Pool.title_id, Pool.term_id).join(Pool, PoolEntry.pool_id == Pool.id)
        .where(PoolEntry.status == "active", _only(PoolEntry.cadre_id, ids))
    ):
        if terms[term_id].end >= on:
            out[cadre_id].add(title_id)
    return out


def _cadre_facts(session: Session, on: dt.date, org: _Structure, title_of_cadre: dict[int, list[int]],
                 ids: Iterable[int] | None = None) -> dict[int, CadreFacts]:
    """The facts of every cadre (ids None) or of the cadres named: the same queries, filtered.
    `title_of_cadre` must hold the titles of these cadres and of their relatives."""
    units, titles = org.units, org.titles
    ratings = _ratings(session, on, ids)

    votes: dict[int, list[VoteFact]] = defaultdict(list)
    for cadre_id, *vote in _rows(session, select(
            ConfidenceVote.cadre_id, ConfidenceVote.vote_date, ConfidenceVote.body, ConfidenceVote.convened,
            ConfidenceVote.present, ConfidenceVote.high, ConfidenceVote.normal, ConfidenceVote.low)
            .where(ConfidenceVote.vote_date <= on, ConfidenceVote.withdrawn_at.is_(None),
                   _only(ConfidenceVote.cadre_id, ids))
            .order_by(ConfidenceVote.vote_date, ConfidenceVote.id)):
        votes[cadre_id].append(VoteFact(*vote))

    disciplines: dict[int, list[DisciplineFact]] = defaultdict(list)
    for cadre_id, *decision in _rows(session, select(
            Discipline.cadre_id, Discipline.level, Discipline.decision_date, Discipline.effective_to,
            Discipline.decision_no)
            .where(Discipline.decision_date <= on, Discipline.withdrawn_at.is_(None), _only(Discipline.cadre_id, ids))
            .order_by(Discipline.decision_date, Discipline.id)):
        disciplines[cadre_id].append(DisciplineFact(*decision))

    open_proposals = set(session.exec(select(Proposal.cadre_id).where(
        Proposal.opened_on <= on, sa.or_(Proposal.closed_on.is_(None), Proposal.closed_on > on),
        _only(Proposal.cadre_id, ids))).all())
    pool_titles_of = _pool_titles(session, on, org.terms, ids)

    relations = _rows(session, select(Relation.cadre_id, Relation.relative_id, Relation.kind)
                             .where(Relation.withdrawn_at.is_(None),
                                    sa.or_(_only(Relation.cadre_id, ids), _only(Relation.relative_id, ids)))
                             .order_by(Relation.id))
    people = _rows(session, select(
        Cadre.id, Cadre.code, Cadre.full_name, Cadre.sex, Cadre.birth_date, Cadre.ethnicity_code,
        Cadre.hometown_unit_id, Cadre.retirement_override, Cadre.theory_level, Cadre.state_mgmt_level,
    ).where(_only(Cadre.id, ids)).order_by(Cadre.id))
    names = {row[0]: (row[1], row[2]) for row in people}
    others = {i for a, b, _ in relations for i in (a, b)} - names.keys()
    if others:
        names.update({i: (c, n) for i, c, n in session.exec(
            select(Cadre.id, Cadre.code, Cadre.full_name).where(Cadre.id.in_(sorted(others))))})

    relatives: dict[int, list[RelativeFact]] = defaultdict(list)
    for a, b, kind in relations:
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

    degrees = _degrees(session, ids)
    conclusions = _conclusions(session, on, ids)
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
    return cadres


def _pool_records(rows: list, titles: dict[int, TitleFact], terms: dict[int, TermFact],
                  cadres: dict[int, CadreFacts]) -> dict[int, PoolRecord]:
    pools: dict[int, PoolRecord] = {}
    for (pool_id, title_id, term_id, status, version, entry_id, cadre_id, entry_status, source, added_on) in rows:
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
    return pools
