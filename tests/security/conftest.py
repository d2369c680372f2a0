"""The app as it is served: sign-in, CSRF aside (its own test in tests/web/test_trust.py), one
user per role."""

from __future__ import annotations

import pytest

from quyhoach import create_app
from quyhoach.services.platform import auth

PASSWORD = "matkhau-2026"


@pytest.fixture
def make_app(engine, database_url, tmp_path):
    def make(**settings):
        app = create_app({"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path),
                          "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False, **settings})
        app.extensions["quyhoach.engine"].dispose()
        app.extensions["quyhoach.engine"] = engine
        return app
    return make


@pytest.fixture
def secure_app(make_app):
    return make_app()


@pytest.fixture
def users(session):
    for role in auth.ROLES:
        auth.create_user(session, username=f"u.{role}", full_name=role, password=PASSWORD, role=role)
    session.commit()
    return {role: f"u.{role}" for role in auth.ROLES}


def sign_in(app, username, password=PASSWORD, next_=None):
    client = app.test_client()
    url = "/dang-nhap" + (f"?next={next_}" if next_ is not None else "")
    return client, client.post(url, data={"username": username, "password": password})


def signed_in(app, username):
    client, response = sign_in(app, username)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client
