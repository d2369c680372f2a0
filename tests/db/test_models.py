"""Constraints the database itself keeps, whatever writes to it."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import select

from quyhoach.db.models import Cadre, Evaluation, Relation
from tests.builders import make_cadre


def test_one_rating_per_cadre_and_period(session):
    cadre = make_cadre(session)
    session.add(Evaluation(cadre_id=cadre.id, period="year", year=2024, rating="good"))
    session.commit()
    session.add(Evaluation(cadre_id=cadre.id, period="year", year=2024, rating="excellent"))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()
    session.rollback()
    session.add(Evaluation(cadre_id=cadre.id, period="month", year=2024, period_no=3, score=80))
    session.commit()
    assert len(session.exec(select(Evaluation)).all()) == 2


def test_cadre_codes_are_unique(session):
    make_cadre(session, code="CB1")
    with pytest.raises(sa.exc.IntegrityError):
        make_cadre(session, code="CB1")


def test_references_must_exist(session):
    session.add(Evaluation(cadre_id=999_999, period="year", year=2024, rating="good"))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()


def test_relation_pair_is_stored_once(session):
    a, b = make_cadre(session), make_cadre(session)
    session.add(Relation(cadre_id=a.id, relative_id=b.id, kind="spouse"))
    session.commit()
    session.add(Relation(cadre_id=a.id, relative_id=b.id, kind="sibling"))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()


def test_dates_round_trip(session):
    cadre = make_cadre(session, birth_date=dt.date(1975, 2, 28))
    session.expire_all()
    assert session.get(Cadre, cadre.id).birth_date == dt.date(1975, 2, 28)
