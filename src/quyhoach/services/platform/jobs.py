"""Background jobs: a solve or a report runs outside the web request, and its state lives
in the database (table `job`) so that any page, process or host can follow it.

Three runners, one code path: without configuration, jobs run on a small thread pool in the
web process (nothing to install for `make run`); with QUYHOACH_REDIS_URL they go to RQ on
Redis and any number of `quyhoach worker` processes take them; the tests run them inline
(`InlineRunner`). Either way `execute(job_id)` does the work: it marks the job running, calls
the handler registered for its kind with a `JobContext` (progress, stop requests, heartbeat),
and stores the result, the error or the stop. A handler writes its own results in one
transaction at the very end, so a failed or stopped job leaves nothing half-written.

Kinds are registered explicitly (`register(kind, handler, on_lost=...)`), all in one list:
`quyhoach.jobs_registry.register_all`, called by `create_app` (so by `quyhoach worker`, whose
RQ work-horses are forked from it) and by any process started only to run a job. The platform
never imports the features above it: a kind nobody registered fails with a clear message.

A job is handed to its runner only once the transaction that created it commits
(`enqueue_after_commit`): a worker never looks for a row it cannot see yet, and a request
that rolls back queues nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy import orm
from sqlmodel import Session, select

from quyhoach.db.engine import make_engine
from quyhoach.db.models import Job, utcnow

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED, STOPPED = "queued", "running", "done", "failed", "stopped"
FINISHED = (DONE, FAILED, STOPPED)
# A running job whose heartbeat is older than this is taken as lost (its worker died).
STALE_AFTER = dt.timedelta(seconds=60)


class StopRequested(Exception):
    """Raised inside a handler when the user pressed Stop."""


@dataclass
class JobContext:
    job_id: str
    engine: sa.Engine
    payload: dict[str, Any]
    _last_write: float = 0.0
    _stop: bool = False

    def progress(self, fraction: float, message: str = "", detail: dict[str, Any] | None = None,
                 *, force: bool = False) -> None:
        """Record progress (0..1) with a message; written at most twice a second unless forced.
        Raises StopRequested when the user asked to stop."""
        now = time.monotonic()
        if not force and now - self._last_write < 0.5:
            return
        self._last_write = now
        with Session(self.engine) as session:
            job = session.get(Job, self.job_id)
            job.progress = max(0.0, min(1.0, fraction))
            job.message = message[:500]
            if detail is not None:
                job.detail = detail
            job.heartbeat_at = utcnow()
            self._stop = job.stop_requested
            session.add(job)
            session.commit()
        if self._stop:
            raise StopRequested()

    def should_stop(self) -> bool:
        """Cheap check for handlers that poll (a solver callback): reads the flag at most
        once a second."""
        now = time.monotonic()
        if now - self._last_write >= 1.0:
            with Session(self.engine) as session:
                self._stop = bool(session.exec(select(Job.stop_requested).where(Job.id == self.job_id)).one())
                session.execute(sa.update(Job).where(Job.id == self.job_id).values(heartbeat_at=utcnow()))
                session.commit()
            self._last_write = now
        return self._stop


Handler = Callable[[JobContext], dict[str, Any]]
OnLost = Callable[[Session, Job], None]
# Combines the results of a spread job's parts (in part order) into the job's result.
Combine = Callable[[list[dict[str, Any]]], dict[str, Any]]
# The kinds this process knows: kind -> the function that does the work.
HANDLERS: dict[str, Handler] = {}
# What to tidy when a job of a kind is found abandoned by a dead worker: fn(session, job).
ON_LOST: dict[str, OnLost] = {}


# Spread kinds: kind -> the function that combines its parts' results.
COMBINE: dict[str, Combine] = {}


def part_kind(kind: str) -> str:
    return f"{kind}.part"


def register(kind: str, fn: Handler, *, on_lost: OnLost | None = None) -> None:
    """Say which function does the work of a job kind (and, optionally, what to tidy when a
    job of that kind is found abandoned). Registering a kind again replaces it."""
    HANDLERS[kind] = fn
    if on_lost is not None:
        ON_LOST[kind] = on_lost
    else:
        ON_LOST.pop(kind, None)


def register_spread(kind: str, part: Handler, combine: Combine) -> None:
    """A kind whose work is split into parts (`submit_spread`): `part` does one part (a job of
    kind `part_kind(kind)`, taken by any runner or worker like any job) and `combine` makes
    the job's result from the parts' results once the last part has finished."""
    register(part_kind(kind), part)
    COMBINE[kind] = combine


# --------------------------------------------------------------------------- submit, follow

def create(session: Session, kind: str, payload: dict[str, Any], title: str = "", *, owner: str | None = None) -> Job:
    job = Job(id=str(uuid.uuid4()), kind=kind, payload=payload, title=title[:300], owner=owner)
    session.add(job)
    session.flush()
    return job


def _stale(job: Job) -> bool:
    if job.status != RUNNING or job.heartbeat_at is None:
        return False
    beat = job.heartbeat_at if job.heartbeat_at.tzinfo else job.heartbeat_at.replace(tzinfo=dt.UTC)
    return utcnow() - beat > STALE_AFTER


def get(session: Session, job_id: str) -> Job | None:
    """The job as it stands. Never writes in the caller's transaction: a job whose worker
    died is marked failed by `reap_stale`, in its own short transaction, and read again.
    Always read from the database: a worker changes the row behind this session's back."""
    job = session.get(Job, job_id, populate_existing=True)
    if job is not None and _stale(job) and reap_stale(session.get_bind(), job_id):
        session.refresh(job)
    return job


def reap_stale(engine: sa.Engine, job_id: str | None = None) -> list[str]:
    """Mark failed the running jobs (all, or the one asked) whose heartbeat stopped: their
    worker died. Each kind tidies what it leaves behind (`on_lost`). Its own transaction,
    committed here, so a page that only reads never commits its own session."""
    with Session(engine) as session:
        query = select(Job).where(Job.status == RUNNING)
        if job_id is not None:
            query = query.where(Job.id == job_id)
        reaped = []
        for job in session.exec(query).all():
            if not _stale(job):
                continue
            job.status, job.error = FAILED, "tiến trình xử lý đã dừng đột ngột; có thể chạy lại"
            job.finished_at = utcnow()
            session.add(job)
            if job.kind in ON_LOST:
                ON_LOST[job.kind](session, job)
            reaped.append(job.id)
        if reaped:
            session.commit()
        spreads = {p for p in (session.get(Job, i).payload.get("spread") for i in reaped) if p}
    for spread_id in spreads:  # a lost part finishes its spread job (failed) once the others are done
        part_finished(engine, spread_id)
    return reaped


def request_stop(session: Session, job_id: str) -> Job | None:
    job = session.get(Job, job_id)
    if job is None or job.status in FINISHED:
        return job
    for part_id in job.payload.get("parts", []):  # a spread job: stop its parts too
        request_stop(session, part_id)
    if job.status == QUEUED:
        job.status, job.finished_at, job.message = STOPPED, utcnow(), "đã dừng trước khi chạy"
    job.stop_requested = True
    session.add(job)
    session.flush()
    return job


def retry(session: Session, job_id: str) -> Job:
    """A failed or stopped job again, with the same inputs (a new job)."""
    old = session.get(Job, job_id)
    if old is None or old.status not in (FAILED, STOPPED):
        raise ValueError("chỉ chạy lại được việc đã lỗi hoặc đã dừng")
    return create(session, old.kind, dict(old.payload), old.title)


# --------------------------------------------------------------------------- do the work

def execute(job_id: str, database_url: str) -> None:
    """Do one job (called by a runner thread, an RQ worker or the inline runner). The process
    registered its kinds first (`quyhoach.jobs_registry.register_all`, run by `create_app`)."""
    engine = _engines.get(database_url)
    with Session(engine) as session:
        job = session.get(Job, job_id)
        if job is None or job.status != QUEUED or job.stop_requested:
            return
        job.status, job.started_at, job.heartbeat_at = RUNNING, utcnow(), utcnow()
        job.attempts += 1
        session.add(job)
        session.commit()
        kind, payload = job.kind, dict(job.payload)
    context = JobContext(job_id, engine, payload)
    try:
        fn = HANDLERS.get(kind)
        if fn is None:
            raise RuntimeError(f"không có bộ xử lý cho loại việc «{kind}»")
        result = fn(context)
        status, error = DONE, None
    except StopRequested:
        result, status, error = {}, STOPPED, None
    except Exception as exc:  # the job records the failure; the worker lives on
        log.exception("job %s failed", job_id)
        result, status = {}, FAILED
        error = (str(exc) or exc.__class__.__name__)[:500] + "\n" + traceback.format_exc()[-1400:]
    with Session(engine) as session:
        job = session.get(Job, job_id)
        job.status, job.result, job.error, job.finished_at = status, result or {}, error, utcnow()
        if status == DONE:
            job.progress = 1.0
        if status == STOPPED:
            job.message = "đã dừng theo yêu cầu"
        session.add(job)
        session.commit()
    if payload.get("spread"):
        part_finished(engine, payload["spread"])


def submit_spread(session: Session, runner, kind: str, parts: list[dict[str, Any]], title: str = "", *,
                  owner: str | None = None, payload: dict[str, Any] | None = None) -> Job:
    """A job split into parts: one job of `kind` that follows, and one job of `part_kind(kind)`
    per payload in `parts`, each handed to the runner on commit, so that as many workers as
    there are take them. The spread job is never run itself: it is running from the start, its
    progress is the share of parts finished, and when the last part finishes its result is
    `COMBINE[kind]` of the parts' results (failed if a part failed, stopped if one was stopped).
    Stopping it stops the parts."""
    spread = create(session, kind, dict(payload or {}), title, owner=owner)
    spread.status, spread.started_at = RUNNING, utcnow()  # no heartbeat: its parts have theirs
    ids = []
    for index, part in enumerate(parts):
        job = create(session, part_kind(kind), {**part, "spread": spread.id, "index": index},
                     f"{title} ({index + 1}/{len(parts)})", owner=owner)
        enqueue_after_commit(session, runner, job.id)
        ids.append(job.id)
    spread.payload = {**spread.payload, "parts": ids}
    spread.message = f"0/{len(ids)} phần đã xong"
    session.add(spread)
    session.flush()
    if not ids:  # nothing to split: done at once, with the combination of no part
        spread.status, spread.progress, spread.finished_at = DONE, 1.0, utcnow()
        spread.result = COMBINE[kind]([])
    return spread


def part_finished(engine: sa.Engine, spread_id: str) -> None:
    """Count the finished parts of a spread job; the last one combines. The spread row is
    written first (PostgreSQL locks the row, SQLite the database), so two parts finishing at
    once are counted one after the other and only one of them combines."""
    with Session(engine) as session:
        claimed = session.execute(sa.update(Job).where(Job.id == spread_id, Job.status == RUNNING)
                                  .values(heartbeat_at=None))
        if not claimed.rowcount:
            return
        spread = session.get(Job, spread_id, populate_existing=True)
        ids = list(spread.payload.get("parts", []))
        # the parts' statuses only: their results (a part's verdicts in short) are read once, by
        # the last part to finish (reading them at every part made the spread quadratic in parts)
        status = dict(session.execute(select(Job.id, Job.status).where(Job.id.in_(ids))).all())  # type: ignore[attr-defined]
        done_count = sum(1 for i in ids if status[i] in FINISHED)
        spread.progress = done_count / len(ids) if ids else 1.0
        spread.message = f"{done_count}/{len(ids)} phần đã xong"
        if done_count == len(ids):
            parts = {j.id: j for j in session.exec(select(Job).where(Job.id.in_(ids))).all()}  # type: ignore[attr-defined]
            finished = [parts[i] for i in ids]
            statuses = {j.status for j in finished}
            spread.finished_at = utcnow()
            if FAILED in statuses:
                spread.status = FAILED
                spread.error = "; ".join(f"phần {j.payload.get('index', 0) + 1}: {(j.error or '').splitlines()[0]}"
                                         for j in finished if j.status == FAILED)[:2000]
            elif STOPPED in statuses:
                spread.status, spread.message = STOPPED, "đã dừng theo yêu cầu"
            else:
                spread.status, spread.progress = DONE, 1.0
                spread.result = COMBINE[spread.kind]([dict(parts[i].result) for i in ids])
        session.add(spread)
        session.commit()


class _Engines:
    """One engine per database URL per process (a worker may serve several)."""

    def __init__(self) -> None:
        self._engines: dict[str, sa.Engine] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> sa.Engine:
        with self._lock:
            if url not in self._engines:
                self._engines[url] = make_engine(url)
            return self._engines[url]

    def put(self, url: str, engine: sa.Engine) -> None:
        with self._lock:
            self._engines[url] = engine


_engines = _Engines()


# --------------------------------------------------------------------------- runners

class ThreadRunner:
    """The embedded default: jobs run on threads of the web process."""

    name = "thread"

    def __init__(self, database_url: str, workers: int = 1) -> None:
        self.database_url = database_url
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="quyhoach-job")

    def enqueue(self, job_id: str) -> None:
        self.pool.submit(execute, job_id, self.database_url)


class InlineRunner:
    """The job done at once in the calling thread (after the commit that queued it): for
    tests that do not test concurrency, so they need not wait on threads."""

    name = "inline"

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def enqueue(self, job_id: str) -> None:
        execute(job_id, self.database_url)


class RQRunner:
    """Jobs on RQ (Redis): `quyhoach worker` processes, here or on other hosts, take them."""

    name = "rq"

    def __init__(self, database_url: str, redis_url: str, queue: str = "quyhoach") -> None:
        from redis import Redis
        from rq import Queue

        self.database_url = database_url
        self.connection = Redis.from_url(redis_url)
        self.queue = Queue(queue, connection=self.connection)

    def enqueue(self, job_id: str) -> None:
        self.queue.enqueue(execute, job_id, self.database_url, job_id=job_id, job_timeout=3600,
                           result_ttl=3600, failure_ttl=24 * 3600)


def make_runner(database_url: str, redis_url: str | None, workers: int = 1):
    if redis_url:
        return RQRunner(database_url, redis_url)
    return ThreadRunner(database_url, workers)


_PENDING = "quyhoach.jobs.pending"


def enqueue_after_commit(session: Session, runner, job_id: str) -> None:
    """Hand the job to the runner when `session`'s transaction commits; forget it if the
    transaction rolls back or the session closes without committing."""
    session.info.setdefault(_PENDING, []).append((runner, job_id))


@sa.event.listens_for(orm.Session, "after_commit")
def _enqueue_pending(session: orm.Session) -> None:
    for runner, job_id in session.info.pop(_PENDING, []):
        runner.enqueue(job_id)


@sa.event.listens_for(orm.Session, "after_transaction_end")
def _forget_pending(session: orm.Session, transaction: orm.SessionTransaction) -> None:
    # The outermost transaction ended without a commit (rollback, close): nothing queued.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def submit(session: Session, runner, kind: str, payload: dict[str, Any], title: str = "", *,
           owner: str | None = None) -> Job:
    """Create a job, to be handed to the runner when the caller commits (the worker must
    see the row). Flushes only, as every service: the caller commits once. `owner`: the
    user who asked for it."""
    job = create(session, kind, payload, title, owner=owner)
    enqueue_after_commit(session, runner, job.id)
    return job
