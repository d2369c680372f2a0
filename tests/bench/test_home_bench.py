"""Tổng quan (issue 14): what needs attention, on the demo province, for a province-wide
officer and for a commune officer; the planning facts already built, as after any earlier page.

Target: ≤ 150 ms a page.
"""

from __future__ import annotations

from sqlmodel import Session, select

from quyhoach import create_app
from quyhoach.db.models import Unit, User
from quyhoach.services.platform import auth as auth_service

from tests.bench.test_planning_bench import _writer
PASSWORD = "hieu-nang-2026x"


def _app(demo_engine, tmp_path):
    return create_app({"DATABASE_URL": str(demo_engine.url), "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "b",
                       "WTF_CSRF_ENABLED": False})


def _client(app, demo_engine, username: str, unit: str | None = None):
    with Session(demo_engine) as session:
        if session.exec(select(User).where(User.username == username)).one_or_none() is None:
            auth_service.create_user(session, username=username, full_name="Đo hiệu năng", password=PASSWORD,
                                     role="org_board", scope_unit_code=unit)
            session.commit()
    client = app.test_client()
    assert client.post("/dang-nhap", data={"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_home_page_province(benchmark, demo_engine, tmp_path):
    client = _client(_app(demo_engine, tmp_path), demo_engine, "do.tinh")
    client.get("/")   # the planning facts built once, as any earlier page would
    response = benchmark(client.get, "/")
    assert response.status_code == 200 and "Việc cần chú ý" in response.get_data(as_text=True)


def test_home_page_commune(benchmark, demo_engine, tmp_path):
    with Session(demo_engine) as session:
        commune = session.exec(select(Unit.code).where(Unit.code.startswith("XA-")).order_by(Unit.code)).first()
    client = _client(_app(demo_engine, tmp_path), demo_engine, "do.xa", commune)
    client.get("/")
    response = benchmark(client.get, "/")
    assert response.status_code == 200 and "Việc cần chú ý" in response.get_data(as_text=True)


def test_home_page_after_a_write(benchmark, demo_engine, tmp_path):
    """Tổng quan right after another officer changed a yearly rating (committed elsewhere, not
    timed): the world patched, the touched pools' stored verdicts read again, the forecast and
    the missing ratings worked out again."""
    client = _client(_app(demo_engine, tmp_path), demo_engine, "do.tinh")
    client.get("/")
    write = _writer(demo_engine)

    response = benchmark.pedantic(client.get, args=("/",), setup=write, rounds=15, iterations=1, warmup_rounds=1)
    assert response.status_code == 200 and "Việc cần chú ý" in response.get_data(as_text=True)
