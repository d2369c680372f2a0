"""The web layer: one blueprint per feature. Handlers parse, call one service, render."""

from __future__ import annotations

import logging
import time

from flask import Flask, g, has_request_context, request
from flask_babel import get_locale

from quyhoach import config
from quyhoach.db.engine import make_engine
from quyhoach.domain.dates import format_date

from quyhoach.web.extensions import babel, htmx

_slow = logging.getLogger("quyhoach.slow")


def _locale() -> str:
    from flask import current_app

    if not has_request_context():      # a paper made in an app context alone (reports.lang forces its own)
        return current_app.config["LANGUAGE"]
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["LANGUAGE"]


def init_app(app: Flask, *, pages: bool = True) -> None:
    """The database, the job runner, i18n and the template filters; with `pages`, the sign-in
    and every blueprint too (a command that serves no page leaves them out: it starts quicker)."""
    from . import db as web_db
    from . import errors, filters

    errors.init_app(app)  # first: the bounded `<int:…>` converter is bound as the routes are added

    proxies = int(app.config.get("PROXIES") or 0)
    if proxies > 0:
        # behind nginx (docs/nginx.conf): the client's address and scheme as the proxies saw
        # them (the audit of a refused sign-in records it), trusting exactly that many hops
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.extensions["quyhoach.engine"] = make_engine(app.config["DATABASE_URL"])
    from quyhoach.services.platform import jobs

    app.extensions["quyhoach.jobs"] = jobs.make_runner(
        app.config["DATABASE_URL"], app.config.get("REDIS_URL") or None, int(app.config.get("JOB_THREADS") or 1))
    htmx.init_app(app)
    babel.init_app(app, locale_selector=_locale, default_translation_directories="translations")
    web_db.init_app(app)
    filters.init_app(app)
    app.jinja_env.globals["format_date"] = format_date
    app.jinja_env.globals["get_locale"] = get_locale
    if not pages:
        return
    from . import auth as web_auth

    web_auth.init_app(app)
    from quyhoach.services.platform.auth import ROLES

    app.jinja_env.globals["ROLE_LABELS"] = ROLES

    from . import cadres, evaluations, home, imports, planning, reports, scenarios, units

    for module in (home, units, cadres, imports, planning, scenarios, evaluations, reports):
        app.register_blueprint(module.bp)
    from . import admin

    app.register_blueprint(admin.bp)
    slow_ms = int(app.config.get("SLOW_REQUEST_MS", 0))
    if slow_ms > 0:
        @app.before_request
        def _started() -> None:
            g.started = (time.perf_counter(), time.thread_time())

        @app.teardown_request
        def _log_slow(_error=None) -> None:
            # what an operator reads first when a page is slow: its own work (CPU of its thread)
            # or a wait (a core, the database, another request holding the world)
            started = g.pop("started", None)
            if started is not None:
                wall = (time.perf_counter() - started[0]) * 1000
                if wall >= slow_ms:
                    _slow.warning("slow request %s %s: %.0f ms, of which %.0f ms CPU in its thread",
                                  request.method, request.full_path.rstrip("?"), wall,
                                  (time.thread_time() - started[1]) * 1000)

    @app.after_request
    def _vary_and_no_store(response):
        # The same URL answers a full page or a partial: caches must keep them apart.
        response.vary.add("HX-Request")
        if response.headers.get("Content-Disposition", "").startswith("attachment"):
            # A downloaded file (an export, a report, a dossier, a backup) is confidential: no
            # cache keeps it, whoever sent it (send_file says only "no-cache").
            response.headers["Cache-Control"] = "no-store, private"
            response.headers["Pragma"] = "no-cache"
        lang = request.args.get("lang")
        if lang in app.config["LANGUAGES"]:
            response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="Lax")
        return response

    if app.config.get("LOG_LEVEL"):
        config.log_to_stderr(str(app.config["LOG_LEVEL"]).upper())
    if int(app.config.get("WARM") or 0):
        from . import warm

        warm.warm(app)
