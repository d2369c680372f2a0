"""Migrations from an empty database reach the models exactly, on SQLite and on
PostgreSQL (when QUYHOACH_TEST_DATABASE_URL is set), and step back down cleanly."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import Session, SQLModel, select

from quyhoach.db import migrate
from quyhoach.db.engine import make_engine
from quyhoach.db.models import Ethnicity, Level, Term
from quyhoach.services.records import reference

PG_URL = os.environ.get("QUYHOACH_TEST_DATABASE_URL")


def _sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    yield engine
    engine.dispose()


def _postgres():
    """A brand-new database on the test server, dropped afterwards."""
    admin = make_engine(PG_URL).execution_options(isolation_level="AUTOCOMMIT")
    name = f"quyhoach_migr_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_engine(PG_URL).url.set(database=name)
    engine = make_engine(url.render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{name}"'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request, tmp_path):
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("QUYHOACH_TEST_DATABASE_URL is not set")
        yield from _postgres()
    else:
        yield from _sqlite(tmp_path)


def test_upgrade_from_empty_matches_the_models(empty_engine):
    migrate.upgrade(empty_engine)
    assert migrate.current_revision(empty_engine) == migrate.head_revision()
    with empty_engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == []


def test_reference_data_after_upgrade(empty_engine):
    migrate.upgrade(empty_engine)
    with Session(empty_engine) as session:
        reference.ensure(session)
        reference.ensure(session)  # idempotent
        session.commit()
        assert len(session.exec(select(Ethnicity)).all()) == 54
        assert session.get(Ethnicity, "08").name_vi == "Hmông"
        assert {lv.code for lv in session.exec(select(Level))} >= {"province", "commune", "district"}
        assert {t.code for t in session.exec(select(Term))} >= {"DANG-2025-2030", "CQ-2026-2031"}


def test_downgrade_to_empty(empty_engine):
    migrate.upgrade(empty_engine)
    migrate.downgrade(empty_engine, "base")
    tables = set(sa.inspect(empty_engine).get_table_names()) - {"alembic_version"}
    assert tables == set()


def test_0007_corrects_the_shipped_planning_sets_stored_before_it(tmp_path):
    """A database seeded before 0007 holds young_age district 35 and no P15 basis: 0007 sets
    district to 40 (RULES.md §9: under 40 at province and district) and names the framework of
    title standards per set; an edited value (here the QĐ 377 set's district set to 38 by the
    Board) is left alone; the downgrade gives the old default back."""
    import datetime as dt

    engine = next(_sqlite(tmp_path))
    migrate.upgrade(engine, "0006")
    rule_set = sa.table("ruleset", sa.column("code", sa.String()), sa.column("domain", sa.String()),
                        sa.column("name", sa.String()), sa.column("legal_basis", sa.String()),
                        sa.column("valid_from", sa.Date()), sa.column("params", sa.JSON()),
                        sa.column("unconfirmed", sa.JSON()))
    old = {"young_age": {"central": 45, "province": 40, "district": 35, "commune": 35}, "rule_basis": {"P6": "x"}}
    edited = {"young_age": {"central": 45, "province": 40, "district": 38, "commune": 35}, "rule_basis": {}}
    with engine.begin() as connection:
        for code, params in (("QD50-2021", old), ("QD377-2025", edited)):
            connection.execute(rule_set.insert().values(code=code, domain="planning", name=code, legal_basis="-",
                                                        valid_from=dt.date(2021, 12, 27), params=params, unconfirmed=[]))
    migrate.upgrade(engine, "0007")
    read = sa.select(rule_set.c.code, rule_set.c.params)
    with engine.connect() as connection:
        stored = dict(connection.execute(read).all())
    assert stored["QD50-2021"]["young_age"]["district"] == 40
    assert stored["QD377-2025"]["young_age"]["district"] == 38
    assert "214-QĐ/TW" in stored["QD50-2021"]["rule_basis"]["P15"]
    assert "365-QĐ/TW" in stored["QD377-2025"]["rule_basis"]["P15"]
    assert stored["QD50-2021"]["rule_basis"]["P6"] == "x"
    migrate.downgrade(engine, "0006")
    with engine.connect() as connection:
        stored = dict(connection.execute(read).all())
    assert stored["QD50-2021"]["young_age"]["district"] == 35
    assert "P15" not in stored["QD50-2021"]["rule_basis"]
    engine.dispose()
