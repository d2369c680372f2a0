"""No control a user cannot use (issue 12, Inputs; issue 14, role-aware pages): on every main
page, every form and every htmx write a user is shown leads to a route their role may write
to. The viewer reads; the Standing Committee compares and adopts but keeps no records.

The check is generic: each control's target is matched against the app's routes and the
permission that route declares (web/auth.permission_for) is asked of the user's role, so a
new page is covered the day it is written."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from sqlmodel import select
from werkzeug.exceptions import MethodNotAllowed, NotFound

from quyhoach.db.models import Cadre, Pool, Scenario, Unit
from quyhoach.services.platform import auth
from quyhoach.services.records import demo
from quyhoach.web.auth import permission_for
from tests.web import test_trust
from tests.web.test_trust import PASSWORD, signed_in

secure_app = test_trust.secure_app      # the app as it runs, sign-in required (a fixture)

WRITE_ATTRS = ("hx-post", "hx-put", "hx-patch", "hx-delete")


class Controls(HTMLParser):
    """(method, url) of every form and htmx write on a page, and of every htmx button that
    opens a form in place (counted as the write its path takes)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self.found.append(("POST", attrs.get("action") or ""))
        for name in WRITE_ATTRS:
            if attrs.get(name):
                self.found.append((name.split("-")[1].upper(), attrs[name]))
        if attrs.get("hx-get"):
            # a button that fetches a form in place: the form's path is also where it posts
            self.found.append(("POST", attrs["hx-get"]))


@pytest.fixture
def province(session):
    assert demo.load(session, demo.SMALL).ok
    for role in ("viewer", "standing_committee"):
        auth.create_user(session, username=f"u.{role}", full_name=role, password=PASSWORD, role=role)
    session.add(Scenario(name="Phương án thử", settings={}, rotation_date=dt.date(2026, 6, 1)))
    session.commit()


def _pages(session) -> list[str]:
    cadre = session.exec(select(Cadre).order_by(Cadre.id)).first()
    unit = session.exec(select(Unit).order_by(Unit.id)).first()
    pool = session.exec(select(Pool).order_by(Pool.id)).first()
    scenario = session.exec(select(Scenario).order_by(Scenario.id)).first()
    return ["/", "/to-chuc/", f"/to-chuc/{unit.code}", "/can-bo/?q=", f"/can-bo/{cadre.code}",
            f"/can-bo/{cadre.code}/lich-su", "/quy-hoach/", f"/quy-hoach/{pool.id}", f"/quy-hoach/{pool.id}/goi-y",
            "/quy-hoach/ra-soat",
            "/quy-hoach/bo-quy-dinh", "/quy-hoach/du-bao", f"/quy-hoach/can-bo/{cadre.code}", "/danh-gia/",
            "/luan-chuyen/", f"/luan-chuyen/{scenario.id}", "/bao-cao/", "/nhap-du-lieu/"]


def _endpoint(app, method: str, url: str, page: str) -> str | None:
    path = urlsplit(url).path or urlsplit(page).path
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(path, method=method)
    except (NotFound, MethodNotAllowed):
        return None
    return endpoint


@pytest.mark.parametrize("role", ["viewer", "standing_committee"])
def test_no_page_offers_a_write_the_role_may_not_make(secure_app, session, province, role):
    client = signed_in(secure_app, f"u.{role}")
    offered: list[tuple[str, str, str, str]] = []
    opened = 0
    for page in _pages(session):
        answer = client.get(page)
        if answer.status_code != 200:
            continue        # a page the role may not open offers nothing (refusals: test_trust)
        opened += 1
        parser = Controls()
        parser.feed(answer.get_data(as_text=True))
        for method, url in parser.found:
            with secure_app.app_context():
                endpoint = _endpoint(secure_app, method, url, page)
                needed = permission_for(endpoint, method) if endpoint else None
            if needed and not auth.can(role, needed):
                offered.append((page, method, url, needed))
    assert opened >= 8, "the main pages open for the role"
    assert offered == [], "\n".join(f"{p}: {m} {u} needs «{n}»" for p, m, u, n in offered)


def test_the_check_sees_a_control_the_viewer_may_not_use(secure_app, session, province):
    """The parser and the permission lookup catch a write control where one is shown: the
    organisation board's pool page offers to add, remove and record ballots, which the
    viewer's role may not."""
    auth.create_user(session, username="u.org_board", full_name="Ban Tổ chức", password=PASSWORD, role="org_board")
    session.commit()
    pool = session.exec(select(Pool).order_by(Pool.id)).first()
    page = f"/quy-hoach/{pool.id}"
    parser = Controls()
    parser.feed(signed_in(secure_app, "u.org_board").get(page).get_data(as_text=True))
    with secure_app.app_context():
        needed = {permission_for(_endpoint(secure_app, m, u, page), m) for m, u in parser.found
                  if _endpoint(secure_app, m, u, page)}
    assert "edit_records" in needed and not auth.can("viewer", "edit_records")
    assert re.search(rf"/quy-hoach/{pool.id}/them", " ".join(u for _, u in parser.found))
