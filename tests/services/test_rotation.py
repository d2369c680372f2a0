"""Rotation scenarios from the records: the problem the solver gets, the background solve
(run inline when the caller commits), relaxing a rule, sweeps, adoption."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

import solver
from quyhoach.db.models import PoolEvent, Posting, Scenario, SolveRun
from quyhoach.services.records import demo
from quyhoach.services.platform import jobs
from quyhoach.services import rotation
from quyhoach.services.planning import world as world_service
from tests.support.jobs import wait_for_run

DATE = dt.date(2026, 12, 1)


@pytest.fixture
def small(engine):
    with Session(engine) as session:
        assert demo.load(session, demo.SMALL).ok
        session.commit()
    return engine


def test_the_problem_is_prepared_from_the_records(small):
    with Session(small) as session:
        facts = world_service.build(session, DATE)
    built = rotation.build_problem(facts, rotation.ScenarioSettings(), DATE, "Thử")
    problem = built.problem
    holders = {p.holder for p in problem.posts if p.holder}
    seats = sum(facts.title_seats.values())
    assert len(problem.posts) >= seats and holders <= {c.id for c in problem.cadres}
    assert problem.rules.min_service_months == 120 and "QD377-2025" in problem.rules.rule_set
    # every candidate move comes from a pool (R1) and carries its reason
    pooled = {c.code for r in facts.pools.values() for c in r.facts.members}
    assert problem.candidates and all(c.cadre in pooled for c in problem.candidates)
    assert all(c.reasons for c in problem.candidates)
    # every open post says why
    for post in problem.posts:
        if post.holder is None:
            assert built.opened[post.id]
    # ages and service are computed at the rotation date
    cadre = next(c for c in problem.cadres if c.id == "CB00001")
    facts_cadre = next(c for c in facts.cadres.values() if c.code == "CB00001")
    born = facts_cadre.birth_date
    assert cadre.age == DATE.year - born.year - ((DATE.month, DATE.day) < (born.month, born.day))
    solver.io.validate_references(problem)


def test_a_scenario_solves_in_the_background_and_the_plan_checks(small, inline_runner):
    with Session(small, expire_on_commit=False) as session:
        scenario = rotation.create(session, name="Luân chuyển cuối năm", rotation_date=DATE,
                                   settings=rotation.ScenarioSettings(time_limit=5))
        session.commit()
        run = rotation.start_solve(session, inline_runner, scenario)
        session.commit()
    done = wait_for_run(small, run.id)
    assert done.status == "done", done.plan
    plan = rotation.plan_of(done)
    problem = rotation.problem_of(done)
    assert plan.objective is not None and plan.objective <= plan.bound
    report = solver.check(problem, plan)
    assert report.ok, report
    assert report.objective == plan.objective
    assert done.moves == len(plan.moves) and done.data_stamp is not None


def test_an_impossible_hard_target_is_explained_and_can_be_relaxed(small, inline_runner):
    settings = rotation.ScenarioSettings(time_limit=5, target_min_seats=1)
    settings.targets["female"] = rotation.TargetSetting(rotation.HARD, 1.0)   # every leader a woman: impossible
    with Session(small, expire_on_commit=False) as session:
        scenario = rotation.create(session, name="Nữ 100%", rotation_date=DATE, settings=settings)
        session.commit()
        run = rotation.start_solve(session, inline_runner, scenario)
        session.commit()
    done = wait_for_run(small, run.id)
    plan = rotation.plan_of(done)
    assert plan.status == "infeasible" and plan.diagnosis.conflicts
    conflict = next(c for c in plan.diagnosis.conflicts if c.rule == "target")
    assert "nữ" in conflict.message
    with Session(small, expire_on_commit=False) as session:
        relaxed = rotation.relax(session, session.get(Scenario, scenario.id), conflict.rule, conflict.subject)
        session.commit()
        assert relaxed.parent_id == scenario.id
        copied = rotation.ScenarioSettings.from_dict(relaxed.settings)
        assert copied.relaxed == [f"target:{conflict.subject}"]   # that unit's target only
        targets = {t.id: t.hard for t in rotation.problem_for(session, relaxed).problem.targets}
        assert targets[conflict.subject] is False
        again = rotation.start_solve(session, inline_runner, relaxed)
        session.commit()
    # the relaxed target no longer takes part in a conflict
    again_plan = rotation.plan_of(wait_for_run(small, again.id))
    assert again_plan.ok or conflict.subject not in {c.subject for c in again_plan.diagnosis.conflicts}


def test_legal_rules_cannot_be_relaxed(small):
    with Session(small) as session:
        scenario = rotation.create(session, name="X", rotation_date=DATE, settings=rotation.ScenarioSettings())
        with pytest.raises(rotation.ScenarioError, match="bắt buộc theo văn bản"):
            rotation.relax(session, scenario, "rating", "CB00001")


def test_a_sweep_queues_one_solve_per_value(small, inline_runner):
    with Session(small, expire_on_commit=False) as session:
        scenario = rotation.create(session, name="Quét", rotation_date=DATE,
                                   settings=rotation.ScenarioSettings(time_limit=3))
        session.commit()
        runs = rotation.start_sweep(session, inline_runner, scenario, "female", [0.2, 0.3, 0.4])
        session.commit()
    finished = [wait_for_run(small, r.id) for r in runs]
    assert [r.sweep_value for r in finished] == [0.2, 0.3, 0.4]
    assert all(r.status in ("done", "infeasible") for r in finished)
    assert [r.label for r in finished][0].endswith("20%")


@pytest.mark.parametrize("change, message", [
    ({"time_limit": 0}, "thời gian"),
    ({"weights": {"fit": -1}}, "trọng số"),
    ({"fill_vacancies": "maybe"}, "Lấp vị trí"),
])
def test_bad_settings_are_refused_with_the_field(small, change, message):
    settings = rotation.ScenarioSettings.from_dict({**rotation.ScenarioSettings().to_dict(), **change})
    with Session(small) as session:
        with pytest.raises(rotation.ScenarioError, match=message):
            rotation.create(session, name="X", rotation_date=DATE, settings=settings)


def test_adoption_freezes_the_plan_and_updates_posts_and_pools(small, inline_runner):
    with Session(small, expire_on_commit=False) as session:
        scenario = rotation.create(session, name="Thông qua", rotation_date=DATE,
                                   settings=rotation.ScenarioSettings(time_limit=5))
        session.commit()
        run = rotation.start_solve(session, inline_runner, scenario)
        session.commit()
    done = wait_for_run(small, run.id)
    plan = rotation.plan_of(done)
    if not plan.moves:
        pytest.skip("the small province gives no move to adopt")
    move = plan.moves[0]
    with Session(small, expire_on_commit=False) as session:
        adoption = rotation.adopt(session, session.get(Scenario, scenario.id), session.get(SolveRun, done.id),
                                  decision_no="15-NQ/TU", on=DATE)
        session.commit()
        assert session.get(Scenario, scenario.id).status == "adopted"
        assert adoption.rule_set_params["rotation_min_service_months"] == 120
        from quyhoach.db.models import Cadre, Title

        new_posts = session.exec(select(Posting).where(Posting.start_date == DATE)).all()
        assert len(new_posts) == len(plan.moves)
        cadre = session.exec(select(Cadre).where(Cadre.code == move.cadre)).one()
        title = session.exec(select(Title).where(Title.code == move.to_post.split("#")[0])).one()
        now = session.exec(select(Posting).where(Posting.cadre_id == cadre.id, Posting.end_date.is_(None))).all()
        assert [p.title_id for p in now] == [title.id]
        if move.from_post:
            ended = session.exec(select(Posting).where(Posting.cadre_id == cadre.id,
                                                       Posting.end_date == DATE - dt.timedelta(days=1))).all()
            assert len(ended) == 1
        exits = session.exec(select(PoolEvent).where(PoolEvent.rule == "P12", PoolEvent.on == DATE)).all()
        assert all("15-NQ/TU" in e.reason for e in exits)
        with pytest.raises(rotation.ScenarioError, match="đã được thông qua"):
            rotation.adopt(session, session.get(Scenario, scenario.id), session.get(SolveRun, done.id),
                           decision_no="16-NQ/TU", on=DATE)
        with pytest.raises(rotation.ScenarioError):
            rotation.start_solve(session, inline_runner, session.get(Scenario, scenario.id))


def test_a_solve_whose_worker_died_is_marked_failed_with_no_plan(small):
    from quyhoach.db.models import utcnow

    with Session(small, expire_on_commit=False) as session:
        scenario = rotation.create(session, name="Mất tiến trình", rotation_date=DATE,
                                   settings=rotation.ScenarioSettings())
        run = SolveRun(scenario_id=scenario.id, status="running", problem={})
        session.add(run)
        session.flush()
        job = jobs.create(session, "rotation.solve", {"run_id": run.id})
        job.status, job.heartbeat_at = jobs.RUNNING, utcnow() - dt.timedelta(minutes=10)
        session.add(job)
        session.commit()
        assert jobs.get(session, job.id).status == jobs.FAILED
        session.expire_all()
        lost = session.get(SolveRun, run.id)
        assert lost.status == "failed" and lost.plan == {}


def test_the_command_line_solves_a_scenario_from_the_database(small, runner_cli, tmp_path):
    with Session(small, expire_on_commit=False) as session:
        scenario = rotation.create(session, name="Dòng lệnh", rotation_date=DATE,
                                   settings=rotation.ScenarioSettings(time_limit=5))
        session.commit()
    out, problem_file = tmp_path / "plan.json", tmp_path / "problem.json"
    result = runner_cli.invoke(args=["solve", "--scenario", str(scenario.id), "--out", str(out),
                                     "--write-problem", str(problem_file), "--time-limit", "5"])
    assert result.exit_code == 0, result.output
    problem, plan = solver.load_problem(problem_file), solver.load_plan(out)
    assert solver.check(problem, plan).ok
    assert runner_cli.invoke(args=["solve"]).exit_code != 0


@pytest.fixture
def runner_cli(app):
    return app.test_cli_runner()


def test_copy_and_relax_store_how_the_scenario_was_derived(engine):
    with Session(engine, expire_on_commit=False) as session:
        parent = rotation.create(session, name="Gốc", rotation_date=DATE, settings=rotation.ScenarioSettings())
        assert (parent.parent_id, parent.derivation, parent.relaxed_rule) == (None, None, None)
        copied = rotation.copy(session, parent)
        relaxed = rotation.relax(session, parent, "pinned", "CB001")
        session.commit()
        assert (copied.parent_id, copied.derivation, copied.relaxed_rule, copied.relaxed_subject) == (
            parent.id, "copy", None, None)
        assert (relaxed.parent_id, relaxed.derivation, relaxed.relaxed_rule, relaxed.relaxed_subject) == (
            parent.id, "relaxed", "pinned", "CB001")
        # the diagnosis' names for unit limits are stored as the setting they relax
        limit = rotation.relax(session, parent, "leave", "U1")
        assert (limit.derivation, limit.relaxed_rule) == ("relaxed", "max_leaving")
