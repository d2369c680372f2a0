"""Nhập dữ liệu: upload a list, see every problem by row and column (a dry run), then
import it all or nothing. Templates and exports download from here too."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
import io

from quyhoach.services.records import exporter, importer
from quyhoach.services.records.tabular import LOAD_ORDER, SHEETS
from quyhoach.web.auth import guarded, scope_unit_ids
from quyhoach.web.db import session

bp = guarded(Blueprint("imports", __name__, url_prefix="/nhap-du-lieu"), write="edit_records")

MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _uploads() -> Path:
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sheet_or_404(kind: str):
    if kind not in SHEETS:
        abort(404)
    return SHEETS[kind]


@bp.get("/")
def index():
    return render_template("imports/index.html", sheets=[SHEETS[k] for k in LOAD_ORDER])


@bp.post("/kiem-tra")
def check():
    """Step 1: the upload is checked (nothing written) and kept for step 2."""
    kind = request.form.get("kind", "")
    _sheet_or_404(kind)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Chưa chọn tệp để nhập."), "error")
        return redirect(url_for(".index"))
    data = upload.read()
    result = importer.run(session(), kind, data, upload.filename, dry_run=True, scope=scope_unit_ids())
    session().rollback()
    token = ""
    if result.ok:
        token = secrets.token_urlsafe(16)
        suffix = Path(upload.filename).suffix.lower()
        (_uploads() / f"{token}{suffix}").write_bytes(data)
        (_uploads() / f"{token}.name").write_text(upload.filename, encoding="utf-8")
    status = 200 if result.ok else 422
    return render_template("imports/result.html", result=result, token=token, kind=kind), status


@bp.post("/ghi")
def commit():
    """Step 2: the checked file is imported in one transaction, or not at all."""
    kind = request.form.get("kind", "")
    _sheet_or_404(kind)
    token = request.form.get("token", "")
    if not token.replace("-", "").replace("_", "").isalnum():
        abort(400)
    stored = [p for p in _uploads().glob(f"{token}.*") if p.suffix != ".name"]
    if not stored:
        flash(_("Tệp đã kiểm tra không còn; hãy tải lên lại."), "error")
        return redirect(url_for(".index"))
    path = stored[0]
    filename = (_uploads() / f"{token}.name").read_text(encoding="utf-8")
    db = session()
    try:
        result = importer.run(db, kind, path.read_bytes(), filename, scope=scope_unit_ids())
        if result.ok:
            db.commit()
        else:
            db.rollback()
    except Exception:
        db.rollback()
        raise
    if not result.ok:
        return render_template("imports/result.html", result=result, token="", kind=kind), 422
    path.unlink(missing_ok=True)
    (_uploads() / f"{token}.name").unlink(missing_ok=True)
    flash(result.message(), "success")
    return redirect(url_for(".index"))


@bp.get("/mau/<kind>.<fmt>")
def template(kind: str, fmt: str):
    sheet = _sheet_or_404(kind)
    if fmt not in MIMETYPES:
        abort(404)
    data = exporter.template(kind, fmt)
    return send_file(io.BytesIO(data), mimetype=MIMETYPES[fmt], as_attachment=True,
                     download_name=f"mau-{sheet.kind}.{fmt}")


@bp.get("/xuat/<kind>.<fmt>")
def export(kind: str, fmt: str):
    sheet = _sheet_or_404(kind)
    if fmt not in MIMETYPES:
        abort(404)
    data = exporter.export(session(), kind, fmt, scope=scope_unit_ids())
    return send_file(io.BytesIO(data), mimetype=MIMETYPES[fmt], as_attachment=True,
                     download_name=f"{sheet.kind}.{fmt}")
