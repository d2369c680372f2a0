"""Evaluation analytics against figures computed by hand on builder data."""

from __future__ import annotations

import datetime as dt

import pytest

from quyhoach.services.evaluations import analytics
from quyhoach.services.planning import world as world_service
from tests.builders import make_cadre, make_discipline, make_evaluation, make_unit


def _rated(session, unit, name, ratings: dict[int, str], **fields):
    cadre = make_cadre(session, name, unit=unit, **fields)
    for year, rating in ratings.items():
        make_evaluation(session, cadre, year, rating=rating, unit=unit)
    return cadre


@pytest.fixture
def province(session):
    root = make_unit(session, "Tỉnh ủy Mường Thanh", code="TINH", is_locality=True)
    units = [make_unit(session, name, code=code, parent=root, kind="department")
             for code, name in (("SO-A", "Sở Ánh Dương"), ("SO-B", "Sở Bình Minh"), ("SO-C", "Sở Cửu Long"),
                                ("SO-D", "Sở Đông Hải"))]
    return root, units


def test_e4_share_cap_and_excess_per_unit_and_year_under_the_rule_set_of_that_year(session, province):
    _, (a, *_) = province
    ratings_2024 = ["excellent"] * 3 + ["good"] * 7 + ["complete"]
    for i, rating in enumerate(ratings_2024):
        _rated(session, a, f"Nguyễn Văn Ấn {i}", {2024: rating, 2025: "excellent" if i < 2 else "good"})
    ev = analytics.evaluation_analytics(session, world_service.build(session))
    by_year = {u.year: u for u in ev.unit_years if u.unit.code == "SO-A"}
    y24, y25 = by_year[2024], by_year[2025]
    # 2024: 3 excellent of 10 rated good or better: the cap is 2 (20 %), one over
    assert (y24.rated, y24.excellent, y24.good_or_better, y24.cap, y24.excess) == (11, 3, 10, 2, 1)
    assert y24.breaks and y24.share == pytest.approx(0.3) and y24.rule_set == "QD124-2023"
    # 2025 (QĐ 366 in force from 30/08/2025): 2 of 11 -> cap 2, within it
    assert (y25.excellent, y25.good_or_better, y25.cap, y25.breaks) == (2, 11, 2, False)
    assert y25.rule_set == "QD366-2025"
    assert [(u.unit.code, u.year) for u in ev.breaches] == [("SO-A", 2024)]


def test_ratings_that_never_change_for_five_years_up_to_the_latest(session, province):
    _, (a, *_) = province
    same = _rated(session, a, "Lò Thị Hoa", {y: "excellent" for y in range(2021, 2026)})
    _rated(session, a, "Giàng A Páo", {**{y: "excellent" for y in range(2021, 2025)}, 2025: "good"})
    _rated(session, a, "Vàng Thị Mai", {y: "excellent" for y in range(2022, 2026)})   # four years only
    steady = _rated(session, a, "Trần Văn Bình", {y: "good" for y in range(2019, 2026)})
    ev = analytics.evaluation_analytics(session, world_service.build(session))
    assert [c.cadre.code for c in ev.constant_excellent] == [same.code]
    assert ev.constant_excellent[0].years == [2021, 2022, 2023, 2024, 2025]
    assert {c.cadre.code: len(c.years) for c in ev.constants} == {same.code: 5, steady.code: 7}


def test_good_or_better_in_the_year_of_a_discipline(session, province):
    _, (a, *_) = province
    flagged = _rated(session, a, "Quàng Văn Chiến", {2023: "good", 2024: "excellent"})
    make_discipline(session, flagged, level="warning", decision_date=dt.date(2024, 5, 20), decision_no="12-QĐ/UBKTTU")
    fine = _rated(session, a, "Điêu Thị Lan", {2023: "complete", 2024: "good"})
    make_discipline(session, fine, decision_date=dt.date(2023, 3, 1))
    ev = analytics.evaluation_analytics(session, world_service.build(session))
    assert [(f.cadre.code, f.year, f.rating, f.level, f.decision_no) for f in ev.disciplined] == [
        (flagged.code, 2024, "excellent", "warning", "12-QĐ/UBKTTU")]


def test_monthly_scores_against_the_year_rating(session, province):
    _, (a, *_) = province
    lifted = _rated(session, a, "Lường Văn Dũng", {2025: "excellent"})
    honest = _rated(session, a, "Cầm Thị Én", {2025: "good"})
    for month in range(1, 13):
        make_evaluation(session, lifted, 2025, period="month", period_no=month, score=74 + (month % 3), unit=a)
        make_evaluation(session, honest, 2025, period="month", period_no=month, score=80, unit=a)
    few = _rated(session, a, "Tòng Văn Giang", {2025: "excellent"})
    for month in range(1, 4):   # three months are not enough to read the year from
        make_evaluation(session, few, 2025, period="month", period_no=month, score=60, unit=a)
    ev = analytics.evaluation_analytics(session, world_service.build(session))
    (gap,) = ev.month_gaps
    rows = {r.cadre.code: r for r in gap.rows}
    assert set(rows) == {lifted.code, honest.code}
    assert rows[lifted.code].mean == pytest.approx(75.0) and rows[lifted.code].implied == "good"
    assert rows[lifted.code].steps_above == 1 and rows[honest.code].steps_above == 0
    assert (gap.cadres, gap.above, gap.above_share, gap.mean_steps) == (2, 1, 0.5, 0.5)
    assert gap.flagged


def test_a_unit_far_above_comparable_units_ranks_first_and_is_flagged(session, province):
    _, (a, b, c, d) = province
    for unit, excellent in ((a, 6), (b, 1), (c, 1), (d, 1)):
        for i in range(10):
            _rated(session, unit, f"Cán bộ {unit.code} {i}", {2025: "excellent" if i < excellent else "good"})
    ev = analytics.evaluation_analytics(session, world_service.build(session))
    top = ev.comparisons[0]
    assert top.unit.code == "SO-A" and top.peers == 3
    assert (top.rated, top.excellent, top.peer_rated, top.peer_excellent) == (10, 6, 30, 3)
    assert top.difference == pytest.approx(0.5)
    assert top.z == pytest.approx(0.5 / (0.1 * 0.9 / 10) ** 0.5)
    assert [x.unit.code for x in ev.flagged_units] == ["SO-A"]


def test_a_subtree_keeps_its_own_units_but_compares_with_the_whole_province(session, province):
    _, (a, b, c, d) = province
    for unit, excellent in ((a, 6), (b, 1), (c, 1), (d, 1)):
        for i in range(10):
            _rated(session, unit, f"Cán bộ {unit.code} {i}", {2025: "excellent" if i < excellent else "good"})
    ev = analytics.evaluation_analytics(session, world_service.build(session), unit_id=a.id)
    assert {u.unit.code for u in ev.unit_years} == {"SO-A"}
    assert [x.unit.code for x in ev.comparisons] == ["SO-A"] and ev.comparisons[0].peers == 3


def test_the_figures_after_each_write_equal_those_read_whole_and_only_the_written_cadre_is_read(
        session, province, monkeypatch):
    """The process keeps each cadre's part of the figures (`ledger`) and, after a write, reads
    again only the cadres the change log names: after every kind of write the page's figures
    (province and subtree) are those of a ledger read whole from the database."""
    from sqlmodel import select

    from quyhoach.db.models import Evaluation
    from quyhoach.services.evaluations import ledger
    from quyhoach.services.platform import stamp

    _, (a, b, c, d) = province
    people = []
    for unit, excellent in ((a, 6), (b, 1), (c, 1), (d, 1)):
        for i in range(10):
            cadre = _rated(session, unit, f"Cán bộ {unit.code} {i}",
                           {y: "excellent" if i < excellent else "good" for y in range(2021, 2026)})
            people.append(cadre)
    for month in range(1, 13):
        make_evaluation(session, people[0], 2025, period="month", period_no=month, score=72, unit=a)
    stamp.bump(session)    # the data stamp exists: later writes move it and are logged
    session.commit()
    ledger.forget()
    analytics.evaluation_analytics(session, world_service.cached(session))
    reads: list[object] = []
    read = ledger.Ledger.read
    monkeypatch.setattr(ledger.Ledger, "read",
                        lambda self, s, w, cadre_ids=None: (reads.append(cadre_ids), read(self, s, w, cadre_ids))[1])

    def rating(cadre, year):
        return session.exec(select(Evaluation).where(Evaluation.cadre_id == cadre.id, Evaluation.year == year,
                                                     Evaluation.period == "year")).one()

    def lower(row):
        row.rating = "complete"
        session.add(row)

    steps = [
        ("a rating lowered", lambda: lower(rating(people[0], 2025))),
        ("a rating added", lambda: make_evaluation(session, people[15], 2026, rating="excellent", unit=b)),
        ("a rating deleted", lambda: session.delete(rating(people[1], 2021))),
        ("a discipline", lambda: make_discipline(session, people[2], decision_date=dt.date(2025, 3, 1))),
        ("a name", lambda: setattr(people[3], "full_name", "Hà Thị Đổi Tên")),
        ("a monthly score", lambda: make_evaluation(session, people[0], 2025, period="month", period_no=13,
                                                    score=20, unit=a)),
    ]
    before = analytics.evaluation_analytics(session, world_service.cached(session))
    for name, write in steps:
        write()
        session.commit()
        reads.clear()
        world = world_service.cached(session)
        for scope in (None, a.id):
            kept = analytics.evaluation_analytics(session, world, unit_id=scope)
            whole = analytics.evaluation_analytics(session, world_service.build(session), unit_id=scope)
            assert kept == whole, name
        assert reads[0] is not None and len(reads[0]) == 1, name    # the written cadre alone, once
    after = analytics.evaluation_analytics(session, world_service.cached(session))
    assert after != before
    assert [(u.year, u.counts) for u in after.unit_years if u.unit.code == "SO-A" and u.year == 2025] == [
        (2025, {"excellent": 5, "good": 4, "complete": 1})]
