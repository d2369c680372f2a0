"""Luân chuyển benchmarks on the demo province (871 posts, ~1,100 cadres, ~13,000 candidate moves).

Targets (issue 5): the comparison page of 4 plans served in ≤ 150 ms; 20 concurrent users
polling a running solve's progress partial on loopback with no errors (p50/p95 reported).
Run with `make bench`; figures in docs/benchmarks.md.
"""

from __future__ import annotations

import datetime as dt
import http.client
import socket
import statistics
import threading
import time

import pytest
from sqlmodel import Session, SQLModel

import solver
from quyhoach import create_app
from quyhoach.db.engine import make_engine
from quyhoach.db.models import SolveRun
from quyhoach.services.records import demo
from quyhoach.services.platform import jobs
from quyhoach.services.records import reference
from quyhoach.services import rotation
from quyhoach.services.rotation import views

DATE = dt.date(2026, 12, 1)
USERS, POLLS_PER_USER, LOAD_SECONDS = 20, 40, 60


def _variants() -> list[tuple[str, rotation.ScenarioSettings]]:
    base = rotation.ScenarioSettings(time_limit=30)
    women = rotation.ScenarioSettings(time_limit=30)
    women.targets["female"] = rotation.TargetSetting(rotation.SOFT, 0.35)
    few = rotation.ScenarioSettings(time_limit=30, weights={"fit": 1, "development": 1, "structure": 50, "moves": 40,
                                                            "baseline": 0})
    mixed = rotation.ScenarioSettings(time_limit=30, non_local=rotation.SOFT)
    mixed.targets["minority"] = rotation.TargetSetting(rotation.SOFT, 0.3)
    mixed.targets["young"] = rotation.TargetSetting(rotation.SOFT, 0.15)
    return [("Mặc định", base), ("Nữ 35%", women), ("Ít lượt điều động", few), ("Cơ cấu đầy đủ", mixed)]


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """The demo province with four solved scenarios, solved the way the pages solve them
    (start_solve, the job on a thread, the figures kept in the job's result)."""
    folder = tmp_path_factory.mktemp("rotation")
    url = f"sqlite:///{folder / 'demo.db'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        reference.ensure(session)
        assert demo.load(session, demo.DEMO).ok
        session.commit()
    jobs._engines.put(url, engine)
    runner = jobs.ThreadRunner(url)
    run_ids = []
    with Session(engine, expire_on_commit=False) as session:
        for name, settings in _variants():
            scenario = rotation.create(session, name=name, rotation_date=DATE, settings=settings)
            session.commit()
            run_ids.append(rotation.start_solve(session, runner, scenario).id)
            session.commit()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        with Session(engine) as session:
            runs = [session.get(SolveRun, i) for i in run_ids]
            if all(r.status not in ("queued", "running") for r in runs):
                break
        time.sleep(0.2)
    with Session(engine) as session:
        runs = [session.get(SolveRun, i) for i in run_ids]
        assert all(r.status == "done" for r in runs), [r.status for r in runs]
        assert len(runs[0].problem["posts"]) >= 800 and len(runs[0].problem["candidates"]) >= 10_000
        assert runs[0].moves >= 40
    yield {"url": url, "engine": engine, "runs": run_ids, "folder": folder, "runner": runner}
    runner.pool.shutdown(wait=True, cancel_futures=True)
    engine.dispose()


def _app(province, tmp_path):
    app = create_app({"DATABASE_URL": province["url"], "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "b",
                      "LOGIN_DISABLED": True, "WTF_CSRF_ENABLED": False})
    app.extensions["quyhoach.jobs"] = province["runner"]
    return app


def test_comparison_of_four_provincial_plans(benchmark, province, tmp_path):
    """GET /luan-chuyen/so-sanh with 4 runs: the plans and their stored figures, no solving,
    no world, no 3 MB problem read."""
    client = _app(province, tmp_path).test_client()
    views._memo.clear()
    url = "/luan-chuyen/so-sanh?" + "&".join(f"run={i}" for i in province["runs"])
    response = benchmark(client.get, url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('class="num plan-col"') == 4 and "Cán bộ được điều động" in html
    assert not views._memo, "the figures came from the jobs' results, not from the problems"
    assert benchmark.stats.stats.median <= 0.150


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _slow_solve(problem, options):
    """A solve held open for the load test: it reports progress like the real one until stopped."""
    start = time.monotonic()
    while time.monotonic() - start < LOAD_SECONDS + 30:
        elapsed = time.monotonic() - start
        options.progress(solver.Progress("search", elapsed, 56_000 + int(elapsed * 10), 56_500, 0.005))
        if options.stop():
            return solver.Plan(status="feasible", objective=56_000, bound=56_500, gap=0.005)
        time.sleep(0.05)
    raise AssertionError("the held solve was never stopped")


def test_twenty_users_poll_a_running_solve(benchmark, province, tmp_path, monkeypatch):
    """20 threads, each a user whose page polls the progress partial over a kept-alive
    connection, against waitress on 127.0.0.1; bounded in requests and time."""
    from waitress.server import create_server

    monkeypatch.setattr(solver, "solve", _slow_solve)
    app = _app(province, tmp_path)
    with Session(province["engine"], expire_on_commit=False) as session:
        scenario = rotation.create(session, name="Đang giải", rotation_date=DATE,
                                   settings=rotation.ScenarioSettings(time_limit=60))
        session.commit()
        run = rotation.start_solve(session, province["runner"], scenario)
        session.commit()
    port = _free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    path = f"/luan-chuyen/run/{run.id}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:        # wait until the solve is running
        with Session(province["engine"]) as session:
            if session.get(SolveRun, run.id).status == "running":
                break
        time.sleep(0.05)

    def load():
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + LOAD_SECONDS

        def user(n: int) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                for _ in range(POLLS_PER_USER):
                    if time.monotonic() > stop_at:
                        break
                    t0 = time.perf_counter()
                    try:
                        connection.request("GET", path, headers={"HX-Request": "true"})
                        response = connection.getresponse()
                        body = response.read().decode()
                        ok = response.status == 200 and 'hx-trigger="every 1s"' in body
                    except (OSError, http.client.HTTPException) as exc:
                        ok, body = False, repr(exc)
                        connection.close()
                        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    elapsed = time.perf_counter() - t0
                    with lock:
                        latencies.append(elapsed)
                        if not ok:
                            errors.append(body[:200])
                    time.sleep(max(0.0, 0.25 - elapsed))   # a user polls every 1 s; 4× that here
            finally:
                connection.close()

        threads = [threading.Thread(target=user, args=(n,)) for n in range(USERS)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(LOAD_SECONDS + 15)
        return latencies, errors, time.perf_counter() - started

    try:
        latencies, errors, wall = benchmark.pedantic(load, rounds=1, iterations=1)
    finally:
        with Session(province["engine"]) as session:
            jobs.request_stop(session, run.job_id)
            session.commit()
        server.close()
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    benchmark.extra_info.update({"requests": len(latencies), "errors": len(errors), "p50_ms": round(p50 * 1000, 1),
                                 "p95_ms": round(p95 * 1000, 1), "throughput_rps": round(len(latencies) / wall, 1)})
    print(f"\n20 users polling: {len(latencies)} requests in {wall:.1f} s, {len(errors)} errors, "
          f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
    assert not errors, errors[:3]
    assert len(latencies) == USERS * POLLS_PER_USER
