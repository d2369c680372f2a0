"""Scale benchmarks (issue 15): generating provinces of 3,000 / 30,000 / 100,000 cadres, the
whole check as a spread job on the demo province. The full measurement (load on SQLite and
PostgreSQL, memory per process, RQ workers) is tests/bench/scale.py, whose figures are in
docs/benchmarks.md § Scale; the large sizes here are `slow`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from quyhoach.services.planning import check_jobs
from quyhoach.services.platform import jobs
from quyhoach.services.records import demo
from tests.support.jobs import share_engine

gen = demo.generator_module()
ON = dt.date(2026, 1, 15)


def _generate(size: int) -> dict:
    return gen.generate(**gen.sized(size))


@pytest.mark.parametrize("size", [3000, pytest.param(30000, marks=pytest.mark.slow),
                                  pytest.param(100000, marks=pytest.mark.slow)])
def test_generate_a_province(benchmark, size):
    rows = benchmark.pedantic(_generate, args=(size,), rounds=1, iterations=1)
    assert len(rows["cadres"]) == size
    assert len({u["code"] for u in rows["units"]}) == len(rows["units"])


def test_spread_check_of_the_demo_province_inline(benchmark, demo_engine):
    """The four parts one after the other in this process: the cost of the split itself
    (each part builds the planning world) against test_check_all_pools_of_the_province."""
    url = str(demo_engine.url)
    share_engine(demo_engine, url)
    runner = jobs.InlineRunner(url)

    def spread():
        with Session(demo_engine, expire_on_commit=False) as session:
            job = check_jobs.submit(session, runner, 4, ON)
            session.commit()
        with Session(demo_engine) as session:
            return jobs.get(session, job.id)

    done = benchmark.pedantic(spread, rounds=2, iterations=1)
    assert done.status == jobs.DONE and done.result["parts"] == 4 and done.result["pools"] > 600
