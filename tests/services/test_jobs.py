"""The life cycle of background jobs (queued, running, done, failed, stopped) inline, on
the in-process thread runner and on RQ (when QUYHOACH_TEST_REDIS_URL is set, as in CI); a
job is queued only when the transaction that made it commits."""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid

import pytest
from sqlmodel import Session

from quyhoach.db.models import Job, utcnow
from quyhoach.services.platform import jobs
from tests.support.jobs import share_engine, wait_for_job as wait

REDIS_URL = os.environ.get("QUYHOACH_TEST_REDIS_URL")


def _echo(ctx: jobs.JobContext) -> dict:
    for step in range(3):
        ctx.progress((step + 1) / 3, f"bước {step + 1}/3", {"step": step + 1}, force=True)
    return {"echo": ctx.payload["text"]}


def _fail(ctx: jobs.JobContext) -> dict:
    ctx.progress(0.5, "nửa đường", force=True)
    raise ValueError("dữ liệu đầu vào không hợp lệ")


def _loop(ctx: jobs.JobContext) -> dict:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ctx.progress(0.1, "đang chạy", force=True)
        time.sleep(0.05)
    return {"finished": True}


for _kind, _fn in (("test.echo", _echo), ("test.fail", _fail), ("test.loop", _loop)):
    jobs.register(_kind, _fn)


@pytest.fixture
def runner(inline_runner):
    return inline_runner


def test_a_job_runs_to_done_with_progress_and_result(engine, runner):
    with Session(engine, expire_on_commit=False) as session:
        job = jobs.submit(session, runner, "test.echo", {"text": "xin chào"}, "Thử")
        assert job.status == jobs.QUEUED
        session.commit()
    done = wait(engine, job.id)
    assert done.status == jobs.DONE and done.result == {"echo": "xin chào"}
    assert done.progress == 1.0 and done.detail == {"step": 3} and done.message == "bước 3/3"
    assert done.started_at is not None and done.finished_at is not None and done.attempts == 1


def test_a_failing_job_records_the_error_and_can_be_retried(engine, runner):
    with Session(engine, expire_on_commit=False) as session:
        job = jobs.submit(session, runner, "test.fail", {"x": 1})
        session.commit()
    failed = wait(engine, job.id)
    assert failed.status == jobs.FAILED and "không hợp lệ" in failed.error and failed.result == {}
    with Session(engine) as session:
        again = jobs.retry(session, job.id)
        session.commit()
        assert again.id != job.id and again.payload == {"x": 1} and again.status == jobs.QUEUED


def test_a_running_job_stops_on_request(engine, thread_runner):
    with Session(engine, expire_on_commit=False) as session:
        job = jobs.submit(session, thread_runner, "test.loop", {})
        session.commit()
    wait(engine, job.id, statuses=(jobs.RUNNING,))
    with Session(engine) as session:
        jobs.request_stop(session, job.id)
        session.commit()
    stopped = wait(engine, job.id)
    assert stopped.status == jobs.STOPPED and stopped.result == {}


def test_a_queued_job_stopped_never_runs(engine, database_url):
    share_engine(engine, database_url)
    with Session(engine) as session:
        job_id = jobs.create(session, "test.echo", {"text": "x"}).id
        session.commit()
        jobs.request_stop(session, job_id)
        session.commit()
    jobs.execute(job_id, database_url)
    with Session(engine) as session:
        assert session.get(Job, job_id).status == jobs.STOPPED
        assert session.get(Job, job_id).started_at is None


def test_a_job_whose_worker_died_is_marked_failed_and_retryable(engine):
    with Session(engine) as session:
        job = jobs.create(session, "test.echo", {"text": "x"})
        job.status, job.started_at = jobs.RUNNING, utcnow() - dt.timedelta(minutes=5)
        job.heartbeat_at = utcnow() - dt.timedelta(minutes=5)
        session.add(job)
        session.commit()
        seen = jobs.get(session, job.id)
        assert seen.status == jobs.FAILED and "dừng đột ngột" in seen.error
        assert not session.dirty and not session.new     # the read wrote nothing in its session
        assert jobs.retry(session, job.id).status == jobs.QUEUED


def test_stale_jobs_are_reaped_in_their_own_transaction(engine):
    with Session(engine) as session:
        old = jobs.create(session, "test.echo", {"text": "x"})
        old.status, old.heartbeat_at = jobs.RUNNING, utcnow() - dt.timedelta(minutes=5)
        fresh = jobs.create(session, "test.echo", {"text": "y"})
        fresh.status, fresh.heartbeat_at = jobs.RUNNING, utcnow()
        session.add_all([old, fresh])
        session.commit()
        old_id, fresh_id = old.id, fresh.id
    assert jobs.reap_stale(engine) == [old_id]
    with Session(engine) as session:
        assert session.get(Job, old_id).status == jobs.FAILED
        assert session.get(Job, fresh_id).status == jobs.RUNNING


def test_a_job_is_queued_only_when_its_transaction_commits(engine, runner):
    with Session(engine, expire_on_commit=False) as session:
        job = jobs.submit(session, runner, "test.echo", {"text": "chưa"})
        assert session.get(Job, job.id).status == jobs.QUEUED     # not run before the commit
        session.commit()
    assert wait(engine, job.id, timeout=0).result == {"echo": "chưa"}


def test_a_rolled_back_transaction_queues_nothing(engine, runner, monkeypatch):
    queued: list[str] = []
    monkeypatch.setattr(runner, "enqueue", queued.append)
    with Session(engine) as session:
        job_id = jobs.submit(session, runner, "test.echo", {"text": "x"}).id
        session.rollback()
        session.commit()                     # a later commit does not queue the forgotten job
    with Session(engine) as session:
        jobs.submit(session, runner, "test.echo", {"text": "y"})
    # closed without committing: nothing either
    assert queued == []
    with Session(engine) as session:
        assert session.get(Job, job_id) is None


def test_an_unknown_kind_fails_clearly(engine, runner):
    with Session(engine, expire_on_commit=False) as session:
        job = jobs.submit(session, runner, "khong.co", {})
        session.commit()
    assert "không có bộ xử lý" in wait(engine, job.id).error


@pytest.mark.skipif(not REDIS_URL, reason="QUYHOACH_TEST_REDIS_URL is not set")
def test_the_same_jobs_run_on_rq(engine, database_url):
    from rq import SimpleWorker

    share_engine(engine, database_url)
    runner = jobs.RQRunner(database_url, REDIS_URL, queue=f"quyhoach-test-{uuid.uuid4().hex[:8]}")
    with Session(engine, expire_on_commit=False) as session:
        ok = jobs.submit(session, runner, "test.echo", {"text": "qua Redis"})
        bad = jobs.submit(session, runner, "test.fail", {})
        session.commit()
    SimpleWorker([runner.queue], connection=runner.connection).work(burst=True)
    assert wait(engine, ok.id).result == {"echo": "qua Redis"}
    assert wait(engine, bad.id).status == jobs.FAILED
    runner.queue.delete(delete_jobs=True)


@pytest.mark.slow
def test_a_worker_killed_mid_run_leaves_no_result_and_the_job_can_be_retried(engine, database_url, monkeypatch):
    """The worker process is killed with SIGKILL while the job runs: the job is found
    abandoned, marked failed with nothing in its result, and runs again from a retry."""
    import signal
    import subprocess
    import sys
    from pathlib import Path

    import tests.support.slow_job  # noqa: F401 - registers the kind here too

    with Session(engine, expire_on_commit=False) as session:
        job = jobs.create(session, "test.slow", {})
        session.commit()
    root = Path(__file__).resolve().parents[2]
    worker = subprocess.Popen([sys.executable, "-m", "tests.support.slow_job", job.id, database_url], cwd=root)
    try:
        wait(engine, job.id, statuses=(jobs.RUNNING,), timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with Session(engine) as session:
                if session.get(Job, job.id).detail.get("step", 0) >= 3:
                    break
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    monkeypatch.setattr(jobs, "STALE_AFTER", dt.timedelta(0))     # its heartbeat stopped with it
    with Session(engine, expire_on_commit=False) as session:
        lost = jobs.get(session, job.id)
        assert lost.status == jobs.FAILED and lost.result == {} and "dừng đột ngột" in lost.error
        again = jobs.retry(session, job.id)
        session.commit()
    assert again.status == jobs.QUEUED and again.kind == "test.slow"
