"""Backup and restore of the embedded database: what was there comes back; a broken file
is refused before anything is replaced."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from quyhoach.db import migrate
from quyhoach.db.engine import make_engine
from quyhoach.db.models import Unit
from quyhoach.services.platform import backup
from quyhoach.services.records import importer, reference
from tests.files import UNITS, csv_bytes


@pytest.fixture
def db(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'live.db'}")
    migrate.upgrade(engine)
    with Session(engine) as session:
        reference.ensure(session)
        assert importer.run(session, "units", csv_bytes(UNITS), "u.csv").ok
        session.commit()
    yield engine
    engine.dispose()


def units(engine):
    with Session(engine) as session:
        return sorted(session.exec(select(Unit.code)).all())


def test_backup_then_restore_brings_the_data_back(db, tmp_path):
    saved = backup.backup(db, tmp_path / "sao-luu" / "2026-11-21.db")
    before = units(db)
    with Session(db) as session:
        for unit in session.exec(select(Unit).where(Unit.code == "XA-B")):
            session.delete(unit)
        session.commit()
    assert units(db) != before
    assert backup.restore(db, saved) == migrate.head_revision()
    assert units(db) == before
    assert (tmp_path / "live.db.before-restore").exists()


def test_a_broken_backup_is_refused_and_nothing_is_replaced(db, tmp_path):
    broken = tmp_path / "hong.db"
    broken.write_bytes(b"day khong phai co so du lieu" * 100)
    before = units(db)
    with pytest.raises(backup.BackupError, match="không phải tệp cơ sở dữ liệu"):
        backup.restore(db, broken)
    assert units(db) == before


def test_backup_refuses_to_overwrite(db, tmp_path):
    path = tmp_path / "a.db"
    backup.backup(db, path)
    with pytest.raises(backup.BackupError, match="đã có"):
        backup.backup(db, path)


def test_postgresql_is_pointed_to_pg_dump():
    engine = make_engine("postgresql://u@127.0.0.1:1/x")
    with pytest.raises(backup.BackupError, match="pg_dump"):
        backup.backup(engine, "x.db")

