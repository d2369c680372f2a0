"""What a serving process keeps for long, out of the garbage collector's full passes.

A process serving a 30,000-cadre province holds about 3 million objects for long (the planning
world, every pool judged, the Đánh giá ledger): one full pass of Python's cyclic collector
over them took 2.6-3 s of CPU (issue 15), holding the interpreter lock, so every request of
the process waited behind it; one came about every 300 requests. Objects that live on are
moved to the collector's permanent generation (`gc.freeze`) at most every
`GC_FREEZE_SECONDS` (10 s), after a request: the full passes then read only what came
since (≈ 10 ms). Reference counting still frees a frozen object when nothing holds it (a
world replaced after a write: no reference cycle in it); only cyclic garbage that was frozen
waits for the next unfreeze, every `GC_UNFREEZE_SECONDS` (1 h: one full pass an hour,
gunicorn's `--max-requests` recycles a worker before that in production). 0 turns it off;
tests run without it.
"""

from __future__ import annotations

import gc
import threading
import time

from flask import Flask


def init_app(app: Flask) -> None:
    every = float(app.config.get("GC_FREEZE_SECONDS", 10) or 0)
    unfreeze_every = float(app.config.get("GC_UNFREEZE_SECONDS", 3600) or 0)
    if every <= 0 or app.testing:
        return
    lock = threading.Lock()
    started = time.monotonic()
    state = {"frozen": started, "unfrozen": started}

    @app.after_request
    def _freeze_long_lived(response):
        now = time.monotonic()
        if now - state["frozen"] >= every and lock.acquire(blocking=False):
            try:
                state["frozen"] = now
                if unfreeze_every > 0 and now - state["unfrozen"] >= unfreeze_every:
                    state["unfrozen"] = now
                    gc.unfreeze()
                    gc.collect()
                gc.freeze()
            finally:
                lock.release()
        return response
