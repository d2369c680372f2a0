"""Inputs (issue 12), each a class fixed in one place: numbers out of range anywhere in a URL
or a form (web/errors.py), names with backslashes in a chart's SVG (reports/charts.py), the
LIKE filters (db/like.py), confidential downloads not cached, files private (config.make_private),
refusals in Vietnamese."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from quyhoach.db import like
from quyhoach.db.models import AuditEntry
from quyhoach.services.platform import audit
from quyhoach.services.records import demo
from quyhoach.web.errors import INT_MAX

from tests.builders import make_cadre

HUGE = ["99999999999999999999", str(10**12), str(INT_MAX + 1), "-1", "-99999999999999999999"]
INT_FIELDS = ["trang", "page", "nam", "id", "muc", "phien_ban", "version", "scenario", "run"]


def _url(rule, value: str) -> str:
    url = rule.rule
    for name, converter in rule._converters.items():
        from werkzeug.routing import IntegerConverter

        url = url.replace(f"<{'int:' if isinstance(converter, IntegerConverter) else ''}{name}>",
                          value if isinstance(converter, IntegerConverter) else "KHONGCO")
    return url


@pytest.fixture
def small(engine):
    with Session(engine) as session:
        assert demo.load(session, demo.SMALL).ok
        session.commit()
    return engine


def test_every_route_answers_numbers_out_of_range_with_404_or_422_never_500(app, client, small):
    app.config["PROPAGATE_EXCEPTIONS"] = False   # a crash answers 500 here, as it would to a user
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        has_int = any(type(c).__name__ == "BoundedIntConverter" for c in rule._converters.values())
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for value in HUGE:
                numbers = {name: value for name in INT_FIELDS}
                response = client.open(_url(rule, value), method=method, query_string=numbers,
                                       data=numbers if method == "POST" else None)
                where = (rule.rule, method, value, response.status_code)
                assert response.status_code < 500, where
                if has_int:
                    # the id does not match the route: no such page (405 where another route of the
                    # same shape takes only other methods)
                    assert response.status_code in (404, 405), where
                checked += 1
    assert checked > 300


def test_a_number_out_of_range_in_a_query_is_refused_in_vietnamese(client, small):
    response = client.get("/can-bo/", query_string={"trang": str(10**12)})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "nằm ngoài giới hạn" in page and "trang" in page and 'class="topbar"' in page
    assert client.get("/can-bo/", query_string={"trang": "2"}).status_code == 200


def test_an_htmx_refusal_is_a_message_for_the_flash_area(client, small):
    response = client.get("/luan-chuyen/99999999999999999999", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#flash-area" and response.headers["HX-Reswap"] == "innerHTML"
    body = response.get_data(as_text=True)
    assert body.strip().startswith('<div class="flash flash-error"') and "<html" not in body
    assert "không có trong hệ thống" in body
    # a whole page otherwise, in the layout
    page = client.get("/luan-chuyen/99999999999999999999").get_data(as_text=True)
    assert 'id="flash-area"' in page and "Không tìm thấy trang" in page


# --------------------------------------------------------------------------- the chart's SVG

@settings(max_examples=25, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("\\u1gN<>\"'&$ {}%_")) | st.characters(codec="utf-8"), max_size=24))
@example("Lò Thị \\u0041 \\1 Hoa")
@example('Nguyễn "><script>alert(1)</script>')
@example("\\g<0> $\\alpha$")
@example("A\\")
def test_any_name_draws_a_chart_whose_svg_parses_with_the_name_as_its_label(name):
    from quyhoach.reports import charts

    name = "".join(ch for ch in name if ch.isprintable()) or "x"
    chart = charts.cadre_timeline([(2023, "good", None), (2024, "excellent", 95.0)], [], None, name)
    root = ET.fromstring(chart.svg)
    assert root.get("aria-label") == f"Diễn biến đánh giá, xếp loại của {name}"
    assert not root.findall(".//{http://www.w3.org/2000/svg}script")


# --------------------------------------------------------------------------- LIKE

def test_like_escapes_the_wildcards_and_its_escape_character():
    assert like.escape("10%_a\\b") == "10\\%\\_a\\\\b"


def test_the_audit_filters_match_typed_text_literally(session):
    for actor in ("cb.a", "cb_b", "100%"):
        audit.record(session, "test.write", "thing:1", actor=actor)
    session.commit()

    def actors(**filters):
        return sorted(e.actor for e in audit.entries(session, **filters)[1])

    assert actors(actor="_") == ["cb_b"]
    assert actors(actor="%") == ["100%"]
    assert actors(actor="cb") == ["cb.a", "cb_b"]
    assert actors(entity="%") == [] and actors(action="test._") == []
    assert len(actors(action="test.")) == 3


def test_the_cadre_search_matches_typed_text_literally(session):
    from quyhoach.services.platform.scope import PROVINCE_WIDE
    from quyhoach.services.records import queries

    make_cadre(session, "Lò Thị Hoa")
    make_cadre(session, "Lò_Văn Bảo")
    session.commit()
    assert queries.search_cadres(session, queries.CadreSearch(text="lo_"), scope=PROVINCE_WIDE).page.total == 1
    assert queries.search_cadres(session, queries.CadreSearch(text="l%"), scope=PROVINCE_WIDE).page.total == 0


# --------------------------------------------------------------------------- downloads, files

def test_every_confidential_download_is_sent_no_store(client, small, session):
    from quyhoach.db.models import Cadre
    from sqlmodel import select

    code = session.exec(select(Cadre.code)).first()
    for path in ["/nhap-du-lieu/xuat/cadres.csv", "/nhap-du-lieu/xuat/cadres.xlsx", "/danh-gia/xuat.xlsx",
                 f"/bao-cao/ho-so/{code}.docx"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Content-Disposition"].startswith("attachment"), path
        assert "no-store" in response.headers["Cache-Control"], path
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "file.read")).first() is not None


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_database_backups_uploads_and_keys_are_private(tmp_path, monkeypatch):
    from quyhoach import create_app
    from quyhoach.db import migrate

    old = os.umask(0o022)
    try:
        folder = tmp_path / "instance"
        folder.mkdir(mode=0o755)
        database = folder / "quyhoach.db"
        database.write_bytes(b"")
        database.chmod(0o644)   # made by an earlier version
        app = create_app({"INSTANCE_PATH": str(folder), "DATABASE_URL": f"sqlite:///{database}",
                          "LOGIN_DISABLED": True, "WTF_CSRF_ENABLED": False})
        assert _mode(folder) == 0o700 and _mode(database) == 0o600
        engine = app.extensions["quyhoach.engine"]
        migrate.upgrade(engine)
        client = app.test_client()
        assert client.post("/quan-tri/sao-luu").status_code == 302
        backups = [p for p in (folder / "backups").iterdir() if p.suffix == ".db"]
        assert backups and _mode(folder / "backups") == 0o700 and all(_mode(p) == 0o600 for p in backups)
        upload = client.post("/nhap-du-lieu/kiem-tra", data={"kind": "units", "file": (__import__("io").BytesIO(b"a,b\n"),
                                                                                        "x.csv")})
        assert upload.status_code in (200, 422)
        for path in folder.rglob("*"):
            assert _mode(path) & 0o077 == 0, path   # nothing readable by the group or others
        engine.dispose()
    finally:
        os.umask(old)
