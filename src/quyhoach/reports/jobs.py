"""The background job of kind "report" (registered in `quyhoach.jobs_registry`): a report made outside the web request, with its
progress, written as files under the instance folder (`<instance>/reports/<job id>/`).

payload: {"kind": "term-planning" | "dossier" | "evaluations", "params": {...},
          "formats": ["docx", "pdf", "xlsx"], "out_dir": "<absolute folder>"}
result:  {"files": {format: file name}, "errors": {format: reason}, "title": ..., "counts": {...}}
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from sqlmodel import Session

from quyhoach.domain.phrase import Phrase, stored
from quyhoach.reports.lang import N_
from quyhoach.services.platform import jobs

_apps: dict[str, Flask] = {}
_lock = threading.Lock()
# How a worker that has no app for a database makes one (the application factory, given by
# `quyhoach.jobs_registry.register_all`: the reports layer does not import the layer above it).
_app_factory: Callable[[dict[str, Any]], Flask] | None = None


def set_app_factory(factory: Callable[[dict[str, Any]], Flask]) -> None:
    global _app_factory
    _app_factory = factory


def register_app(app: Flask) -> None:
    """The web app remembers itself here, so a report job run on its threads renders the PDF
    with the app's templates; a worker elsewhere makes its own app."""
    with _lock:
        _apps[app.config["DATABASE_URL"]] = app


def _app_for(url: str) -> Flask:
    with _lock:
        app = _apps.get(url)
    if app is None:
        if _app_factory is None:
            raise RuntimeError("reports.jobs: no app factory (quyhoach.jobs_registry.register_all sets it)")
        app = _app_factory({"DATABASE_URL": url})
        register_app(app)
    return app


def make_report(ctx: jobs.JobContext) -> dict:
    from quyhoach import reports
    from quyhoach.services.planning import world as world_service

    payload = ctx.payload
    out_dir = Path(payload["out_dir"])
    out_dir.mkdir(parents=True, exist_ok=True)
    app = _app_for(payload.get("database_url") or ctx.engine.url.render_as_string(hide_password=False))
    def progress(fraction: float, message: str, *, force: bool = False) -> None:
        """The step in Vietnamese (the job's message) and, for a Phrase, its words (the job's
        detail), which the report's page says in the reader's language."""
        ctx.progress(fraction, message, {"words": stored(message)[1]}, force=force)

    progress(0.01, Phrase(N_("Bắt đầu")), force=True)
    with Session(ctx.engine) as session:
        world = world_service.cached(session)
        built = reports.build(session, world, app, payload["kind"], payload.get("params") or {},
                              payload.get("formats") or reports.FORMATS, progress=progress)
    files = {}
    for fmt, data in built.files.items():
        name = built.filename(fmt)
        (out_dir / name).write_bytes(data)
        files[fmt] = name
    return {"files": files, "errors": built.errors, "title": built.title, "counts": built.counts}


EDITED_TEXTS = ("assessment", "direction", "proposals")


def last_texts(session: Session, unit_code: str, term_code: str) -> dict[str, str]:
    """What the officer wrote in the term-planning report's assessment, direction and
    proposals the last time the report of this scope (a unit's subtree, "" for the province)
    and term was made: the texts are kept in the report job's params, so the form offers
    them again and nothing typed is lost. {} when the report was never made with texts."""
    from sqlmodel import select

    from quyhoach.db.models import Job

    def param(name: str):
        return Job.payload[("params", name)].as_string()      # a JSON path: SQLite and PostgreSQL alike

    query = (select(Job.payload).where(Job.kind == "report", Job.payload["kind"].as_string() == "term-planning",
                                       param("term") == term_code)
             .order_by(Job.created_at.desc(), Job.id.desc()))
    if unit_code:
        query = query.where(param("unit") == unit_code)
    else:
        query = query.where(param("unit").is_(None))
    for payload in session.exec(query.limit(1)):
        asked = payload.get("params") or {}
        return {name: str(asked.get(name) or "") for name in EDITED_TEXTS}
    return {}
