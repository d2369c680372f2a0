"""A write made outside the app (psql, a script) on PostgreSQL is logged as a change that
rebuilds whole (db.outside_writes): a process's planning world and the stored verdicts do not
stay current in appearance and wrong. The app's own writes are logged as before, by the
change log alone."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db.models import Cadre, PlanningChange
from quyhoach.services.planning import changes, verdicts, world as world_service
from quyhoach.services.platform import stamp
from quyhoach.services.records import demo, editing

ON = dt.date(2026, 1, 15)


def test_the_triggers_watch_what_the_change_log_watches():
    """A table the change log starts to watch needs the trigger too (a migration after 0019)."""
    import importlib

    migration = importlib.import_module("quyhoach.db.migrations.versions.0019_outside_writes")
    assert set(migration.TABLES) == changes.WATCHED


@pytest.fixture
def loaded(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("session settings and statement triggers: PostgreSQL (QUYHOACH_TEST_DATABASE_URL)")
    with Session(engine) as session:
        assert demo.load(session, demo.SMALL).ok
        stamp.bump(session)
        session.commit()
    return engine


def _outside(engine) -> sa.Engine:
    """A connection as psql opens it: the same database, not the app's engine."""
    return sa.create_engine(engine.url.render_as_string(hide_password=False))


def test_a_birth_date_corrected_in_psql_reaches_the_next_page_and_the_stored_verdicts(loaded):
    with Session(loaded) as session:
        cadre = session.exec(select(Cadre).order_by(Cadre.id)).first()
        cadre_id = cadre.id
        world = world_service.cached(session, ON)
        assert world.cadres[cadre_id].birth_date == cadre.birth_date
        done = verdicts.refresh(session, ON)
        session.commit()
        assert done.judged > 0
        before = stamp.current(session)
    new_birth = dt.date(1958, 3, 2)

    outside = _outside(loaded)
    with outside.begin() as connection:
        connection.execute(sa.text("UPDATE cadre SET birth_date = :d WHERE id = :i"), {"d": new_birth, "i": cadre_id})
    outside.dispose()

    with Session(loaded) as session:
        assert stamp.current(session) == before + 1
        change = changes.since(session, before, before + 1)
        assert change is not None and change.full and change.tables == {"cadre"}
        assert world_service.cached(session, ON, wait=True).cadres[cadre_id].birth_date == new_birth
        again = verdicts.refresh(session, ON)
        assert again.whole and again.judged == done.judged   # every pool judged again


def test_the_apps_own_write_is_logged_once_by_the_change_log(loaded):
    with Session(loaded) as session:
        cadre = session.exec(select(Cadre).order_by(Cadre.id)).first()
        before = stamp.current(session)
        rows_before = len(session.exec(select(PlanningChange)).all())
        editing.add_record(session, "evaluations", cadre.code, {"period": "Năm", "year": "2019", "rating": "HTTNV"},
                           reason="Đối chiếu bản gốc hồ sơ")
        session.commit()
        changes_after = session.exec(select(PlanningChange).order_by(PlanningChange.id)).all()
        assert len(changes_after) == rows_before + 1
        assert stamp.current(session) == before + 1
        last = changes_after[-1]
        assert not last.full and last.cadre_ids == [cadre.id]
