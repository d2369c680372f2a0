"""A live server on the small province and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import threading

import pytest
from sqlmodel import Session

from quyhoach import create_app
from quyhoach.services.records import demo


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(engine, database_url, tmp_path):
    from waitress.server import create_server

    with Session(engine) as session:
        report = demo.load(session, demo.SMALL)
        assert report.ok, [str(p) for p in report.problems[:5]]
        demo.create_demo_users(session)
        session.commit()
    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "test"})
    port = _free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.close()


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not executable:
        pytest.skip("Debian's chromium is not installed (.ci/browser installs it)")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
        ])
        yield browser
        browser.close()


def sign_in(page, base: str, username: str = "bantochuc") -> None:
    """Sign in through the form, as a person does (CSRF token and all)."""
    page.goto(f"{base}/dang-nhap")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/dang-nhap" not in url)


def sign_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(lambda url: "/dang-nhap" in url)


@pytest.fixture
def page(browser, live_server):
    """A browser tab signed in as an Organization Board officer."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    sign_in(page, live_server)
    yield page
    context.close()
