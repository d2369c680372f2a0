"""What the tests of background jobs share: the runners on the test database, and the waits
for a job, a solve or a polling partial to finish.

Most tests use the app's runner, which the `app` fixture sets to `jobs.InlineRunner`: a job
runs in the request that queued it, right after the commit, so there is nothing to wait for.
Only the tests of concurrency itself (threads, RQ, a killed worker, stopping a running job)
take `thread_runner` and the waits below. Loaded as a pytest plugin by tests/conftest.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from quyhoach.db.models import Job, SolveRun
from quyhoach import create_app, jobs_registry
from quyhoach.services.platform import jobs

POLL_EVERY = 0.02


def share_engine(engine: sa.Engine, database_url: str) -> None:
    """Jobs run by `jobs.execute` in this process use the test engine (one pool, no file
    handles left open) rather than making their own; the application's job kinds are
    registered, as `create_app` does, for tests that run jobs without an app."""
    jobs._engines.put(database_url, engine)
    jobs_registry.register_all(create_app)


@pytest.fixture
def inline_runner(engine, database_url) -> jobs.InlineRunner:
    """Jobs done in the calling thread, after the commit that queued them."""
    share_engine(engine, database_url)
    return jobs.InlineRunner(database_url)


@pytest.fixture
def thread_runner(engine, database_url) -> Iterator[jobs.ThreadRunner]:
    """The web process's own runner (a thread pool), for the tests of concurrency; shut down
    (queued jobs cancelled, the running one finished) after the test."""
    share_engine(engine, database_url)
    runner = jobs.ThreadRunner(database_url)
    yield runner
    runner.pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture
def app_thread_runner(app, thread_runner) -> jobs.ThreadRunner:
    """The app's jobs on the thread pool instead of inline (tests of a running job's pages)."""
    app.extensions["quyhoach.jobs"] = thread_runner
    return thread_runner


def _until(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found is not None:
            return found
        if time.monotonic() >= deadline:
            raise AssertionError(what)
        time.sleep(POLL_EVERY)


def wait_for_job(engine: sa.Engine, job_id: str, statuses: Iterable[str] = jobs.FINISHED,
                 timeout: float = 20.0) -> Job:
    """The job once its status is one of `statuses` (by default: finished)."""
    wanted = tuple(statuses)
    last: list[str] = []

    def check() -> Job | None:
        with Session(engine, expire_on_commit=False) as session:
            job = jobs.get(session, job_id)
            last[:] = [job.status if job else "missing"]
            return job if job is not None and job.status in wanted else None

    return _until(check, timeout, f"job {job_id} still {last} after {timeout} s, not {wanted}")


def wait_for_run(engine: sa.Engine, run_id: int, timeout: float = 60.0) -> SolveRun:
    """A solve run once it is no longer queued or running."""
    def check() -> SolveRun | None:
        with Session(engine, expire_on_commit=False) as session:
            run = session.get(SolveRun, run_id)
            return run if run.status not in ("queued", "running") else None

    return _until(check, timeout, f"solve run {run_id} did not finish")


def poll_partial(client, url: str, timeout: float = 60.0) -> str:
    """Get a self-polling htmx partial as htmx does, until it stops asking to be polled."""
    def check() -> str | None:
        response = client.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 200, response.status_code
        page = response.get_data(as_text=True)
        return page if 'hx-trigger="every 1s"' not in page else None

    return _until(check, timeout, f"{url} never stopped polling")


class HeldRunner:
    """A runner that keeps the jobs it is given until the test runs them (`run_all`): to
    see a page while its job is still queued, without a thread."""

    name = "held"

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.held: list[str] = []

    def enqueue(self, job_id: str) -> None:
        self.held.append(job_id)

    def run_all(self) -> list[str]:
        done, self.held = self.held, []
        for job_id in done:
            jobs.execute(job_id, self.database_url)
        return done


@pytest.fixture
def app_held_runner(app, engine, database_url) -> HeldRunner:
    """The app's jobs held until the test runs them."""
    share_engine(engine, database_url)
    runner = HeldRunner(database_url)
    app.extensions["quyhoach.jobs"] = runner
    return runner
