"""Users, roles and what each role may do.

Roles (Trust issue): the Organization Board officer edits records, pools and scenarios;
the Standing Committee member views, compares and adopts; the viewer reads; the admin
manages users and rule sets. Each user is scoped to the units of the body that manages
them: they see their unit and the units under it, nothing else.
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, select

from quyhoach.db.models import Unit, User, utcnow
from quyhoach.domain.vocab import N_

ROLES = {
    "org_board": N_("Cán bộ Ban Tổ chức"),
    "standing_committee": N_("Ủy viên Ban Thường vụ"),
    "viewer": N_("Người xem"),
    "admin": N_("Quản trị hệ thống"),
}

# What each permission lets a user do, and which roles have it.
PERMISSIONS = {
    "read": {"org_board", "standing_committee", "viewer", "admin"},
    "edit_records": {"org_board"},              # import, dossiers, pools, annual review
    "edit_scenarios": {"org_board"},            # prepare scenarios, solve, sweep, relax
    "adopt": {"standing_committee"},            # adopt a rotation plan
    "rule_sets": {"org_board", "admin"},        # edit unconfirmed parameters, new versions
    "admin": {"admin"},                         # users, audit log, backups
}

_hasher = PasswordHasher()
MIN_PASSWORD = 10
MAX_FAILED = 10


class AuthError(ValueError):
    """Refused, with the reason in Vietnamese."""


def can(role: str | None, permission: str) -> bool:
    return role is not None and role in PERMISSIONS.get(permission, set())


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự")
    if password.isdigit() or password.isalpha():
        raise AuthError("mật khẩu phải có cả chữ và số")


def create_user(session: Session, *, username: str, full_name: str, password: str, role: str,
                scope_unit_code: str | None = None) -> User:
    username = (username or "").strip().lower()
    if not re.fullmatch(r"[a-z0-9._-]{3,60}", username):
        raise AuthError("tên đăng nhập 3–60 ký tự: chữ không dấu, số, dấu chấm, gạch")
    if session.exec(select(User).where(User.username == username)).one_or_none() is not None:
        raise AuthError(f"đã có người dùng «{username}»")
    if role not in ROLES:
        raise AuthError(f"vai trò không hợp lệ; các vai trò: {', '.join(ROLES)}")
    if not (full_name or "").strip():
        raise AuthError("cần ghi họ và tên")
    _check_password(password)
    scope = None
    if scope_unit_code:
        scope = session.exec(select(Unit).where(Unit.code == scope_unit_code)).one_or_none()
        if scope is None:
            raise AuthError(f"không có đơn vị mã «{scope_unit_code}»")
    user = User(username=username, full_name=full_name.strip(), password_hash=hash_password(password), role=role,
                scope_unit_id=scope.id if scope else None)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    """The user for these credentials, or AuthError with one message for every failure
    (no hint whether the name exists)."""
    user = session.exec(select(User).where(User.username == (username or "").strip().lower())).one_or_none()
    refused = AuthError("tên đăng nhập hoặc mật khẩu không đúng")
    if user is None:
        _hasher.hash("timing-equaliser")  # same cost whether or not the user exists
        raise refused
    if not user.active:
        raise AuthError("tài khoản đã bị khóa; liên hệ quản trị hệ thống")
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED:
            user.active = False
        session.add(user)
        session.flush()
        raise refused from None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.last_login_at = utcnow()
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    _check_password(password)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    session.add(user)
    session.flush()
