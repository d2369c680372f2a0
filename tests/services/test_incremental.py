"""Incremental planning facts (issue 15): after any sequence of writes (the editing service,
imports, withdrawals, pool entries, a rule-set change) the planning world a process brings up
to date from the change log equals the world built from scratch, and judges the same; a
process other than the writer sees the write."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st
from sqlmodel import Session, SQLModel, select

from quyhoach.db.engine import make_engine
from quyhoach.db.models import Cadre, Evaluation, PlanningChange, Pool, PoolEntry, RuleSet
from quyhoach.services.evaluations import analytics
from quyhoach.services.planning import changes, forecast, judging, pools, review_views, world as world_service
from quyhoach.services.platform import stamp
from quyhoach.services.records import demo, editing, importer, reference
from tests.files import csv_bytes

ON = dt.date(2026, 1, 15)
REASON = "Đối chiếu bản gốc hồ sơ"


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    """The small province in a SQLite file, copied afresh for each example."""
    return make_small_db(tmp_path_factory.mktemp("incremental") / "small.db")


def make_small_db(path: Path) -> Path:
    engine = make_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        reference.ensure(session)
        assert demo.load(session, demo.SMALL).ok
        stamp.bump(session)
        session.commit()
    engine.dispose()
    return path


def _fresh(small_db: Path, tmp_path: Path, n: int):
    copy = tmp_path / f"copy-{n}.db"
    shutil.copy(small_db, copy)
    return make_engine(f"sqlite:///{copy}")


# --------------------------------------------------------------------------- the writes

def _cadre_form(cadre: Cadre, **change) -> dict:
    form = {"full_name": cadre.full_name, "other_names": cadre.other_names or "",
            "birth_date": cadre.birth_date.strftime("%d/%m/%Y"), "sex": cadre.sex, "ethnicity": cadre.ethnicity_code,
            "religion": cadre.religion or "", "hometown": cadre.hometown or "", "hometown_unit_code": "",
            "birthplace": cadre.birthplace or "",
            "party_entry_date": cadre.party_entry_date.strftime("%d/%m/%Y") if cadre.party_entry_date else "",
            "party_official_date": cadre.party_official_date.strftime("%d/%m/%Y") if cadre.party_official_date else "",
            "education": cadre.education or "", "theory_level": cadre.theory_level,
            "state_mgmt_level": cadre.state_mgmt_level, "foreign_language": cadre.foreign_language or "",
            "it_level": cadre.it_level or "", "note": cadre.note or ""}
    form.update(change)
    return form


def _birth_date(session, cadre, n):
    day = cadre.birth_date - dt.timedelta(days=365 * (n % 7 + 1))
    editing.update_cadre(session, cadre.code, _cadre_form(cadre, birth_date=day.strftime("%d/%m/%Y")), reason=REASON)


def _rating(session, cadre, n):
    rating = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")[n % 4]
    editing.add_record(session, "evaluations", cadre.code, {"period": "Năm", "year": str(2021 + n % 5), "rating": rating},
                       reason=REASON)


def _withdraw_rating(session, cadre, n):
    rows = session.exec(select(Evaluation).where(Evaluation.cadre_id == cadre.id, Evaluation.withdrawn_at.is_(None))
                        .order_by(Evaluation.id)).all()
    if rows:
        editing.withdraw(session, "evaluations", cadre.code, rows[n % len(rows)].id, reason="Nhập nhầm kỳ đánh giá")


def _discipline(session, cadre, n):
    editing.add_record(session, "disciplines", cadre.code, {
        "level": ("Khiển trách", "Cảnh cáo")[n % 2], "decision_date": "20/06/2025", "effective_to": "20/06/2026",
        "authority": "Ủy ban Kiểm tra Tỉnh ủy", "decision_no": f"{n}-QĐ/UBKTTU"}, reason="Quyết định kỷ luật")


def _relation(session, cadre, n):
    others = session.exec(select(Cadre.code).where(Cadre.id != cadre.id).order_by(Cadre.id)).all()
    editing.add_record(session, "relations", cadre.code, {"relative_code": others[n % len(others)], "kind": "Vợ/chồng"},
                       reason=REASON)


def _import_birth_date(session, cadre, n):
    """A one-row partial import: the import path, not the form."""
    day = cadre.birth_date + dt.timedelta(days=30 * (n % 5 + 1))
    result = importer.run(session, "cadres", csv_bytes([["Mã cán bộ", "Ngày sinh"], [cadre.code, day.strftime("%d/%m/%Y")]]),
                          "sua-ngay-sinh.csv")
    if not result.written:
        raise editing.EditError("import refused")


def _pool_entry(session, cadre, n):
    pool_ids = session.exec(select(Pool.id).order_by(Pool.id)).all()
    pools.add_entry(session, pool_ids[n % len(pool_ids)], cadre.code, reason="Nghị quyết của Ban Thường vụ", on=ON)


def _pool_exit(session, cadre, n):
    entries = session.exec(select(PoolEntry).where(PoolEntry.status == "active").order_by(PoolEntry.id)).all()
    if entries:
        pools.exit_entry(session, entries[n % len(entries)].id, reason="Không còn đủ điều kiện", on=ON)


def _rule_set(session, cadre, n):
    """A rule-set change: a number of the planning set in force moved (every verdict may change)."""
    rules = session.exec(select(RuleSet).where(RuleSet.domain == "planning").order_by(RuleSet.valid_from)).all()
    row = rules[-1]
    row.params = {**row.params, "next_term_min_months": 24 + 12 * (n % 4)}
    session.add(row)


WRITES = {f.__name__.lstrip("_"): f for f in (_birth_date, _rating, _withdraw_rating, _discipline, _relation,
                                              _import_birth_date, _pool_entry, _pool_exit, _rule_set)}

steps = st.lists(st.tuples(st.sampled_from(sorted(WRITES)), st.integers(0, 39), st.integers(0, 50)),
                 min_size=1, max_size=6)


def _write(session, name: str, who: int, n: int) -> None:
    cadres = session.exec(select(Cadre).order_by(Cadre.id)).all()
    try:
        WRITES[name](session, cadres[who % len(cadres)], n)
        session.commit()
    except (editing.EditError, pools.PoolError):
        session.rollback()       # refused as a user would be: nothing written


# --------------------------------------------------------------------------- comparing

def _same_world(patched: world_service.World, built: world_service.World) -> None:
    assert patched.cadres == built.cadres
    assert patched.pools == built.pools
    assert patched.holders == built.holders
    assert patched.title_of_cadre == built.title_of_cadre
    assert patched.rule_sets == built.rule_sets
    assert patched.titles == built.titles and patched.terms == built.terms


def _verdicts(world: world_service.World) -> dict:
    return {j.record.id: (sorted((c, f.rule, f.passed, f.severity) for c, fs in j.members.items() for f in fs),
                          sorted((f.rule, f.passed, f.severity) for f in j.structure))
            for j in judging.judge_all(world, ON)}


def _forecasts(session, world: world_service.World) -> list:
    """The vacancy forecast of the province and of the first unit's subtree, as the pages read it."""
    first = min(world.units)
    return [forecast.vacancy_forecast(session, world).forecast,
            forecast.vacancy_forecast(session, world, unit_ids=world.subtree(first)).forecast]


def _worklist(session, world: world_service.World) -> tuple:
    """The review worklist as the page lists it: each exit and each short pool with its reason."""
    found = review_views.review_worklist(session, world)
    return ([(i.pool_id, i.cadre.id if i.cadre else None, i.entry_id, i.finding.rule, i.finding.message,
              [f.rule for f in i.flags], i.decision is None) for i in found.exits],
            [(i.pool_id, i.finding.rule, i.finding.message) for i in found.short_pools])


def _attention(session, world: world_service.World) -> list:
    """The home page's planning items (province, and the first unit's subtree) as counts, units
    and the rows they list, each row by what names it."""
    from quyhoach.services.planning import attention

    first = min(world.units)
    out = []
    for units, root in ((None, None), (frozenset(world.subtree(first)), first)):
        found = attention.planning_attention(session, world, units, root)
        out.append([(item.total, item.units, [_row(r) for r in item.rows])
                    for item in (found.exits, found.failing_pools, found.vacancies, found.missing_ratings)])
    return out


def _row(row) -> tuple:
    if hasattr(row, "record"):                       # a pool's verdict
        return ("pool", row.record.id, row.severity_score)
    if hasattr(row, "entry_id"):                     # a proposed exit
        return ("exit", row.pool_id, row.entry_id, row.finding.rule)
    if hasattr(row, "seat"):                         # a vacancy
        return ("vacancy", row.title.id, row.date, row.covered)
    return ("cadre", row.id)


def _count_builds(monkeypatch) -> list[int]:
    builds: list[int] = []
    real = world_service.build

    def counting(session, on=None):
        builds.append(1)
        return real(session, on)

    monkeypatch.setattr(world_service, "build", counting)
    return builds


_n = iter(range(10**6))
_BUILD = world_service.build     # the full build, kept before any test counts calls to it


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
@example(steps=[("birth_date", 3, 0)])
@example(steps=[("pool_entry", 12, 4), ("pool_exit", 0, 1)])
@example(steps=[("relation", 5, 2), ("birth_date", 5, 1)])          # a relative's facts follow the cadre's
@example(steps=[("rating", 7, 0), ("withdraw_rating", 7, 3), ("rule_set", 0, 1)])
@example(steps=[("import_birth_date", 9, 0), ("discipline", 9, 1)])
def test_the_world_brought_up_to_date_equals_a_rebuild(small_db, tmp_path, monkeypatch, steps):
    engine = _fresh(small_db, tmp_path, next(_n))
    world_service.clear_cache()
    try:
        with Session(engine, expire_on_commit=False) as session:
            world_service.cached(session, ON)
            judging.judge_all(world_service.cached(session, ON), ON)   # judgements kept, to be carried over
            analytics.evaluation_analytics(session, world_service.cached(session, ON))   # the Đánh giá figures too
            _forecasts(session, world_service.cached(session, ON))          # the forecast's parts, and the worklist
            review_views.review_worklist(session, world_service.cached(session, ON))
            _attention(session, world_service.cached(session, ON))   # the home page's items, kept per world
            builds = _count_builds(monkeypatch)
            for name, who, n in steps:
                _write(session, name, who, n)
                patched = world_service.cached(session, ON)
                built = _BUILD(session, ON)
                _same_world(patched, built)
                assert _verdicts(patched) == _verdicts(built)
                # the Đánh giá figures, carried over or computed again, are those of the data now
                assert analytics.evaluation_analytics(session, patched) == analytics.evaluation_analytics(session, built)
                # the vacancy forecast and the review worklist, parts carried over or not, are those of the data now
                assert _forecasts(session, patched) == _forecasts(session, built)
                assert _worklist(session, patched) == _worklist(session, built)
                # the home page's items, brought up to date with what the patch changed
                assert _attention(session, patched) == _attention(session, built)
            # the log said what changed: no write of these kinds made a process rebuild
            assert builds == []
    finally:
        monkeypatch.undo()
        engine.dispose()


def test_a_write_moves_the_stamp_and_logs_its_cadre_even_when_no_service_bumps(small_db, tmp_path):
    """The listener, not the service, keeps the log: a change made straight on the model is
    logged with its cadre, and the stamp moves."""
    engine = _fresh(small_db, tmp_path, next(_n))
    with Session(engine, expire_on_commit=False) as session:
        before = stamp.current(session)
        cadre = session.exec(select(Cadre).order_by(Cadre.id)).first()
        cadre.theory_level = "intermediate" if cadre.theory_level != "intermediate" else "advanced"
        session.add(cadre)
        session.commit()
        after = stamp.current(session)
        logged = session.exec(select(PlanningChange).order_by(PlanningChange.id.desc())).first()
    engine.dispose()
    assert after == before + 1
    assert (logged.stamp_from, logged.stamp_to, logged.cadre_ids, logged.full) == (before, after, [cadre.id], False)


def test_a_gap_in_the_log_rebuilds(small_db, tmp_path, monkeypatch):
    """A stamp moved with no log row (a writer without the listener): the chain has a gap and
    the process rebuilds rather than trust a partial patch."""
    engine = _fresh(small_db, tmp_path, next(_n))
    world_service.clear_cache()
    with Session(engine) as session:
        world_service.cached(session, ON)
        builds = _count_builds(monkeypatch)
        with engine.begin() as connection:   # a plain connection: no session, no listener
            connection.exec_driver_sql("UPDATE datastamp SET counter = counter + 1")
        assert changes.since(session, stamp.current(session) - 1, stamp.current(session)) is None
        world_service.cached(session, ON)
    engine.dispose()
    assert builds == [1]


def test_a_change_to_the_organisation_rebuilds(small_db, tmp_path, monkeypatch):
    engine = _fresh(small_db, tmp_path, next(_n))
    world_service.clear_cache()
    with Session(engine, expire_on_commit=False) as session:
        world_service.cached(session, ON)
        builds = _count_builds(monkeypatch)
        editing.rename_title(session, _title_code(session), {"name": "Chức danh đổi tên"},
                             reason="Đổi tên theo quyết định")
        session.commit()
        renamed = world_service.cached(session, ON)
    engine.dispose()
    assert builds == [1]
    assert "Chức danh đổi tên" in {t.name for t in renamed.titles.values()}


def _title_code(session) -> str:
    from quyhoach.db.models import Title

    return session.exec(select(Title.code).order_by(Title.id)).first()


# --------------------------------------------------------------------------- two processes

READER = textwrap.dedent("""
    import datetime as dt, sys
    from sqlmodel import Session, select
    from quyhoach import create_app
    from quyhoach.db.models import Cadre
    from quyhoach.services.planning import world as world_service

    app = create_app({"DATABASE_URL": sys.argv[1], "INSTANCE_PATH": sys.argv[2], "SECRET_KEY": "x"})
    engine = app.extensions["quyhoach.engine"]
    builds = []
    real = world_service.build
    world_service.build = lambda s, on=None: builds.append(1) or real(s, on)
    code = sys.argv[3]
    for line in sys.stdin:
        with app.app_context(), Session(engine) as session:
            cadre_id = session.exec(select(Cadre.id).where(Cadre.code == code)).one()
            facts = world_service.cached(session, dt.date(2026, 1, 15)).cadres[cadre_id]
        print(facts.birth_date.isoformat(), len(builds), flush=True)
""")


def test_a_write_by_one_app_is_seen_by_another_process(small_db, tmp_path):
    """Two app instances on one database, in two processes: the reader, holding the world from
    before, sees the writer's change on its next request, by patching, not rebuilding."""
    copy = tmp_path / "shared.db"
    shutil.copy(small_db, copy)
    url = f"sqlite:///{copy}"
    engine = make_engine(url)
    with Session(engine) as session:
        cadre = session.exec(select(Cadre).order_by(Cadre.id)).first()
        code, born = cadre.code, cadre.birth_date
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    reader = subprocess.Popen([sys.executable, "-c", READER, url, str(tmp_path / "reader"), code], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        reader.stdin.write("read\n")
        reader.stdin.flush()
        assert reader.stdout.readline().split() == [born.isoformat(), "1"]

        from quyhoach import create_app

        writer = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "writer"), "SECRET_KEY": "w",
                             "LOGIN_DISABLED": True, "WTF_CSRF_ENABLED": False})
        with Session(engine) as session:
            cadre = session.exec(select(Cadre).where(Cadre.code == code)).one()
            form = _cadre_form(cadre, birth_date=(born - dt.timedelta(days=400)).strftime("%d/%m/%Y"), ly_do=REASON,
                               phien_ban=editing.version_of(cadre))
        response = writer.test_client().post(f"/can-bo/{code}/sua", data={"mau": "cadre", **form},
                                             headers={"HX-Request": "true"})
        assert response.status_code == 204

        reader.stdin.write("read\n")
        reader.stdin.flush()
        assert reader.stdout.readline().split() == [(born - dt.timedelta(days=400)).isoformat(), "1"]
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
        engine.dispose()


def test_a_deleted_row_is_logged_with_its_cadre_and_pool(small_db, tmp_path):
    """A row deleted (not withdrawn) through the session: its cadre and pool are read from the
    object, never loaded again, and the world brought up to date equals a rebuild."""
    engine = _fresh(small_db, tmp_path, next(_n))
    world_service.clear_cache()
    with Session(engine, expire_on_commit=False) as session:
        world_service.cached(session, ON)
        entry = session.exec(select(PoolEntry).where(PoolEntry.status == "active").order_by(PoolEntry.id)).first()
        cadre_id, pool_id = entry.cadre_id, entry.pool_id
        session.expire(entry)           # as after a commit: nothing loaded
        session.delete(entry)
        session.commit()
        logged = session.exec(select(PlanningChange).order_by(PlanningChange.id.desc())).first()
        assert cadre_id in logged.cadre_ids and pool_id in logged.pool_ids and not logged.full
        patched = world_service.cached(session, ON)
        _same_world(patched, _BUILD(session, ON))
        assert cadre_id not in patched.pools[pool_id].entry_ids
    engine.dispose()


def test_a_units_forecast_after_a_write_leaves_the_other_titles_to_the_next_province_view(small_db, tmp_path):
    """The forecast's parts are brought up to date from what a patch changed; a unit's view looks
    only at its titles, so a write to a holder elsewhere must still reach the province's view
    asked next (the parts are not marked current by a partial look)."""

    engine = _fresh(small_db, tmp_path, next(_n))
    world_service.clear_cache()
    try:
        with Session(engine, expire_on_commit=False) as session:
            world = world_service.cached(session, ON)
            whole = forecast.vacancy_forecast(session, world).forecast      # every title's part kept
            leaf = next(u for u in world.units.values()
                        if not any(v.parent_id == u.id for v in world.units.values())
                        and any(t.unit_id == u.id for t in world.titles.values()))
            title = next(t for t in world.titles.values() if t.unit_id != leaf.id and world.holders.get(t.id))
            holder = session.get(Cadre, world.holders[title.id][0][0])
            _birth_date(session, holder, 6)            # seven years older: a retirement moves
            session.commit()
            patched = world_service.cached(session, ON)
            assert patched is not world
            forecast.vacancy_forecast(session, patched, unit_ids={leaf.id})      # a unit's view first
            province = forecast.vacancy_forecast(session, patched).forecast
            rebuilt = forecast.vacancy_forecast(session, _BUILD(session, ON)).forecast
            assert province == rebuilt and province != whole
    finally:
        world_service.clear_cache()
        engine.dispose()
