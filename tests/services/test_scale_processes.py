"""Several web processes on one database (docs/deploy.md): a user signed in through one
process is signed in on the other, and what one process writes the other reads at once —
nothing a request needs lives only in one process's memory. Two gunicorn servers on two
ports (one worker each, so each request's process is known) on one SQLite file and one
instance folder, as `make serve-prod` runs them on one host."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.bench.load import free_port

BIN = Path(sys.executable).parent
# Starts four processes (about a minute on a busy machine): with the slow ones (`make test-all`).
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("gunicorn", path=str(BIN)) is None, reason="gunicorn not installed")]


def _wait(base: str) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{base}/dang-nhap", timeout=2).read()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"{base} did not start")


def _token(opener, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', opener.open(url).read().decode()).group(1)


@pytest.fixture
def two_servers(tmp_path):
    env = {**os.environ, "QUYHOACH_INSTANCE_PATH": str(tmp_path)}
    env.pop("QUYHOACH_DATABASE_URL", None)
    env.pop("QUYHOACH_REDIS_URL", None)
    for args in (["db", "upgrade"], ["demo", "--small"]):
        subprocess.run([str(BIN / "quyhoach"), *args], env=env, check=True, capture_output=True)
    # Both processes start with no session key yet: they must agree on the one they make.
    (tmp_path / "secret_key").unlink(missing_ok=True)
    servers, bases = [], []
    for _ in range(2):
        port = free_port()
        servers.append(subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "1", "--threads", "2", "--bind", f"127.0.0.1:{port}",
             "quyhoach:create_app()"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base in bases:
            _wait(base)
        yield bases
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


def test_a_write_through_one_process_is_read_through_the_other(two_servers):
    from quyhoach.services.records.demo import DEMO_PASSWORD

    first, second = two_servers
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login = urllib.parse.urlencode({"username": "bantochuc", "password": DEMO_PASSWORD,
                                    "csrf_token": _token(opener, f"{first}/dang-nhap")}).encode()
    opener.open(f"{first}/dang-nhap", data=login).read()
    # signed in through the first process: the second knows the session (one key, users in the database)
    before = opener.open(f"{second}/to-chuc/SO-YT").read().decode()
    assert "Sở Y tế" in before and "Sở Y tế và Dân số" not in before
    token = _token(opener, f"{first}/to-chuc/SO-YT/sua?mau=rename")
    form = {"mau": "rename", "name": "Sở Y tế và Dân số", "short_name": "SYTDS", "ly_do": "Đổi tên theo quyết định",
            "csrf_token": token}
    opener.open(f"{first}/to-chuc/SO-YT/sua", data=urllib.parse.urlencode(form).encode()).read()
    after = opener.open(f"{second}/to-chuc/SO-YT").read().decode()
    assert "Sở Y tế và Dân số" in after
