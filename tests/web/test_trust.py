"""Sign-in, roles, jurisdiction, CSRF and security headers, on an app configured as it runs
(login required)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from werkzeug.routing import IntegerConverter

from quyhoach import create_app
from quyhoach.services.platform import auth
from quyhoach.web.auth import permission_for

PASSWORD = "matkhau-2026"


@pytest.fixture
def secure_app(engine, database_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path),
                      "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})
    app.extensions["quyhoach.engine"].dispose()
    app.extensions["quyhoach.engine"] = engine
    return app


@pytest.fixture
def users(session):
    for role in auth.ROLES:
        auth.create_user(session, username=f"u.{role}", full_name=role, password=PASSWORD, role=role)
    session.commit()
    return {role: f"u.{role}" for role in auth.ROLES}


def signed_in(app, username):
    client = app.test_client()
    response = client.post("/dang-nhap", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def sample_url(rule) -> str:
    values = {}
    for name, converter in rule._converters.items():
        values[name] = "999999" if isinstance(converter, IntegerConverter) else "KHONGCO"
    url = rule.rule
    for name, value in values.items():
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", value, url)
    return url


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


# --------------------------------------------------------------------------- the route × role table
# Written by hand, not computed from permission_for or auth.can: what each route needs, and which
# roles hold each permission. A new route fails (1) until it has a row here; a route that falls
# to the wrong permission fails (2).

PUBLIC = "public"

EXPECTED: dict[tuple[str, str], str] = {
    ("auth.login", "GET"): PUBLIC,
    ("auth.login", "POST"): PUBLIC,
    ("auth.logout", "POST"): PUBLIC,
    ("home.index", "GET"): "read",
    ("units.tree", "GET"): "read",
    ("units.unit", "GET"): "read",
    ("cadres.search", "GET"): "read",
    ("cadres.dossier", "GET"): "read",
    ("cadres.rotated", "GET"): "read",
    ("cadres.history", "GET"): "read",
    ("cadres.edit_form", "GET"): "edit_records",
    ("cadres.edit", "POST"): "edit_records",
    ("units.edit_form", "GET"): "edit_records",
    ("units.edit", "POST"): "edit_records",
    ("imports.index", "GET"): "read",
    ("imports.template", "GET"): "read",
    ("imports.export", "GET"): "read",
    ("imports.check", "POST"): "edit_records",
    ("imports.commit", "POST"): "edit_records",
    ("imports.stop", "POST"): "edit_records",
    ("planning.dashboard", "GET"): "read",
    ("planning.pool", "GET"): "read",
    ("planning.add_form", "GET"): "read",
    ("planning.candidates", "GET"): "read",
    ("planning.suggestions", "GET"): "read",
    ("planning.review", "GET"): "read",
    ("planning.review_progress", "GET"): "read",
    ("planning.forecast", "GET"): "read",
    ("planning.rule_sets", "GET"): "read",
    ("planning.cadre_eligibility", "GET"): "read",
    ("planning.title_picker", "GET"): "read",
    ("planning.add", "POST"): "edit_records",
    ("planning.remove", "POST"): "edit_records",
    ("planning.ballot", "POST"): "edit_records",
    ("planning.decide", "POST"): "edit_records",
    ("planning.decide_unit", "POST"): "edit_records",
    ("planning.parameter", "POST"): "rule_sets",
    ("planning.new_rule_set", "POST"): "rule_sets",
    ("scenarios.index", "GET"): "read",
    ("scenarios.scenario", "GET"): "read",
    ("scenarios.run", "GET"): "read",
    ("scenarios.compare", "GET"): "read",
    ("scenarios.sweep", "GET"): "read",
    ("scenarios.create", "POST"): "edit_scenarios",
    ("scenarios.save", "POST"): "edit_scenarios",
    ("scenarios.copy", "POST"): "edit_scenarios",
    ("scenarios.solve", "POST"): "edit_scenarios",
    ("scenarios.sweep", "POST"): "edit_scenarios",
    ("scenarios.stop", "POST"): "edit_scenarios",
    ("scenarios.resolve", "POST"): "edit_scenarios",
    ("scenarios.relax", "POST"): "edit_scenarios",
    ("scenarios.adopt", "POST"): "adopt",
    ("evaluations.index", "GET"): "read",
    ("evaluations.unit", "GET"): "read",
    ("evaluations.export", "GET"): "read",
    ("reports.index", "GET"): "read",
    ("reports.create", "POST"): "read",
    ("reports.job", "GET"): "read",
    ("reports.stop", "POST"): "read",
    ("reports.download", "GET"): "read",
    ("reports.term_planning", "GET"): "read",
    ("reports.dossier", "GET"): "read",
    ("reports.dossier_file", "GET"): "read",
    ("reports.pool_paper", "GET"): "read",
    ("reports.decision", "GET"): "read",
    ("admin.index", "GET"): "admin",
    ("admin.users", "GET"): "admin",
    ("admin.create_user", "POST"): "admin",
    ("admin.toggle_user", "POST"): "admin",
    ("admin.reset_password", "POST"): "admin",
    ("admin.unlock_user", "POST"): "admin",
    ("admin.audit_log", "GET"): "admin",
    ("admin.backups", "GET"): "admin",
    ("admin.make_backup", "POST"): "admin",
    ("admin.download_backup", "GET"): "admin",
}

ROLES = ("org_board", "standing_committee", "viewer", "admin")

# Who holds each permission, as the users were told (the Trust issue), by hand.
HOLDERS: dict[str, set[str]] = {
    PUBLIC: {*ROLES, "anonymous"},
    "read": {"org_board", "standing_committee", "viewer", "admin"},
    "edit_records": {"org_board"},
    "edit_scenarios": {"org_board"},
    "adopt": {"standing_committee"},
    "rule_sets": {"org_board", "admin"},
    "admin": {"admin"},
    "others_reports": {"standing_committee", "admin"},   # another user's report job: open, stop, download
}


def test_the_table_lists_every_route_of_the_app(secure_app):
    assert {(rule.endpoint, method) for rule, method in routes(secure_app)} == set(EXPECTED)


def test_the_roles_hold_the_permissions_the_table_assumes():
    assert {permission: roles for permission, roles in HOLDERS.items() if permission != PUBLIC} == auth.PERMISSIONS
    assert set(ROLES) == set(auth.ROLES)


def _answer(app, client, rule, method, username):
    """One request as the guard sees it: htmx, so a refused anonymous user gets 401 (not a
    redirect a public route could also give); a sign-in body, so the public sign-in answers 302."""
    return client.open(sample_url(rule), method=method, headers={"HX-Request": "true"},
                       data={"username": username, "password": PASSWORD} if method == "POST" else None)


def test_every_route_by_every_role_answers_as_the_table_says(secure_app, users):
    clients = {role: signed_in(secure_app, name) for role, name in users.items()}
    clients["anonymous"] = secure_app.test_client()
    checked = 0
    for rule, method in routes(secure_app):
        needed = EXPECTED[(rule.endpoint, method)]
        for role in (*ROLES, "anonymous"):
            # a public route (sign-in, sign-out) would end the shared session: a fresh client
            client = clients[role]
            if needed == PUBLIC and role != "anonymous":
                client = signed_in(secure_app, users[role])
            response = _answer(secure_app, client, rule, method, users["viewer"])
            if needed == PUBLIC and role != "anonymous":  # signing out ends every session of the user
                clients[role] = signed_in(secure_app, users[role])
            where = (rule.endpoint, method, role, response.status_code)
            if role in HOLDERS[needed]:
                assert response.status_code not in (401, 403), where
            elif role == "anonymous":
                assert response.status_code == 401, where
            else:
                assert response.status_code == 403, where
            checked += 1
    assert checked == len(EXPECTED) * 5


def test_writing_roles_are_limited(secure_app):
    # what the table above asserts, in the users' terms
    assert permission_for("imports.commit", "POST", secure_app) == "edit_records"
    assert permission_for("scenarios.adopt", "POST", secure_app) == "adopt"
    assert permission_for("admin.users", "GET", secure_app) == "admin"
    assert permission_for("planning.parameter", "POST", secure_app) == "rule_sets"
    assert permission_for("planning.new_rule_set", "POST", secure_app) == "rule_sets"
    assert permission_for("cadres.search", "GET", secure_app) == "read"


def test_an_endpoint_that_declares_no_permission_is_refused(secure_app, users):
    from flask import Blueprint

    undeclared = Blueprint("undeclared", __name__)
    undeclared.add_url_rule("/chua-khai-bao", "hidden", lambda: "secret")
    secure_app.register_blueprint(undeclared)
    client = signed_in(secure_app, users["admin"])
    response = client.get("/chua-khai-bao")
    assert response.status_code == 403
    assert "secret" not in response.get_data(as_text=True)


def test_anonymous_users_are_sent_to_sign_in(secure_app):
    client = secure_app.test_client()
    for rule, method in routes(secure_app):
        if permission_for(rule.endpoint, method, secure_app) is None:
            continue
        response = client.open(sample_url(rule), method=method)
        assert response.status_code in (302, 401), (rule.endpoint, method, response.status_code)
    assert client.get("/can-bo/", headers={"HX-Request": "true"}).status_code == 401
    assert "/dang-nhap" in client.get("/can-bo/").headers["Location"]


def test_wrong_password_is_refused_and_recorded_nowhere_else(secure_app, users):
    client = secure_app.test_client()
    response = client.post("/dang-nhap", data={"username": users["viewer"], "password": "sai"})
    assert response.status_code == 401 and "không đúng" in response.get_data(as_text=True)


def test_sessions_expire(secure_app, users):
    client = signed_in(secure_app, users["viewer"])
    assert client.get("/can-bo/").status_code == 200
    with client.session_transaction() as http_session:
        http_session["expires_at"] = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).timestamp()
    response = client.get("/can-bo/")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_sign_in_redirects_only_inside_the_site(secure_app, users):
    client = secure_app.test_client()
    response = client.post("/dang-nhap?next=//evil.example/x", data={"username": users["viewer"], "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_csrf_is_required_on_every_form_and_htmx_post(engine, database_url, tmp_path, users):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path),
                      "SECRET_KEY": "test"})
    app.extensions["quyhoach.engine"] = engine
    client = app.test_client()
    page = client.get("/dang-nhap").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/dang-nhap", data={"username": users["org_board"], "password": PASSWORD}).status_code == 400
    assert client.post("/dang-nhap", data={"username": users["org_board"], "password": PASSWORD,
                                           "csrf_token": token}).status_code == 302
    home = client.get("/").get_data(as_text=True)
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', home).group(1)
    assert client.post("/nhap-du-lieu/kiem-tra", data={"kind": "units"}).status_code == 400
    with_header = client.post("/nhap-du-lieu/kiem-tra", data={"kind": "units"}, headers={"X-CSRFToken": meta})
    assert with_header.status_code != 400


def test_security_headers(secure_app):
    response = secure_app.test_client().get("/dang-nhap")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = response.get_data(as_text=True)
    assert "onclick=" not in page and "<script>" not in page


def test_no_template_uses_inline_script():
    from pathlib import Path

    for path in Path(__file__).resolve().parents[2].joinpath("templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+=", text), path
        assert "<script>" not in text, path


@pytest.fixture
def commune_officer(secure_app, session, engine):
    """The small province, and an officer of its first commune."""
    from sqlmodel import select

    from quyhoach.db.models import Cadre, Posting, Unit
    from quyhoach.services.records import demo

    assert demo.load(session, demo.SMALL).ok
    communes = session.exec(select(Unit).where(Unit.code.startswith("XA-")).order_by(Unit.code)).all()
    mine, other = communes[0], communes[1]
    auth.create_user(session, username="canbo.xa", full_name="Cán bộ xã", password=PASSWORD, role="org_board",
                     scope_unit_code=mine.code)
    session.commit()

    def cadre_in(unit):
        return session.exec(select(Cadre).join(Posting, Posting.cadre_id == Cadre.id).where(
            Posting.unit_id == unit.id, Posting.end_date.is_(None))).first()

    return {"client": signed_in(secure_app, "canbo.xa"), "mine": mine, "other": other,
            "own_cadre": cadre_in(mine), "other_cadre": cadre_in(other)}


def test_a_commune_officer_never_sees_another_communes_cadres(commune_officer):
    client, own, other = commune_officer["client"], commune_officer["own_cadre"], commune_officer["other_cadre"]
    assert client.get(f"/can-bo/{own.code}").status_code == 200
    assert client.get(f"/can-bo/{other.code}").status_code == 404
    found = client.get("/can-bo/?q=").get_data(as_text=True)
    assert own.code in found and other.code not in found
    assert client.get(f"/to-chuc/{commune_officer['other'].code}").status_code == 404
    assert client.get(f"/to-chuc/{commune_officer['mine'].code}").status_code == 200
    exported = client.get("/nhap-du-lieu/xuat/cadres.csv").get_data(as_text=True)
    assert own.code in exported and other.code not in exported


def test_a_commune_officer_cannot_open_or_change_another_communes_pool(commune_officer, session):
    from sqlmodel import select

    from quyhoach.db.models import Pool, Title

    client = commune_officer["client"]
    theirs = session.exec(select(Pool).join(Title, Title.id == Pool.title_id).where(
        Title.unit_id == commune_officer["other"].id)).first()
    if theirs is None:
        pytest.skip("no pool in the other commune")
    assert client.get(f"/quy-hoach/{theirs.id}").status_code == 404
    response = client.post(f"/quy-hoach/{theirs.id}/them", data={"ma": commune_officer["other_cadre"].code,
                                                                  "ly_do": "Bổ sung quy hoạch"})
    assert response.status_code == 404


def test_a_commune_officer_cannot_import_records_of_another_commune(commune_officer):
    import io

    from tests.files import EVALUATIONS_HEADER, csv_bytes

    client = commune_officer["client"]
    rows = [EVALUATIONS_HEADER, [commune_officer["other_cadre"].code, "", "Năm", 2025, "", "HTXSNV", ""]]
    response = client.post("/nhap-du-lieu/kiem-tra", data={"kind": "evaluations",
                                                           "file": (io.BytesIO(csv_bytes(rows)), "dg.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "phạm vi quản lý" in response.get_data(as_text=True)


# --------------------------------------------------------------------------- Báo cáo within the user's units

class _Held:
    """A job runner that keeps what it is given (the reports are not made here)."""

    def __init__(self) -> None:
        self.jobs: list[str] = []

    def enqueue(self, job_id: str) -> None:
        self.jobs.append(job_id)


def _report_job(session, tmp_path, kind: str, params: dict, scope: dict | None = None, done: bool = True,
                owner: str | None = "canbo.xa"):
    """A finished report job with its file on disk, as the report job leaves it."""
    from quyhoach.services.platform import jobs

    folder = tmp_path / "reports" / f"{kind}-{len(list(tmp_path.glob('reports/*')))}"
    folder.mkdir(parents=True)
    (folder / "bao-cao.docx").write_bytes(b"PK fake")
    payload = {"kind": kind, "params": params, "formats": ["docx"], "out_dir": str(folder)}
    if scope is not None:
        payload["scope"] = scope
    job = jobs.create(session, "report", payload, f"Báo cáo {params}", owner=owner)
    if done:
        job.status, job.result = jobs.DONE, {"files": {"docx": "bao-cao.docx"}}
    session.add(job)
    session.commit()
    return job.id


def test_a_commune_officer_reports_only_on_their_own_units(commune_officer, secure_app):
    held = _Held()
    secure_app.extensions["quyhoach.jobs"] = held
    client, mine, other = commune_officer["client"], commune_officer["mine"], commune_officer["other"]
    index = client.get("/bao-cao/").get_data(as_text=True)
    options = re.findall(r'<select name="don_vi">(.*?)</select>', index, re.S)
    assert options and all(f'value="{mine.code}"' in o for o in options)
    assert all(f'value="{other.code}"' not in o and 'value=""' not in o for o in options)   # nor the province
    for kind in ("term-planning", "evaluations"):
        assert client.post("/bao-cao/tao", data={"loai": kind, "don_vi": other.code}).status_code == 404
        assert client.post("/bao-cao/tao", data={"loai": kind, "don_vi": "KHONG-CO"}).status_code == 404
    assert held.jobs == []
    own = client.post("/bao-cao/tao", data={"loai": "term-planning"})      # no unit: their own
    assert own.status_code == 302
    from quyhoach.services.platform import jobs
    from quyhoach.web.db import session as web_session

    with secure_app.app_context():
        job = jobs.get(web_session(), held.jobs[-1])
        assert job.payload["params"]["unit"] == mine.code and job.payload["scope"] == {"units": [mine.id], "need": "all"}
    assert client.get(f"/bao-cao/quy-hoach?don_vi={other.code}").status_code == 404
    page = client.get("/bao-cao/quy-hoach")
    assert page.status_code == 200 and mine.name in page.get_data(as_text=True)


def test_a_commune_officer_cannot_make_the_dossier_of_a_cadre_outside_their_units(commune_officer, secure_app):
    held = _Held()
    secure_app.extensions["quyhoach.jobs"] = held
    client, own, other = commune_officer["client"], commune_officer["own_cadre"], commune_officer["other_cadre"]
    assert client.post("/bao-cao/tao", data={"loai": "dossier", "ma": other.code}).status_code == 404
    assert client.post("/bao-cao/tao", data={"loai": "dossier", "ma": "KHONG-CO"}).status_code == 404
    assert client.get(f"/bao-cao/ho-so/{other.code}").status_code == 404
    assert client.get(f"/bao-cao/ho-so/{other.code}.docx").status_code == 404
    assert held.jobs == []
    assert client.post("/bao-cao/tao", data={"loai": "dossier", "ma": own.code}).status_code == 302
    assert client.get(f"/bao-cao/ho-so/{own.code}").status_code == 200
    assert client.get(f"/bao-cao/ho-so/{own.code}.docx").status_code == 200


def test_past_reports_and_their_files_are_shown_only_within_the_users_units(commune_officer, secure_app, session,
                                                                           tmp_path, users):
    client, mine, other = commune_officer["client"], commune_officer["mine"], commune_officer["other"]
    own_cadre, other_cadre = commune_officer["own_cadre"], commune_officer["other_cadre"]
    theirs = _report_job(session, tmp_path, "term-planning", {"unit": other.code})        # made before scopes were kept
    province = _report_job(session, tmp_path, "evaluations", {}, {"province": True})
    their_dossier = _report_job(session, tmp_path, "dossier", {"cadre": other_cadre.code})
    ours = _report_job(session, tmp_path, "term-planning", {"unit": mine.code}, {"units": [mine.id], "need": "all"})
    our_dossier = _report_job(session, tmp_path, "dossier", {"cadre": own_cadre.code})
    index = client.get("/bao-cao/").get_data(as_text=True)
    for job_id in (ours, our_dossier):
        assert f"/bao-cao/viec/{job_id}" in index
        assert client.get(f"/bao-cao/viec/{job_id}").status_code == 200
        assert client.get(f"/bao-cao/tai/{job_id}/docx").status_code == 200
    for job_id in (theirs, province, their_dossier):
        assert job_id not in index
        assert client.get(f"/bao-cao/viec/{job_id}").status_code == 404
        assert client.get(f"/bao-cao/tai/{job_id}/docx").status_code == 404
        assert client.post(f"/bao-cao/viec/{job_id}/dung").status_code == 404
    # the Standing Committee's member (a role that reads others' reports) sees them all
    committee = signed_in(secure_app, users["standing_committee"])
    listed = committee.get("/bao-cao/").get_data(as_text=True)
    assert all(job_id in listed for job_id in (theirs, province, their_dossier, ours, our_dossier))
    assert committee.get(f"/bao-cao/tai/{ours}/docx").status_code == 200
    # the province's board officer, who may see every unit, still sees only the reports they made
    board = signed_in(secure_app, users["org_board"])
    assert all(job_id not in board.get("/bao-cao/").get_data(as_text=True) for job_id in (theirs, ours))
    assert board.get(f"/bao-cao/tai/{ours}/docx").status_code == 404
    assert board.post(f"/bao-cao/viec/{ours}/dung").status_code == 404
    mine_too = _report_job(session, tmp_path, "term-planning", {"unit": other.code}, owner=users["org_board"])
    assert mine_too in board.get("/bao-cao/").get_data(as_text=True)
    assert board.get(f"/bao-cao/tai/{mine_too}/docx").status_code == 200


def test_a_commune_officer_sees_decision_reports_only_of_scenarios_within_their_units(commune_officer, secure_app,
                                                                                    engine, database_url):
    import datetime as dt

    from sqlmodel import Session

    from quyhoach.services.platform import jobs
    from quyhoach.services import rotation
    from tests.support.jobs import wait_for_run as wait_run

    jobs._engines.put(database_url, engine)
    runner = jobs.ThreadRunner(database_url)
    mine, other = commune_officer["mine"], commune_officer["other"]
    made = {}
    try:
        with Session(engine, expire_on_commit=False) as session:
            for key, codes in (("mine", [mine.code]), ("other", [other.code]), ("province", [])):
                scenario = rotation.create(session, name=f"Phương án {key}", rotation_date=dt.date(2026, 12, 1),
                                           settings=rotation.ScenarioSettings(unit_codes=codes, time_limit=3))
                session.commit()
                made[key] = (scenario.id, rotation.start_solve(session, runner, scenario).id)
                session.commit()
        for _scenario_id, run_id in made.values():
            assert wait_run(engine, run_id).status == "done"
    finally:
        runner.pool.shutdown(wait=True)
    held = _Held()
    secure_app.extensions["quyhoach.jobs"] = held
    client = commune_officer["client"]
    index = client.get("/bao-cao/").get_data(as_text=True)
    picker = re.search(r'<select name="phuong_an" required>(.*?)</select>', index, re.S).group(1)
    assert f'value="{made["mine"][0]}"' in picker
    assert f'value="{made["other"][0]}"' not in picker and f'value="{made["province"][0]}"' not in picker
    page = client.get(f"/bao-cao/quyet-dinh?phuong_an={made['mine'][0]}")
    assert page.status_code == 200 and "DỰ THẢO" in page.get_data(as_text=True)
    for key in ("other", "province"):
        scenario_id, run_id = made[key]
        assert client.get(f"/bao-cao/quyet-dinh?phuong_an={scenario_id}").status_code == 404
        assert client.get(f"/bao-cao/quyet-dinh?phuong_an={scenario_id}&lan_giai={run_id}").status_code == 404
        assert client.post("/bao-cao/tao", data={"loai": "scenario-decision", "phuong_an": scenario_id}).status_code == 404
    assert client.post("/bao-cao/tao", data={"loai": "scenario-decision", "phuong_an": "999"}).status_code == 404
    assert held.jobs == []
    assert client.post("/bao-cao/tao", data={"loai": "scenario-decision",
                                             "phuong_an": made["mine"][0]}).status_code == 302
    assert len(held.jobs) == 1


def test_a_commune_officer_works_only_on_scenarios_of_their_commune(commune_officer, session):
    import datetime as dt

    from quyhoach.services import rotation

    mine = rotation.create(session, name="Xã của tôi", rotation_date=dt.date(2026, 12, 1),
                           settings=rotation.ScenarioSettings(unit_codes=[commune_officer["mine"].code]))
    province = rotation.create(session, name="Toàn tỉnh", rotation_date=dt.date(2026, 12, 1),
                               settings=rotation.ScenarioSettings())
    session.commit()
    client = commune_officer["client"]
    listing = client.get("/luan-chuyen/").get_data(as_text=True)
    assert f"/luan-chuyen/{mine.id}\"" in listing and f"/luan-chuyen/{province.id}\"" not in listing
    assert client.get(f"/luan-chuyen/{mine.id}").status_code == 200
    assert client.get(f"/luan-chuyen/{province.id}").status_code == 404
    assert client.post(f"/luan-chuyen/{province.id}/giai").status_code == 404


def _refused_sign_in_ip(app, session, **headers) -> str:
    from sqlmodel import select

    from quyhoach.db.models import AuditEntry

    app.test_client().post("/dang-nhap", data={"username": "u.viewer", "password": "sai"}, headers=headers,
                           environ_base={"REMOTE_ADDR": "127.0.0.1"})
    session.expire_all()
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "user.login_failed")
                         .order_by(AuditEntry.id.desc())).first()
    return entry.after["ip"]


def test_a_refused_sign_in_behind_the_proxy_is_audited_with_the_clients_address(engine, database_url, tmp_path,
                                                                                 users, session):
    """Behind nginx (QUYHOACH_PROXIES=1) the audit records the address nginx saw, the last hop
    of X-Forwarded-For (what the client wrote before it is not believed); reached directly
    (the default, 0), the header is ignored: anyone could write it."""
    def app(proxies: int):
        made = create_app({"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path),
                           "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False, "PROXIES": proxies})
        made.extensions["quyhoach.engine"] = engine
        return made

    forwarded = {"X-Forwarded-For": "10.9.9.9, 203.0.113.7"}     # forged by the client, then nginx's hop
    assert _refused_sign_in_ip(app(1), session, **forwarded) == "203.0.113.7"
    assert _refused_sign_in_ip(app(0), session, **forwarded) == "127.0.0.1"


def test_a_user_scoped_to_a_unit_cannot_be_given_the_admin_role(secure_app, users, session):
    """A scoped admin could do nothing (users, the audit log and backups are the whole
    installation's): the form refuses the pair and says why; the same user province-wide,
    or scoped with another role, is created."""
    from sqlmodel import select

    from quyhoach.db.models import User
    from tests.builders import make_unit

    make_unit(session, "Xã Tả Phìn", code="XA-TP", level="commune")
    session.commit()
    admin = signed_in(secure_app, users["admin"])
    form = {"username": "qt.xa", "full_name": "Quản trị xã", "password": "quan-tri-2026", "role": "admin",
            "unit": "XA-TP"}
    refused = admin.post("/quan-tri/nguoi-dung", data=form)
    assert refused.status_code == 422
    assert "chỉ dành cho người dùng toàn tỉnh" in refused.get_data(as_text=True)
    english = admin.post("/quan-tri/nguoi-dung?lang=en", data=form).get_data(as_text=True)
    assert "province-wide" in english
    session.expire_all()
    assert session.exec(select(User).where(User.username == "qt.xa")).first() is None
    with pytest.raises(auth.AuthError, match="toàn tỉnh"):      # the command line and the demo too
        auth.create_user(session, username="qt.xa", full_name="x", password="quan-tri-2026", role="admin",
                         scope_unit_code="XA-TP")
    session.rollback()
    assert admin.post("/quan-tri/nguoi-dung", data={**form, "role": "viewer"}).status_code == 302
    assert admin.post("/quan-tri/nguoi-dung", data={**form, "username": "qt.tinh", "unit": ""}).status_code == 302
