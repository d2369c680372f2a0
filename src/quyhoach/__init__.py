"""quyhoach: cadre planning and rotation management (quy hoạch, luân chuyển cán bộ)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from flask import Flask

__version__ = "0.1.0"


def _templates_folder() -> str:
    """templates/ sits at the top of the checkout (the design card); the wheel maps it
    to the package `quyhoach.templates`. Either way the import system knows where."""
    spec = importlib.util.find_spec("quyhoach.templates")
    if spec and spec.submodule_search_locations:
        return str(Path(list(spec.submodule_search_locations)[0]))
    return str(Path(__file__).resolve().parents[2] / "templates")


def create_app(config: dict | None = None, *, pages: bool = True) -> Flask:
    """The application factory: configuration, database, background job kinds, htmx, i18n,
    blueprints, CLI. `pages=False`: without the web pages (sign-in, blueprints), for a command
    that serves none (`quyhoach check`, `db`, `import`…): it starts in a fraction of the time."""
    from . import cli, jobs_registry
    from . import config as config_module
    from .web import init_app as init_web

    settings = config_module.load(config)
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder=_templates_folder(),
        static_folder="static",
    )
    app.config.update(settings)
    jobs_registry.register_all(create_app)
    init_web(app, pages=pages)
    cli.init_app(app)
    return app
