"""Tổng quan (issue 14): what needs attention, on the demo province, for a province-wide
officer and for a commune officer; the planning facts already built, as after any earlier page.

Target: ≤ 150 ms a page.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from quyhoach import create_app
from quyhoach.db.models import Unit, User
from quyhoach.services.platform import auth as auth_service
from tests.bench.conftest import signed_in_client


def _app(demo_engine, tmp_path):
    return create_app({"DATABASE_URL": str(demo_engine.url), "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "b",
                       "WTF_CSRF_ENABLED": False})


def test_home_page_province(benchmark, demo_engine, tmp_path):
    client = signed_in_client(_app(demo_engine, tmp_path), demo_engine)
    client.get("/")   # the planning facts built once, as any earlier page would
    response = benchmark(client.get, "/")
    assert response.status_code == 200 and "Việc cần chú ý" in response.get_data(as_text=True)


@pytest.mark.benchmark(group="home")
def test_home_page_commune(benchmark, demo_engine, tmp_path):
    app = _app(demo_engine, tmp_path)
    with Session(demo_engine) as session:
        commune = session.exec(select(Unit.code).where(Unit.code.startswith("XA-")).order_by(Unit.code)).first()
        if session.exec(select(User).where(User.username == "bench.xa")).one_or_none() is None:
            auth_service.create_user(session, username="bench.xa", full_name="Xã", password="benchmark-2026",
                                     role="org_board", scope_unit_code=commune)
            session.commit()
    client = app.test_client()
    assert client.post("/dang-nhap", data={"username": "bench.xa", "password": "benchmark-2026"}).status_code == 302
    client.get("/")
    response = benchmark(client.get, "/")
    assert response.status_code == 200 and "Việc cần chú ý" in response.get_data(as_text=True)
