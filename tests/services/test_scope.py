"""The jurisdiction rules themselves (services.platform.scope), without the web layer."""

from __future__ import annotations

from quyhoach.services.platform.scope import PROVINCE_WIDE, Scope, report_covers, subtree
from tests.builders import make_unit


def test_a_scope_covers_its_units_and_the_province_covers_all():
    commune = Scope(frozenset({5, 6}), 5)
    assert commune.covers(6) and not commune.covers(7) and not commune.covers(None)
    assert commune.covers_any([7, 6]) and not commune.covers_any([7])
    assert commune.covers_all([5, 6]) and not commune.covers_all([5, 7])
    assert not commune.covers_all([])          # a scenario of no unit is of the whole province
    assert PROVINCE_WIDE.covers(None) and PROVINCE_WIDE.covers_all([])


def test_what_a_report_covers_decides_who_may_see_it():
    commune = Scope(frozenset({5, 6}), 5)
    assert commune.covers_report({"units": [5], "need": "all"})
    assert not commune.covers_report({"units": [5, 7], "need": "all"})
    assert commune.covers_report({"units": [5, 7], "need": "any"})      # a dossier: one post is enough
    assert not commune.covers_report({"province": True}) and not commune.covers_report(None)
    assert PROVINCE_WIDE.covers_report({"province": True})


def test_the_subtree_and_a_report_of_a_unit(session):
    root = make_unit(session, "Tỉnh", code="TINH")
    commune = make_unit(session, "Xã", code="XA", parent=root)
    village = make_unit(session, "Thôn", code="THON", parent=commune)
    make_unit(session, "Xã khác", code="XA-KHAC", parent=root)
    session.flush()
    assert subtree(session, commune.id) == {commune.id, village.id}
    assert report_covers(session, "term-planning", {"unit": "XA"}) == {"units": [commune.id], "need": "all"}
    assert report_covers(session, "term-planning", {}) == {"province": True}
    assert report_covers(session, "scenario-decision", {"scenario": "999999999999999999999"}) == {"province": True}
