"""Whether a request wants the partial a page includes, or the whole page. Written once."""

from __future__ import annotations

from quyhoach.web.extensions import htmx


def is_partial() -> bool:
    """A request from htmx that is not a history restore (which needs the whole page: the
    browser lost the page it is going back to)."""
    return bool(htmx) and not htmx.history_restore_request


__all__ = ["is_partial"]
