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
are counted with the others.
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


def user_loop(base, opener, found, deadline, max_requests, latencies, errors, lock, seed, think, writes=False,
              by_kind=None):
    by_kind = {} if by_kind is None else by_kind
    rng = random.Random(seed)
    words = ["lo", "thi", "nguyen", "van", "hoa", "giang", "tran", "mai", "duc", "lan"]
    done = 0
    while time.monotonic() < deadline and done < max_requests:
        choice = rng.random()
        if writes and choice < 0.15:
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
            if status != 200:
                errors.append((url, status))
        done += 1
        if think:
            # a person reads before the next click; a progress partial polls every second
            time.sleep(rng.uniform(0.5 * think, 1.5 * think))


def writer_loop(instance: Path, every: float, deadline: float, written: list) -> None:
    """Another officer: a yearly rating changed back and forth every `every` seconds, committed
    through a session of this process (not the server's), so the server learns of it only from
    the database."""
    os.environ["QUYHOACH_INSTANCE_PATH"] = str(instance)
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        prepare(instance)
        port = free_port()
        env = {**os.environ, "QUYHOACH_INSTANCE_PATH": str(instance)}
        server = subprocess.Popen([str(BIN / "quyhoach"), "serve", "--host", "127.0.0.1", "--port", str(port),
                                   "--threads", str(args.threads)], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/dang-nhap", timeout=1).read()
                    break
                except Exception:
                    time.sleep(0.2)
            from quyhoach.services.records.demo import DEMO_PASSWORD

            first = sign_in(base, "bantochuc", DEMO_PASSWORD)
            found = targets(base, first)
            first.open(f"{base}/quy-hoach/").read()  # the planning facts are built once, as in use
            openers = [sign_in(base, ["bantochuc", "thuongvu", "xem"][i % 3], DEMO_PASSWORD) for i in range(args.users)]
            latencies: list[float] = []
            by_kind: dict[str, list[float]] = {}
            errors: list = []
            lock = threading.Lock()
            deadline = time.monotonic() + args.seconds
            threads = [threading.Thread(target=user_loop, args=(base, openers[i], found, deadline, args.max_requests,
                                                                latencies, errors, lock, i, args.think,
                                                                args.writes_every > 0, by_kind))
                       for i in range(args.users)]
            written: list[float] = []
            if args.writes_every > 0:
                first.open(f"{base}/danh-gia/").read()
                threads.append(threading.Thread(target=writer_loop, args=(instance, args.writes_every, deadline, written)))
            started = time.monotonic()
            cpu_before = cpu_seconds(server.pid)
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=args.seconds + 30)
            wall = time.monotonic() - started
            server_cpu = cpu_seconds(server.pid) - cpu_before
        finally:
            server.terminate()
            server.wait(timeout=10)
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    summary = {
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
    }
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
