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


# --------------------------------------------------------------------------- a running server

class Live:
    """The app served on loopback (Werkzeug's threaded server), with the small demo province
    and one user per role; `client(role)` is a hostile client's `requests` session."""

    def __init__(self, app, url: str, engine, users: dict[str, str]):
        self.app, self.url, self.engine, self.users = app, url, engine, users

    def client(self, role: str | None = None):
        import requests

        http = requests.Session()
        http.headers["User-Agent"] = "quyhoach-probe"
        if role is not None:
            self.sign_in(http, self.users[role])
        return http

    def csrf(self, http, path: str = "/dang-nhap") -> str:
        import re

        page = http.get(self.url + path).text
        found = re.search(r'name="csrf-token" content="([^"]+)"', page)
        assert found, page[:300]
        return found.group(1)

    def sign_in(self, http, username: str, password: str = PASSWORD, next_: str | None = None):
        token = self.csrf(http)
        # `next_` goes in as typed, undecoded (`/%09/evil.example` is a tab once the server reads it)
        response = http.post(self.url + "/dang-nhap" + (f"?next={next_}" if next_ else ""),
                             data={"username": username, "password": password, "csrf_token": token},
                             allow_redirects=False)
        return response

    def cli(self, *args: str):
        return self.app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def live(engine, database_url, tmp_path):
    import threading

    from sqlmodel import Session
    from werkzeug.serving import make_server

    from quyhoach.services.platform import jobs
    from quyhoach.services.records import demo

    with Session(engine) as session:
        assert demo.load(session, demo.SMALL).ok
        users = {}
        for role in auth.ROLES:
            auth.create_user(session, username=f"u.{role}", full_name=f"Người {role}", password=PASSWORD, role=role)
            users[role] = f"u.{role}"
        session.commit()
    app = create_app({"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "probe-secret",
                      "IMPORT_MAX_UNPACKED_MB": 20})
    app.extensions["quyhoach.engine"].dispose()
    app.extensions["quyhoach.engine"] = engine
    jobs._engines.put(database_url, engine)
    app.extensions["quyhoach.jobs"] = jobs.InlineRunner(database_url)
    server = make_server("127.0.0.1", 0, app, threaded=True)   # port 0: a free one
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Live(app, f"http://127.0.0.1:{server.server_port}", engine, users)
    server.shutdown()
    server.server_close()
    thread.join(5)
