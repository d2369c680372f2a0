"""What the benchmarks share: the demo province in a fresh SQLite file (one per module, so a
benchmark that writes cannot change another's input), and a signed-in client."""

from __future__ import annotations

import pytest
from sqlmodel import Session, SQLModel, select

from quyhoach.db.engine import make_engine
from quyhoach.services.records import demo, reference


def fresh_engine(path):
    engine = make_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        reference.ensure(session)
        session.commit()
    return engine


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory):
    engine = fresh_engine(tmp_path_factory.mktemp("bench") / "demo.db")
    with Session(engine) as session:
        assert demo.load(session, demo.DEMO).ok
        session.commit()
    yield engine
    engine.dispose()


def signed_in_client(app, engine):
    """A client signed in as an officer: pages are measured with the access checks on."""
    from quyhoach.db.models import User
    from quyhoach.services.platform import auth as auth_service

    with Session(engine) as session:
        if session.exec(select(User).where(User.username == "bench")).one_or_none() is None:
            auth_service.create_user(session, username="bench", full_name="Đo hiệu năng", password="do-hieu-nang-2026",
                                     role="org_board")
            session.commit()
    client = app.test_client()
    assert client.post("/dang-nhap", data={"username": "bench", "password": "do-hieu-nang-2026"}).status_code == 302
    return client
