"""Scale measurements (issue 15; figures in docs/benchmarks.md, "Scale"): a generated province
of N cadres — generation, load through the importer, the whole check in one process, the
spread check on W RQ workers — each step in a fresh process that reports its wall time and
its peak resident memory (resource.getrusage).

    .venv/bin/python tests/bench/scale.py --size 30000 --db postgresql://postgres@127.0.0.1:5432/qh_scale \
        [--workers 1,2 --parts 4 --redis redis://127.0.0.1:6379/7] >> results.jsonl
    .venv/bin/python tests/bench/scale.py --size 102000 --provinces 34 --parts 34 --workers 1,2,4,8 --db ...
    .venv/bin/python tests/bench/scale.py --plot results.jsonl docs/scale.svg

Every step reports the machine's load average when it ended (`load`: 1, 5 and 15 minutes):
the machine is shared, and a figure means little without it.

The database given is emptied first (SQLite: the file removed; PostgreSQL: the public schema
dropped): give one of your own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def _rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def step_generate(size: int, out: str, provinces: int = 0) -> dict:
    """A province of `size` cadres (`sized`), or a country of `provinces` sharing them."""
    from quyhoach.services.records import demo

    gen = demo.generator_module()
    started, cpu = time.perf_counter(), time.process_time()
    rows = gen.country(provinces, size) if provinces else gen.generate(**gen.sized(size))
    made, made_cpu = time.perf_counter() - started, time.process_time() - cpu
    gen.write(rows, out)
    return {"seconds": round(time.perf_counter() - started, 2), "cpu_s": round(time.process_time() - cpu, 2),
            "rows_s": round(made, 2), "rows_cpu_s": round(made_cpu, 2), "rows": {k: len(v) for k, v in rows.items()}}


def step_check_lists(folder: str) -> dict:
    """The generator's own check of the lists written (`generate.py --check`): every list read
    back through the importer's reader, in pieces where it is longer than one file may be."""
    from quyhoach.services.records import demo

    started, cpu = time.perf_counter(), time.process_time()
    figures = demo.generator_module().check(folder)
    return {"seconds": round(time.perf_counter() - started, 2), "cpu_s": round(time.process_time() - cpu, 2),
            "size_mb": figures["size_mb"]}


def step_commands(url: str, instance: str) -> dict:
    """`quyhoach check` as a user runs it, each in its own process (its wall time, CPU and peak
    resident memory from wait4): every pool judged (`--json`), then `--failing` twice (the
    stored verdicts brought up to date: all judged when nothing is stored for the date; then a
    read)."""
    env = {**os.environ, "QUYHOACH_DATABASE_URL": url, "QUYHOACH_INSTANCE_PATH": instance}
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM pool_verdict WHERE on_date = '2026-01-15'"))
    engine.dispose()
    out = {}
    for name, extra in (("full", []), ("failing_cold", ["--failing"]), ("failing_read", ["--failing"])):
        started = time.perf_counter()
        proc = subprocess.Popen([str(BIN / "quyhoach"), "check", "--on", "15/01/2026", "--json", *extra], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _pid, status, usage = os.wait4(proc.pid, 0)
        assert status == 0, proc.stderr.read().decode()[-2000:]
        out[name] = {"seconds": round(time.perf_counter() - started, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
                     "rss_mb": round(usage.ru_maxrss / 1024, 1), "load": [round(x, 1) for x in os.getloadavg()]}
        print(name, out[name], file=sys.stderr, flush=True)
    return out


def step_load(url: str, folder: str) -> dict:
    from sqlmodel import Session

    from quyhoach.db import migrate
    from quyhoach.db.engine import make_engine
    from quyhoach.services.records import demo, reference

    engine = make_engine(url)
    migrate.upgrade(engine)
    started, cpu = time.perf_counter(), time.process_time()
    with Session(engine) as session:
        reference.ensure(session)
        report = demo.load(session, folder=Path(folder))
        assert report.ok, report.problems[:5]
        session.commit()
    return {"seconds": round(time.perf_counter() - started, 2), "cpu_s": round(time.process_time() - cpu, 2)}


def step_check(url: str, before: str = "") -> dict:
    """The world built, then every pool judged three ways in one process: one after the other and
    let go (`judging.each` inside `bulk`, as the stored check and `check --json` judge: the peak
    memory is the world's and one pool's); all kept (`judge_all`, as a page); and, with `before`,
    as judging was before the fourth round (the cyclic garbage collector running meanwhile, every
    judgement kept), for the cost per pool against the size of the world."""
    import datetime as dt
    import gc

    from sqlmodel import Session

    from quyhoach.db.engine import make_engine
    from quyhoach.services.planning import judging, world

    engine = make_engine(url)
    on = dt.date(2026, 1, 15)
    started, cpu = time.perf_counter(), time.process_time()
    with Session(engine) as session:
        built = world.build(session, on)
    build, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    rss_world = _rss_mb()
    pools = len(built.pools)
    out = {"build_s": round(build, 2), "build_cpu_s": round(build_cpu, 2), "pools": pools, "rss_world_mb": rss_world}
    started, cpu = time.perf_counter(), time.process_time()
    with judging.bulk():
        counted = sum(1 for _ in judging.each(built, list(built.pools), on))
    stream_cpu = time.process_time() - cpu
    out.update(stream_s=round(time.perf_counter() - started, 2), stream_cpu_s=round(stream_cpu, 2),
               stream_ms_per_pool=round(stream_cpu / max(counted, 1) * 1000, 3), rss_stream_mb=_rss_mb())
    started, cpu = time.perf_counter(), time.process_time()
    judged = judging.judge_all(built, on)
    judge_cpu = time.process_time() - cpu
    # CPU seconds of this process beside the wall time: on a shared machine the wall time is
    # mostly waiting for a core (the database's own work is in neither)
    out.update(judge_s=round(time.perf_counter() - started, 2), judge_cpu_s=round(judge_cpu, 2),
               judge_ms_per_pool=round(judge_cpu / max(len(judged), 1) * 1000, 3), rss_judge_all_mb=_rss_mb())
    if before:
        del judged
        built.memo.clear()
        gc.collect()
        cpu = time.process_time()
        kept = [judging._judge_pool(built, pool_id, on) for pool_id in built.pools]
        before_cpu = time.process_time() - cpu
        out.update(before_cpu_s=round(before_cpu, 2), before_ms_per_pool=round(before_cpu / max(len(kept), 1) * 1000, 3))
    out["seconds"] = round(build + out["stream_s"] + out["judge_s"], 2)
    return out


def step_stored(url: str) -> dict:
    """The check as `quyhoach check --failing` makes it (services.planning.verdicts): with nothing
    stored for the date (every pool judged and stored), again with nothing written (a read), and
    after one write through the editing service (the touched pools judged again)."""
    import datetime as dt

    import sqlalchemy as sa
    from sqlmodel import Session, select

    from quyhoach.db.engine import make_engine
    from quyhoach.db.models import Cadre, PoolEntry
    from quyhoach.services.planning import verdicts
    from quyhoach.services.records import editing

    engine = make_engine(url)
    on = dt.date(2026, 1, 15)
    with Session(engine) as session:
        session.connection().execute(sa.delete(verdicts.TABLE).where(verdicts.TABLE.c.on_date == on))
        session.commit()

    def timed() -> tuple[float, float, int, int]:
        started, cpu = time.perf_counter(), time.process_time()
        with Session(engine) as session:
            done = verdicts.refresh(session, on)
            session.commit()
            found = verdicts.stored(session, on)
        return (round(time.perf_counter() - started, 2), round(time.process_time() - cpu, 2), done.judged,
                len(found))

    cold, cold_cpu, judged_cold, pools = timed()
    rss_cold = _rss_mb()
    warm, warm_cpu, judged_warm, _ = timed()
    with Session(engine) as session:
        code = session.exec(select(Cadre.code).join(PoolEntry, PoolEntry.cadre_id == Cadre.id)
                            .where(PoolEntry.status == "active").order_by(Cadre.id)).first()
        for year in range(2010, 2026):   # a year this cadre has no rating of yet
            try:
                editing.add_record(session, "evaluations", code, {"period": "Năm", "year": str(year), "rating": "HTTNV"},
                                   reason="Đo hiệu năng: một lần ghi")
                session.commit()
                break
            except editing.EditError:
                session.rollback()
    after, after_cpu, judged_after, _ = timed()
    return {"cold_s": cold, "cold_cpu_s": cold_cpu, "judged_cold": judged_cold, "rss_cold_mb": rss_cold,
            "warm_s": warm, "warm_cpu_s": warm_cpu, "judged_warm": judged_warm, "after_write_s": after,
            "after_write_cpu_s": after_cpu, "judged_after_write": judged_after, "pools": pools}


def _step(name: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--step", name, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _reset(url: str) -> None:
    if url.startswith("sqlite"):
        Path(url.split("///", 1)[1]).unlink(missing_ok=True)
        return
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def _wait_for_workers(redis: str, count: int, timeout: float = 300) -> float:
    """Seconds until `count` RQ workers have registered (each starts the app first: on a loaded
    machine tens of seconds), so that every worker can take a part from the start."""
    import redis as redis_lib

    connection = redis_lib.Redis.from_url(redis)
    started = time.perf_counter()
    def up() -> int:
        for key in connection.smembers("rq:workers"):  # a worker killed earlier leaves its name behind
            if not connection.exists(key):
                connection.srem("rq:workers", key)
        return len(connection.smembers("rq:workers"))

    while up() < count:
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"{count} RQ workers not up after {timeout} s")
        time.sleep(0.5)
    return round(time.perf_counter() - started, 1)


def _cpu_of(pid: int) -> float:
    """CPU seconds of a process and of its children waited for (RQ's forked work-horses), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _database_cpu(url: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to this database now (the workers keep
    theirs open from part to part; the command's own, and a forked work-horse's, are missed):
    PostgreSQL's share of a spread check, beside the workers'. Empty for SQLite."""
    if not url.startswith("postgresql"):
        return {}
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        pids = connection.execute(sa.text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                          "AND pid <> pg_backend_pid()")).scalars().all()
    engine.dispose()
    out = {}
    for pid in pids:
        try:
            out[pid] = _cpu_of(pid)
        except (FileNotFoundError, PermissionError, ProcessLookupError):
            pass
    return out


def spread(url: str, redis: str, workers: int, parts: int, instance: str, *, cold: bool = True,
           no_fork: bool = False) -> dict:
    """The spread check on `workers` RQ worker processes (started here, stopped after; with
    `no_fork`, `quyhoach worker --no-fork`: each part in the worker's process); `cold`: the
    stored verdicts of the date removed first, so that every pool is judged."""
    if cold:
        import sqlalchemy as sa

        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM pool_verdict WHERE on_date = '2026-01-15'"))
        engine.dispose()
    env = {**os.environ, "QUYHOACH_DATABASE_URL": url, "QUYHOACH_REDIS_URL": redis, "QUYHOACH_INSTANCE_PATH": instance}
    command = [str(BIN / "quyhoach"), "worker", *(["--no-fork"] if no_fork else [])]
    procs = [subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) for _ in range(workers)]
    try:
        waited = _wait_for_workers(redis, workers)
        cpu_before = sum(_cpu_of(proc.pid) for proc in procs)
        db_before = _database_cpu(url)
        started = time.perf_counter()
        out = subprocess.run([str(BIN / "quyhoach"), "check", "--spread", str(parts), "--on", "15/01/2026", "--json"],
                             env=env, check=True, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        workers_cpu = sum(_cpu_of(proc.pid) for proc in procs) - cpu_before
        db_after = _database_cpu(url)
        database_cpu = sum(cpu - db_before.get(pid, 0.0) for pid, cpu in db_after.items())
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:  # RQ's warm shutdown waits; these workers are idle
                proc.kill()
                proc.wait(timeout=10)
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:  # the job's own time, without the command's start-up
        began, ended = connection.execute(sa.text(
            "SELECT started_at, finished_at FROM job WHERE kind = 'planning.check' ORDER BY created_at DESC LIMIT 1")).one()
    engine.dispose()
    if isinstance(began, str):  # SQLite
        import datetime as dt

        began, ended = dt.datetime.fromisoformat(began), dt.datetime.fromisoformat(ended)
    combined = json.loads(out.stdout)
    return {"workers": workers, "parts": parts, "cold": cold, "no_fork": no_fork, "command_s": round(seconds, 2),
            "workers_cpu_s": round(workers_cpu, 2), "database_cpu_s": round(database_cpu, 2),
            "job_s": round((ended - began).total_seconds(), 2), "pools": combined["pools"],
            "judged": combined.get("judged"), "workers_up_s": waited, "load": [round(x, 1) for x in os.getloadavg()]}


def measure(size: int, url: str, workers: list[int], parts: list[int], redis: str, generated: str | None = None,
            loaded: bool = False, provinces: int = 0, steps: str = "generate,lists,load,check,stored,commands,spread",
            *, no_fork: bool = False, before: bool = False) -> dict:
    result: dict = {"size": size, "db": url.split(":", 1)[0], "date": time.strftime("%Y-%m-%d"),
                    "machine": f"{os.cpu_count()} cores, {os.uname().machine}, Python {sys.version.split()[0]}"}
    if provinces:
        result["provinces"] = provinces
    wanted = set(steps.split(","))

    def note() -> None:
        print(json.dumps(result, ensure_ascii=False), file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="quyhoach-scale-") as folder:
        if generated:  # lists generated before (`--step generate N DIR`): not generated again
            folder = generated
        elif not loaded and "generate" in wanted:
            result["generate"] = _step("generate", str(size), folder, str(provinces))
            note()
        if "lists" in wanted and not loaded:
            result["check_lists"] = _step("lists", folder)
            note()
        if not loaded and "load" in wanted:   # --loaded: the database holds the province already (`quyhoach demo --size N`)
            _reset(url)
            result["load"] = _step("load", url, folder)
            note()
        if "check" in wanted:
            result["check"] = _step("check", url, *(["before"] if before else []))
            note()
        if "stored" in wanted:
            result["stored"] = _step("stored", url)
            note()
        if "commands" in wanted:
            result["commands"] = step_commands(url, folder)
            note()
        result["spread"] = []
        for p in parts if "spread" in wanted else []:
            for w in workers:
                for cold in (True, False):
                    result["spread"].append(spread(url, redis, w, p, folder, cold=cold, no_fork=no_fork))
                    print(result["spread"][-1], file=sys.stderr, flush=True)
    return result


def plot(results_path: str, svg: str) -> None:
    """Time and memory against cadres, log-log, one line per step and database (a run that
    stopped early plots what it has)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [json.loads(line) for line in Path(results_path).read_text().splitlines() if line.strip().startswith("{")]
    rows = [r for r in rows if not r.get("provinces")]   # a country's runs are in the table, not on these lines
    fig, (ax_time, ax_mem) = plt.subplots(1, 2, figsize=(11, 4.5))

    def line(ax, db, picked, style, label):
        latest = {r["size"]: picked(r) for r in rows if (db is None or r.get("db") == db) and picked(r)}  # last run per size
        points = sorted(latest.items())
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], style, label=label)

    for db in sorted({r["db"] for r in rows if "db" in r}):
        line(ax_time, db, lambda r: r.get("load", {}).get("seconds"), "o-", f"load, wall ({db})")
        line(ax_time, db, lambda r: r.get("load", {}).get("cpu_s"), "o:", f"load, CPU ({db})")
        line(ax_time, db, lambda r: r.get("check", {}).get("build_s"), "s--", f"check: world build, wall ({db})")
        line(ax_time, db, lambda r: r.get("check", {}).get("build_cpu_s"), "s:", f"check: world build, CPU ({db})")
        line(ax_time, db, lambda r: r.get("check", {}).get("judge_s"), "^--", f"check: judging, wall ({db})")
        line(ax_time, db, lambda r: r.get("check", {}).get("judge_cpu_s"), "^:", f"check: judging, CPU ({db})")
        line(ax_mem, db, lambda r: r.get("check", {}).get("rss_mb"), "o-", f"check process ({db})")
        line(ax_mem, db, lambda r: r.get("load", {}).get("rss_mb"), "s--", f"load process ({db})")
        line(ax_mem, db, lambda r: r.get("commands", {}).get("full", {}).get("rss_mb"), "d-.",
             f"`quyhoach check` process ({db})")
    line(ax_time, None, lambda r: r.get("generate", {}).get("seconds"), "x-", "generation, wall")
    line(ax_time, None, lambda r: r.get("generate", {}).get("rows_cpu_s"), "x:", "generation (rows), CPU")
    line(ax_mem, None, lambda r: r.get("generate", {}).get("rss_mb"), "x-", "generation process")
    for ax, label in ((ax_time, "seconds (shared 2-core machine, load 8-13)"), (ax_mem, "peak resident memory, MB")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("cadres")
        ax.set_ylabel(label)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(svg)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int)
    parser.add_argument("--db")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--parts", default="4", help="parts of the spread check; several: each measured (4,34,68)")
    parser.add_argument("--no-fork", action="store_true", help="the workers run each part in their own process")
    parser.add_argument("--before", action="store_true",
                        help="the check step also judges as before the fourth round (collector running, all kept)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--plot", nargs=2, metavar=("RESULTS", "SVG"))
    parser.add_argument("--generated", help="a folder of lists already generated for --size")
    parser.add_argument("--loaded", action="store_true", help="the database holds the province: measure the checks only")
    parser.add_argument("--provinces", type=int, default=0, help="a country of this many provinces sharing --size cadres")
    parser.add_argument("--steps", default="generate,lists,load,check,stored,commands,spread",
                        help="the steps to run, of generate,lists,load,check,stored,commands,spread")
    args = parser.parse_args()
    if args.step:
        name, *rest = args.step
        fn = {"generate": lambda: step_generate(int(rest[0]), rest[1], int(rest[2]) if rest[2:] else 0),
              "lists": lambda: step_check_lists(*rest), "load": lambda: step_load(*rest),
              "check": lambda: step_check(*rest), "stored": lambda: step_stored(*rest)}[name]
        out = fn()
        out["rss_mb"] = _rss_mb()
        out["load"] = [round(x, 1) for x in os.getloadavg()]
        print(json.dumps(out))
        return 0
    if args.plot:
        plot(*args.plot)
        return 0
    workers = [int(w) for w in args.workers.split(",") if w]
    parts = [int(p) for p in args.parts.split(",") if p]
    result = measure(args.size, args.db, workers, parts, args.redis, args.generated, args.loaded, args.provinces,
                     args.steps, no_fork=args.no_fork, before=args.before)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
