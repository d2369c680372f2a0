"""The organisation tree's single requests on a loaded province (issue 15: the unit tree at
30,000 cadres): CPU, SQL time and size of each response, as the officer of the provincial
board (bantochuc) gets them through the Flask test client in this one process.

    QUYHOACH_INSTANCE_PATH=/tmp/qh-tree .venv/bin/python -m tests.bench.tree_pages \
        postgresql://postgres@127.0.0.1:5432/qh_tree [--repeat 10]

Each URL is asked once to warm (templates compiled, caches filled), then `--repeat` times;
the figures are the median and the range of those. `time.process_time` is this process's
CPU (the app and the driver, not PostgreSQL's); the SQL time is the wall time between the
engine's cursor events. Prints a JSON list, one entry per URL.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import tempfile
import time

import sqlalchemy as sa


def _urls(client) -> list[tuple[str, str, dict]]:
    """What an officer asks of the tree: the page, the page opened down to the last child of
    the largest branch, the largest branch expanded (htmx), and its next page if it is paged."""
    from quyhoach.db.models import Unit

    engine = client.application.extensions["quyhoach.engine"]
    with engine.connect() as connection:
        parent, = connection.execute(
            sa.select(Unit.parent_id).where(Unit.parent_id.is_not(None))
            .group_by(Unit.parent_id).order_by(sa.func.count().desc()).limit(1)).one()
        parent_code = connection.execute(sa.select(Unit.code).where(Unit.id == parent)).scalar_one()
    htmx = {"HX-Request": "true"}
    branch = client.get(f"/to-chuc/?mo={parent_code}", headers=htmx).get_data(as_text=True)
    children = re.findall(r'<li id="u-([^"]+)"', branch)
    urls = [("tree", "/to-chuc/", {}),
            ("the branch's unit page", f"/to-chuc/{parent_code}", {}),
            ("branch expanded (htmx)", f"/to-chuc/?mo={parent_code}", htmx),
            ("tree opened to the branch's last child", f"/to-chuc/?mo={children[-1]}", {})]
    more = re.search(r'hx-get="(/to-chuc/\?mo=[^"]*trang=2[^"]*)"', branch)
    if more:
        urls.append(("the branch's next page (htmx)", more.group(1).replace("&amp;", "&"), htmx))
        last = client.get(f"/to-chuc/?mo={parent_code}&trang=999").get_data(as_text=True)
        tail = re.findall(r'<li id="u-([^"]+)"', last)
        urls[3] = ("tree opened to the branch's last child", f"/to-chuc/?mo={tail[-1]}", {})
        urls.append(("the branch filtered by a word (htmx)", f"/to-chuc/?mo={parent_code}&loc=bung", htmx))
    return urls


def measure(url: str, repeat: int) -> list[dict]:
    from quyhoach import create_app
    from quyhoach.services.records.demo import DEMO_PASSWORD

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "INSTANCE_PATH": os.environ.get("QUYHOACH_INSTANCE_PATH") or tempfile.mkdtemp()})
    engine = app.extensions["quyhoach.engine"]
    sql = {"seconds": 0.0, "started": 0.0}

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _before(*_args):
        sql["started"] = time.perf_counter()

    @sa.event.listens_for(engine, "after_cursor_execute")
    def _after(*_args):
        sql["seconds"] += time.perf_counter() - sql["started"]

    client = app.test_client()
    signed = client.post("/dang-nhap", data={"username": "bantochuc", "password": DEMO_PASSWORD})
    assert signed.status_code in (302, 303), signed.status_code
    results = []
    for name, path, headers in _urls(client):
        client.get(path, headers=headers)
        cpu, wall, sqls, size = [], [], [], 0
        for _ in range(repeat):
            sql["seconds"] = 0.0
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path, headers=headers)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
            sqls.append(sql["seconds"] * 1000)
            assert response.status_code == 200, (path, response.status_code)
            size = len(response.get_data())
        results.append({
            "page": name, "url": path, "bytes": size,
            "cpu_ms": [round(statistics.median(cpu), 1), round(min(cpu), 1), round(max(cpu), 1)],
            "sql_ms": [round(statistics.median(sqls), 1), round(min(sqls), 1), round(max(sqls), 1)],
            "wall_ms": [round(statistics.median(wall), 1), round(min(wall), 1), round(max(wall), 1)],
        })
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    results = measure(args.database_url, args.repeat)
    print(json.dumps({"load_average": os.getloadavg()}))
    for result in results:
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
