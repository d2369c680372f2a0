"""Every kind of background job the application runs, beside the function that does it:
one list, read by `create_app` (and so `quyhoach worker`) and by any process that runs a job
without an app. A new kind is one line here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from quyhoach.services.platform import jobs


def register_all(app_factory: Callable[[dict[str, Any]], Flask]) -> None:
    """Register the application's job kinds in this process (idempotent). `app_factory` makes
    the app a report job renders with when its process has none for that database."""
    from quyhoach.reports import jobs as report_jobs
    from quyhoach.services.planning import check_jobs

    report_jobs.set_app_factory(app_factory)

    # "rotation.solve" is services.rotation.solving.JOB_KIND: the rotation services are imported
    # when a solve runs or is found abandoned, not by every process that starts (`quyhoach check`)
    jobs.register("rotation.solve", _solving("solve_job"), on_lost=_solving("abandoned"))
    jobs.register("report", report_jobs.make_report)
    jobs.register_spread(check_jobs.KIND, check_jobs.check_part, check_jobs.combine)


def _solving(name: str) -> Callable[..., Any]:
    """services.rotation.solving's function `name`, imported on the first call."""
    def call(*args: Any) -> Any:
        from quyhoach.services.rotation import solving

        return getattr(solving, name)(*args)

    call.__name__ = call.__qualname__ = name
    return call
