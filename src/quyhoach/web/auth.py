"""Sign-in, the access policy, and the security headers.

Every request passes `_guard`: a signed-in user whose role has the permission the endpoint
needs (`permission_for`), or a redirect to the sign-in page (401 for htmx and API calls),
or 403. Permissions are declared, not inferred: each blueprint states its default for reads
and writes (`guarded`), a route overrides it (`requires`, `public`), and an endpoint that
declares nothing is refused. A test walks every route × role against a hand-written table.

Jurisdiction (a user sees their unit's subtree) is declared the same way: `current_scope()`
is the user's `Scope` (services.platform.scope), built once per request; every URL parameter
that names a record says which kind (`guarded(..., params=...)`, `scoped(...)`) and the guard
answers 404 for one the user may not see, as for one that does not exist; a parameter that
declares nothing is refused. Lists and ids typed in forms go through the same `Scope`.
tests/web/test_scope_matrix.py walks every route × role × (in scope, out of scope).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

from flask import (Blueprint, Flask, abort, current_app, flash, g, has_request_context, redirect, render_template, request,
                   session as http_session, url_for)
from flask_babel import gettext as _
from markupsafe import Markup
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect

from quyhoach.db.models import User
from quyhoach.domain.vocab import N_
from quyhoach.services.platform import audit, auth as auth_service, scope as scope_service
from quyhoach.services.platform.scope import PROVINCE_WIDE, OutOfScope, Scope
from quyhoach.web.db import session as db_session

login_manager = LoginManager()
csrf = CSRFProtect()
bp = Blueprint("auth", __name__)



class SignedIn(UserMixin):
    """The signed-in user as Flask-Login sees it (a plain copy, not a database row)."""

    def __init__(self, user: User) -> None:
        self.id = str(user.id)
        self.username = user.username
        self.full_name = user.full_name
        self.role = user.role
        self.scope_unit_id = user.scope_unit_id
        self.generation = user.session_generation or 0

    def can(self, permission: str) -> bool:
        return auth_service.can(self.role, permission, scoped=self.scope_unit_id is not None)


@login_manager.user_loader
def _load(user_id: str):
    user = db_session().get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active:
        return None
    # A session signed in before the user's last sign-out, password change or deactivation
    # carries an older generation: it is refused, even if its cookie was saved and replayed.
    if http_session.get("gen") != (user.session_generation or 0):
        return None
    return SignedIn(user)


# --------------------------------------------------------------------------- declared permissions
# Each blueprint declares its default permission for reads (GET/HEAD/OPTIONS) and for writes;
# a route overrides it with @requires(...) or opens itself with @public. An endpoint that has
# neither is refused (fail closed), so a new route cannot forget its check.

READ_METHODS = ("GET", "HEAD", "OPTIONS")
PUBLIC = "public"
_BLUEPRINT_DEFAULTS: dict[str, tuple[str, str]] = {}
_BLUEPRINT_PARAMS: dict[str, dict[str, str]] = {}
_ATTR = "_quyhoach_permission"
_PARAMS_ATTR = "_quyhoach_params"

# What a URL parameter names, for jurisdiction: a kind of record (checked against the user's
# scope: services.platform.scope.VISIBLE), or one of these, which are not checked.
NOT_A_RECORD = "not a record"        # a file format, a form's name
PROVINCE_WIDE_RECORD = "province-wide"  # a rule set, a backup: one for the whole province
_UNCHECKED = (NOT_A_RECORD, PROVINCE_WIDE_RECORD)
# What a scoped user is told for a record outside their units: the words used for one that
# does not exist, so the two cannot be told apart.
NOT_FOUND = {
    "cadre": N_("Không tìm thấy cán bộ có mã «%(value)s»."),
    "unit": N_("Không tìm thấy cơ quan, đơn vị có mã «%(value)s»."),
    "pool": N_("Không tìm thấy danh sách quy hoạch số %(value)s."),
    "pool_entry": N_("Cán bộ này không có trong danh sách."),
    "scenario": N_("Không tìm thấy phương án số %(value)s."),
    "run": N_("Không tìm thấy lần giải số %(value)s."),
    "report_job": N_("Không có việc tạo báo cáo này."),
}


def guarded(bp: Blueprint, *, read: str = "read", write: str, params: dict[str, str] | None = None) -> Blueprint:
    """Declare what a blueprint's routes need unless a route says otherwise: the permissions,
    and what each URL parameter names (`params`, e.g. {"code": "cadre"})."""
    _BLUEPRINT_DEFAULTS[bp.name] = (read, write)
    _BLUEPRINT_PARAMS[bp.name] = dict(params or {})
    return bp


def scoped(**params: str):
    """Declare what a route's URL parameters name (overriding the blueprint's `params`):
    `@scoped(code="cadre")`, `@scoped(fmt=NOT_A_RECORD)`."""
    def decorate(fn):
        setattr(fn, _PARAMS_ATTR, params)
        return fn
    return decorate


def params_of(endpoint: str, app: Flask | None = None) -> dict[str, str]:
    """What each URL parameter of an endpoint names (the route's declaration over its blueprint's)."""
    app = app or current_app
    view = app.view_functions.get(endpoint)
    declared = dict(_BLUEPRINT_PARAMS.get(endpoint.split(".", 1)[0], {})) if "." in endpoint else {}
    declared.update(getattr(view, _PARAMS_ATTR, {}) if view is not None else {})
    return declared


def requires(permission: str | None = None, *, read: str | None = None, write: str | None = None):
    """Override the blueprint's default for one route: one permission for every method, or
    separate ones for reads and writes (a method left out keeps the blueprint's default)."""
    def decorate(fn):
        setattr(fn, _ATTR, (read or permission, write or permission))
        return fn
    return decorate


def public(fn):
    """A route anyone may open, signed in or not (the sign-in page)."""
    setattr(fn, _ATTR, (PUBLIC, PUBLIC))
    return fn


class UndeclaredEndpoint(LookupError):
    """An endpoint with no declared permission: refused."""


def permission_for(endpoint: str | None, method: str, app: Flask | None = None) -> str | None:
    """The permission an endpoint needs for a method; None for public endpoints.

    Raises UndeclaredEndpoint when neither the route nor its blueprint declares one."""
    if endpoint is None:
        return None
    if endpoint == "static":
        return None
    app = app or current_app
    view = app.view_functions.get(endpoint)
    on_route = getattr(view, _ATTR, (None, None)) if view is not None else (None, None)
    default = _BLUEPRINT_DEFAULTS.get(endpoint.split(".", 1)[0], (None, None)) if "." in endpoint else (None, None)
    index = 0 if method in READ_METHODS else 1
    needed = on_route[index] or default[index]
    if needed is None:
        raise UndeclaredEndpoint(endpoint)
    return None if needed == PUBLIC else needed


def _guard():
    if current_app.config.get("LOGIN_DISABLED"):
        return None
    try:
        needed = permission_for(request.endpoint, request.method)
    except UndeclaredEndpoint:
        current_app.logger.error("endpoint %s declares no permission: refused", request.endpoint)
        abort(403)
    if needed is None:
        return None
    if not current_user.is_authenticated:
        if request.headers.get("HX-Request") or request.accept_mimetypes.best == "application/json":
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    expires = http_session.get("expires_at")
    if expires is not None and dt.datetime.now(dt.UTC).timestamp() > expires:
        logout_user()
        http_session.clear()
        flash(_("Phiên làm việc đã hết hạn; hãy đăng nhập lại."), "error")
        return redirect(url_for("auth.login"))
    http_session["expires_at"] = _expiry()
    if not current_user.can(needed):
        abort(403)
    g.actor_token = audit.set_actor(current_user.username)
    _check_records(request.endpoint, request.view_args or {})
    return None


def _check_records(endpoint: str | None, values: dict) -> None:
    """Every record the URL names is one the user may see (404 otherwise, as if it did not
    exist); a URL parameter whose route declares nothing is refused (fail closed)."""
    if not values or endpoint is None:
        return
    declared = params_of(endpoint)
    scope = current_scope()
    for name, value in values.items():
        kind = declared.get(name)
        if kind is None or (kind not in _UNCHECKED and kind not in scope_service.VISIBLE):
            current_app.logger.error("endpoint %s declares nothing for its parameter %s: refused", endpoint, name)
            abort(403)
        if kind in _UNCHECKED:
            continue
        if not scope.visible(kind, db_session(), value):
            abort(404, description=_(NOT_FOUND[kind], value=value) if kind in NOT_FOUND else None)


def _expiry() -> float:
    minutes = int(current_app.config.get("SESSION_MINUTES", 30))
    return (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)).timestamp()


def current_scope() -> Scope:
    """The signed-in user's jurisdiction, built once per request. The whole province when
    sign-in is switched off (the page tests); nothing at all for an anonymous visitor."""
    if "scope" not in g:
        if current_app.config.get("LOGIN_DISABLED"):
            g.scope = PROVINCE_WIDE
        elif not current_user.is_authenticated:
            g.scope = Scope(frozenset(), others_jobs=False)
        else:
            g.scope = scope_service.of_user(db_session(), current_user, others_jobs=current_user.can("others_reports"))
    return g.scope


_LINKED = {"cadre": Scope.covers_cadre_code, "unit": Scope.covers_unit_code, "pool": Scope.covers_pool}


def _visible(value, kind: str) -> bool:
    """Whether a link to this record (a cadre's or unit's code, a pool's id) would open for
    the user (outside a request, a report job's page: yes)."""
    return not has_request_context() or _LINKED[kind](current_scope(), db_session(), value)


def _out_of_scope(_error: OutOfScope):
    """A service refused a record outside the user's units: the page for what does not exist."""
    from werkzeug.exceptions import NotFound

    return current_app.handle_http_exception(NotFound())


def _security_headers(response):
    # Nothing loads from outside: a strict policy is possible. htmx needs no inline script.
    response.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                "script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
                                "form-action 'self'")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _reset_actor(_exc=None):
    token = g.pop("actor_token", None)
    if token is not None:
        audit._actor.reset(token)


_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\]")


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None. Refused: another host (`//evil`,
    `https://evil`, `javascript:`), and anything a browser might read as one — a backslash,
    or a control character, which browsers drop (`/%09/evil.example` is `//evil.example` once
    the tab is gone). A space inside stays a space (`/can-bo/?q=Nguyễn Văn`)."""
    if not target or not target.startswith("/") or _UNSAFE.search(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target


_ANONYMOUS = "ẩn danh"


def _record_refusal(refusal: auth_service.Refused) -> None:
    """A failed sign-in in the audit log (and a lockout as its own entry), committed with the
    failure count. The name is recorded as typed (cut short), even when there is no such user."""
    db = db_session()
    entity = f"user:{refusal.username or '?'}"
    after: dict = {"cause": refusal.why, "ip": request.remote_addr or ""}
    if refusal.locked_until is not None:
        after["locked_until"] = refusal.locked_until
    audit.record(db, "user.login_failed", entity, actor=_ANONYMOUS, after=after)
    if refusal.why == "lockout":
        audit.record(db, "user.lockout", entity, actor=_ANONYMOUS, after={"locked_until": refusal.locked_until})
    db.commit()


@bp.route("/dang-nhap", methods=["GET", "POST"])
@public
def login():
    error = None
    if request.method == "POST":
        db = db_session()
        try:
            user = auth_service.authenticate(db, request.form.get("username", ""), request.form.get("password", ""))
            audit.record(db, "user.login", f"user:{user.username}", actor=user.username)
            db.commit()
        except auth_service.Refused as refusal:
            _record_refusal(refusal)  # with the failure count authenticate left in the transaction
            error = _("Tên đăng nhập hoặc mật khẩu không đúng.")
        else:
            http_session.clear()
            login_user(SignedIn(user))
            http_session["gen"] = user.session_generation or 0
            http_session["expires_at"] = _expiry()
            return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
    return render_template("auth/login.html", error=error), (401 if error else 200)


@bp.post("/dang-xuat")
@public
def logout():
    """Sign out everywhere: every session of this user ends, not only this browser's."""
    if current_user.is_authenticated:
        db = db_session()
        user = db.get(User, int(current_user.id))
        if user is not None:
            auth_service.end_sessions(db, user)
            audit.record(db, "user.logout", f"user:{user.username}", actor=user.username)
            db.commit()
    logout_user()
    http_session.clear()
    return redirect(url_for("auth.login"))


def init_app(app: Flask) -> None:
    # Flask's own defaults are already in app.config (SameSite None), so setdefault would
    # change nothing: set them unless the deployment chose otherwise.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    if app.config.get("SECURE_COOKIES"):  # served over HTTPS (behind the reverse proxy): see the README
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the session's own expiry bounds it
    audit.configure(Path(app.config.get("INSTANCE_PATH") or app.instance_path))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    csrf.init_app(app)
    app.register_blueprint(bp)
    app.before_request(_guard)
    app.after_request(_security_headers)
    app.teardown_request(_reset_actor)
    app.register_error_handler(OutOfScope, _out_of_scope)

    app.jinja_env.globals["csrf_field"] = csrf_field
    # `{% if code is visible("cadre") %}`: a link only where it would open (a pool of the user's
    # units may hold a cadre from elsewhere, a dossier lists past posts elsewhere: named, not linked)
    app.jinja_env.tests["visible"] = _visible

    @app.context_processor
    def _inject():
        return {"current_user": current_user, "csrf_token_value": _csrf_value, "current_scope": current_scope,
                "may_post": may_post}


def may_post(endpoint: str) -> bool:
    """`{% if may_post('planning.add') %}`: a page shows a write control only to a user whose
    role may make that write, by the permission the route declares (one lookup, no list of
    roles in the templates; tests/web/test_controls_by_role.py walks the pages)."""
    needed = permission_for(endpoint, "POST")
    return needed is None or not current_user.is_authenticated or current_user.can(needed)


def _csrf_value() -> str:
    from flask_wtf.csrf import generate_csrf

    return generate_csrf()


def csrf_field() -> Markup:
    """The hidden CSRF input of a form, written once: `{{ csrf_field() }}` in a template.
    Empty where there is no request (a page template rendered into a PDF by a job)."""
    if not has_request_context():
        return Markup("")
    return Markup('<input type="hidden" name="csrf_token" value="%s">') % _csrf_value()


__all__ = ["bp", "init_app", "permission_for", "guarded", "requires", "public", "scoped", "params_of", "current_scope",
           "NOT_A_RECORD", "PROVINCE_WIDE_RECORD"]
