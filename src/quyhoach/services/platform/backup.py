"""Backup and restore of the embedded SQLite database (PostgreSQL: pg_dump / pg_restore,
see the README). The backup uses SQLite's online backup API, so it is consistent even while
the app is serving; a restore checks the file before it replaces anything."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from quyhoach.services.platform import audit


class BackupError(RuntimeError):
    pass


def _sqlite_path(engine: sa.Engine) -> Path:
    if engine.dialect.name != "sqlite" or not engine.url.database:
        raise BackupError("sao lưu bằng lệnh này chỉ dành cho SQLite; với PostgreSQL dùng pg_dump (xem README)")
    return Path(engine.url.database)


def anchor_file(target: Path) -> Path:
    """The side file that keeps the audit head a backup was taken at."""
    return target.with_name(target.name + ".audit-head.json")


def backup(engine: sa.Engine, target: Path, *, session: Session | None = None, actor: str | None = None) -> Path:
    """Copy the database to `target`, created readable by the service account only. The
    audit head the copy holds is written beside it (`*.audit-head.json`); then the backup is
    logged in the live database and the new head anchored in the instance folder."""
    source = _sqlite_path(engine)
    target = Path(target)
    if target.exists():
        raise BackupError(f"tệp {target} đã có; chọn tên khác")
    target.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # private from the start
    try:
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        _check(target)
        audit.save_anchor(_head_of(target), f"backup:{target.name}", anchor_file(target))
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    db = Session(engine) if session is None else session
    try:
        audit.record(db, "backup.create", f"backup:{target.name}", actor=actor)
        db.commit()
        audit.anchor(db, f"backup:{target.name}")
    finally:
        if session is None:
            db.close()
    return target


def _head_of(path: Path) -> audit.Anchor:
    """The audit head inside a backup file."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        row = db.execute("SELECT seq, last_hash, keyed_from FROM audithead WHERE id = 1").fetchone()
    return audit.Anchor(*row) if row else audit.Anchor(0, "", 1)


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
    _restart_anchors(engine, source)
    return version


def _restart_anchors(engine: sa.Engine, source: Path) -> None:
    """A restore rolls the audit log back on purpose: the anchors taken since are moved aside
    (kept, not deleted), the backup's own anchor carried over, and the restore itself logged
    and anchored."""
    anchors = audit.anchors_path()
    if anchors.exists():
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        anchors.rename(anchors.with_name(f"{anchors.stem}.before-restore-{stamp}{anchors.suffix}"))
    side = anchor_file(source)
    if side.exists():
        fd = os.open(anchors, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(side.read_text(encoding="utf-8"))
    with Session(engine) as db:
        audit.record(db, "backup.restore", f"backup:{source.name}")
        db.commit()
        audit.anchor(db, f"restore:{source.name}")
