"""Nhập dữ liệu: upload a list, see every problem by row and column (a dry run), then
import it all or nothing. Templates and exports download from here too."""

from __future__ import annotations

import io
import os
import secrets
import time
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from quyhoach.services.platform import audit
from quyhoach.services.records import exporter, importer, trichngang
from quyhoach.services.records.reading import Limits, Stopped
from quyhoach.services.records.tabular import LOAD_ORDER, SHEETS, ReadOptions
from quyhoach.web.auth import NOT_A_RECORD, current_scope, guarded
from quyhoach.web.db import session

bp = guarded(Blueprint("imports", __name__, url_prefix="/nhap-du-lieu"), write="edit_records",
             params={"kind": NOT_A_RECORD, "fmt": NOT_A_RECORD})

MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _uploads() -> Path:
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _clean_uploads() -> None:
    """Files checked but never imported are removed after UPLOAD_KEEP_HOURS (a day)."""
    cutoff = time.time() - 3600 * current_app.config.get("UPLOAD_KEEP_HOURS", 24)
    for path in _uploads().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue


def _store(name: str, data: bytes) -> None:
    """Written readable by the service account only (0600)."""
    path = _uploads() / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)


def _stored(token: str) -> tuple[bytes, str] | None:
    _token_or_400(token)
    files = [p for p in _uploads().glob(f"{token}.*") if p.suffix != ".name"]
    name = _uploads() / f"{token}.name"
    if not files or not name.exists():
        return None
    return files[0].read_bytes(), name.read_text(encoding="utf-8")


def _discard(token: str) -> None:
    for path in _uploads().glob(f"{token}.*"):
        path.unlink(missing_ok=True)


def _token_or_400(token: str) -> str:
    if not token or len(token) > 64 or not token.replace("-", "").replace("_", "").isalnum():
        abort(400)
    return token


def _stop_file(check_id: str) -> Path:
    return _uploads() / f"stop-{_token_or_400(check_id)}"


def _stop_asked():
    """The check's `should_stop`: the page's «Dừng» button (stop() below) leaves a mark
    for the check of its form, which the reading looks for between rows."""
    check_id = request.form.get("check_id", "")
    if not check_id:
        return None
    return _stop_file(check_id).exists


def _stopped(filename: str):
    """A check (or an import) stopped by the user: nothing was written (the session is
    rolled back), said in the page."""
    session().rollback()
    if request.form.get("check_id"):
        _stop_file(request.form["check_id"]).unlink(missing_ok=True)
    flash(_("Đã dừng kiểm tra tệp «%(name)s» theo yêu cầu; chưa ghi gì vào cơ sở dữ liệu. "
            "Có thể chọn tệp và kiểm tra lại.", name=filename), "error")
    return redirect(url_for(".index"))


@bp.context_processor
def _check_ids():
    """Each check form gets an id of its own, for its «Dừng» button."""
    return {"new_check_id": lambda: secrets.token_urlsafe(12)}


@bp.post("/dung")
def stop():
    """The «Dừng» button, pressed while a check runs (htmx): the check stops at its next
    rows, writes nothing, and its page says so."""
    _stop_file(request.form.get("check_id", "")).touch(mode=0o600)
    return "", 204


def _options() -> ReadOptions:
    """The user's answers on the preview (the sheet, the hidden rows) and the limits."""
    config = current_app.config
    limits = Limits(max_rows=config.get("IMPORT_MAX_ROWS", 200_000), max_cells=config.get("IMPORT_MAX_CELLS", 6_000_000),
                    max_unpacked_bytes=config.get("IMPORT_MAX_UNPACKED_MB", 400) * 1024 * 1024)
    answers = {name: request.form.get(name, "ask") for name in ("hidden", "hidden_columns")}
    answers = {name: value if value in ("skip", "include") else "ask" for name, value in answers.items()}
    return ReadOptions(sheet=request.form.get("sheet") or None, limits=limits, should_stop=_stop_asked(), **answers)



def _all_or_nothing(write):
    """Run an import in the request's session: commit when it is clean, else roll back
    everything (nothing half-written), and roll back on any error."""
    db = session()
    try:
        result = write(db)
        if result.ok:
            db.commit()
        else:
            db.rollback()
    except Exception:
        db.rollback()
        raise
    return result

@bp.app_errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """A file over the upload limit: said in the page, in Vietnamese, with what to do."""
    limit = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
    message = _("Tệp quá lớn: tối đa %(limit)s MB mỗi lần tải lên. Hãy chia danh sách thành nhiều tệp nhỏ hơn, "
                "hoặc xóa các trang tính và hình ảnh không cần nhập, rồi tải lên lại.", limit=limit)
    return render_template("imports/too_large.html", message=message,
                           sheets=[SHEETS[k] for k in LOAD_ORDER]), 413


def _sheet_or_404(kind: str):
    if kind not in SHEETS:
        abort(404)
    return SHEETS[kind]


def _kind_or_404(kind: str) -> None:
    """A list kind that can be imported: one of the sheets, or a printed trích ngang."""
    if kind != trichngang.KIND:
        _sheet_or_404(kind)


def _choices() -> dict[str, str]:
    """The user's answers on a trích ngang's preview: who each row is, the title and the term."""
    return {k: v for k, v in request.form.items() if k.startswith("match_") or k in ("title", "term")}


def _check_trich_ngang(data: bytes, filename: str, token: str, options: ReadOptions):
    result = trichngang.run(session(), data, filename, choices=_choices(), dry_run=True, scope=current_scope().unit_ids,
                            options=options)
    session().rollback()
    return render_template("imports/trichngang.html", result=result, token=token, kind=trichngang.KIND,
                           options=options), 200 if result.ok else 422


def _commit_trich_ngang(data: bytes, filename: str, token: str, options: ReadOptions):
    result = _all_or_nothing(lambda db: trichngang.run(db, data, filename, choices=_choices(), scope=current_scope().unit_ids,
                                                       options=options))
    if not result.ok:
        return render_template("imports/trichngang.html", result=result, token=token, kind=trichngang.KIND,
                               options=options), 422
    _discard(token)
    flash(result.message(), "success")
    return redirect(url_for(".index"))


@bp.get("/")
def index():
    return render_template("imports/index.html", sheets=[SHEETS[k] for k in LOAD_ORDER],
                           trich_ngang=(trichngang.KIND, trichngang.TITLE))


@bp.post("/kiem-tra")
def check():
    """Step 1: the upload is checked (nothing written) and kept, for step 2 or for a second
    check with the user's answers (which sheet, the hidden rows)."""
    kind = request.form.get("kind", "")
    _kind_or_404(kind)
    _clean_uploads()
    upload = request.files.get("file")
    token = request.form.get("token", "")
    if upload is not None and upload.filename:
        data, filename = upload.read(), upload.filename
        token = secrets.token_urlsafe(16)
        suffix = "".join(ch for ch in Path(filename).suffix.lower() if ch.isalnum() or ch == ".")[:8] or ".bin"
        _store(f"{token}{suffix}", data)
        _store(f"{token}.name", filename.encode("utf-8"))
    elif token:
        stored = _stored(token)
        if stored is None:
            flash(_("Tệp đã kiểm tra không còn; hãy tải lên lại."), "error")
            return redirect(url_for(".index"))
        data, filename = stored
    else:
        flash(_("Chưa chọn tệp để nhập."), "error")
        return redirect(url_for(".index"))
    options = _options()
    try:
        if kind == trichngang.KIND:
            return _check_trich_ngang(data, filename, token, options)
        result = importer.run(session(), kind, data, filename, dry_run=True, scope=current_scope().unit_ids, options=options)
    except Stopped:
        return _stopped(filename)
    session().rollback()
    status = 200 if result.ok else 422
    return render_template("imports/result.html", result=result, token=token, kind=kind, options=options), status


@bp.post("/ghi")
def commit():
    """Step 2: the checked file is imported in one transaction, or not at all."""
    kind = request.form.get("kind", "")
    _kind_or_404(kind)
    token = request.form.get("token", "")
    stored = _stored(token)
    if stored is None:
        flash(_("Tệp đã kiểm tra không còn; hãy tải lên lại."), "error")
        return redirect(url_for(".index"))
    data, filename = stored
    options = _options()
    try:
        if kind == trichngang.KIND:
            return _commit_trich_ngang(data, filename, token, options)
        result = _all_or_nothing(lambda db: importer.run(db, kind, data, filename, scope=current_scope().unit_ids,
                                                         options=options))
    except Stopped:
        return _stopped(filename)
    if not result.ok:
        return render_template("imports/result.html", result=result, token=token, kind=kind, options=options), 422
    _discard(token)
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
    data = exporter.export(session(), kind, fmt, scope=current_scope().unit_ids)
    audit.record_read(session(), "export", f"{sheet.kind}.{fmt}")
    return send_file(io.BytesIO(data), mimetype=MIMETYPES[fmt], as_attachment=True,
                     download_name=f"{sheet.kind}.{fmt}")
