"""The Đánh giá figures brought up to date after a write equal those summed from scratch.

The province's figures are kept with the ledger as parts (`analytics.Summary`: a `UnitYear` and
a `MonthGap` per unit and year, a cadre's constant run and discipline flags, each unit's counts
over the comparison's years) and, after a write, worked out again only for the unit-years and
cadres the ledger saw move. As `test_incremental` checks the patched planning world against a
rebuilt one, this checks, after every write of a random sequence (a rating changed, added,
deleted or withdrawn, a rating moved to another unit, a new year, monthly scores, a
discipline, a name, a cadre posted elsewhere), that the figures kept equal, exactly, those of
the same ledger summed whole and those of a ledger read whole from the database, for the
province and for subtrees, and that they were brought up to date, not summed whole.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlmodel import select

from quyhoach.db.models import Evaluation
from quyhoach.services.evaluations import analytics, ledger
from quyhoach.services.planning import world as world_service
from quyhoach.services.platform import stamp
from tests.builders import make_cadre, make_discipline, make_evaluation, make_posting, make_unit

RATINGS = ("excellent", "good", "complete", "fail")
YEARS = range(2019, 2026)


@pytest.fixture
def province(session):
    """A province of five departments (comparable units) and a district with two communes, six
    cadres in each unit, rated over seven years, some with monthly scores."""
    pick = random.Random(7)
    root = make_unit(session, "Tỉnh ủy Mường Thanh", code="TINH", is_locality=True)
    units = [make_unit(session, f"Sở số {i}", code=f"SO-{i}", parent=root, kind="department") for i in range(5)]
    district = make_unit(session, "Huyện Tân Lập", code="HUYEN", parent=root, level="district", is_locality=True)
    units += [district] + [make_unit(session, f"Xã {name}", code=f"XA-{i}", parent=district, level="commune",
                                     is_locality=True) for i, name in enumerate(("Tân An", "Tân Bình"))]
    cadres = []
    for unit in units:
        for i in range(6):
            cadre = make_cadre(session, f"Cán bộ {unit.code} {i}", unit=unit)
            steady = pick.random() < 0.4
            rating = pick.choice(RATINGS[:3])
            for year in YEARS:
                if pick.random() < 0.1:
                    continue
                make_evaluation(session, cadre, year, rating=rating if steady else pick.choice(RATINGS), unit=unit,
                                score=pick.choice([None, 60.0, 85.0, 93.0]))
            if pick.random() < 0.3:
                for month in range(1, 13):
                    make_evaluation(session, cadre, 2024, period="month", period_no=month, score=pick.randint(40, 99),
                                    unit=unit)
            cadres.append(cadre)
    stamp.bump(session)    # the data stamp exists: later writes move it and are logged
    session.commit()
    return units, cadres


def _yearly(session, cadre) -> list[Evaluation]:
    return list(session.exec(select(Evaluation).where(Evaluation.cadre_id == cadre.id, Evaluation.period == "year")
                             .order_by(Evaluation.year)))


def _write(session, kind: str, pick: random.Random, units, cadres) -> None:
    cadre = pick.choice(cadres)
    rows = _yearly(session, cadre)
    if kind == "rating changed" and rows:
        row = pick.choice(rows)
        row.rating = pick.choice([r for r in RATINGS if r != row.rating])
        session.add(row)
    elif kind == "rating added":
        missing = [y for y in YEARS if y not in {r.year for r in rows}]
        if missing:
            make_evaluation(session, cadre, pick.choice(missing), rating=pick.choice(RATINGS), unit=pick.choice(units))
    elif kind == "a new year":
        year = max(r.year for r in session.exec(select(Evaluation)).all()) + 1   # the comparison's window moves
        make_evaluation(session, cadre, year, rating=pick.choice(RATINGS), unit=pick.choice(units))
    elif kind == "rating deleted" and rows:
        session.delete(pick.choice(rows))
    elif kind == "rating withdrawn" and rows:
        row = pick.choice(rows)
        row.withdrawn_at, row.withdrawn_reason = dt.datetime.now(dt.UTC), "nhập nhầm"
        session.add(row)
    elif kind == "rating moved to another unit" and rows:
        row = pick.choice(rows)
        row.unit_id = pick.choice([u.id for u in units if u.id != row.unit_id])
        session.add(row)
    elif kind == "monthly scores" and rows:
        year = pick.choice(rows).year
        taken = set(session.exec(select(Evaluation.period_no).where(
            Evaluation.cadre_id == cadre.id, Evaluation.period == "month", Evaluation.year == year)).all())
        for month in sorted(set(range(1, 13)) - taken)[:6]:
            make_evaluation(session, cadre, year, period="month", period_no=month, score=pick.randint(30, 99),
                            unit=units[0])
    elif kind == "discipline" and rows:
        make_discipline(session, cadre, level=pick.choice(["reprimand", "warning"]),
                        decision_date=dt.date(pick.choice(rows).year, pick.randint(1, 12), 10),
                        decision_no=f"{pick.randint(1, 300)}-QĐ/UBKTTU")
    elif kind == "name":
        cadre.full_name = f"Hà Thị Đổi Tên {pick.randint(1, 10**6)}"
        session.add(cadre)
    elif kind == "posted elsewhere":
        make_posting(session, cadre, unit=pick.choice(units), start=dt.date(2025, pick.randint(1, 12), 1))
    session.commit()


KINDS = ("rating changed", "rating added", "a new year", "rating deleted", "rating withdrawn",
         "rating moved to another unit", "monthly scores", "discipline", "name", "posted elsewhere")


def _drawn(ev: analytics.Analytics) -> tuple:
    """What the page draws from the figures besides the figures themselves."""
    return ([(u.unit.id, u.year, u.cap, u.excess) for u in ev.breaches], [(u.id, sorted(y)) for u, y in ev.matrix()],
            [(u.year, u.counts) for u in ev.year_totals()], [(c.unit.id, c.z) for c in ev.comparisons],
            [g.unit.id for g in ev.flagged_month_gaps], [c.cadre.id for c in ev.constant_excellent])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_figures_brought_up_to_date_equal_those_summed_from_scratch(session, province, monkeypatch, seed):
    units, cadres = province
    pick = random.Random(seed)
    root = session.exec(select(world_service.Unit).where(world_service.Unit.code == "TINH")).one()
    scopes = [None, root.id, units[0].id, units[5].id, units[6].id]    # province, root, a department, district, commune
    ledger.forget()
    analytics.evaluation_analytics(session, world_service.cached(session))
    updates: list[bool] = []
    update = analytics.Summary.update
    monkeypatch.setattr(analytics.Summary, "update",
                        lambda self, held, world, moved: (updates.append(moved is None), update(self, held, world, moved))[1])
    kinds = list(KINDS) + [pick.choice(KINDS) for _ in range(10)]
    pick.shuffle(kinds)
    for kind in kinds:
        _write(session, kind, pick, units, cadres)
        updates.clear()
        world = world_service.cached(session)
        kept = {scope: analytics.evaluation_analytics(session, world, unit_id=scope) for scope in scopes}
        assert not any(updates), kind      # brought up to date (or carried over), never summed whole
        # the same ledger's parts summed whole
        with ledger.lock:
            held = ledger.current(session, world)
            again = analytics.Summary(analytics.CONSTANT_YEARS, analytics.COMPARISON_WINDOW)
            again.update(held, world, None)
        # a ledger read whole from the database, for a world built whole
        built = world_service.build(session)
        for scope in scopes:
            whole = analytics.evaluation_analytics(session, built, unit_id=scope)
            assert kept[scope] == again.view(world, scope) == whole, (kind, scope)
            assert _drawn(kept[scope]) == _drawn(whole), (kind, scope)
    # the writes did move the figures
    assert analytics.evaluation_analytics(session, world_service.cached(session)).years[-1] > 2025


def test_a_unit_s_figures_are_the_province_s_filtered(session, province):
    units, _ = province
    world = world_service.cached(session)
    province_wide = analytics.evaluation_analytics(session, world)
    district = analytics.evaluation_analytics(session, world, unit_id=units[5].id)
    inside = world.subtree(units[5].id)
    assert district.unit_years == [u for u in province_wide.unit_years if u.unit.id in inside]
    assert district.comparisons == [c for c in province_wide.comparisons if c.unit.id in inside]
    assert district.unit_years and {u.unit.code for u in district.unit_years} <= {"HUYEN", "XA-0", "XA-1"}


def test_figures_kept_in_order_equal_those_sorted_whole():
    """The summary's ordered lists (`_Ordered`: one figure put or dropped, many swapped at
    once, all filled at once) hold what sorting everything would give."""
    pick = random.Random(5)
    kept = analytics._Ordered()
    truth: dict[int, tuple] = {}
    for _ in range(300):
        how = pick.choice(["put", "drop", "swap", "swap"])
        if how == "put":
            name = pick.randrange(200)
            truth[name] = (pick.random(), name)
            kept.put(name, truth[name], f"item {name}")
        elif how == "drop":
            name = pick.randrange(200)
            truth.pop(name, None)
            kept.drop(name)
        else:
            gone = pick.sample(range(200), pick.choice([3, 70]))
            for name in gone:
                truth.pop(name, None)
            entries = []
            for name in pick.sample(range(200), pick.choice([2, 80])):
                truth[name] = (pick.random(), name)
                entries.append((name, truth[name], f"item {name}"))
            kept.swap(gone, entries)
        order = sorted(truth, key=truth.__getitem__)
        assert kept.items == [f"item {name}" for name in order]
        assert kept.keys == [truth[name] for name in order] and kept.key_of == truth
    whole = analytics._Ordered()
    whole.fill([(name, key, f"item {name}") for name, key in truth.items()])
    assert (whole.keys, whole.items, whole.key_of) == (kept.keys, kept.items, kept.key_of)


def test_a_summary_left_half_brought_up_to_date_is_summed_whole_next_time(session, province, monkeypatch):
    units, cadres = province
    ledger.forget()
    analytics.evaluation_analytics(session, world_service.cached(session))
    make_evaluation(session, cadres[0], 2026, rating="excellent", unit=units[1])
    session.commit()
    cell = analytics.Summary._cell
    monkeypatch.setattr(analytics.Summary, "_cell", lambda *a: (_ for _ in ()).throw(RuntimeError("interrupted")))
    with pytest.raises(RuntimeError):
        analytics.evaluation_analytics(session, world_service.cached(session))
    monkeypatch.setattr(analytics.Summary, "_cell", cell)
    kept = analytics.evaluation_analytics(session, world_service.cached(session))
    assert kept == analytics.evaluation_analytics(session, world_service.build(session))
    assert 2026 in kept.years


def test_a_stale_world_gets_the_figures_of_the_world_that_replaced_it_not_a_ledger_read_whole(
        session, province, monkeypatch):
    """A reader may hold the last complete world while another request patches it (MAX_STALE):
    its Đánh giá figures come from the process's ledger on the newer world. Reading the
    537,000 evaluations whole for it took 1.3 s and 150 MB at 30,000 cadres, with every
    other Đánh giá request of the process waiting."""
    units, cadres = province
    ledger.forget()
    analytics.evaluation_analytics(session, world_service.cached(session))     # the ledger held
    _write(session, "rating changed", random.Random(5), units, cadres)
    older = world_service.cached(session)         # patched in by a reader that never asked for Đánh giá
    _write(session, "rating changed", random.Random(6), units, cadres)
    newer = world_service.cached(session)
    assert newer is not older and ("analytics", None, analytics.CONSTANT_YEARS, analytics.COMPARISON_WINDOW) \
        not in older.memo
    reads: list[int] = []
    read_all = ledger.read_all
    monkeypatch.setattr(ledger, "read_all", lambda *a, **k: (reads.append(1), read_all(*a, **k))[1])
    stale = analytics.evaluation_analytics(session, older)
    assert reads == []
    assert stale == analytics.evaluation_analytics(session, newer)
    assert stale == analytics.evaluation_analytics(session, world_service.build(session))     # the data now


def test_the_ledger_follows_the_worlds_of_the_process_in_any_order_without_reading_whole(
        session, province, monkeypatch):
    """Under writes, a request may hold any of the last worlds of the chain: the ledger follows a
    later one from the change log up to that world's own stamp (never past it, so the names and
    units it records are that world's), and an older one is answered from the newer (None from
    the ledger, the figures of the world that replaced it); never a read of every evaluation."""
    units, cadres = province
    ledger.forget()
    analytics.evaluation_analytics(session, world_service.cached(session))
    chain = []
    for n in range(3):
        _write(session, "rating changed", random.Random(10 + n), units, cadres)
        chain.append(world_service.cached(session))
    reads: list[int] = []
    read_all = ledger.read_all
    monkeypatch.setattr(ledger, "read_all", lambda *a, **k: (reads.append(1), read_all(*a, **k))[1])
    with ledger.lock:
        assert ledger.current(session, chain[1]) is not None      # a later world, not the newest
        assert ledger.current(session, chain[0]) is None          # the ledger is past it
    newest = analytics.evaluation_analytics(session, chain[2])
    assert analytics.evaluation_analytics(session, chain[0]) == newest
    assert reads == []
    assert newest == analytics.evaluation_analytics(session, world_service.build(session))
