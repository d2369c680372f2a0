"""A live server on the small province and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
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
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        # the server stopped and its connections returned and closed: an idle one left open
        # would make the next test's TRUNCATE wait for it (PostgreSQL)
        server.close()
        thread.join(timeout=10)
        app.extensions["quyhoach.engine"].dispose()


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


@contextlib.contextmanager
def tab(browser, base: str | None = None, username: str | None = None, **options):
    """A tab in a context of its own (1366 × 768, Vietnamese), signed in as `username` when
    given; the context is closed whatever happens, so no tab keeps talking to the server
    after its test."""
    context = browser.new_context(**{"viewport": {"width": 1366, "height": 768}, "locale": "vi-VN", **options})
    try:
        page = context.new_page()
        if username is not None:
            sign_in(page, base, username)
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser, live_server):
    """A browser tab signed in as an Organization Board officer."""
    with tab(browser, live_server, "bantochuc") as page:
        yield page
