"""A write through one app is on the planning pages of another process at its next request
(issue 15: a write's effect visible on every planning page within 1 s; docs/benchmarks.md,
"Readers never wait for a patch"). On the test database: SQLite, and PostgreSQL when
QUYHOACH_TEST_DATABASE_URL is set (tests/services/test_incremental.py and
tests/services/test_scale_processes.py hold the SQLite cases at the world's and the HTTP level).

The reader is a second process with its own app, its own planning world and its own cache,
which has served the pages before the write; the writer is the app of this process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from sqlmodel import Session, select

from quyhoach import create_app
from quyhoach.db.models import Cadre, PoolEntry
from quyhoach.services.records import demo, editing
from tests.services.test_incremental import REASON, _cadre_form

READER = textwrap.dedent("""
    import sys
    from quyhoach import create_app

    app = create_app({"DATABASE_URL": sys.argv[1], "INSTANCE_PATH": sys.argv[2], "SECRET_KEY": "r",
                      "LOGIN_DISABLED": True})
    client = app.test_client()
    for line in sys.stdin:
        url, text = line.rstrip("\\n").split(" ", 1)
        page = client.get(url).get_data(as_text=True)
        print("seen" if text in page else "not seen", flush=True)
""")


def test_a_write_through_one_app_is_on_the_pages_of_another_process_at_its_next_request(engine, database_url,
                                                                                      tmp_path):
    with Session(engine) as session:
        assert demo.load(session, demo.SMALL).ok
        session.commit()
        entry = session.exec(select(PoolEntry).where(PoolEntry.exited_on.is_(None)).order_by(PoolEntry.id)).first()
        cadre = session.get(Cadre, entry.cadre_id)
        code, pool_id = cadre.code, entry.pool_id
        renamed = "Nguyễn Thị Đổi Tên"
        form = _cadre_form(cadre, full_name=renamed, ly_do=REASON, phien_ban=editing.version_of(cadre))
    pages = [f"/quy-hoach/{pool_id}", f"/quy-hoach/can-bo/{code}", f"/can-bo/{code}"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    reader = subprocess.Popen([sys.executable, "-c", READER, database_url, str(tmp_path / "reader")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)

    def seen(url: str, text: str) -> bool:
        reader.stdin.write(f"{url} {text}\n")
        reader.stdin.flush()
        return reader.stdout.readline().strip() == "seen"

    try:
        # the reader has its world and its figures from before the write
        assert [seen(url, renamed) for url in pages] == [False, False, False]
        writer = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path / "writer"),
                             "SECRET_KEY": "w", "LOGIN_DISABLED": True, "WTF_CSRF_ENABLED": False})
        response = writer.test_client().post(f"/can-bo/{code}/sua", data={"mau": "cadre", **form},
                                             headers={"HX-Request": "true"})
        assert response.status_code == 204
        writer.extensions["quyhoach.engine"].dispose()
        # the reader's next request on each page: the new name, no restart, no waiting
        assert [seen(url, renamed) for url in pages] == [True, True, True]
    finally:
        reader.stdin.close()
        reader.wait(timeout=60)
