"""Configuration: defaults here, overrides from QUYHOACH_* environment variables.

QUYHOACH_DATABASE_URL   SQLAlchemy URL; default: SQLite file in the instance folder
QUYHOACH_INSTANCE_PATH  where the SQLite file and uploads live (default ./instance)
QUYHOACH_SECRET_KEY     session signing key; a random one is generated and kept in the instance folder
QUYHOACH_LANGUAGE       default UI language (vi)
QUYHOACH_REDIS_URL      when set, background jobs go to RQ on this Redis (run `quyhoach worker`)
QUYHOACH_JOB_THREADS    without Redis: how many jobs run at once in the web process (default 1)
QUYHOACH_SESSION_MINUTES idle minutes before a signed-in session expires (default 30)
QUYHOACH_SECURE_COOKIES  1 when served over HTTPS (behind the reverse proxy): cookies marked Secure (default 0)
QUYHOACH_PROXIES         how many reverse proxies stand in front (nginx: 1): the client's address is then read
                         from their X-Forwarded-For (default 0: the header is ignored, it could be forged)
QUYHOACH_MAX_CONTENT_LENGTH  largest upload in bytes (default 32 MB)
QUYHOACH_IMPORT_MAX_ROWS     rows one imported file may have (default 200,000)
QUYHOACH_IMPORT_MAX_CELLS    cells one imported file may have (default 6,000,000)
QUYHOACH_IMPORT_MAX_UNPACKED_MB  unpacked size of an .xlsx/.ods (default 400 MB; bombs are refused)
QUYHOACH_UPLOAD_KEEP_HOURS   a checked upload not imported is removed after this (default 24)
QUYHOACH_SLOW_REQUEST_MS     a request slower than this is logged (warning: path, wall and CPU time; default 500, 0: none)
QUYHOACH_WARM                1: a web process works out the planning figures before it serves (web/warm.py; default 0)
QUYHOACH_LOG_LEVEL           the app's messages to stderr from this level (INFO, WARNING...; `serve`: INFO; default none)
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

PREFIX = "QUYHOACH_"


def instance_path() -> Path:
    return Path(os.environ.get(PREFIX + "INSTANCE_PATH", "instance")).resolve()


def shared_secret(path: Path) -> str:
    """The random secret kept in `path`, made on first use. Several processes starting at once
    (gunicorn workers) all read the same one: the secret is written to a private temporary
    file, then linked in place (atomic, and refused when another process got there first), so
    no process ever reads a half-written file or keeps a secret the others do not have."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()


def _secret_key(folder: Path) -> str:
    return shared_secret(folder / "secret_key")


PRIVATE_UMASK = 0o077   # what the process creates: files 0600, folders 0700


def make_private(folder: Path, database_url: str = "") -> None:
    """Everything the app writes is readable by the service account only, decided here once:
    the process's umask (the SQLite file and its journal, backups, uploads, reports, keys and
    anchors, whoever creates them), the instance folder 0700 and a SQLite file made by an
    earlier version 0600."""
    os.umask(PRIVATE_UMASK)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    if database_url.startswith("sqlite:///"):
        database = Path(database_url.removeprefix("sqlite:///"))
        for path in (database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
            if path.is_file():
                path.chmod(0o600)


def load(overrides: dict | None = None) -> dict:
    """The app's configuration: defaults < environment < explicit overrides."""
    folder = instance_path()
    make_private(folder)
    config = {
        "INSTANCE_PATH": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'quyhoach.db'}",
        "LANGUAGE": "vi",
        "LANGUAGES": ["vi", "en"],
        "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
        "SEARCH_LIMIT": 50,
        "REDIS_URL": "",
        "JOB_THREADS": 1,
        "SESSION_MINUTES": 30,
        "SECURE_COOKIES": 0,
        "PROXIES": 0,
        "IMPORT_MAX_ROWS": 200_000,
        "IMPORT_MAX_CELLS": 6_000_000,
        "IMPORT_MAX_UNPACKED_MB": 400,
        "UPLOAD_KEEP_HOURS": 24,
        "SLOW_REQUEST_MS": 500,
        "WARM": 0,
        "LOG_LEVEL": "",
    }
    for key in list(config) + ["SECRET_KEY"]:
        value = os.environ.get(PREFIX + key)
        if value is not None and key not in ("LANGUAGES",):
            config[key] = int(value) if isinstance(config.get(key), int) else value
    config.update(overrides or {})
    make_private(Path(config["INSTANCE_PATH"]), str(config["DATABASE_URL"]))
    if "SECRET_KEY" not in config:
        config["SECRET_KEY"] = _secret_key(folder)
    return config


def log_to_stderr(level: str | int = logging.INFO) -> None:
    """What the app tells an operator (slow requests, world rebuilds, full garbage collections,
    a process warmed), written to stderr from `level` up: `quyhoach serve`, and gunicorn
    processes through QUYHOACH_LOG_LEVEL (make serve-prod)."""
    logger = logging.getLogger("quyhoach")
    if not any(getattr(h, "_quyhoach", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(process)d]: %(message)s"))
        handler._quyhoach = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(level)
