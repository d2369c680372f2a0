"""Test fixtures: a fresh database for every test (SQLite by default, PostgreSQL when
QUYHOACH_TEST_DATABASE_URL is set), the app on it, and builders for objects. The app runs
its background jobs inline (`jobs.InlineRunner`); the job fixtures and waits are in
tests/support/jobs.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from quyhoach import create_app
from quyhoach.db import models  # noqa: F401 - registers the tables
from quyhoach.db.engine import make_engine
from quyhoach.services.platform import jobs
from quyhoach.services.records import reference

pytest_plugins = ["tests.support.jobs"]

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
PG_URL = os.environ.get("QUYHOACH_TEST_DATABASE_URL")


def _reset(engine: sa.Engine) -> None:
    """Empty every table (faster than recreating the schema on PostgreSQL)."""
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    if PG_URL:
        return PG_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def _schema(database_url):
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(_schema) -> sa.Engine:
    from quyhoach.services.planning import world

    world.clear_cache()
    _reset(_schema)
    with Session(_schema) as session:
        reference.ensure(session)
        session.commit()
    return _schema


@pytest.fixture(autouse=True)
def _audit_folder(tmp_path):
    """The audit key and anchors of each test in its own folder (the app's instance folder
    when there is an app), so no test sees another's anchors."""
    from quyhoach.services.platform import audit

    audit.configure(tmp_path)


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def app(engine, database_url, tmp_path):
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "test",
        # Pages are tested here as a signed-in officer would see them; sign-in, roles,
        # scope and CSRF have their own tests (tests/web/test_trust.py) with these on.
        "LOGIN_DISABLED": True,
        "WTF_CSRF_ENABLED": False,
    })
    app.extensions["quyhoach.engine"].dispose()
    app.extensions["quyhoach.engine"] = engine
    # Jobs run in the request that queues them, after its commit: no thread to wait for.
    jobs._engines.put(database_url, engine)
    app.extensions["quyhoach.jobs"] = jobs.InlineRunner(database_url)
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
