"""One database session per request. Handlers commit once; anything else rolls back."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlmodel import Session


def engine() -> sa.Engine:
    return current_app.extensions["quyhoach.engine"]


def session() -> Session:
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def _close(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.rollback()  # nothing uncommitted survives a request
        db_session.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_close)
