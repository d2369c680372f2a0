"""Builders: the smallest call that makes a valid object, with every field overridable.

Each builder adds to the session and flushes (so ids exist) but never commits: a test
that goes through the web client commits once after building what it needs.

    unit = make_unit(session, "Xã Tân Lập", level="commune", parent=province)
    title = make_title(session, unit, "Chủ tịch UBND xã", rank=300)
    hoa = make_cadre(session, "Lò Thị Hoa", unit=unit, title=title, sex="F", ethnicity="03")
    make_evaluation(session, hoa, 2024, rating="good", score=88)
"""

from __future__ import annotations

import datetime as dt
import itertools

from sqlmodel import Session, select

from quyhoach.db.models import (
    Cadre,
    ConfidenceVote,
    Discipline,
    Evaluation,
    Level,
    Posting,
    Relation,
    Title,
    Unit,
)
from quyhoach.domain.text import fold, nfc
from quyhoach.services.records.cadres import derived_fields

_serial = itertools.count(1)


def _code(prefix: str) -> str:
    return f"{prefix}{next(_serial):05d}"


def _stamps() -> dict[str, dt.datetime]:
    # sqlmodel >= 0.0.50 stores datetimes as UTCDateTime and refuses naive values, which
    # the models' default factory (_now) still gives: pass aware ones.
    now = dt.datetime.now(dt.UTC)
    return {"created_at": now, "updated_at": now}


def _save(session: Session, obj):
    session.add(obj)
    session.flush()
    return obj


def get_level(session: Session, code: str) -> Level:
    """A reference level by code: central, province, district, commune."""
    return session.exec(select(Level).where(Level.code == code)).one()


def make_unit(session: Session, name: str = "Tỉnh ủy Lai Châu", *, code: str | None = None,
              level: str = "province", parent: Unit | None = None, kind: str = "party_committee",
              is_locality: bool = False, **fields) -> Unit:
    name = nfc(name)
    return _save(session, Unit(
        code=code or _code("DV"), name=name, level_id=get_level(session, level).id,
        parent_id=parent.id if parent else None, kind=kind, is_locality=is_locality,
        search_text=fold(name), **fields,
    ))


def make_title(session: Session, unit: Unit, name: str = "Bí thư", *, code: str | None = None,
               rank: int = 500, seats: int = 1, **fields) -> Title:
    name = nfc(name)
    return _save(session, Title(
        code=code or _code("CD"), unit_id=unit.id, name=name, rank=rank, seats=seats,
        search_text=fold(name), **fields,
    ))


def make_cadre(session: Session, full_name: str = "Nguyễn Văn An", *, code: str | None = None,
               birth_date: dt.date = dt.date(1975, 3, 7), sex: str = "M", ethnicity: str = "01",
               unit: Unit | None = None, title: Title | None = None, position: str | None = None,
               since: dt.date = dt.date(2021, 6, 1), **fields) -> Cadre:
    """A cadre; with `unit` and/or `title` also a current posting (the title's unit by default)."""
    code = code or _code("CB")
    cadre = _save(session, Cadre(
        code=code, full_name=nfc(full_name), birth_date=birth_date, sex=sex,
        ethnicity_code=ethnicity, **derived_fields(full_name, code), **_stamps(), **fields,
    ))
    if unit is not None or title is not None:
        make_posting(session, cadre, unit=unit, title=title, position=position, start=since)
    return cadre


def make_posting(session: Session, cadre: Cadre, *, unit: Unit | None = None, title: Title | None = None,
                 position: str | None = None, start: dt.date = dt.date(2021, 6, 1),
                 end: dt.date | None = None, is_concurrent: bool = False) -> Posting:
    if unit is None:
        unit = session.get(Unit, title.unit_id)
    if position is None:
        position = title.name if title else f"Chuyên viên {unit.name}"
    return _save(session, Posting(
        cadre_id=cadre.id, unit_id=unit.id, title_id=title.id if title else None,
        position=position, start_date=start, end_date=end, is_concurrent=is_concurrent,
    ))


def make_evaluation(session: Session, cadre: Cadre, year: int, *, rating: str | None = None,
                    score: float | None = None, period: str = "year", period_no: int = 0,
                    unit: Unit | None = None, note: str | None = None) -> Evaluation:
    return _save(session, Evaluation(
        cadre_id=cadre.id, unit_id=unit.id if unit else None, period=period, year=year,
        period_no=period_no, rating=rating, score=score, note=note,
    ))


def make_vote(session: Session, cadre: Cadre, *, vote_date: dt.date = dt.date(2024, 11, 15),
              body: str = "Ban Chấp hành Đảng bộ", convened: int = 45, present: int = 43,
              high: int = 30, normal: int = 10, low: int = 3) -> ConfidenceVote:
    return _save(session, ConfidenceVote(
        cadre_id=cadre.id, vote_date=vote_date, body=body, convened=convened, present=present,
        high=high, normal=normal, low=low,
    ))


def make_discipline(session: Session, cadre: Cadre, *, level: str = "reprimand",
                    decision_date: dt.date = dt.date(2024, 5, 20), effective_to: dt.date | None = None,
                    decision_no: str | None = "125-QĐ/UBKTTU", authority: str | None = "Ủy ban Kiểm tra Tỉnh ủy",
                    reason: str | None = None) -> Discipline:
    return _save(session, Discipline(
        cadre_id=cadre.id, level=level, decision_date=decision_date, effective_to=effective_to,
        decision_no=decision_no, authority=authority, reason=reason,
    ))


def make_relation(session: Session, cadre: Cadre, relative: Cadre, kind: str = "spouse") -> Relation:
    """`cadre` is `kind` of `relative` (make_relation(s, mother, son, "parent"))."""
    return _save(session, Relation(cadre_id=cadre.id, relative_id=relative.id, kind=kind))
