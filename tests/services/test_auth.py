"""Users: argon2 passwords, one refusal message for every bad sign-in, lock after repeated
failures, roles and their permissions."""

from __future__ import annotations

import pytest
from sqlmodel import select

from quyhoach.db.models import User

from quyhoach.services.platform import auth


def test_a_user_signs_in_with_the_right_password_only(session):
    user = auth.create_user(session, username="Ttb.Nguyen", full_name="Nguyễn Thị Bình", password="matkhau2026",
                            role="org_board")
    assert user.username == "ttb.nguyen" and user.password_hash.startswith("$argon2")
    assert auth.authenticate(session, "ttb.nguyen", "matkhau2026").id == user.id
    with pytest.raises(auth.AuthError) as wrong:
        auth.authenticate(session, "ttb.nguyen", "sai-mat-khau1")
    with pytest.raises(auth.AuthError) as unknown:
        auth.authenticate(session, "khong.co", "matkhau2026")
    assert str(wrong.value) == str(unknown.value)  # no hint whether the name exists


def test_repeated_failures_lock_the_account_for_a_while_with_the_same_answer(session):
    auth.create_user(session, username="a.b", full_name="A B", password="matkhau2026", role="viewer")
    for _ in range(auth.FREE_FAILURES):
        with pytest.raises(auth.AuthError):
            auth.authenticate(session, "a.b", "sai")
    with pytest.raises(auth.Refused) as locked:
        auth.authenticate(session, "a.b", "matkhau2026")
    assert locked.value.why == "locked" and str(locked.value) == "tên đăng nhập hoặc mật khẩu không đúng"
    user = session.exec(select(User).where(User.username == "a.b")).one()
    assert user.active  # locked for a while, never deactivated
    assert auth.unlock(session, user)
    assert auth.authenticate(session, "a.b", "matkhau2026").id == user.id


@pytest.mark.parametrize("fields, message", [
    ({"password": "ngan1"}, "ít nhất"),
    ({"password": "chiconchuthoi"}, "cả chữ và số"),
    ({"password": "x.y.matkhau2026", "username": "matkhau"}, "tên đăng nhập"),
    ({"password": "mmmatkhau2026"}, "lặp"),
    ({"username": "có dấu"}, "không dấu"),
    ({"role": "vua"}, "vai trò"),
    ({"scope_unit_code": "KHONG-CO"}, "không có đơn vị"),
])
def test_bad_user_data_is_refused(session, fields, message):
    data = {"username": "x.y", "full_name": "X Y", "password": "matkhau2026", "role": "viewer", **fields}
    with pytest.raises(auth.AuthError, match=message):
        auth.create_user(session, **data)


def test_roles_and_permissions():
    assert auth.can("org_board", "edit_records") and not auth.can("viewer", "edit_records")
    assert auth.can("standing_committee", "adopt") and not auth.can("org_board", "adopt")
    assert auth.can("admin", "admin") and not auth.can("org_board", "admin")
    assert all(auth.can(role, "read") for role in auth.ROLES)
    assert not auth.can(None, "read")
