"""The prepared rotation round of `quyhoach demo`: solved scenarios ready to compare, the
same every time; the default rotation date fits the ratings recorded."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from sqlmodel import select

from quyhoach.db.models import Cadre, Evaluation, Job, Scenario, SolveRun
from quyhoach.services.platform import jobs
from quyhoach.services.rotation import example, scenarios
from tests.builders import make_cadre


def _moves(session, run_id):
    session.expire_all()
    run = session.get(SolveRun, run_id)
    return run.status, sorted((m["cadre"], m["to_post"]) for m in run.plan.get("moves", []))


def test_demo_prepares_solved_scenarios_ready_to_compare_and_the_same_every_time(runner, client, session, database_url):
    result = runner.invoke(args=["demo", "--small"])
    assert result.exit_code == 0, result.output
    assert "phương án luân chuyển mẫu" in result.output

    made = session.exec(select(Scenario).order_by(Scenario.id)).all()
    assert [s.name for s in made] == [name for name, _, _ in example.EXAMPLES]
    runs = session.exec(select(SolveRun).order_by(SolveRun.id)).all()
    assert [r.status for r in runs] == ["done"] * len(example.EXAMPLES)
    assert any(r.moves for r in runs), "an example round with no move shows nothing to compare"
    first = [_moves(session, r.id) for r in runs]

    page = client.get("/luan-chuyen/so-sanh?" + "&".join(f"run={r.id}" for r in runs)).get_data(as_text=True)
    for scenario in made:
        assert scenario.name in page
    home = client.get("/").get_data(as_text=True)
    assert "Có phương án, chờ thông qua" in home and made[0].name in home

    # loaded again (the scenarios removed first): the same plans
    session.exec(sa.delete(SolveRun))
    session.exec(sa.delete(Job).where(Job.kind == "rotation.solve"))
    session.exec(sa.delete(Scenario))
    session.commit()
    again = example.prepare(session, jobs.InlineRunner(database_url), commit=session.commit)
    assert [_moves(session, r.id) for r in again] == first
    # and not a second time over scenarios that exist
    assert example.prepare(session, jobs.InlineRunner(database_url), commit=session.commit) == []


def _rate(session, cadres, year, count):
    for cadre in cadres[:count]:
        session.add(Evaluation(cadre_id=cadre.id, period="year", year=year, period_no=0, rating="good"))


def test_the_default_rotation_date_waits_for_the_ratings_it_needs(session):
    cadres = [make_cadre(session, f"Cán bộ {i}", code=f"CB{i:03}") for i in range(10)]
    session.flush()
    _rate(session, cadres, 2024, 10)
    _rate(session, cadres, 2025, 10)
    session.commit()
    # December 2026, the 2026 ratings not in: next month's first day would count 2026
    assert scenarios.default_rotation_date(session, dt.date(2026, 12, 5)) == dt.date(2026, 12, 15)
    assert scenarios.default_rotation_date(session, dt.date(2026, 12, 20)) == dt.date(2026, 12, 21)
    # within the year, the first of next month counts 2025: kept
    assert scenarios.default_rotation_date(session, dt.date(2026, 6, 10)) == dt.date(2026, 7, 1)
    # the 2026 ratings recorded for most: the first of next month
    _rate(session, cadres, 2026, 8)
    session.commit()
    assert scenarios.default_rotation_date(session, dt.date(2026, 12, 5)) == dt.date(2027, 1, 1)
    assert session.exec(select(sa.func.count()).select_from(Cadre)).one() == 10


def test_a_plan_that_leaves_vacancies_empty_says_why_with_counts(client, session, database_url):
    from quyhoach.services import rotation
    from quyhoach.services.records import demo

    assert demo.load(session, demo.SMALL).ok
    session.commit()
    rated = scenarios.rated_through(session)
    settings = rotation.ScenarioSettings(unit_codes=example.example_units(session), time_limit=5)
    # a date two years past the last ratings: the rating rule fails every candidate
    late = rotation.create(session, name="Quá xa", rotation_date=dt.date(rated + 2, 1, 1), settings=settings)
    run = rotation.start_solve(session, jobs.InlineRunner(database_url), late)
    session.commit()
    session.refresh(run)
    assert run.status == "done" and not run.moves

    page = client.get(f"/luan-chuyen/run/{run.id}").get_data(as_text=True)
    section = page[page.index('id="vacancies-left"'):]
    section = section[:section.index("</section>")]
    vacant = sum(1 for p in run.problem["posts"] if not p.get("holder"))
    assert f"Phương án để trống {vacant} trong {vacant} vị trí khuyết" in section
    assert "mọi ứng viên đều không đạt quy định về xếp loại (P8, R9)" in section

    # at a date whose ratings are recorded, the example round fills them: no such section
    fine = rotation.create(session, name="Đúng ngày", rotation_date=scenarios.default_rotation_date(session),
                           settings=rotation.ScenarioSettings(unit_codes=settings.unit_codes, time_limit=5,
                                                              fill_vacancies="hard"))
    run = rotation.start_solve(session, jobs.InlineRunner(database_url), fine)
    session.commit()
    session.refresh(run)
    assert 'id="vacancies-left"' not in client.get(f"/luan-chuyen/run/{run.id}").get_data(as_text=True)


def test_comparison_flags_plans_over_different_units_and_adoption_names_the_pools(runner, client, session):
    assert runner.invoke(args=["demo", "--small"]).exit_code == 0
    runs = session.exec(select(SolveRun).order_by(SolveRun.id)).all()
    ids = "&".join(f"run={r.id}" for r in runs)
    assert 'id="scopes-differ"' not in client.get(f"/luan-chuyen/so-sanh?{ids}").get_data(as_text=True)

    from quyhoach.services import rotation
    from quyhoach.services.rotation import views

    other = rotation.copy(session, session.get(Scenario, runs[0].scenario_id),
                          change={"unit_codes": example.example_units(session)[:3]})
    hand = SolveRun(scenario_id=other.id, status="done", plan=runs[0].plan, problem=runs[0].problem, moves=runs[0].moves)
    session.add(hand)
    session.commit()
    page = client.get(f"/luan-chuyen/so-sanh?run={runs[0].id}&run={hand.id}").get_data(as_text=True)
    assert 'id="scopes-differ"' in page

    moved = next(r for r in runs if r.moves)
    # the first moved cadre listed in the pool of the title they are moved to (P12: they leave it)
    from quyhoach.db.models import PoolEntry, Term, Title
    from quyhoach.services.planning import pools

    move = moved.plan["moves"][0]
    title = session.exec(select(Title).where(Title.code == move["to_post"].split("#", 1)[0])).one()
    term = session.exec(select(Term).order_by(Term.start_date.desc())).first()
    pool = pools.get_or_create_pool(session, title.id, term.id)
    cadre_id = session.exec(select(Cadre.id).where(Cadre.code == move["cadre"])).one()
    if not session.exec(select(PoolEntry).where(PoolEntry.pool_id == pool.id, PoolEntry.cadre_id == cadre_id)).first():
        session.add(PoolEntry(pool_id=pool.id, cadre_id=cadre_id, added_on=dt.date(2025, 1, 1), added_reason="thử"))
    session.commit()
    names = views.pools_changed(session, moved)
    assert f"{title.name} — {term.name}" in names
    run_page = client.get(f"/luan-chuyen/run/{moved.id}").get_data(as_text=True)
    assert 'name="xac_nhan"' in run_page and "không hoàn tác được" in run_page
    for name in names:
        assert name in run_page


def test_scope_is_picked_on_the_tree_with_checkboxes_and_a_group_of_communes(client, session):
    from quyhoach.db.models import Level, Unit
    from quyhoach.services import rotation
    from quyhoach.services.records import demo

    assert demo.load(session, demo.SMALL).ok
    communes = session.exec(select(Unit.code).join(Level, Level.id == Unit.level_id).where(Level.code == "commune")).all()
    chosen = communes[:2]
    scenario = rotation.create(session, name="Cây", rotation_date=dt.date(2026, 12, 15),
                               settings=rotation.ScenarioSettings(unit_codes=chosen))
    session.commit()
    page = client.get(f"/luan-chuyen/{scenario.id}").get_data(as_text=True)
    tree = page[page.index('id="unit-tree"'):page.index("</fieldset>", page.index('id="unit-tree"'))]
    assert "<select" not in tree
    assert f"Tất cả xã, phường ({len(communes)})" in tree
    boxes = re.findall(r'<input type="checkbox" name="don_vi" value="([^"]+)"\s*(data-group="communes")?\s*(checked)?', tree)
    assert {code for code, _, checked in boxes if checked} == set(chosen)
    assert {code for code, group, _ in boxes if group} == set(communes)
    assert "Đã chọn 2 đơn vị." in tree
