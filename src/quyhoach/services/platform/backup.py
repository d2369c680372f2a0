"""Backup and restore of the embedded SQLite database (PostgreSQL: pg_dump / pg_restore,
see the README). The backup uses SQLite's online backup API, so it is consistent even while
the app is serving; a restore checks the file before it replaces anything."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa


class BackupError(RuntimeError):
    pass


def _sqlite_path(engine: sa.Engine) -> Path:
    if engine.dialect.name != "sqlite" or not engine.url.database:
        raise BackupError("sao lưu bằng lệnh này chỉ dành cho SQLite; với PostgreSQL dùng pg_dump (xem README)")
    return Path(engine.url.database)


def backup(engine: sa.Engine, target: Path) -> Path:
    source = _sqlite_path(engine)
    target = Path(target)
    if target.exists():
        raise BackupError(f"tệp {target} đã có; chọn tên khác")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    _check(target)
    return target


def _check(path: Path) -> str:
    """The file is a sound quyhoach database: integrity check passes and it has a schema version."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path}: tệp sao lưu bị hỏng (integrity_check)")
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: không phải tệp cơ sở dữ liệu quyhoach ({exc})") from None
    if not row:
        raise BackupError(f"{path}: không có phiên bản lược đồ")
    return row[0]


def restore(engine: sa.Engine, source: Path) -> str:
    """Replace the database with a backup. The current file is kept next to it as *.before-restore."""
    target = _sqlite_path(engine)
    source = Path(source)
    if not source.exists():
        raise BackupError(f"không thấy tệp {source}")
    version = _check(source)
    engine.dispose()
    # Both copies go through SQLite's backup API, which writes through the database's own
    # journal (WAL included), never around it.
    if target.exists():
        keep = target.with_suffix(target.suffix + ".before-restore")
        keep.unlink(missing_ok=True)
        with sqlite3.connect(target) as current, sqlite3.connect(keep) as copy:
            current.backup(copy)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return version
