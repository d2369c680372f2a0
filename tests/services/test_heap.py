"""The garbage collector kept off the planning world (`services.planning.heap`): what a process
holds is frozen when a world is swapped in, and garbage frozen with it is reclaimed by the next
full collection, which comes with time or with the process's growth."""

from __future__ import annotations

import gc
import time
import weakref

from quyhoach.services.planning import heap


class _Node:
    pass


def _old_cycle() -> weakref.ref:
    """A cycle that grew old in use (moved to the oldest generation), then became garbage only a
    full collection frees."""
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    gc.collect(1)
    return weakref.ref(a)


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
        gc.disable()
        lost = _old_cycle()
        heap.settle()
        assert lost() is None
    finally:
        gc.enable()


def test_the_figures_worked_out_on_a_new_world_are_frozen_when_the_request_ends(monkeypatch):
    monkeypatch.setattr(heap, "_collected", (time.monotonic(), 10**12))
    heap.settle()                                  # a world swapped in
    figures = [_Node() for _ in range(1000)]       # what its first page keeps in its memo
    before = gc.get_freeze_count()
    heap.settle_figures()
    assert gc.get_freeze_count() >= before + len(figures)
    again = [_Node() for _ in range(1000)]
    heap.settle_figures()                          # once per world: a request after it freezes nothing
    assert gc.get_freeze_count() < before + len(figures) + len(again)
