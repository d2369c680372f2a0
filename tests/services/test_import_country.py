"""A generated country (issue 15): the provinces under a central root, the central board's
account over every province, each province's board over its own tree only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db.models import Cadre, Unit, User
from quyhoach.services.platform import scope as scope_service
from quyhoach.services.records import demo


@pytest.fixture
def country(engine):
    with Session(engine) as session:
        report = demo.generated(session, 200, provinces=2, seed=5)
        assert report.ok, [str(p) for p in report.problems[:5]]
        demo.create_demo_users(session)
        session.commit()
    return engine


def _cadre_codes(session: Session, username: str) -> set[str]:
    user = session.exec(select(User).where(User.username == username)).one()
    scope = scope_service.of_user(session, user)
    return set(session.exec(select(Cadre.code).where(scope.cadres_clause())).all())


def test_the_provinces_hang_under_the_central_committee(country):
    with Session(country) as session:
        roots = session.exec(select(Unit).where(Unit.parent_id.is_(None))).all()
        assert [(u.code, u.name) for u in roots] == [("TW", "Ban Chấp hành Trung ương")]
        below = sorted(session.exec(select(Unit.code).where(Unit.parent_id == roots[0].id)).all())
    assert below == ["T01-TINH", "T02-TINH", "TW-BTC"]


def test_each_province_board_sees_its_own_cadres_and_the_central_board_sees_all(country):
    with Session(country) as session:
        every = set(session.exec(select(Cadre.code)).all())
        first, second = _cadre_codes(session, "bantochuc.t01"), _cadre_codes(session, "bantochuc.t02")
        central = _cadre_codes(session, "bantochuc.tw")
        scoped_users = {u.username: u.scope_unit_id for u in session.exec(select(User))}
        unit_count = session.exec(select(sa.func.count()).select_from(Unit)).one()
        central_user = session.exec(select(User).where(User.username == "bantochuc.tw")).one()
        central_units = scope_service.of_user(session, central_user).unit_ids
        commune = session.exec(select(Unit).where(Unit.id == scoped_users["canbo.xa"])).one()
    assert len(every) == 200
    assert first and second and first | second == every and not first & second
    assert all(code.startswith("T01-") for code in first) and all(code.startswith("T02-") for code in second)
    assert central == every and central_units is not None and len(central_units) == unit_count
    assert commune.code.startswith("T01-XA-")
    assert scoped_users["bantochuc"] is None  # the demo's unscoped accounts stay as they were


def test_a_province_board_cannot_open_a_cadre_of_the_other_province(country):
    with Session(country) as session:
        user = session.exec(select(User).where(User.username == "bantochuc.t01")).one()
        scope = scope_service.of_user(session, user)
        other = session.exec(select(Cadre.code).where(Cadre.code.startswith("T02-"))).first()
        own = session.exec(select(Cadre.code).where(Cadre.code.startswith("T01-"))).first()
        assert scope.covers_cadre_code(session, own)
        assert not scope.covers_cadre_code(session, other)
