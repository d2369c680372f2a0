"""Users, roles and what each role may do.

Roles (Trust issue): the Organization Board officer edits records, pools and scenarios;
the Standing Committee member views, compares and adopts; the viewer reads; the admin
manages users and rule sets. Each user is scoped to the units of the body that manages
them: they see their unit and the units under it, nothing else.
"""

from __future__ import annotations

import datetime as dt
import functools
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
    "others_reports": {"standing_committee", "admin"},  # open, stop, download a report someone else made
}
# Province-wide settings: a user scoped to a unit never holds these, whatever their role
# (a rule set re-judges the whole province; users and backups are the whole installation's).
UNSCOPED_ONLY = frozenset({"rule_sets", "admin"})
# Roles whose work is those settings: scoped to a unit, such a user could do none of it, so the
# pair is refused when the user is created.
UNSCOPED_ROLES = frozenset({"admin"})

_hasher = PasswordHasher()
MIN_PASSWORD = 10
MIN_DISTINCT = 5          # different characters a password must have
MAX_RUN = 3               # the same character this many times in a row is refused
# Lockout: after FREE_FAILURES failed sign-ins in a row the account is refused for
# LOCK_BASE, doubling with each further failure, never longer than LOCK_MAX; tries while
# locked are refused without counting, so an anonymous client cannot lengthen the lock, and
# it always ends (an admin or `quyhoach user unlock` ends it at once).
FREE_FAILURES = 5
LOCK_BASE = dt.timedelta(seconds=30)
LOCK_MAX = dt.timedelta(minutes=15)


class AuthError(ValueError):
    """Refused, with the reason in Vietnamese."""


def can(role: str | None, permission: str, *, scoped: bool = False) -> bool:
    """The role holds the permission (and, for a province-wide setting, the user is not scoped to a unit)."""
    if scoped and permission in UNSCOPED_ONLY:
        return False
    return role is not None and role in PERMISSIONS.get(permission, set())


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password: str, username: str = "") -> None:
    """The password policy: long enough, letters and digits, not the username, not one
    character repeated."""
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự")
    if password.isdigit() or password.isalpha():
        raise AuthError("mật khẩu phải có cả chữ và số")
    folded = password.casefold()
    name = (username or "").strip().casefold()
    if name and (name in folded or any(part in folded for part in re.split(r"[._-]", name) if len(part) >= 4)):
        raise AuthError("mật khẩu không được chứa tên đăng nhập")
    if re.search(r"(.)\1{" + str(MAX_RUN - 1) + "}", folded) or len(set(folded)) < MIN_DISTINCT:
        raise AuthError(f"mật khẩu không được lặp một ký tự (cần ít nhất {MIN_DISTINCT} ký tự khác nhau, "
                        f"không ký tự nào {MAX_RUN} lần liền nhau)")


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
    check_password(password, username)
    if scope_unit_code and role in UNSCOPED_ROLES:
        raise AuthError(f"vai trò «{ROLES[role]}» chỉ dành cho người dùng toàn tỉnh (người dùng, nhật ký, sao lưu là "
                        f"của cả hệ thống): bỏ chọn đơn vị «{scope_unit_code}» hoặc chọn vai trò khác")
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


class Refused(AuthError):
    """A sign-in refused: one message for every cause (unknown name, wrong password, locked,
    deactivated), so the answer tells nothing. `why` and `locked_until` are for the audit log."""

    def __init__(self, why: str, username: str, locked_until: dt.datetime | None = None) -> None:
        super().__init__("tên đăng nhập hoặc mật khẩu không đúng")
        self.why = why
        self.username = username
        self.locked_until = locked_until


@functools.cache
def _dummy_hash() -> str:
    """The hash an unknown name is verified against (made once, on the first sign-in, not at
    import: a command that signs nobody in does not pay for an argon2 hash)."""
    return _hasher.hash("timing-equaliser-2026")


def lock_delay(failures: int) -> dt.timedelta | None:
    """How long the account is locked after this many failures in a row (None: not locked)."""
    if failures < FREE_FAILURES:
        return None
    return min(LOCK_BASE * (2 ** min(failures - FREE_FAILURES, 20)), LOCK_MAX)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def is_locked(user: User, now: dt.datetime | None = None) -> bool:
    until = _aware(user.locked_until)
    return until is not None and (now or utcnow()) < until


def authenticate(session: Session, username: str, password: str, *, now: dt.datetime | None = None) -> User:
    """The user for these credentials, or `Refused` with one message for every failure
    (no hint whether the name exists, or is locked): every path verifies one argon2 hash,
    so the time taken tells nothing either."""
    now = _aware(now) or utcnow()
    dummy = _dummy_hash()   # before the look-up: the first sign-in pays for it whoever signs in
    name = (username or "").strip().lower()[:60]
    user = session.exec(select(User).where(User.username == name)).one_or_none()
    try:
        _hasher.verify(user.password_hash if user is not None else dummy, password or "")
        matches = user is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        matches = False
    if user is None:
        raise Refused("unknown", name)
    if not user.active:
        raise Refused("inactive", name)
    if is_locked(user, now):
        raise Refused("locked", name, _aware(user.locked_until))  # not counted: the lock does not grow
    if not matches:
        user.failed_logins += 1
        delay = lock_delay(user.failed_logins)
        user.locked_until = now + delay if delay is not None else None
        session.add(user)
        session.flush()
        raise Refused("lockout" if delay is not None else "password", name, user.locked_until)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    session.add(user)
    session.flush()
    return user


def unlock(session: Session, user: User) -> bool:
    """End a lockout now; whether there was one (or failures counting towards one)."""
    had = user.failed_logins > 0 or user.locked_until is not None
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    session.flush()
    return had


def end_sessions(session: Session, user: User) -> None:
    """Every session of this user signed in so far stops working (sign-out, a new password,
    deactivation): the generation each session carries no longer matches."""
    user.session_generation = (user.session_generation or 0) + 1
    session.add(user)
    session.flush()


def set_password(session: Session, user: User, password: str) -> None:
    check_password(password, user.username)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    end_sessions(session, user)
