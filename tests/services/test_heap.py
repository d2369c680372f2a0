"""The garbage collector (services.platform.heap): paused for an import or a judging in bulk,
the process's collector, so uses in several threads must not switch it back on under each other,
nor leave it off after all have ended; kept off the planning world, which is frozen when it is
swapped in, garbage frozen with it reclaimed by the next full collection (with time or growth)."""

from __future__ import annotations

import gc
import time
import weakref

from quyhoach.services.planning import judging
from quyhoach.services.platform import heap


class _Node:
    pass


def _old_cycle() -> weakref.ref:
    """A cycle frozen with what the process holds while in use, then become garbage: only a
    full collection (the frozen objects unfrozen) frees it."""
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    gc.freeze()
    return weakref.ref(a)


def test_a_cycle_that_outlived_the_young_generations_is_freed_by_the_next_freeze(monkeypatch):
    """Cycles requests leave, promoted while other threads allocate, are collected before the
    freeze (every generation but the frozen objects), not frozen with the world."""
    try:
        monkeypatch.setattr(heap, "_collected", (time.monotonic(), 10**12))
        gc.disable()
        a, b = _Node(), _Node()
        a.other, b.other = b, a
        gc.collect(1)                  # moved to the oldest generation, then garbage
        lost = weakref.ref(a)
        del a, b
        assert lost() is not None
        heap.settle()
        assert lost() is None
    finally:
        gc.enable()


def test_garbage_frozen_with_the_world_is_reclaimed_by_the_next_full_collection(monkeypatch):
    try:
        monkeypatch.setattr(heap, "_collected", (time.monotonic(), 10**12))   # a full collection just made
        gc.disable()          # no automatic collection meanwhile: the test decides which one runs
        lost = _old_cycle()
        heap.settle()
        assert lost() is not None and gc.get_freeze_count() > 0     # frozen with the rest
        monkeypatch.setattr(heap, "FULL_COLLECTION_EVERY", 0.0)
        heap.settle()
        assert lost() is None and gc.get_freeze_count() > 0         # reclaimed, the rest frozen again
    finally:
        gc.enable()


def test_growth_brings_the_full_collection_forward(monkeypatch):
    try:
        monkeypatch.setattr(heap, "_collected", (time.monotonic(), 1))    # the process has grown since
        monkeypatch.setattr(heap, "FULL_COLLECTION_MIN_GROWTH", 0)
        gc.disable()
        lost = _old_cycle()
        heap.settle()
        assert lost() is None
    finally:
        gc.enable()


def test_a_world_rebuilt_whole_brings_the_full_collection(monkeypatch):
    """The world a rebuild replaces may hold cycles: collected there, not on a timer."""
    try:
        monkeypatch.setattr(heap, "_collected", (time.monotonic(), 10**12))
        gc.disable()
        lost = _old_cycle()
        heap.settle()
        assert lost() is not None          # a patch: frozen with the rest
        heap.settle(rebuilt=True)
        assert lost() is None
    finally:
        gc.enable()


def test_a_growth_smaller_than_the_minimum_waits_for_the_timer(monkeypatch):
    """The figures the first pages work out after the first world (+25 % at 30,000 cadres) are
    not a leak: a full collection (~1 s at that size, every thread waiting) waits for the timer
    unless the process grew by FULL_COLLECTION_MIN_GROWTH."""
    try:
        resident = heap._resident()
        monkeypatch.setattr(heap, "_collected", (time.monotonic(), resident // 2))   # doubled, but by little
        monkeypatch.setattr(heap, "FULL_COLLECTION_MIN_GROWTH", resident * heap._PAGE)
        gc.disable()
        lost = _old_cycle()
        heap.settle()
        assert lost() is not None
    finally:
        gc.enable()


def test_the_figures_worked_out_on_a_new_world_are_frozen_when_the_request_ends(monkeypatch):
    monkeypatch.setattr(heap, "_collected", (time.monotonic(), 10**12))
    heap.settle()                                  # a world swapped in
    figures = [_Node() for _ in range(1000)]       # what its first page keeps in its memo
    before = gc.get_freeze_count()
    heap.request_ended()
    assert gc.get_freeze_count() >= before + len(figures)
    again = [_Node() for _ in range(1000)]
    heap.request_ended()                          # once per world: a request after it freezes nothing
    assert gc.get_freeze_count() < before + len(figures) + len(again)


def test_figures_worked_out_later_on_the_same_world_are_frozen_after_a_while(monkeypatch):
    """The review page first asked an hour after the swap judges every pool: those judgements
    live on with the world and are frozen by the next request's end once FREEZE_EVERY has passed."""
    monkeypatch.setattr(heap, "_collected", (time.monotonic(), 10**12))
    heap.settle()
    heap.request_ended()
    later = [_Node() for _ in range(1000)]
    before = gc.get_freeze_count()
    heap.request_ended()                           # too soon: nothing
    assert gc.get_freeze_count() < before + len(later)
    monkeypatch.setattr(heap, "FREEZE_EVERY", 0.0)
    heap.request_ended()
    assert gc.get_freeze_count() >= before + len(later)


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
