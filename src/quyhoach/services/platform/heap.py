"""Python's cyclic garbage collector, kept off the work that makes or holds millions of objects.

An import (every row, record and audit entry of a list alive until it ends) and a judging of
many pools (findings, phrases and their dicts, made and dropped by the million) make no
reference cycles that matter, yet each of the collector's full passes walks every object
alive: the import's rows, the planning world's facts, the judgements kept so far. Paused, the
cost per row or per pool stays the same at any size (docs/benchmarks.md § "Whole-country
check, fourth round": judging 1.25 → 0.32 ms a pool); reference counting still frees what is
dropped.

The collector is the process's: uses side by side in several threads (and nested ones) count
themselves, and it runs again as it was when the last of them ends, never while one still runs.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """The collector paused for the duration (see above)."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()
