"""The judgements kept in the database (issue 15, `pool_verdict`): after writes through the
services (forms, imports, withdrawals, pool entries, a rule-set change) the stored verdicts,
brought up to date from the change log, equal every pool judged again from scratch; only the
pools a write touched are judged again; a gap or an organisation change judges all."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, example, given, settings
from sqlmodel import Session, select

from quyhoach.db.models import Cadre, Pool, PoolVerdict, Title, Unit
from quyhoach.services.planning import judging, verdicts, world as world_service
from quyhoach.services.platform import stamp
from quyhoach.services.records import editing
from tests.services.test_incremental import _birth_date, _fresh, _write, make_small_db, steps

ON = dt.date(2026, 1, 15)
_n = iter(range(10**6))


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    return make_small_db(tmp_path_factory.mktemp("verdicts") / "small.db")


def _comparable(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "stamp"}


def _stored_rows(session) -> dict[int, dict]:
    rows = session.connection().execute(sa.select(verdicts.TABLE).where(verdicts.TABLE.c.on_date == ON)).mappings()
    return {r["pool_id"]: _comparable(dict(r)) for r in rows}


def _recomputed(session) -> dict[int, dict]:
    world = world_service.build(session, ON)
    return {pid: _comparable(verdicts.row_of(judging.judge_pool(world, pid, ON), world.term_ids[r.facts.term.code],
                                             ON, 0))
            for pid, r in world.pools.items()}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(steps=steps)
@example(steps=[("birth_date", 3, 0)])
@example(steps=[("pool_entry", 12, 4), ("pool_exit", 0, 1)])
@example(steps=[("relation", 5, 2), ("birth_date", 5, 1)])          # a relative's facts follow the cadre's
@example(steps=[("rating", 7, 0), ("withdraw_rating", 7, 3), ("rule_set", 0, 1)])
@example(steps=[("import_birth_date", 9, 0), ("discipline", 9, 1)])
def test_the_stored_verdicts_brought_up_to_date_equal_a_full_judging(small_db, tmp_path, steps):
    engine = _fresh(small_db, tmp_path, 1000 + next(_n))
    share, verdicts.REJUDGE_ALL = verdicts.REJUDGE_ALL, 1.0   # the small province: a cadre sits in many of its pools
    try:
        with Session(engine, expire_on_commit=False) as session:
            first = verdicts.refresh(session, ON)
            session.commit()
            total = first.judged
            assert first.whole and total == len(_recomputed(session))
            for name, who, n in steps:
                _write(session, name, who, n)
                done = verdicts.refresh(session, ON)
                session.commit()
                assert _stored_rows(session) == _recomputed(session)
                assert done.stamp == stamp.current(session)
                if name != "rule_set":     # only a rule set (or the organisation) judges every pool again
                    assert not done.whole and done.judged < total
            assert verdicts.refresh(session, ON).judged == 0      # nothing written since: a read
    finally:
        verdicts.REJUDGE_ALL = share
        engine.dispose()


def test_a_part_of_the_world_judges_its_pools_as_the_whole_world_does(small_db, tmp_path):
    engine = _fresh(small_db, tmp_path, 1000 + next(_n))
    with Session(engine) as session:
        whole = world_service.build(session, ON)
        unit = session.exec(select(Unit).where(Unit.parent_id.is_not(None)).order_by(Unit.id)).first()
        part = world_service.build_part(session, ON, unit_ids=whole.subtree(unit.id))
        some = sorted(whole.pools)[::3]
        picked = world_service.build_part(session, ON, pool_ids=some)
    engine.dispose()
    assert part.pools and set(part.pools) < set(whole.pools)
    assert {pid: whole.pools[pid] for pid in part.pools} == part.pools
    assert picked.pools == {pid: whole.pools[pid] for pid in some}
    for world in (part, picked):
        for pid in world.pools:
            mine, theirs = judging.judge_pool(world, pid, ON), judging.judge_pool(whole, pid, ON)
            assert mine.members == theirs.members and mine.structure == theirs.structure


def test_a_write_judges_again_only_the_pools_of_the_cadre(small_db, tmp_path):
    engine = _fresh(small_db, tmp_path, 1000 + next(_n))
    with Session(engine, expire_on_commit=False) as session:
        verdicts.refresh(session, ON)
        session.commit()
        world = world_service.build(session, ON)
        cadre_id = next(c.id for r in world.pools.values() for c in r.facts.members)
        pools_of_cadre = {pid for pid, r in world.pools.items() if cadre_id in r.entry_ids}
        _birth_date(session, session.get(Cadre, cadre_id), 1)
        session.commit()
        done = verdicts.refresh(session, ON)
        session.commit()
    engine.dispose()
    assert not done.whole and pools_of_cadre and len(pools_of_cadre) <= done.judged < len(world.pools)


def test_a_refresh_after_a_write_rewrites_only_the_verdicts_it_judged_again(small_db, tmp_path):
    """The other verdicts keep their row as it was (the date's one stamp says they are current),
    and the next refresh, and a process that starts, read them as current: nothing judged."""
    engine = _fresh(small_db, tmp_path, 1000 + next(_n))
    with Session(engine, expire_on_commit=False) as session:
        verdicts.refresh(session, ON)
        session.commit()
        before = {r.pool_id: r.stamp for r in session.exec(select(PoolVerdict))}
        world = world_service.build(session, ON)
        cadre_id = next(c.id for r in world.pools.values() for c in r.facts.members)
        _birth_date(session, session.get(Cadre, cadre_id), 1)
        session.commit()
        done = verdicts.refresh(session, ON)
        session.commit()
        after = {r.pool_id: r.stamp for r in session.exec(select(PoolVerdict))}
        again = verdicts.refresh(session, ON)
        everything = verdicts.refresh(session, ON, unit_ids=set(world.units))   # a part of the spread check
        session.commit()
        now = stamp.current(session)
    engine.dispose()
    moved = {pid for pid in after if after[pid] != before[pid]}
    assert moved and len(moved) == done.judged < len(after)
    assert all(after[pid] == now for pid in moved)
    assert (again.judged, again.whole, everything.judged, everything.whole) == (0, False, 0, False)


def test_a_gap_in_the_log_or_a_title_renamed_judges_every_pool_again(small_db, tmp_path):
    engine = _fresh(small_db, tmp_path, 1000 + next(_n))
    with Session(engine, expire_on_commit=False) as session:
        total = verdicts.refresh(session, ON).judged
        session.commit()
        with engine.begin() as connection:   # a plain connection: no listener, no log row
            connection.exec_driver_sql("UPDATE datastamp SET counter = counter + 1")
        after_gap = verdicts.refresh(session, ON)
        session.commit()
        code = session.exec(select(Title.code).join(Pool, Pool.title_id == Title.id).order_by(Title.id)).first()
        editing.rename_title(session, code, {"name": "Chức danh đổi tên"}, reason="Đổi tên theo quyết định")
        session.commit()
        after_rename = verdicts.refresh(session, ON)
        session.commit()
        stored = verdicts.stored(session, ON, title_code=code)
    engine.dispose()
    assert (after_gap.whole, after_gap.judged) == (True, total)
    assert (after_rename.whole, after_rename.judged) == (True, total)
    assert stored and all(v.title.name == "Chức danh đổi tên" for v in stored)


def test_verdicts_of_another_date_are_kept_apart(small_db, tmp_path):
    engine = _fresh(small_db, tmp_path, 1000 + next(_n))
    later = dt.date(2029, 6, 1)
    with Session(engine, expire_on_commit=False) as session:
        verdicts.refresh(session, ON)
        verdicts.refresh(session, later)
        session.commit()
        dates = set(session.exec(select(PoolVerdict.on_date)).all())
        now = {v.row.pool_id: v.row.findings for v in verdicts.stored(session, ON)}
        then = {v.row.pool_id: v.row.findings for v in verdicts.stored(session, later)}
    engine.dispose()
    assert dates == {ON, later} and now.keys() == then.keys() and now != then


def test_check_failing_reads_the_stored_verdicts_and_says_what_the_full_check_says(runner, engine):
    from quyhoach.services.records import demo, reference

    with Session(engine) as session:
        reference.ensure(session)
        assert demo.load(session, demo.SMALL).ok
        session.commit()
    args = ["check", "--on", "15/01/2026", "--json"]
    full = json.loads(runner.invoke(args=args).stdout)
    stored = runner.invoke(args=[*args, "--failing"])
    assert stored.exit_code == 0, stored.output
    expected = [{**p, "findings": [f for f in p["findings"] if not f["passed"]]} for p in full["pools"]]
    assert json.loads(stored.stdout)["pools"] == expected
    assert any(p["findings"] for p in expected)
    with Session(engine) as session:
        assert len(session.exec(select(PoolVerdict)).all()) == len(expected)   # kept for the next check
    text = runner.invoke(args=["check", "--on", "15/01/2026", "--failing", "--unit", "SO-NV"]).output
    assert "Chưa đạt" in text or "Lưu ý" in text
    assert "[Đạt]" not in text


def test_the_spread_check_stores_each_parts_verdicts_and_reads_them_the_next_time(engine, inline_runner):
    from quyhoach.services.planning import check_jobs
    from quyhoach.services.platform import jobs
    from quyhoach.services.records import demo, reference

    with Session(engine) as session:
        reference.ensure(session)
        assert demo.load(session, demo.SMALL).ok
        stamp.bump(session)
        session.commit()

    def spread() -> dict:
        with Session(engine, expire_on_commit=False) as session:
            job = check_jobs.submit(session, inline_runner, 3, ON)
            session.commit()
        with Session(engine) as session:
            done = jobs.get(session, job.id)
            assert done.status == jobs.DONE, done.error
            return done.result

    first = spread()
    with Session(engine) as session:
        assert _stored_rows(session) == _recomputed(session)
        total = len(_recomputed(session))
    assert (first["pools"], first["judged"]) == (total, total)
    again = spread()
    assert (again["pools"], again["judged"], again["worst"]) == (total, 0, first["worst"])
    with Session(engine, expire_on_commit=False) as session:
        member = next(iter(world_service.build(session, ON).pools.values())).facts.members[0]
        _birth_date(session, session.get(Cadre, member.id), 2)
        session.commit()
    after_write = spread()
    with Session(engine) as session:
        assert _stored_rows(session) == _recomputed(session)
    assert 0 < after_write["judged"] < total


def _judged_worklist(world) -> tuple[list, list]:
    """The review worklist judged on the world directly (every pool's findings in memory), as
    the review read it before it read the stored verdicts."""
    from quyhoach.domain import eligibility

    exits, short = [], []
    for j in judging.judge_all(world):
        for cadre in j.facts.members:
            found = j.members[cadre.id]
            flags = eligibility.flags_of(found)
            exits += [(j.record.id, cadre.id, j.record.entry_ids[cadre.id], f, flags) for f in eligibility.exits_of(found)]
        short += [(j.record.id, f) for f in j.structure_failures]
    return exits, short


def test_the_review_and_the_successors_read_from_the_stored_verdicts_equal_the_rules_judged_again(small_db, tmp_path):
    """The review worklist, the forecast's successor depth and each finding's words (message and
    evidence, as Phrases a page says in English) read back from `pool_verdict` are those the
    rules give on the world: nothing of a finding is lost by storing it."""
    from quyhoach.domain.phrase import Phrase
    from quyhoach.services.planning import forecast, review_views

    engine = _fresh(small_db, tmp_path, 3000 + next(_n))
    with Session(engine, expire_on_commit=False) as session:
        world = world_service.cached(session, ON)
        worklist = review_views.review_worklist(session, world)
        exits, short = _judged_worklist(world)
        assert exits and short      # the small province has both (else this test would prove nothing)
        got = [(i.pool_id, i.cadre.id, i.entry_id, i.finding, i.flags) for i in worklist.exits]
        assert sorted(got, key=repr) == sorted(exits, key=repr)
        assert sorted(((i.pool_id, i.finding) for i in worklist.short_pools), key=repr) == sorted(short, key=repr)
        wanted = {}
        for pool_id, _, _, finding, _ in exits:
            wanted[(pool_id, finding.subject, finding.rule)] = finding
        for item in worklist.exits:
            original = wanted[(item.pool_id, item.finding.subject, item.finding.rule)]
            said = zip(item.finding.evidence, original.evidence, strict=True)
            for kept, made in [(item.finding.message, original.message), *said]:
                assert isinstance(kept, Phrase) == isinstance(made, Phrase)
                if isinstance(made, Phrase):
                    assert (kept.template, dict(kept.args)) == (made.template, dict(made.args))

        depth: dict = {}
        for j in judging.judge_all(world):
            depth.setdefault(j.facts.title.id, {})[j.facts.term.code] = sum(
                1 for fs in j.members.values() if not any(f.blocking for f in fs))
        assert forecast.successor_depth(session, world) == depth


def test_a_process_keeps_no_pool_judgement_for_the_lists_and_few_for_the_pool_pages(small_db, tmp_path, monkeypatch):
    """The dashboard, the review and the forecast read the stored verdicts: the process's world
    keeps no pool's findings for them (at 30,000 cadres every pool's were ≈ 530 MB); the pool
    pages visited keep theirs, the last `KEEP_POOLS` only, also across a patch."""
    from quyhoach.services.planning import forecast, review_views

    engine = _fresh(small_db, tmp_path, 4000 + next(_n))
    monkeypatch.setattr(judging, "KEEP_POOLS", 5)
    world_service.clear_cache()
    try:
        with Session(engine, expire_on_commit=False) as session:
            world = world_service.cached(session, ON)
            verdicts.judgements(session, world)
            review_views.review_worklist(session, world)
            forecast.vacancy_forecast(session, world)
            assert not [k for k in world.memo if k[0] == "pool"]
            ids = sorted(world.pools)[:8]
            for pool_id in ids:
                judging.judge_pool(world, pool_id)
            assert sorted(k[1] for k in world.memo if k[0] == "pool") == ids[3:]
            _birth_date(session, session.exec(select(Cadre).order_by(Cadre.id.desc())).first(), 1)
            session.commit()
            patched = world_service.cached(session, ON)
            assert patched is not world
            for pool_id in sorted(world.pools)[8:12]:
                judging.judge_pool(patched, pool_id)
            assert len([k for k in patched.memo if k[0] == "pool"]) == 5
    finally:
        world_service.clear_cache()
