"""The wheel carries the templates, static files, catalogs, migrations and the demo
data, and the app runs from it without the checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
                   check=True)
    return next(out.glob("quyhoach-*.whl"))


def test_wheel_contents(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("quyhoach/templates/base.html", "quyhoach/templates/cadres/dossier.html",
                     "quyhoach/static/vendor/htmx/htmx.min.js", "quyhoach/static/app.css",
                     "quyhoach/data/ethnic_groups.csv", "quyhoach/db/migrations/env.py",
                     "quyhoach/fixtures/demo/cadres.csv", "quyhoach/fixtures/small/units.csv",
                     "solver/__init__.py", "solver/schema/problem.schema.json", "solver/schema/plan.schema.json"):
        assert expected in names, expected
    assert any(n.startswith("quyhoach/db/migrations/versions/0001") for n in names)


def test_app_runs_from_the_unpacked_wheel(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    script = f"""
import quyhoach, pathlib
assert pathlib.Path(quyhoach.__file__).is_relative_to({str(site)!r}), quyhoach.__file__
from quyhoach import create_app
from quyhoach.db import migrate
from quyhoach.db.engine import transaction
from quyhoach.services.records import demo, reference
app = create_app({{"DATABASE_URL": "sqlite:///{tmp_path}/w.db", "INSTANCE_PATH": "{tmp_path}",
                  "WTF_CSRF_ENABLED": False}})
engine = app.extensions["quyhoach.engine"]
migrate.upgrade(engine)
with transaction(engine) as s:
    reference.ensure(s)
    assert demo.load(s, demo.SMALL).ok
    demo.create_demo_users(s)
c = app.test_client()
assert "Đăng nhập" in c.get("/dang-nhap").get_data(as_text=True)
assert c.post("/dang-nhap", data={{"username": "bantochuc", "password": demo.DEMO_PASSWORD}}).status_code == 302
assert "Tổng quan" in c.get("/").get_data(as_text=True)
assert c.get("/static/vendor/htmx/htmx.min.js").status_code == 200
assert c.get("/can-bo/?q=a").status_code == 200
print("ok")
"""
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok")
