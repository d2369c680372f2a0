"""Cán bộ: search as you type and the dossier (sơ yếu lý lịch)."""

from __future__ import annotations

import datetime as dt
import math

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlmodel import select

from quyhoach.services.records import queries
from quyhoach.services.records import dossier as dossier_service
from quyhoach.reports import dossier_2c
from quyhoach.services.rotation import views as rotation_views
from quyhoach.db.models import Cadre, Title, Unit
from quyhoach.domain import vocab
from quyhoach.domain.phrase import Num, Phrase
from quyhoach.domain.vocab import N_
from quyhoach.services.records import editing
from quyhoach.services.records import history as history_service
from quyhoach.services.records.tabular import SHEETS
from quyhoach.web.partials import is_partial
from quyhoach.web.auth import current_scope, guarded, requires
from quyhoach.web.db import session

bp = guarded(Blueprint("cadres", __name__, url_prefix="/can-bo"), write="edit_records", params={"code": "cadre"})

# The search form's parameters, named as the address bar shows them.
MINORITY = {"thieu-so": True, "kinh": False}


def _search_args() -> queries.CadreSearch:
    args = request.args
    return queries.CadreSearch(
        text=args.get("q", "").strip()[:200],
        unit_code=args.get("don_vi", "").strip(),
        sex=args.get("gioi_tinh", "").strip(),
        minority=MINORITY.get(args.get("dan_toc", "")),
        page=args.get("trang", 1, type=int),
    )


@bp.app_template_global()
def page_url(number: int) -> str:
    """The current address with another page number (?trang=), other parameters kept."""
    args = request.args.to_dict()
    args["trang"] = number
    return url_for(request.endpoint, **(request.view_args or {}), **args)


@bp.get("/")
def search():
    """The search page; from htmx (typing, a filter, the pager) only the results."""
    result = queries.search_cadres(session(), _search_args(), current_app.config["SEARCH_LIMIT"], scope=current_scope())
    if is_partial():
        return render_template("cadres/_results.html", result=result)
    return render_template("cadres/search.html", result=result, units=queries.unit_options(session(), current_scope()))


@bp.get("/dang-luan-chuyen")
def rotated():
    """Cán bộ đang luân chuyển (and on secondment): who is away, where, since when and until
    when it is planned to end (R8: a rotation lasts at least 36 months)."""
    rows = rotation_views.rotated_cadres(session(), scope=current_scope())
    return render_template("cadres/rotated.html", rows=rows, today=dt.date.today())


@bp.get("/<code>")
def dossier(code: str):
    record = dossier_service.dossier(session(), code)
    if record is None:
        abort(404, description=gettext("Không tìm thấy cán bộ có mã «%(code)s».", code=code))
    return render_template("cadres/dossier.html", dossier=record, chart=month_chart(record.months),
                           edit=edit_context(record.cadre), form_2c=dossier_2c.filled(record.cadre))


def month_chart(months, width: int = 560, height: int = 180) -> dict | None:
    """Geometry of a small line chart of monthly scores (SVG drawn by the template).

    Months without a score break the line. The vertical axis spans the scores in
    steps of 10 (5 when the spread is small), within 0..100.
    """
    scores = [(i, m.score) for i, m in enumerate(months) if m is not None and m.score is not None]
    if not scores:
        return None
    values = [s for _, s in scores]
    low = max(0, math.floor((min(values) - 1) / 10) * 10)
    high = min(100, math.ceil((max(values) + 1) / 10) * 10)
    if high <= low:
        low, high = max(0, high - 10), max(high, 10)
    step = 5 if high - low <= 20 else 10
    left, right, top, bottom = 36, 10, 10, 24
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(month_index: int) -> float:
        return round(left + plot_w * (month_index + 0.5) / 12, 1)

    def y(score: float) -> float:
        return round(top + plot_h * (high - score) / (high - low), 1)

    segments, current = [], []
    previous = None
    for index, score in scores:
        if previous is not None and index != previous + 1:
            segments.append(current)
            current = []
        current.append(f"{x(index)},{y(score)}")
        previous = index
    segments.append(current)
    return {
        "width": width, "height": height, "left": left, "right": width - right,
        "top": top, "bottom": height - bottom,
        "segments": [" ".join(points) for points in segments if len(points) > 1],
        "points": [{"x": x(i), "y": y(s), "month": i + 1, "score": s} for i, s in scores],
        "ticks": [{"y": y(v), "value": v} for v in range(int(low), int(high) + 1, step)],
        "months": [{"x": x(i), "label": i + 1} for i in range(12)],
    }


# --------------------------------------------------------------------------- editing in place
# The dossier's forms (templates/cadres/_edit_*.html): the cadre's fields, postings (appoint,
# move, close), evaluations, votes, disciplines, family relations, each corrected or withdrawn.
# One route shows a form, one saves it, one lists the dossier's own history. Every form field
# is named by its import column; the service reads it with the import's own readers.

FORMS = {
    "cadre": (N_("Sửa thông tin cán bộ"), "cadres", editing.CADRE_FIELDS),
    "appoint": (N_("Bổ nhiệm, giao chức vụ"), "postings", ("unit_code", "title_code", "position", "start_date",
                                                          "is_concurrent", "kind")),
    "move": (N_("Điều động, luân chuyển"), "postings", ("unit_code", "title_code", "position", "start_date", "kind",
                                                      "planned_end")),
    "close": (N_("Kết thúc chức vụ"), "postings", ("end_date",)),
    **{f"add-{kind}": (label, kind, editing.RECORD_FIELDS[kind]) for kind, label in (
        ("postings", N_("Thêm quá trình công tác")), ("evaluations", N_("Thêm kết quả đánh giá")),
        ("votes", N_("Thêm kết quả lấy phiếu tín nhiệm")), ("disciplines", N_("Thêm kỷ luật")),
        ("relations", N_("Thêm quan hệ gia đình")))},
    **{f"update-{kind}": (label, kind, editing.RECORD_FIELDS[kind]) for kind, label in (
        ("postings", N_("Sửa quá trình công tác")), ("evaluations", N_("Sửa kết quả đánh giá")),
        ("votes", N_("Sửa kết quả lấy phiếu tín nhiệm")), ("disciplines", N_("Sửa kỷ luật")))},
    **{f"withdraw-{kind}": (N_("Rút bản ghi sai"), kind, ()) for kind in editing.RECORDS},
}
# Acts with a decision: the form asks its number and date.
DECISION_FORMS = {"appoint", "move", "close", "add-disciplines", "add-postings", "update-postings"}


def _editable_dossier(code: str):
    """The cadre (the guard answered 404 outside the user's jurisdiction)."""
    cadre = session().exec(select(Cadre).where(Cadre.code == code)).one_or_none()
    if cadre is None:
        abort(404, description=gettext("Không tìm thấy cán bộ có mã «%(code)s».", code=code))
    return cadre


def _form_values(name: str, cadre: Cadre, record_id: int | None) -> dict:
    """A form filled with what is stored, as a file would spell it (dates dd/mm/yyyy, codes)."""
    db = session()
    if name == "cadre":
        values = {key: getattr(cadre, key, None) for key in editing.CADRE_FIELDS}
        values["ethnicity"] = cadre.ethnicity_code
        values["hometown_unit_code"] = db.get(Unit, cadre.hometown_unit_id).code if cadre.hometown_unit_id else ""
        return {**{k: _spelled(v) for k, v in values.items()}, "phien_ban": editing.version_of(cadre)}
    kind = FORMS[name][1]
    if record_id is None or not name.startswith(("update-", "close")):
        return {}
    item = db.get(editing.RECORDS[kind], record_id)
    if item is None or not _of_cadre(item, cadre):   # another cadre's record: as if none
        abort(404)
    values = {key: getattr(item, key, None) for key in editing.RECORD_FIELDS[kind]}
    if getattr(item, "unit_id", None):
        values["unit_code"] = db.get(Unit, item.unit_id).code
    if getattr(item, "title_id", None):
        values["title_code"] = db.get(Title, item.title_id).code
    if kind == "postings":
        values.update(decision_no=item.decision_no, decision_date=item.decision_date)
    return {k: _spelled(v) for k, v in values.items()}


def _of_cadre(record, cadre: Cadre) -> bool:
    """A record of this dossier (a family relation: on either side), not one of another cadre asked by id."""
    return cadre.id in (getattr(record, "cadre_id", cadre.id), getattr(record, "relative_id", None))


def _spelled(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _render_form(cadre: Cadre, name: str, record_id: int | None, values: dict, error: str = "",
                 problems: dict | None = None, status: int = 200):
    if name not in FORMS:
        abort(404)
    title, kind, keys = FORMS[name]
    sheet = SHEETS[kind]
    fields = [sheet.column(key) for key in keys]
    record = session().get(editing.RECORDS[kind], record_id) if record_id and kind in editing.RECORDS else None
    if record is not None and not _of_cadre(record, cadre):
        abort(404)
    response = make_response(render_template(
        "cadres/_edit_form.html", cadre=cadre, name=name, record_id=record_id, record=record, title=title,
        fields=fields, values=values, error=error, problems=problems or {}, choices=_choices(name),
        hints=_hints(name),
        decision=name in DECISION_FORMS, units=queries.unit_options(session(), current_scope())), status)
    return response


def _choices(name: str) -> dict[str, tuple[str, ...]]:
    """The kinds of move a posting form offers: a bổ nhiệm appoints; a move is a luân chuyển,
    an điều động or a biệt phái."""
    act = {"appoint": "posting.appoint", "move": "posting.move"}.get(name)
    return {"kind": editing.ACT_KINDS[act]} if act else {}


def _hints(name: str) -> dict[str, str]:
    """What a form says beside a field: the planned end as the rule set has it (R8)."""
    if name == "appoint":
        return {"kind": gettext("bổ nhiệm vào chức vụ")}
    if name not in ("move", "add-postings", "update-postings"):
        return {}
    today = dt.date.today()
    months, most = editing.rotation_months(session(), today), editing.secondment_months(session(), today)
    kinds = {"kind": gettext("luân chuyển, điều động hoặc biệt phái (bắt buộc)")} if name == "move" else {}
    return {**kinds, "planned_end": gettext(
        "Luân chuyển: ít nhất %(months)s tháng kể từ ngày bắt đầu (theo bộ quy tắc); biệt phái: không quá "
        "%(most)s tháng. Để trống thì ghi theo quy định.", months=months, most=most)}


@bp.get("/<code>/sua")
@requires("edit_records")
def edit_form(code: str):
    """One form of the dossier, opened in place (htmx) or alone."""
    cadre = _editable_dossier(code)
    name = request.args.get("mau", "cadre")
    record_id = request.args.get("id", type=int)
    if name not in FORMS:
        abort(404)
    return _render_form(cadre, name, record_id, _form_values(name, cadre, record_id))


def _save(name: str, cadre: Cadre, record_id: int | None, form) -> str:
    """Call the service for a form; the message to show once saved."""
    db, reason = session(), form.get("ly_do", "")
    kind = FORMS[name][1]
    if name == "cadre":
        editing.update_cadre(db, cadre.code, form, reason=reason, version=form.get("phien_ban", ""))
        return gettext("Đã cập nhật thông tin cán bộ.")
    if name in ("appoint", "move"):
        _require_unit(form.get("unit_code", ""))
        editing.appoint(db, cadre.code, form, reason=reason, move=name == "move")
        return gettext("Đã ghi quyết định về chức vụ.")
    if record_id is None and not name.startswith("add-"):
        abort(404)
    if name == "close":
        editing.close_posting(db, cadre.code, record_id, form, reason=reason)
        return gettext("Đã ghi ngày kết thúc chức vụ.")
    if name.startswith("add-"):
        if kind == "postings":
            _require_unit(form.get("unit_code", ""))
        editing.add_record(db, kind, cadre.code, form, reason=reason)
        return gettext("Đã thêm vào hồ sơ.")
    if name.startswith("update-"):
        editing.update_record(db, kind, cadre.code, record_id, form, reason=reason)
        return gettext("Đã sửa bản ghi.")
    editing.withdraw(db, kind, cadre.code, record_id, reason=reason)
    return gettext("Đã rút bản ghi; bản ghi vẫn còn trong lịch sử hồ sơ.")


def _require_unit(unit_code: str) -> None:
    """A post given in a unit outside the user's jurisdiction is refused like a wrong code."""
    unit_id = session().exec(select(Unit.id).where(Unit.code == unit_code.strip())).first()
    if unit_id is not None and not current_scope().covers(unit_id):
        raise editing.EditError(gettext("đơn vị ngoài phạm vi quản lý của tài khoản"),
                                {"unit_code": gettext("ngoài phạm vi quản lý")})


@bp.post("/<code>/sua")
def edit(code: str):
    """Save one form: written, audited and judged again, or refused in place with every problem."""
    cadre = _editable_dossier(code)
    name = request.form.get("mau", "")
    record_id = request.form.get("id", type=int)
    if name not in FORMS:
        abort(404)
    try:
        message = _save(name, cadre, record_id, request.form)
        session().commit()
    except editing.EditError as error:
        session().rollback()
        values = {k: v for k, v in request.form.items() if k not in ("csrf_token",)}
        return _render_form(session().get(Cadre, cadre.id), name, record_id, values,
                            gettext("Chưa lưu: %(reason)s", reason=str(error)), error.fields, 422)
    flash(message, "success")
    if is_partial():
        response = make_response("", 204)
        response.headers["HX-Refresh"] = "true"   # every section of the dossier drawn again
        return response
    return redirect(url_for(".dossier", code=code) + "#cap-nhat", 303)


@bp.get("/<code>/lich-su")
def history(code: str):
    """The dossier's own history: who changed what, when, why, before → after."""
    cadre = _editable_dossier(code)
    total = history_service.dossier_history_count(session(), code)
    pages = max(1, -(-total // HISTORY_PAGE))
    page = min(max(1, request.args.get("trang", 1, type=int) or 1), pages)
    entries = history_service.dossier_history(session(), code, HISTORY_PAGE, (page - 1) * HISTORY_PAGE)
    return render_template("cadres/_edit_history.html", cadre=cadre, history=entries, total=total, page=page,
                           pages=pages, withdrawn=editing.withdrawn_records(session(), cadre.id))


HISTORY_PAGE = 50


def edit_context(cadre: Cadre) -> dict:
    """What the dossier's edit panel lists: the records its forms act on."""
    return {"records": editing.active_records(session(), cadre.id), "forms": FORMS}


WITHDRAWN_KINDS = {"postings": N_("Quá trình công tác"), "evaluations": N_("Kết quả đánh giá"),
                   "votes": N_("Kết quả lấy phiếu"), "disciplines": N_("Kỷ luật"), "relations": N_("Quan hệ gia đình")}
# The vocabulary of each field whose stored value is a code.
FIELD_VOCABULARY = {"sex": "sex", "rating": "rating", "period": "period", "theory_level": "theory_level",
                    "state_mgmt_level": "state_mgmt_level", "level": "discipline_level", "kind": "relation_kind",
                    "direction": "rotation_direction"}


@bp.app_template_filter("edit_action")
def edit_action(action: str) -> str:
    """An audit action in words: the one vocabulary (vocab.AUDIT_ACTION) the audit page reads too."""
    from quyhoach.services.records import history as history_words   # an import's rows: "evaluations.update"

    return ": ".join(gettext(part) for part in history_words.action_parts(action))


@bp.app_template_filter("edit_time")
def edit_time(value) -> str:
    """A moment in local time (Việt Nam, UTC+7), as the office reads it."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%d/%m/%Y %H:%M")


@bp.app_template_filter("edit_value")
def edit_value(value, key: str) -> str:
    """A value of the history as the dossier shows it: dates dd/mm/yyyy, labels, names."""
    from quyhoach.web.filters import _label, say

    if value is None or value == "":
        return "—"
    if isinstance(value, Phrase):   # an import's row, said in its list's words (history.words)
        return say(value)
    if isinstance(value, bool):
        return gettext("Có") if value else gettext("Không")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if key == "kind" and value in vocab.MOVE_KIND.codes:   # a posting's kind (a relation's otherwise)
        return _label(value, "move_kind")
    if key in FIELD_VOCABULARY:
        return _label(value, FIELD_VOCABULARY[key])
    if key in ("unit_id", "hometown_unit_id", "title_id", "relative_id", "cadre_id") and isinstance(value, int):
        model = {"title_id": Title, "relative_id": Cadre, "cadre_id": Cadre}.get(key, Unit)
        found = session().get(model, value)
        return getattr(found, "full_name", None) or getattr(found, "name", str(value)) if found else str(value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):   # 92,5 as the lists and the dossier write it (92.5 in English)
        return say(Phrase("%(n)s", n=Num(value)))
    return str(value)


@bp.app_context_processor
def _edit_globals() -> dict:
    from quyhoach.domain import vocab

    return {"VOCABULARY_NAMES": set(vocab.VOCABULARIES), "WITHDRAWN_KINDS": WITHDRAWN_KINDS,
            "vocabulary_codes": lambda name: vocab.VOCABULARIES[name].codes}
