"""Sign-in and sessions (issue 12): a lockout that grows and always ends, an admin's or the
command line's unlock, failures and lockouts in the audit log, one answer for every refusal;
sessions ended on the server by sign-out, a new password and deactivation; the cookie's flags;
no redirect off the site; the password policy."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlmodel import select

from quyhoach.db.models import AuditEntry, User
from quyhoach.services.platform import auth

from tests.security.conftest import PASSWORD, sign_in, signed_in

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def _user(session, name) -> User:
    session.expire_all()
    return session.exec(select(User).where(User.username == name)).one()


def _fail(session, name, at, password="sai-mat-khau-1"):
    with pytest.raises(auth.Refused) as refused:
        auth.authenticate(session, name, password, now=at)
    return refused.value


# --------------------------------------------------------------------------- lockout

def test_the_lockout_starts_after_five_failures_and_doubles_up_to_fifteen_minutes(session, users):
    name = users["viewer"]
    for _ in range(4):
        assert _fail(session, name, T0).why == "password"
    fifth = _fail(session, name, T0)
    assert fifth.why == "lockout" and fifth.locked_until == T0 + dt.timedelta(seconds=30)
    # while locked even the right password is refused, and the try does not count
    assert _fail(session, name, T0 + dt.timedelta(seconds=29), PASSWORD).why == "locked"
    assert _user(session, name).failed_logins == 5
    # after the delay: one more failure locks for 60 s, the next for 120 s
    sixth = _fail(session, name, T0 + dt.timedelta(seconds=31))
    assert sixth.locked_until == T0 + dt.timedelta(seconds=31 + 60)
    seventh = _fail(session, name, T0 + dt.timedelta(seconds=92))
    assert seventh.locked_until == T0 + dt.timedelta(seconds=92 + 120)
    # once it ends, the right password signs in and the count starts again
    user = auth.authenticate(session, name, PASSWORD, now=T0 + dt.timedelta(seconds=213))
    assert user.failed_logins == 0 and user.locked_until is None and user.active


def test_the_lock_never_lasts_longer_than_fifteen_minutes_nor_deactivates(session, users):
    assert [auth.lock_delay(n) for n in (4, 5, 6, 9, 10, 50)] == [
        None, dt.timedelta(seconds=30), dt.timedelta(seconds=60), dt.timedelta(seconds=480),
        dt.timedelta(minutes=15), dt.timedelta(minutes=15)]
    name = users["admin"]
    at = T0
    for _ in range(40):  # a hostile client hammering the admin, waiting out every lock
        refusal = _fail(session, name, at)
        at = refusal.locked_until + dt.timedelta(seconds=1) if refusal.locked_until else at
    admin = _user(session, name)
    assert admin.active and admin.locked_until <= at + dt.timedelta(minutes=15)
    assert auth.authenticate(session, name, PASSWORD, now=at + dt.timedelta(minutes=15)).id == admin.id


def test_an_admin_unlocks_from_the_users_page(secure_app, users, session):
    for _ in range(5):
        sign_in(secure_app, users["viewer"], "sai-mat-khau-1")
    assert sign_in(secure_app, users["viewer"])[1].status_code == 401  # locked
    admin = signed_in(secure_app, users["admin"])
    page = admin.get("/quan-tri/nguoi-dung").get_data(as_text=True)
    assert "Tạm khóa do đăng nhập sai" in page and "Mở khóa đăng nhập" in page
    viewer_id = _user(session, users["viewer"]).id
    assert admin.post(f"/quan-tri/nguoi-dung/{viewer_id}/mo-khoa").status_code == 302
    assert sign_in(secure_app, users["viewer"])[1].status_code == 302
    unlocks = session.exec(select(AuditEntry).where(AuditEntry.action == "user.unlock")).all()
    assert [(e.actor, e.entity, e.before["failed_logins"]) for e in unlocks] == [("u.admin", "user:u.viewer", 5)]


def test_the_command_line_unlocks_a_locked_out_admin(secure_app, users, session):
    for _ in range(5):
        sign_in(secure_app, users["admin"], "sai-mat-khau-1")
    assert sign_in(secure_app, users["admin"])[1].status_code == 401
    result = secure_app.test_cli_runner().invoke(args=["user", "unlock", users["admin"]])
    assert result.exit_code == 0, result.output
    assert sign_in(secure_app, users["admin"])[1].status_code == 302
    missing = secure_app.test_cli_runner().invoke(args=["user", "unlock", "khong.co"])
    assert missing.exit_code != 0 and "không có người dùng" in missing.output


def test_failed_sign_ins_and_the_lockout_are_in_the_audit_log(secure_app, users, session):
    for _ in range(5):
        sign_in(secure_app, users["org_board"], "sai-mat-khau-1")
    sign_in(secure_app, "khong.ai", "sai-mat-khau-1")
    entries = session.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [(e.action, e.entity, e.after.get("cause")) for e in entries] == [
        *[("user.login_failed", "user:u.org_board", "password")] * 4,
        ("user.login_failed", "user:u.org_board", "lockout"),
        ("user.lockout", "user:u.org_board", None),
        ("user.login_failed", "user:khong.ai", "unknown"),
    ]
    assert all(e.actor == "ẩn danh" for e in entries)


def test_a_locked_or_inactive_account_gets_the_answer_of_a_wrong_password_at_the_same_cost(secure_app, users,
                                                                                          session, monkeypatch):
    verified = []
    real = auth._hasher

    class Counting:
        def verify(self, hashed, password):
            verified.append(1)
            return real.verify(hashed, password)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(auth, "_hasher", Counting())
    for _ in range(5):
        sign_in(secure_app, users["viewer"], "sai-mat-khau-1")
    inactive = _user(session, users["org_board"])
    inactive.active = False
    session.add(inactive)
    session.commit()
    answers = {}
    for label, name, password in [("wrong", users["admin"], "sai-mat-khau-1"), ("unknown", "khong.ai", PASSWORD),
                                  ("locked", users["viewer"], PASSWORD), ("inactive", users["org_board"], PASSWORD)]:
        verified.clear()
        response = sign_in(secure_app, name, password)[1]
        # the page as the user sees it: the name typed shown back, the per-client CSRF tokens left out
        page = response.get_data(as_text=True).replace(name, "NAME")
        body = re.sub(r'(csrf-token" content|csrf_token" value)="[^"]*"', "", page)
        answers[label] = (response.status_code, body, len(verified))
    assert answers["wrong"][0] == 401 and answers["wrong"][2] == 1  # one argon2 verification each
    assert answers["unknown"] == answers["locked"] == answers["inactive"] == answers["wrong"]


# --------------------------------------------------------------------------- sessions

def _replay(app, cookie: str):
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client.get("/can-bo/")


def test_a_cookie_saved_before_sign_out_stops_working(secure_app, users):
    client = signed_in(secure_app, users["viewer"])
    other_browser = signed_in(secure_app, users["viewer"])
    saved = client.get_cookie("session").value
    assert _replay(secure_app, saved).status_code == 200
    client.post("/dang-xuat")
    replayed = _replay(secure_app, saved)
    assert replayed.status_code == 302 and "/dang-nhap" in replayed.headers["Location"]
    assert other_browser.get("/can-bo/").status_code == 302  # sign-out ends every session of the user
    assert signed_in(secure_app, users["viewer"]).get("/can-bo/").status_code == 200


def test_a_new_password_and_deactivation_end_the_users_sessions(secure_app, users, session):
    viewer = signed_in(secure_app, users["viewer"])
    board = signed_in(secure_app, users["org_board"])
    admin = signed_in(secure_app, users["admin"])
    viewer_id, board_id = _user(session, users["viewer"]).id, _user(session, users["org_board"]).id
    assert admin.post(f"/quan-tri/nguoi-dung/{viewer_id}/mat-khau", data={"password": "mat-khau-moi-77"}).status_code == 302
    assert viewer.get("/can-bo/").status_code == 302
    assert admin.post(f"/quan-tri/nguoi-dung/{board_id}/trang-thai").status_code == 302
    assert board.get("/can-bo/").status_code == 302
    assert admin.get("/can-bo/").status_code == 200  # the admin's own session untouched


def test_the_session_cookie_is_httponly_and_samesite_lax_and_secure_when_configured(make_app, users):
    plain = sign_in(make_app(), users["viewer"])[1].headers.get_all("Set-Cookie")
    cookie = next(c for c in plain if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = sign_in(make_app(SECURE_COOKIES=1), users["viewer"])[1].headers.get_all("Set-Cookie")
    cookie = next(c for c in secure if c.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


# --------------------------------------------------------------------------- redirects

@pytest.mark.parametrize("target", [
    "/%09/evil.example", "//evil.example", "/%5Cevil.example", "%5C%5Cevil.example", "/%5C/evil.example",
    "https://evil.example/", "javascript:alert(1)", "/%0d%0a/evil.example", "/%0a/evil.example", "evil.example",
    "http:/evil.example", "%2F%2Fevil.example",
])
def test_sign_in_never_redirects_off_the_site(secure_app, users, target):
    response = sign_in(secure_app, users["viewer"], next_=target)[1]
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_sign_in_returns_to_the_page_asked_for(secure_app, users):
    response = sign_in(secure_app, users["viewer"], next_="/can-bo/%3Fq%3Dan")[1]
    assert response.headers["Location"] == "/can-bo/?q=an"
    response = sign_in(secure_app, users["viewer"], next_="/can-bo/%3Fq%3DNguyen%20Van")[1]
    assert response.headers["Location"] in ("/can-bo/?q=Nguyen Van", "/can-bo/?q=Nguyen%20Van")


# --------------------------------------------------------------------------- password policy

@pytest.mark.parametrize("password, message", [
    ("ngan-12", "ít nhất 10"),
    ("chiconchuthoi", "cả chữ và số"),
    ("nguyen.van2026", "tên đăng nhập"),
    ("NGUYEN-2026-xyz", "tên đăng nhập"),
    ("aaa-bcd-2026", "lặp"),
    ("1212121212ab", "lặp"),
])
def test_the_password_policy(session, password, message):
    with pytest.raises(auth.AuthError, match=message):
        auth.create_user(session, username="nguyen.van", full_name="Nguyễn Văn", password=password, role="viewer")


def test_a_good_password_is_accepted_and_a_reset_follows_the_same_policy(session, users):
    auth.create_user(session, username="nguyen.van", full_name="Nguyễn Văn", password="hoa-sen-2026", role="viewer")
    with pytest.raises(auth.AuthError, match="tên đăng nhập"):
        auth.set_password(session, _user(session, users["viewer"]), "u.viewer-2026x")
