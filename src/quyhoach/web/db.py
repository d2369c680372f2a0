"""One database session per request. Handlers commit once; anything else rolls back. A request
that committed a planning change brings the process's planning facts up to date before it
answers (`world.after_write`): the writer's next page shows the write, and the readers of this
process never wait for that patch."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, Response, current_app, g
from sqlmodel import Session

from quyhoach.services.planning import changes, world as world_service
from quyhoach.services.platform import heap


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


def _catch_up(response: Response) -> Response:
    db_session = g.get("db_session")
    if db_session is not None and changes.committed(db_session) is not None:
        world_service.after_write(db_session)
    heap.request_ended()
    return response


def init_app(app: Flask) -> None:
    app.after_request(_catch_up)
    app.teardown_appcontext(_close)
