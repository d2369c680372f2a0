"""Load test (Trust issue): N concurrent signed-in users on loopback for T seconds against the
demo province — pages, search as you type, dossiers, pool pages, the progress partial of a
solve — counting errors and measuring latency percentiles.

    .venv/bin/python tests/bench/load.py --users 20 --seconds 60      (make load)

The summary gives the percentiles of every request and of each kind of page, the load
average at the end, and the server's CPU time per request (on a machine shared with other
work, wall-clock percentiles mostly measure the wait for a core; the CPU time does not).

It builds its own demo database in a temporary folder, serves it with waitress in a child
process on 127.0.0.1, and talks only to that address. Every loop is bounded in time and in
requests; the server is stopped at the end. Prints a JSON summary.

    .venv/bin/python tests/bench/load.py --users 20 --seconds 60 --writes-every 2

adds another officer who changes a yearly rating every 2 s, committed from this process (as
another web process would), and puts the planning dashboard and the Đánh giá page — the pages
whose figures a write moves — in every user's mix: the server brings its planning world up to
date from the change log on the next request (issue 15), and the reads right after a write
are counted with the others; each user's first page after a write is also counted under
`first-after-write`.

Against a province already loaded (issue 15: 30,000 cadres on PostgreSQL), served by one
waitress process or by gunicorn processes sharing Redis, as `make serve-prod` runs them:

    .venv/bin/python tests/bench/load.py --database-url postgresql://postgres@127.0.0.1:5432/qh_x \
        --instance /tmp/x --every-page [--server gunicorn --processes 2 --redis redis://127.0.0.1:6379/6] \
        [--writes-every 2]

`--every-page` adds the list pages (cadres, units, the Đánh giá page and a unit's, the
dashboard, a cadre's history, the review) to every user's mix. The summary gives the server's
resident memory at the end (each process: RSS and its peak, MiB).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far (Linux), 0 where it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def server_pids(pid: int) -> list[int]:
    """The server and its children (gunicorn's workers), read from /proc."""
    pids, found = [pid], [pid]
    while found:
        children = []
        for parent in found:
            try:
                children += [int(x) for x in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
            except OSError:
                pass
        pids += children
        found = children
    return pids


def memory_mb(pid: int) -> dict[str, float]:
    """A process's resident memory now and at its peak (VmRSS, VmHWM), MiB."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[{"VmRSS": "rss", "VmHWM": "peak"}[key]] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        pass
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(instance: Path) -> None:
    env = {**os.environ, "QUYHOACH_INSTANCE_PATH": str(instance)}
    for args in (["db", "upgrade"], ["demo"]):
        subprocess.run([str(BIN / "quyhoach"), *args], env=env, check=True, capture_output=True)


def targets(base: str, opener) -> dict[str, list[str]]:
    """URLs to visit, read from the app itself."""
    search = opener.open(f"{base}/can-bo/?q=thi").read().decode()
    codes = re.findall(r'href="/can-bo/(CB\d+)"', search)[:30]
    dash = opener.open(f"{base}/quy-hoach/").read().decode()
    pools = re.findall(r'href="/quy-hoach/(\d+)"', dash)[:30]
    tree = opener.open(f"{base}/to-chuc/").read().decode()
    units = re.findall(r'href="/to-chuc/([A-Z0-9-]+)"', tree)[:30]
    return {"codes": codes, "pools": pools, "units": units}


def sign_in(base: str, username: str, password: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/dang-nhap").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()
    opener.open(f"{base}/dang-nhap", data=body).read()
    return opener


def every_page(base: str, found: dict, rng: random.Random) -> tuple[str, str, dict]:
    """One of the pages a user reaches from the menu, beyond the mix of searches and dossiers."""
    kind = rng.choice(["cadre-list", "unit-tree", "danh-gia", "danh-gia-unit", "dashboard", "history", "review",
                       "rotating"])
    code = rng.choice(found["codes"]) if found["codes"] else ""
    unit = rng.choice(found["units"]) if found["units"] else ""
    return kind, {"cadre-list": f"{base}/can-bo/", "unit-tree": f"{base}/to-chuc/", "danh-gia": f"{base}/danh-gia/",
                  "danh-gia-unit": f"{base}/danh-gia/don-vi/{unit}", "dashboard": f"{base}/quy-hoach/",
                  "history": f"{base}/can-bo/{code}/lich-su", "review": f"{base}/quy-hoach/ra-soat",
                  "rotating": f"{base}/can-bo/dang-luan-chuyen"}[kind], {}


def user_loop(base, opener, found, deadline, max_requests, latencies, errors, lock, seed, think, writes=False,
              by_kind=None, all_pages=False, written=None):
    by_kind = {} if by_kind is None else by_kind
    written = [] if written is None else written
    rng = random.Random(seed)
    words = ["lo", "thi", "nguyen", "van", "hoa", "giang", "tran", "mai", "duc", "lan"]
    done, seen_writes = 0, 0
    while time.monotonic() < deadline and done < max_requests:
        choice = rng.random()
        after_write = len(written) > seen_writes
        seen_writes = len(written)
        if all_pages and choice < 0.25:
            kind, url, headers = every_page(base, found, rng)
        elif writes and choice < 0.15:
            kind = rng.choice(["dashboard", "danh-gia"])
            url, headers = f"{base}/{'quy-hoach/' if kind == 'dashboard' else 'danh-gia/'}", {}
        elif choice < 0.35:
            prefix = rng.choice(words)[: rng.randint(1, 4)]
            kind, url, headers = "search", f"{base}/can-bo/?q={prefix}", {"HX-Request": "true"}
        elif choice < 0.55 and found["codes"]:
            kind, url, headers = "dossier", f"{base}/can-bo/{rng.choice(found['codes'])}", {}
        elif choice < 0.75 and found["pools"]:
            kind, url, headers = "pool", f"{base}/quy-hoach/{rng.choice(found['pools'])}", {}
        elif choice < 0.85 and found["units"]:
            kind, url, headers = "unit", f"{base}/to-chuc/{rng.choice(found['units'])}", {}
        elif choice < 0.95:
            kind, url, headers = "home", f"{base}/", {}
        else:
            kind, url, headers = "progress", f"{base}/quy-hoach/ra-soat/tien-do", {"HX-Request": "true"}
        request = urllib.request.Request(url, headers=headers)
        started = time.perf_counter()
        try:
            with opener.open(request, timeout=10) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except Exception as exc:  # connection errors count as errors
            status = repr(exc)
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(elapsed)
            by_kind.setdefault(kind, []).append(elapsed)
            if after_write:
                by_kind.setdefault("first-after-write", []).append(elapsed)
            if status != 200:
                errors.append((url, status))
        done += 1
        if think:
            # a person reads before the next click; a progress partial polls every second
            time.sleep(rng.uniform(0.5 * think, 1.5 * think))


def writer_loop(instance: Path, every: float, deadline: float, written: list, url: str | None = None) -> None:
    """Another officer: a yearly rating changed back and forth every `every` seconds, committed
    through a session of this process (not the server's), so the server learns of it only from
    the database."""
    os.environ["QUYHOACH_INSTANCE_PATH"] = str(instance)
    if url:
        os.environ["QUYHOACH_DATABASE_URL"] = url
    from sqlmodel import Session, select

    from quyhoach import create_app
    from quyhoach.db.models import Evaluation

    engine = create_app().extensions["quyhoach.engine"]
    with Session(engine) as session:
        ids = session.exec(select(Evaluation.id).where(Evaluation.period == "year").order_by(Evaluation.id)
                           .limit(50)).all()
    n = 0
    while time.monotonic() + every < deadline:
        time.sleep(every)
        with Session(engine) as session:
            row = session.get(Evaluation, ids[n % len(ids)])
            row.rating = "excellent" if row.rating != "excellent" else "good"
            session.add(row)
            session.commit()
        n += 1
        written.append(time.monotonic())
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=20_000, help="per user")
    parser.add_argument("--threads", type=int, default=8, help="server threads")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds between one user's requests (0: no pause, a stress test)")
    parser.add_argument("--writes-every", type=float, default=0,
                        help="seconds between two writes by another officer (0: reads only)")
    parser.add_argument("--database-url", default="",
                        help="serve this database, already loaded (default: the demo province in a new SQLite file)")
    parser.add_argument("--instance", default="", help="with --database-url: the instance folder (session key)")
    parser.add_argument("--server", choices=["waitress", "gunicorn"], default="waitress")
    parser.add_argument("--processes", type=int, default=2, help="gunicorn: web processes")
    parser.add_argument("--redis", default="", help="QUYHOACH_REDIS_URL for the server (gunicorn: as serve-prod)")
    parser.add_argument("--every-page", action="store_true", help="the list pages and the Đánh giá page in the mix")
    parser.add_argument("--server-log", default="", help="the server's output to this file (default: dropped)")
    parser.add_argument("--accounts", default="bantochuc,thuongvu,xem", help="signed-in users, in turn")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(args.instance or folder)
        env = {**os.environ, "QUYHOACH_INSTANCE_PATH": str(instance)}
        env.pop("QUYHOACH_REDIS_URL", None)
        if args.redis:
            env["QUYHOACH_REDIS_URL"] = args.redis
        if args.database_url:
            env["QUYHOACH_DATABASE_URL"] = args.database_url
        else:
            env.pop("QUYHOACH_DATABASE_URL", None)
            prepare(instance)
        port = free_port()
        if args.server == "gunicorn":
            command = [str(BIN / "gunicorn"), "--workers", str(args.processes), "--threads", str(args.threads),
                       "--bind", f"127.0.0.1:{port}", "--timeout", "120", "quyhoach:create_app()"]
        else:
            command = [str(BIN / "quyhoach"), "serve", "--host", "127.0.0.1", "--port", str(port),
                       "--threads", str(args.threads)]
        log = open(args.server_log, "ab") if args.server_log else subprocess.DEVNULL
        server = subprocess.Popen(command, env=env, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/dang-nhap", timeout=1).read()
                    break
                except Exception:
                    time.sleep(0.2)
            from quyhoach.services.records.demo import DEMO_PASSWORD

            accounts = args.accounts.split(",")
            first = sign_in(base, accounts[0], DEMO_PASSWORD)
            found = targets(base, first)
            # What a process works out once and keeps (the planning facts, every pool judged, the
            # Đánh giá ledger) is worked out before the measure, as in use: every page that does so
            # visited until a whole pass is quick (gunicorn: each process has had its turn).
            warm = ["/", "/quy-hoach/", "/quy-hoach/ra-soat", "/quy-hoach/ra-soat/tien-do"]
            warm += ["/danh-gia/"] if args.writes_every > 0 or args.every_page else []
            processes = args.processes if args.server == "gunicorn" else 1
            warm_started = time.perf_counter()
            for done_passes in range(1, 4 * processes + 1):
                started = time.perf_counter()
                for path in warm:
                    first.open(f"{base}{path}", timeout=600).read()
                if done_passes >= processes and time.perf_counter() - started < 0.5 * len(warm):
                    break
            warm_s = time.perf_counter() - warm_started
            openers = [sign_in(base, accounts[i % len(accounts)], DEMO_PASSWORD) for i in range(args.users)]
            latencies: list[float] = []
            by_kind: dict[str, list[float]] = {}
            errors: list = []
            lock = threading.Lock()
            deadline = time.monotonic() + args.seconds
            written: list[float] = []
            threads = [threading.Thread(target=user_loop, args=(base, openers[i], found, deadline, args.max_requests,
                                                                latencies, errors, lock, i, args.think,
                                                                args.writes_every > 0, by_kind, args.every_page,
                                                                written))
                       for i in range(args.users)]
            if args.writes_every > 0:
                threads.append(threading.Thread(target=writer_loop, args=(instance, args.writes_every, deadline, written,
                                                                          args.database_url or None)))
            started = time.monotonic()
            pids = server_pids(server.pid)
            cpu_before = sum(cpu_seconds(pid) for pid in pids)
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=args.seconds + 30)
            wall = time.monotonic() - started
            server_cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
            memory = {str(pid): memory_mb(pid) for pid in server_pids(server.pid)}
        finally:
            server.terminate()
            try:
                server.wait(timeout=40)   # gunicorn lets its workers finish their requests
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    summary = {
        "server": args.server if args.server == "waitress" else f"gunicorn x{args.processes}",
        "database": args.database_url.rsplit("/", 1)[-1] if args.database_url else "demo (SQLite)",
        "warm_s": round(warm_s, 1),
        "users": args.users, "think_s": args.think, "writes": len(written),
        "seconds": round(wall, 1), "requests": len(latencies), "errors": len(errors),
        "throughput_rps": round(len(latencies) / wall, 1), "p50_ms": round(quantiles[49], 1),
        "p95_ms": round(quantiles[94], 1), "p99_ms": round(quantiles[98], 1), "max_ms": round(max(latencies), 1),
        "error_samples": errors[:5],
        # per page: requests, p50 and p95 (ms)
        "pages": {kind: [len(values), round(statistics.median(values), 1),
                         round(statistics.quantiles(values, n=100)[94], 1) if len(values) > 1 else round(values[0], 1)]
                  for kind, values in sorted(by_kind.items())},
        "load_average": [round(x, 2) for x in os.getloadavg()],
        # what the requests cost the server, whatever the waiting for a core on a shared machine
        "server_cpu_ms_per_request": round(server_cpu * 1000 / len(latencies), 1) if latencies else 0,
        # each server process (gunicorn: the arbiter, then the workers): resident memory now and at its peak
        "server_memory_mb": memory,
    }
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
