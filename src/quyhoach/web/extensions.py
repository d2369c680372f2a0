"""The Flask extensions the blueprints share (htmx, i18n), made once and bound to the app by
`quyhoach.web.init_app`. Kept apart from the package's `__init__` so a blueprint importing them
does not import every other blueprint."""

from __future__ import annotations

from flask_babel import Babel
from flask_htmx import HTMX

htmx = HTMX()
babel = Babel()
