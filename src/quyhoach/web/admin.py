"""Quản trị: users and roles, the audit log, backups. Admins only (see web.auth)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlmodel import select

from quyhoach.db.models import Unit, User
from quyhoach.domain.dates import DateParseError, parse_date
from quyhoach.services.platform import audit, auth as auth_service, backup as backup_service
from quyhoach.services.records import history
from quyhoach.web.db import engine, session
from quyhoach.web.auth import PROVINCE_WIDE_RECORD, guarded

bp = guarded(Blueprint("admin", __name__, url_prefix="/quan-tri"), read="admin", write="admin",
             params={"user_id": "user", "name": PROVINCE_WIDE_RECORD})


def _units():
    return session().exec(select(Unit).order_by(Unit.sort_order, Unit.name)).all()


@bp.get("/")
def index():
    return redirect(url_for(".users"))


@bp.get("/nguoi-dung")
def users():
    rows = session().exec(select(User).order_by(User.username)).all()
    units = {u.id: u for u in _units()}
    return render_template("admin/users.html", users=rows, units=units, roles=auth_service.ROLES, form={}, error=None,
                           is_locked=auth_service.is_locked)


@bp.post("/nguoi-dung")
def create_user():
    form = request.form
    db = session()
    try:
        if form.get("unit") and form.get("role") in auth_service.UNSCOPED_ROLES:
            # said here in the page's language (the service refuses it too, in Vietnamese)
            raise auth_service.AuthError(_(
                "Vai trò «%(role)s» chỉ dành cho người dùng toàn tỉnh (người dùng, nhật ký, sao lưu là của cả hệ thống): "
                "một người quản trị thuộc một đơn vị không làm được việc gì. Chọn «Toàn tỉnh» hoặc vai trò khác.",
                role=_(auth_service.ROLES[form["role"]])))
        user = auth_service.create_user(db, username=form.get("username", ""), full_name=form.get("full_name", ""),
                                        password=form.get("password", ""), role=form.get("role", ""),
                                        scope_unit_code=form.get("unit") or None)
        audit.record(db, "user.create", f"user:{user.username}",
                     after={"role": user.role, "scope": form.get("unit") or "toàn tỉnh"})
        db.commit()
    except auth_service.AuthError as exc:
        db.rollback()
        rows = db.exec(select(User).order_by(User.username)).all()
        return render_template("admin/users.html", users=rows, units={u.id: u for u in _units()},
                               roles=auth_service.ROLES, form=form, error=str(exc), is_locked=auth_service.is_locked), 422
    flash(_("Đã tạo người dùng %(name)s.", name=user.username), "success")
    return redirect(url_for(".users"))


@bp.post("/nguoi-dung/<int:user_id>/trang-thai")
def toggle_user(user_id: int):
    db = session()
    user = db.get(User, user_id)
    if user is None:
        abort(404)
    user.active = not user.active
    auth_service.unlock(db, user)
    if not user.active:
        auth_service.end_sessions(db, user)  # deactivation ends every open session at once
    audit.record(db, "user.activate" if user.active else "user.deactivate", f"user:{user.username}",
                 before={"active": not user.active}, after={"active": user.active})
    db.commit()
    return redirect(url_for(".users"))


@bp.post("/nguoi-dung/<int:user_id>/mo-khoa")
def unlock_user(user_id: int):
    """End a lockout after failed sign-ins now (the account stays active)."""
    db = session()
    user = db.get(User, user_id)
    if user is None:
        abort(404)
    before = {"failed_logins": user.failed_logins, "locked_until": user.locked_until}
    auth_service.unlock(db, user)
    audit.record(db, "user.unlock", f"user:{user.username}", before=before,
                 after={"failed_logins": 0, "locked_until": None})
    db.commit()
    flash(_("Đã mở khóa đăng nhập cho %(name)s.", name=user.username), "success")
    return redirect(url_for(".users"))


@bp.post("/nguoi-dung/<int:user_id>/mat-khau")
def reset_password(user_id: int):
    db = session()
    user = db.get(User, user_id)
    if user is None:
        abort(404)
    try:
        auth_service.set_password(db, user, request.form.get("password", ""))
    except auth_service.AuthError as exc:
        db.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".users"))
    audit.record(db, "user.password", f"user:{user.username}")
    db.commit()
    flash(_("Đã đặt lại mật khẩu cho %(name)s.", name=user.username), "success")
    return redirect(url_for(".users"))


@bp.get("/nhat-ky")
def audit_log():
    """The audit log in words, filtered by cadre, unit, user, action and date."""
    args = request.args
    try:
        since = parse_date(args.get("tu_ngay")) if args.get("tu_ngay") else None
        until = parse_date(args.get("den_ngay")) if args.get("den_ngay") else None
    except DateParseError as exc:
        flash(str(exc), "error")
        since = until = None
    page = max(1, int(args.get("trang", "1") or 1)) if (args.get("trang", "1") or "1").isdigit() else 1
    cadre_code = (args.get("can_bo") or "").strip()
    unit_code = (args.get("don_vi") or "").strip()
    subjects = None
    conditions = [history.about_cadre(cadre_code)] if cadre_code else []   # a relation: under both cadres
    conditions += [history.about_unit(unit_code)] if unit_code else []
    where = sa.and_(*conditions) if conditions else None
    total, rows = audit.entries(session(), actor=args.get("nguoi", ""), action=args.get("thao_tac", ""),
                                entity=args.get("doi_tuong", ""), since=since, until=until,
                                limit=50, offset=(page - 1) * 50, subjects=subjects, where=where)
    verification = audit.verify(session())
    names = history.names_for(session(), rows)
    next_args, prev_args = {**args.to_dict(), "trang": page + 1}, {**args.to_dict(), "trang": page - 1}
    units = session().exec(select(Unit.code, Unit.name).order_by(Unit.sort_order, Unit.name)).all()
    return render_template("admin/audit.html", rows=[history.view(r, names) for r in rows], total=total, page=page,
                           verification=verification, next_args=next_args, prev_args=prev_args,
                           pages=max(1, -(-total // 50)), actions=history.action_choices(),
                           units=units)


def _backup_dir() -> Path:
    folder = Path(current_app.instance_path) / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@bp.get("/sao-luu")
def backups():
    files = sorted(_backup_dir().glob("*.db"), reverse=True)
    return render_template("admin/backups.html", files=files, sqlite=engine().dialect.name == "sqlite")


@bp.post("/sao-luu")
def make_backup():
    name = f"quyhoach-{dt.datetime.now():%Y%m%d-%H%M%S}.db"
    db = session()
    try:
        backup_service.backup(engine(), _backup_dir() / name, session=db)
    except backup_service.BackupError as exc:
        db.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".backups"))
    flash(_("Đã sao lưu: %(name)s", name=name), "success")
    return redirect(url_for(".backups"))


@bp.get("/sao-luu/<name>")
def download_backup(name: str):
    path = _backup_dir() / name
    if path.suffix != ".db" or path.name != name or not path.exists():
        abort(404)
    audit.record_read(session(), "backup", name)
    return send_file(path, as_attachment=True, download_name=name)
