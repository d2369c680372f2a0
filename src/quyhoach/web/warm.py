"""A web process made ready before it serves (`QUYHOACH_WARM=1`, as `make serve-prod` sets it).

At 30,000 cadres the first page of a new process builds the planning world (≈ 1 s), reads the
stored verdicts and the Đánh giá ledger (≈ 1.3 s) and works out the province's figures: 2–3 s
of CPU that the first users would wait for, and every gunicorn worker restarted after
`--max-requests` would make someone wait again. Done in the app factory instead, a worker takes
no request before it is ready (the others serve meanwhile). Nothing here is required: a
database not migrated yet, or any failure, is logged and the process starts as without it.
"""

from __future__ import annotations

import logging
import time

from flask import Flask
from sqlmodel import Session

_log = logging.getLogger(__name__)


def warm(app: Flask) -> None:
    """The planning world of today and the province's figures the first pages read, worked out."""
    from quyhoach.services.evaluations import analytics
    from quyhoach.services.planning import forecast, review_views, verdicts, world as world_service

    started = time.perf_counter()
    try:
        with app.app_context(), Session(app.extensions["quyhoach.engine"], expire_on_commit=False) as session:
            world = world_service.cached(session)
            verdicts.judgements(session, world)
            forecast.vacancy_forecast(session, world)
            review_views.review_worklist(session, world)
            analytics.evaluation_analytics(session, world)
    except Exception:   # noqa: BLE001 - a process that cannot warm still starts (and says why)
        _log.exception("warming the planning figures failed; the first pages will work them out")
        return
    _log.info("planning figures ready in %.1f s", time.perf_counter() - started)
