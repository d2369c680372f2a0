"""Engine and session handling, shared by the web app, the CLI and the tests."""

from __future__ import annotations

from contextlib import contextmanager
from collections.abc import Iterator

import sqlalchemy as sa
import sqlalchemy.orm
from sqlmodel import Session

from quyhoach.db import outside_writes


def make_engine(url: str) -> sa.Engine:
    """An engine for SQLite (the embedded default) or PostgreSQL."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - driver hook
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    # the app's connections say who they are: a write on another connection is one made
    # outside the app, and the planning facts are then rebuilt whole (db.outside_writes)
    # (added to any `options` the URL gives, e.g. a search_path, which the argument would replace)
    given = sa.engine.make_url(url).query.get("options")
    given = " ".join(given) if isinstance(given, tuple) else given
    # JIT off: the app's queries are short, and PostgreSQL's estimate of a large province's
    # search made it compile one for 0.8 s (docs/benchmarks.md, "A 30,000-cadre province served")
    ours = f"-c jit=off {outside_writes.CONNECT_OPTIONS}"
    options = f"{given} {ours}" if given else ours
    return sa.create_engine(url, pool_pre_ping=True, connect_args={"options": options})


@contextmanager
def transaction(engine: sa.Engine) -> Iterator[Session]:
    """One unit of work: commits at the end, rolls everything back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


# --------------------------------------------------------------------------- withdrawn records

@sa.event.listens_for(Session, "do_orm_execute")
def _hide_withdrawn(state: sa.orm.ORMExecuteState) -> None:
    """A withdrawn record (a wrong evaluation, posting, vote, discipline or relation, kept for
    the history) is left out of every ORM query, declared here once rather than remembered in
    each query. The few readers that must see them (the dossier's history and editing, the
    import matching a row to an existing record) ask with the execution option
    `include_withdrawn=True` or run in a session whose `info["include_withdrawn"]` is set."""
    if not state.is_select or state.execution_options.get("include_withdrawn", False):
        return
    if state.session.info.get("include_withdrawn"):
        return
    state.statement = state.statement.options(*_withdrawn_criteria())


def _withdrawn_criteria() -> list[sa.orm.LoaderCriteriaOption]:
    global _CRITERIA
    if _CRITERIA is None:
        from quyhoach.db.models import WithdrawnFields

        tables = [cls for cls in WithdrawnFields.__subclasses__() if hasattr(cls, "__table__")]
        _CRITERIA = [sa.orm.with_loader_criteria(cls, cls.withdrawn_at.is_(None), include_aliases=True)
                     for cls in tables]
    return _CRITERIA


_CRITERIA: list[sa.orm.LoaderCriteriaOption] | None = None


@contextmanager
def including_withdrawn(session: Session) -> Iterator[Session]:
    """Run a block that must see withdrawn records (the import's matching, the editing)."""
    before = session.info.get("include_withdrawn")
    session.info["include_withdrawn"] = True
    try:
        yield session
    finally:
        if before is None:
            session.info.pop("include_withdrawn", None)
        else:
            session.info["include_withdrawn"] = before
