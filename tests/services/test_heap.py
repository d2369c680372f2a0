"""The collector paused for an import or a judging in bulk (services.platform.heap): the
process's collector, so uses in several threads must not switch it back on under each other,
nor leave it off after all have ended."""

from __future__ import annotations

import gc

from quyhoach.services.planning import judging
from quyhoach.services.platform import heap


def test_uses_side_by_side_leave_the_collector_paused_until_the_last_ends():
    assert gc.isenabled()
    first, second = heap.paused(), judging.bulk()   # an import and a judging, in two threads
    first.__enter__()
    second.__enter__()
    assert not gc.isenabled()
    first.__exit__(None, None, None)   # the import ends while the judging runs
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_nested_uses_give_the_collector_back_as_it_was():
    with judging.bulk():
        with heap.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with heap.paused():
            pass
        assert not gc.isenabled()   # it was off before: it stays off
    finally:
        gc.enable()
