"""Every kind of background job the application runs, beside the function that does it:
one list, read by `create_app` (and so `quyhoach worker`) and by any process that runs a job
without an app. A new kind is one line here."""

from __future__ import annotations

from quyhoach.services.platform import jobs


def register_all() -> None:
    """Register the application's job kinds in this process (idempotent)."""
    from quyhoach.reports import jobs as report_jobs
    from quyhoach.services.rotation import solving

    jobs.register(solving.JOB_KIND, solving.solve_job, on_lost=solving.abandoned)
    jobs.register("report", report_jobs.make_report)
