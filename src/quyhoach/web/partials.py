"""Whether a request wants the partial a page includes, or the whole page. Written once."""

from __future__ import annotations

from quyhoach.web.extensions import htmx


def is_partial() -> bool:
    """A request from htmx that is not a history restore (which needs the whole page: the
    browser lost the page it is going back to)."""
    return bool(htmx) and not htmx.history_restore_request


def refusal(message: str, status: int, headers: dict | None = None):
    """A refusal answered to htmx: the message for the page's flash area (`#flash-area`, which
    static/app.js swaps it into whatever the request targeted), with the refusal's status."""
    from flask import make_response, render_template

    response = make_response(render_template("errors/_flash.html", message=message), status)
    response.headers.update(headers or {})
    response.headers["HX-Retarget"] = "#flash-area"
    response.headers["HX-Reswap"] = "innerHTML"
    response.headers["X-Refusal"] = "1"
    return response


__all__ = ["is_partial", "refusal"]
