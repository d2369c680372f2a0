"""The 2C dossier (sơ yếu lý lịch) of one cadre as the dossier page and the dossier report
read it: the career, relations, the evaluation timeline (years, quarters, months), votes,
disciplines, conclusions and the retirement date, withdrawn records left out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db.models import (
    Cadre,
    ConfidenceVote,
    Discipline,
    Ethnicity,
    Evaluation,
    PoliticalConclusion,
    Posting,
    Relation,
    Title,
    Unit,
)
from quyhoach.domain import retirement, vocab
from quyhoach.services.records.queries import KINH, Post, current_posts


@dataclass
class CareerRow:
    posting: Posting
    unit: Unit
    title: Title | None


@dataclass
class RelationRow:
    kind: str  # how the relative stands to the dossier's cadre ("parent": the relative is a parent)
    relative: Cadre
    post: Post | None


@dataclass
class YearCell:
    year: int
    evaluation: Evaluation | None

    @property
    def rating(self) -> str | None:
        return self.evaluation.rating if self.evaluation else None

    @property
    def score(self) -> float | None:
        return self.evaluation.score if self.evaluation else None


@dataclass
class VoteRow:
    vote: ConfidenceVote

    @property
    def attendance(self) -> float | None:
        return self.vote.present / self.vote.convened if self.vote.convened else None

    @property
    def low_share(self) -> float | None:
        """Low votes over the votes cast (those present), as QĐ 96 counts them."""
        return self.vote.low / self.vote.present if self.vote.present else None

    @property
    def low_majority(self) -> bool:
        """More than half of the votes cast are low (RULES.md P11: > 1/2)."""
        return self.vote.present > 0 and 2 * self.vote.low > self.vote.present


@dataclass
class DisciplineRow:
    discipline: Discipline
    on: dt.date

    @property
    def in_effect(self) -> bool:
        d = self.discipline
        return d.decision_date <= self.on and (d.effective_to is None or d.effective_to >= self.on)


@dataclass
class Dossier:
    cadre: Cadre
    ethnicity: Ethnicity
    career: list[CareerRow]
    relations: list[RelationRow]
    years: list[YearCell]
    term_evaluations: list[Evaluation]
    quarters: list[tuple[int, list[Evaluation | None]]]
    month_year: int | None
    months: list[Evaluation | None]
    votes: list[VoteRow]
    disciplines: list[DisciplineRow]
    today: dt.date
    conclusions: list[PoliticalConclusion] = field(default_factory=list)  # P9: not meeting the political standard

    @property
    def retirement_date(self) -> dt.date:
        """The last day of service (the end of the month the age is reached, or the override)."""
        return retirement.retirement_of(self.cadre)

    @property
    def retirement_age(self) -> retirement.RetirementAge:
        return retirement.retirement_age_applied(self.cadre.sex, self.cadre.birth_date)

    @property
    def current(self) -> list[CareerRow]:
        rows = [r for r in self.career if r.posting.end_date is None]
        return sorted(rows, key=lambda r: (r.posting.is_concurrent, -(r.title.rank if r.title else -1),
                                           -r.posting.start_date.toordinal()))

    @property
    def is_minority(self) -> bool:
        return self.cadre.ethnicity_code != KINH

    @property
    def disciplines_in_effect(self) -> list[DisciplineRow]:
        return [d for d in self.disciplines if d.in_effect]


def _evaluation_timeline(evaluations: list[Evaluation]):
    yearly = {e.year: e for e in evaluations if e.period == "year"}
    years = [YearCell(y, yearly.get(y)) for y in range(min(yearly), max(yearly) + 1)] if yearly else []
    terms = sorted((e for e in evaluations if e.period == "term"), key=lambda e: e.year)
    quarter_map: dict[int, list[Evaluation | None]] = {}
    for e in evaluations:
        if e.period == "quarter" and 1 <= e.period_no <= 4:
            quarter_map.setdefault(e.year, [None] * 4)[e.period_no - 1] = e
    quarters = sorted(quarter_map.items())
    month_years = [e.year for e in evaluations if e.period == "month" and 1 <= e.period_no <= 12]
    month_year = max(month_years) if month_years else None
    months: list[Evaluation | None] = [None] * 12
    for e in evaluations:
        if e.period == "month" and e.year == month_year and 1 <= e.period_no <= 12:
            months[e.period_no - 1] = e
    return years, terms, quarters, month_year, months


def dossier(session: Session, code: str, today: dt.date | None = None) -> Dossier | None:
    """The whole record of one cadre in eight queries, however long the career."""
    today = today or dt.date.today()
    found = session.exec(
        select(Cadre, Ethnicity).join(Ethnicity, Ethnicity.code == Cadre.ethnicity_code).where(Cadre.code == code)
    ).first()
    if found is None:
        return None
    cadre, ethnicity = found
    career = [
        CareerRow(p, u, t) for p, u, t in session.exec(
            select(Posting, Unit, Title).join(Unit, Unit.id == Posting.unit_id)
            .outerjoin(Title, Title.id == Posting.title_id)
            .where(Posting.cadre_id == cadre.id, Posting.withdrawn_at.is_(None)).order_by(Posting.start_date, Posting.id)
        ).all()
    ]
    evaluations = list(session.exec(
        select(Evaluation).where(Evaluation.cadre_id == cadre.id, Evaluation.withdrawn_at.is_(None))
        .order_by(Evaluation.year, Evaluation.period, Evaluation.period_no)
    ).all())
    years, terms, quarters, month_year, months = _evaluation_timeline(evaluations)
    votes = [VoteRow(v) for v in session.exec(
        select(ConfidenceVote).where(ConfidenceVote.cadre_id == cadre.id, ConfidenceVote.withdrawn_at.is_(None))
        .order_by(ConfidenceVote.vote_date)
    ).all()]
    disciplines = [DisciplineRow(d, today) for d in session.exec(
        select(Discipline).where(Discipline.cadre_id == cadre.id, Discipline.withdrawn_at.is_(None))
        .order_by(Discipline.decision_date)
    ).all()]
    # Relations are stored once ("cadre is kind of relative"); read both directions.
    other_id = sa.case((Relation.cadre_id == cadre.id, Relation.relative_id), else_=Relation.cadre_id)
    relation_rows = session.exec(
        select(Relation, Cadre).join(Cadre, Cadre.id == other_id)
        .where(sa.or_(Relation.cadre_id == cadre.id, Relation.relative_id == cadre.id), Relation.withdrawn_at.is_(None))
        .order_by(Cadre.sort_key)
    ).all()
    posts = current_posts(session, [other.id for _, other in relation_rows])
    relations = []
    for relation, other in relation_rows:
        # The stored row says relation.cadre is `kind` of relation.relative.
        kind = relation.kind if relation.relative_id == cadre.id else vocab.RELATION_INVERSE.get(relation.kind, relation.kind)
        relations.append(RelationRow(kind, other, (posts.get(other.id) or [None])[0]))
    conclusions = list(session.exec(
        select(PoliticalConclusion).where(PoliticalConclusion.cadre_id == cadre.id)
        .order_by(PoliticalConclusion.concluded_on)
    ).all())
    return Dossier(
        cadre=cadre, ethnicity=ethnicity, career=career, relations=relations, years=years,
        term_evaluations=terms, quarters=quarters, month_year=month_year, months=months,
        votes=votes, disciplines=disciplines, today=today, conclusions=conclusions,
    )
