"""The garbage collector kept off the planning world (issue 14, the first page after a write).

A web process holds the world (hundreds of thousands of objects: every cadre's facts, the
pools, the figures kept in its memo) for as long as the data does not move; Python's full
collections walked all of it, 0.4-1.6 s each under load, every thread of the process waiting
for them. `settle`, called when a world is swapped in (`world.cached`), freezes what the process
holds instead, and `settle_figures`, called when a web request ends (`web.db`), the figures
worked out on the new world.
"""

from __future__ import annotations

import gc
import time

FULL_COLLECTION_EVERY = 600.0   # seconds between two full collections of a process that holds a world
FULL_COLLECTION_GROWTH = 1.25    # or once its resident memory has grown by this much since the last one
_collected: tuple[float, int] | None = None     # (time.monotonic(), resident pages) of the last one
_figures_to_freeze = False      # a world was swapped in: the figures its first pages work out come next


def _resident() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0       # not known here: the time alone decides


def settle() -> None:
    """Keep the garbage collector's full collections off the world: its hundreds of thousands of
    objects outlive every request, yet each full collection walked them all (0.4-1.6 s, every
    thread waiting). After a world is swapped in, what the process holds is frozen (`gc.freeze`:
    never scanned, still freed when no longer referenced), the young generations collected
    first so that little garbage is frozen with it; a cycle frozen all the same is reclaimed by
    a full collection every `FULL_COLLECTION_EVERY` or `FULL_COLLECTION_GROWTH`, whichever first."""
    global _collected, _figures_to_freeze
    now, resident = time.monotonic(), _resident()
    if _collected is not None and (now - _collected[0] > FULL_COLLECTION_EVERY
                                   or resident > FULL_COLLECTION_GROWTH * _collected[1]):
        gc.unfreeze()
        gc.collect()
        _collected = (now, _resident())
    else:
        # the first world of a process counts from here: no full collection for a command's one world
        _collected = _collected or (now, resident)
        gc.collect(1)
    gc.freeze()
    _figures_to_freeze = True


def settle_figures() -> None:
    """Called when a web request ends: the figures worked out on a world swapped in meanwhile
    (kept in its memo for as long as it lives: the forecast, the verdicts, the worklist) are
    frozen with it, so that no full collection walks them either."""
    global _figures_to_freeze
    if _figures_to_freeze:
        _figures_to_freeze = False
        gc.collect(1)
        gc.freeze()
