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
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_log = logging.getLogger(__name__)
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


# -- a process that holds the planning world ------------------------------------------------------
#
# A web process holds the world (hundreds of thousands of objects at the demo's size, about 3
# million at 30,000 cadres: every cadre's facts, the pools, the figures kept in its memo, the
# Đánh giá ledger) for as long as the data does not move; each full collection walked all of it
# (0.4-1.6 s on the demo under load, 2.6-3.5 s at 30,000 cadres), every thread of the process
# waiting. What the process holds is frozen instead (`gc.freeze`: never scanned, still freed by
# reference counting when nothing holds it): when a world is swapped in (`settle`, from
# `world.cached`), and when a request ends (`request_ended`, web.db) right after a swap (the
# figures its first pages work out) or, for the figures worked out later, at most every
# FREEZE_EVERY seconds. A full collection stops every thread of the process for as long as it
# walks what is alive (0.5-1 s at 30,000 cadres, 1 million objects; it freed 500-1,300 objects
# when measured), so it runs only where a frozen cycle may have become garbage: when a world
# is rebuilt whole (`settle(rebuilt=True)`: the world replaced may hold cycles; a patched
# world's predecessor is freed by reference counting, tests/services/test_reader_snapshot.py),
# and as a backstop every FULL_COLLECTION_EVERY (cycles that outlived the young generations before
# becoming garbage: one freed 338,000 objects after 6 minutes of the 30,000-cadre load test), or once
# the process has grown by
# FULL_COLLECTION_GROWTH and by FULL_COLLECTION_MIN_GROWTH (the figures the first pages work out
# after the first world, +250 MB at 30,000 cadres, are not a leak).

FULL_COLLECTION_EVERY = 900.0   # seconds between two full collections of a process that holds a world
FULL_COLLECTION_GROWTH = 2.0    # or once its resident memory has grown this much since the last one
FULL_COLLECTION_MIN_GROWTH = 512 * 2**20   # and by at least these bytes
FREEZE_EVERY = 10.0             # seconds: what lived on since the last freeze, frozen after a request
_collected: tuple[float, int] | None = None     # (time.monotonic(), resident pages) of the last full one
_frozen_at = 0.0
_figures_to_freeze = False      # a world was swapped in: the figures its first pages work out come next


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _resident() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0       # not known here: the time alone decides


def _freeze(full: bool = False) -> None:
    """The young generations collected (little garbage frozen), or everything when a full
    collection is due; then what the process holds frozen."""
    global _collected, _frozen_at
    now, resident = time.monotonic(), _resident()
    if _collected is not None and (full or now - _collected[0] > FULL_COLLECTION_EVERY or (
            resident > FULL_COLLECTION_GROWTH * _collected[1]
            and (resident - _collected[1]) * _PAGE >= FULL_COLLECTION_MIN_GROWTH)):
        gc.unfreeze()
        freed = gc.collect()
        _collected = (time.monotonic(), _resident())
        _log.info("full garbage collection: %.0f ms, %d objects freed, %.0f MB resident",
                  (_collected[0] - now) * 1000, freed, _collected[1] * _PAGE / 2**20)
    else:
        # the first world of a process counts from here: no full collection for a command's one world
        _collected = _collected or (now, resident)
        # every generation but the frozen objects: what lived on since the last freeze (a patch's
        # facts, the figures of the pages, and the cycles requests left, which outlive the young
        # generations while other threads allocate): milliseconds, not the world's second
        gc.collect()
    gc.freeze()
    _frozen_at = now


def settle(rebuilt: bool = False) -> None:
    """A world was swapped in (`rebuilt`: built whole in place of another): what the process
    holds frozen, after a full collection when rebuilt (see above)."""
    global _figures_to_freeze
    _freeze(full=rebuilt)
    _figures_to_freeze = True


def request_ended() -> None:
    """A web request ended: the figures worked out on a world swapped in meanwhile frozen with
    it; any other figures that lived on, at most every FREEZE_EVERY seconds."""
    global _figures_to_freeze
    if _figures_to_freeze or time.monotonic() - _frozen_at >= FREEZE_EVERY:
        _figures_to_freeze = False
        _freeze()
