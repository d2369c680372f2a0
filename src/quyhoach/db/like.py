"""LIKE filters, written once: what a user typed is matched as text, never as a pattern.

`%` and `_` (and the escape character itself) in a typed word are escaped, so "10%" finds
"10%" and not "10" followed by anything, and "a_b" does not find "axb". Every LIKE of the
app goes through these functions.
"""

from __future__ import annotations

from typing import Any

ESCAPE = "\\"


def escape(text: str) -> str:
    """`text` as a literal inside a LIKE pattern (with `escape=ESCAPE`)."""
    return text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")


def matches(column: Any, text: str, *, before: bool, after: bool) -> Any:
    """`column LIKE pattern`: `text` literally, with anything `before` and/or `after` it."""
    return column.like(("%" if before else "") + escape(text) + ("%" if after else ""), escape=ESCAPE)


def contains(column: Any, text: str) -> Any:
    return matches(column, text, before=True, after=True)


def starts_with(column: Any, text: str) -> Any:
    return matches(column, text, before=False, after=True)


def ends_with(column: Any, text: str) -> Any:
    return matches(column, text, before=True, after=False)
