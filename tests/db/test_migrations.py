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
