"""CPU of each page of the load mix, read and first visited after a write, in one process.

    .venv/bin/python tests/bench/pages_after_write.py --database-url postgresql://postgres@127.0.0.1:5432/qh_x

Signs in as bantochuc (the demo accounts), visits the fifteen pages of `load.py --every-page`
until warm, then times each page three times (read), and after each of `--writes` ratings
written through the app's own engine (a patch, as another process's write) times each page
again (the first visit after a write). Prints the median CPU time of the request (Flask test
client, no network), which a shared machine's load does not inflate as it does wall time.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from quyhoach import create_app  # noqa: E402
from quyhoach.services.records.demo import DEMO_PASSWORD  # noqa: E402
from tests.bench.test_planning_bench import _writer  # noqa: E402

HX = {"HX-Request": "true"}
PARTIALS = ("/quy-hoach/ra-soat/tien-do", "/can-bo/?q=thi")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--writes", type=int, default=4)
    args = parser.parse_args()
    app = create_app({"DATABASE_URL": args.database_url, "INSTANCE_PATH": tempfile.mkdtemp(), "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "SLOW_REQUEST_MS": 0})
    client = app.test_client()
    assert client.post("/dang-nhap", data={"username": "bantochuc", "password": DEMO_PASSWORD}).status_code == 302
    code = re.findall(r'href="/can-bo/(CB\d+)"', client.get("/can-bo/?q=thi", headers=HX).get_data(as_text=True))[0]
    pool = re.findall(r'href="/quy-hoach/(\d+)"', client.get("/quy-hoach/").get_data(as_text=True))[0]
    unit = re.findall(r'href="/to-chuc/([A-Z0-9-]+)"', client.get("/to-chuc/").get_data(as_text=True))[3]
    pages = {"home": "/", "dashboard": "/quy-hoach/", "review": "/quy-hoach/ra-soat",
             "progress": "/quy-hoach/ra-soat/tien-do", "danh-gia": "/danh-gia/", "danh-gia-unit": f"/danh-gia/don-vi/{unit}",
             "cadre-list": "/can-bo/", "unit-tree": "/to-chuc/", "rotating": "/can-bo/dang-luan-chuyen",
             "history": f"/can-bo/{code}/lich-su", "search": "/can-bo/?q=thi", "dossier": f"/can-bo/{code}",
             "pool": f"/quy-hoach/{pool}", "unit": f"/to-chuc/{unit}", "forecast": "/quy-hoach/du-bao"}

    def visit(path: str) -> float:
        started = time.process_time()
        response = client.get(path, headers=HX if path in PARTIALS else {})
        assert response.status_code == 200, (path, response.status_code)
        return (time.process_time() - started) * 1000

    read: dict[str, list[float]] = {k: [] for k in pages}
    after: dict[str, list[float]] = {k: [] for k in pages}
    for _ in range(2):
        for path in pages.values():
            visit(path)
    for _ in range(3):
        for kind, path in pages.items():
            read[kind].append(visit(path))
    write = _writer(app.extensions["quyhoach.engine"])
    write()
    write()                      # the first real change, then back: both patched and visited
    for path in pages.values():
        visit(path)
    for _ in range(args.writes):
        write()
        for kind, path in pages.items():
            after[kind].append(visit(path))
    total_read = total_after = 0.0
    for kind in pages:
        r, a = statistics.median(read[kind]), statistics.median(after[kind])
        total_read, total_after = total_read + r, total_after + a
        print(f"{kind:14s} read {r:7.1f} ms   first after a write {a:7.1f} ms")
    print(f"{'all':14s} read {total_read:7.1f} ms   first after a write {total_after:7.1f} ms")


if __name__ == "__main__":
    main()
