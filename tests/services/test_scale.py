"""Data at scale and work spread over workers (issue 15): the generator makes a province of
any size and a country of several provinces, deterministically, without moving the committed
demo; `quyhoach demo --size/--provinces/--from` loads them; the whole check runs as a spread
job whose parts any worker takes, with the same verdicts as the check in one piece."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

import pytest
from sqlmodel import Session, select

from quyhoach.db.models import Cadre, Job, Unit
from quyhoach.services.planning import check_jobs, judging, world as world_service
from quyhoach.services.platform import jobs
from quyhoach.services.records import demo, tabular

gen = demo.generator_module()
ON = dt.date(2026, 1, 15)


def _rows(data: bytes) -> list[dict[str, str]]:
    """A list as header -> value rows (a column the file lacks reads as empty)."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize("name, params", [("demo", gen.DEMO), ("small", gen.SMALL)])
def test_the_committed_fixtures_are_what_the_generator_makes(tmp_path, name, params):
    """Sizes and countries did not move the demo: the same rows, byte for byte where the lists
    have not gained a column since they were committed (postings: one empty column more)."""
    gen.write(gen.generate(**params), tmp_path)
    committed = demo.fixtures_dir() / name
    for kind in tabular.LOAD_ORDER:
        ours, theirs = (tmp_path / f"{kind}.csv").read_bytes(), (committed / f"{kind}.csv").read_bytes()
        if ours != theirs:
            headers = [c.header for c in tabular.SHEETS[kind].columns]
            assert [{h: r.get(h) or "" for h in headers} for r in _rows(ours)] == \
                   [{h: r.get(h) or "" for h in headers} for r in _rows(theirs)], kind


def test_a_sized_province_of_the_demo_size_is_the_demo():
    assert gen.sized(3000) == {**gen.DEMO, "n_districts": 0}


def test_a_province_with_more_wards_than_names_has_unique_codes_and_passes_the_generators_check(tmp_path):
    rows = gen.generate(**gen.sized(400, n_communes=200, n_departments=3))
    codes = [u["code"] for u in rows["units"]]
    wards = [c for c in codes if c.startswith("PH-")]
    assert len(codes) == len(set(codes)) and len(wards) == 12 and "PH-DONG-THANH-2" in wards
    gen.write(rows, tmp_path)
    assert gen.check(tmp_path)["counts"]["cadres"] == 400


def test_more_communes_than_two_syllable_names_get_three_syllable_ones():
    generator = gen.Generator(50, 1600, 3, 1)
    names = generator.place_names()
    assert len(names) >= 1600 and len({gen.ascii_code(n) for n in names}) == len(names)
    assert any(len(n.split()) == 3 for n in names)


def test_a_country_is_provinces_side_by_side_each_its_own_tree():
    country = gen.country(3, 600, seed=11)
    units = country["units"]
    assert len({u["code"] for u in units}) == len(units)
    roots = [u["code"] for u in units if not u["parent_code"]]
    assert roots == [gen.CENTRAL_CODE]   # the Central Committee over the provinces
    assert [u["code"] for u in units if u["parent_code"] == gen.CENTRAL_CODE] == \
           ["TW-BTC", "T01-TINH", "T02-TINH", "T03-TINH"]
    assert len(country["cadres"]) == 600 and len({c["code"] for c in country["cadres"]}) == 600
    for kind, rows in country.items():   # nothing points into another province
        for row in rows:
            prefixes = {row[k][:4] for k in gen.CODE_KEYS if row.get(k) and not row[k].startswith(gen.CENTRAL_CODE)}
            assert len(prefixes) <= 1, (kind, row)
    # deterministic, and a province is the same whatever the number of the others
    assert gen.country(3, 600, seed=11) == country
    two = gen.country(2, 400, seed=11)
    assert [c for c in two["cadres"] if c["code"].startswith("T02-")] == \
           [c for c in country["cadres"] if c["code"].startswith("T02-")]


def test_demo_size_and_provinces_load_a_generated_country(runner, engine):
    result = runner.invoke(args=["demo", "--size", "240", "--provinces", "2"])
    assert result.exit_code == 0, result.output
    with Session(engine) as session:
        assert len(session.exec(select(Cadre)).all()) == 240
        roots = session.exec(select(Unit.code).where(Unit.parent_id.is_(None))).all()
    assert roots == ["TW"]   # the Central Committee, the provinces under it (tests/services/test_import_country.py)


def test_demo_from_a_folder_loads_its_lists_and_refuses_mixed_options(runner, engine, tmp_path):
    gen.write(gen.generate(**gen.sized(120, seed=3)), tmp_path)
    assert runner.invoke(args=["demo", "--from", str(tmp_path), "--small"]).exit_code != 0
    result = runner.invoke(args=["demo", "--from", str(tmp_path)])
    assert result.exit_code == 0, result.output
    with Session(engine) as session:
        assert len(session.exec(select(Cadre)).all()) == 120


# --------------------------------------------------------------------------- the spread check

@pytest.fixture
def province(engine):
    with Session(engine) as session:
        assert demo.load(session, demo.SMALL).ok
        session.commit()
    return engine


def test_the_parts_cover_every_unit_once(province):
    with Session(province) as session:
        parts = check_jobs.split(session, 3)
        all_units = set(session.exec(select(Unit.id)).all())
    ids = [u for p in parts for u in p["units"]]
    assert len(parts) == 3 and len(ids) == len(set(ids)) and set(ids) == all_units


def test_more_parts_than_subtrees_split_the_heaviest_subtrees_and_still_cover_every_unit_once(province):
    with Session(province) as session:
        coarse = check_jobs.split(session, 3)
        fine = check_jobs.split(session, 12)
        all_units = set(session.exec(select(Unit.id)).all())
    ids = [u for p in fine for u in p["units"]]
    assert len(coarse) == 3 < len(fine) <= 12   # the small province has fewer units with pools than 12
    assert len(ids) == len(set(ids)) and set(ids) == all_units


def test_the_check_in_many_small_parts_finds_what_the_check_in_one_piece_finds(province, inline_runner):
    with Session(province, expire_on_commit=False) as session:
        job = check_jobs.submit(session, inline_runner, 12, ON)
        session.commit()
    with Session(province) as session:
        result = jobs.get(session, job.id).result
        whole = judging.judge_all(world_service.build(session, ON))
    assert result["parts"] > 3 and result["pools"] == result["judged"] == len(whole)
    assert result["members"] == sum(j.member_count for j in whole)
    assert result["pools_failing"] == sum(1 for j in whole if not j.passes)
    rules = Counter(f.rule for j in whole for f in j.findings() if not f.passed)
    assert result["failures_by_rule"] == dict(sorted(rules.items()))


def test_a_part_judged_after_the_organisation_changed_reads_the_new_organisation(province):
    """Parts run in one process (`worker --no-fork`) read the organisation once per data stamp:
    a title renamed since (a write bumps the stamp) is judged under its new name."""
    import sqlalchemy as sa

    from quyhoach.db.models import Title
    from quyhoach.services.planning import verdicts
    from quyhoach.services.platform import stamp

    class Part:
        def __init__(self, units):
            self.engine, self.payload = province, {"units": units, "on": ON.isoformat()}

        def progress(self, *args, **kwargs):
            pass

    with Session(province) as session:
        units = sorted(session.exec(select(Unit.id)).all())
    before = check_jobs.check_part(Part(units))
    with Session(province) as session:
        title_id = session.exec(select(verdicts.TABLE.c.title_id)).first()
        session.connection().execute(sa.update(Title).where(Title.id == title_id).values(name="Chức danh đổi tên"))
        session.connection().execute(sa.delete(verdicts.TABLE))   # judged again, not read
        stamp.bump(session)
        session.commit()
    after = check_jobs.check_part(Part(units))
    assert after["judged"] == before["judged"] == before["pools"]
    with Session(province) as session:
        now = stamp.current(session)
        kept = {r.pool_id: r.findings for r in session.connection().execute(sa.select(verdicts.TABLE)).all()}
        fresh = world_service.build(session, ON)
    assert check_jobs._ORGANISATIONS[str(province.url)][0] == now
    assert kept == {pid: verdicts.row_of(judging.judge_pool(fresh, pid, ON), 0, ON, now)["findings"] for pid in fresh.pools}


def test_judging_one_pool_after_the_other_gives_the_judgements_of_judge_all_and_keeps_none(province):
    with Session(province) as session:
        world = world_service.build(session, ON)
    with judging.bulk():
        streamed = {j.key: [f.as_dict() for f in j.findings()] for j in judging.each(world, list(world.pools), ON)}
    assert not [k for k in world.memo if k[0] == "pool"]
    assert streamed == {j.key: [f.as_dict() for f in j.findings()] for j in judging.judge_all(world, ON)}


def test_the_spread_check_finds_what_the_check_in_one_piece_finds(province, inline_runner):
    with Session(province, expire_on_commit=False) as session:
        job = check_jobs.submit(session, inline_runner, 3, ON)
        session.commit()   # the parts run now (inline), the last one combines
    with Session(province) as session:
        done = jobs.get(session, job.id)
        parts = session.exec(select(Job).where(Job.kind == jobs.part_kind(check_jobs.KIND))).all()
        whole = judging.judge_all(world_service.build(session, ON))
    assert done.status == jobs.DONE and done.progress == 1.0 and done.message == "3/3 phần đã xong"
    assert len(parts) == 3 and all(p.status == jobs.DONE for p in parts)
    result = done.result
    assert result["parts"] == 3 and result["pools"] == len(whole)
    assert result["failing_members"] == sum(len(j.failing_members()) for j in whole)
    worst_first = sorted(whole, key=lambda j: (-j.severity_score, -j.facts.title.rank, j.facts.title.code, j.key))
    assert [r["pool"] for r in result["worst"]] == [j.key for j in worst_first][: check_jobs.WORST]


def _part_ok(ctx: jobs.JobContext) -> dict:
    return {"n": ctx.payload["n"]}


def _part_failing(ctx: jobs.JobContext) -> dict:
    if ctx.payload["n"] == 2:
        raise ValueError("phần này hỏng")
    return {"n": ctx.payload["n"]}


jobs.register_spread("test.sum", _part_ok, lambda results: {"total": sum(r["n"] for r in results)})
jobs.register_spread("test.broken", _part_failing, lambda results: {"never": True})


def test_a_spread_job_combines_its_parts_once_the_last_finishes(engine, database_url):
    from quyhoach.services.platform.jobs import InlineRunner
    from tests.support.jobs import share_engine

    share_engine(engine, database_url)
    queued: list[str] = []

    class Later(InlineRunner):   # holds the parts, to run them one by one
        def enqueue(self, job_id: str) -> None:
            queued.append(job_id)

    with Session(engine, expire_on_commit=False) as session:
        job = jobs.submit_spread(session, Later(database_url), "test.sum", [{"n": 1}, {"n": 2}, {"n": 4}], "Cộng")
        session.commit()
    assert len(queued) == 3
    for n, part in enumerate(queued, start=1):
        jobs.execute(part, database_url)
        with Session(engine) as session:
            spread = jobs.get(session, job.id)
            assert spread.progress == pytest.approx(n / 3)
            assert spread.status == (jobs.DONE if n == 3 else jobs.RUNNING)
    assert spread.result == {"total": 7}
    jobs.part_finished(engine, job.id)   # a late duplicate changes nothing
    with Session(engine) as session:
        assert jobs.get(session, job.id).result == {"total": 7}


def test_a_failed_part_fails_the_spread_job_and_says_which(engine, inline_runner):
    with Session(engine, expire_on_commit=False) as session:
        job = jobs.submit_spread(session, inline_runner, "test.broken", [{"n": 1}, {"n": 2}, {"n": 3}])
        session.commit()
    with Session(engine) as session:
        spread = jobs.get(session, job.id)
    assert spread.status == jobs.FAILED and spread.result == {}
    assert spread.error.startswith("phần 2: phần này hỏng")


def test_stopping_a_spread_job_stops_its_queued_parts(engine, database_url):
    from quyhoach.services.platform.jobs import InlineRunner
    from tests.support.jobs import share_engine

    share_engine(engine, database_url)

    class Never(InlineRunner):
        def enqueue(self, job_id: str) -> None:
            pass

    with Session(engine, expire_on_commit=False) as session:
        job = jobs.submit_spread(session, Never(database_url), "test.sum", [{"n": 1}, {"n": 2}])
        session.commit()
        jobs.request_stop(session, job.id)
        session.commit()
        parts = session.exec(select(Job).where(Job.kind == "test.sum.part")).all()
    assert [p.status for p in parts] == [jobs.STOPPED, jobs.STOPPED]


def test_check_spread_prints_the_combined_result(runner, province):
    result = runner.invoke(args=["check", "--spread", "2", "--on", "15/01/2026", "--json"])
    assert result.exit_code == 0, result.output
    import json

    combined = json.loads(result.stdout)
    assert combined["parts"] == 2 and combined["pools"] > 0
    assert runner.invoke(args=["check", "--spread", "2", "--unit", "TINH"]).exit_code != 0


def test_the_generators_check_reads_a_list_longer_than_one_file_may_be_in_pieces(tmp_path, monkeypatch):
    """A 100,000-cadre province has 1.8 million ratings, nine times what one file may hold: the
    generator's own check reads each list in the pieces the demo loader imports, and still
    finds a row that is wrong in a later piece."""
    monkeypatch.setattr(demo, "CHUNK_ROWS", 500)
    rows = gen.generate(**gen.sized(120, seed=3))
    assert len(rows["evaluations"]) > 1000
    gen.write(rows, tmp_path)
    figures = gen.check(tmp_path)
    assert figures["counts"] == {kind: len(kind_rows) for kind, kind_rows in rows.items()}
    rows["evaluations"][-1]["cadre_code"] = "CB99999"   # a rating of nobody, in the last piece
    gen.write(rows, tmp_path)
    with pytest.raises(AssertionError, match="evaluation: cadre CB99999"):
        gen.check(tmp_path)


def test_a_list_longer_than_one_file_may_be_is_loaded_in_pieces(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "CHUNK_ROWS", 500)
    rows = gen.generate(**gen.sized(120, seed=3))
    assert len(rows["evaluations"]) > 1000
    gen.write(rows, tmp_path)
    with Session(engine) as session:
        report = demo.load(session, folder=tmp_path)
        assert report.ok, report.problems[:3]
        assert report.count("evaluations") == len(rows["evaluations"])
        assert sum(r.kind == "evaluations" for r in report.results) == -(-len(rows["evaluations"]) // 500)
