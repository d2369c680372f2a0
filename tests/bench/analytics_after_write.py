"""The Đánh giá figures after a write (docs/benchmarks.md § "Đánh giá after a write at 30,000
cadres"): on a generated province already in a database, a yearly rating is changed and
committed, the process's planning world brought up to date from the change log (as
`world.after_write` does; timed apart), then the CPU time (`time.process_time`) of the first
`evaluation_analytics` call for the province and of the first for a unit's subtree (a unit
drawn at random each round: the generated province is the province's bodies and its
communes), round after round. The ratings changed are put back
at the end.

    .venv/bin/python -m tests.bench.analytics_after_write postgresql+psycopg://postgres@127.0.0.1:5432/qh_ledger [rounds]

Also measured once: the figures summed whole from the ledger held (a new summary over the same
parts: what every rating write cost before the summary was kept).

With `--pages`, the same rounds through the pages instead (Flask test client, signed in as an
officer, in this process): the write committed in another session, then the CPU of the first
Đánh giá page of the province after it (the world patched, the ledger and the figures brought
up to date, the E4 table drawn) and of a unit's Đánh giá page.

    .venv/bin/python -m tests.bench.analytics_after_write URL [rounds] --pages
"""

from __future__ import annotations

import random
import statistics
import sys
import time

from sqlmodel import Session, select

from quyhoach.db.engine import make_engine
from quyhoach.db.models import Evaluation
from quyhoach.services.evaluations import analytics, ledger
from quyhoach.services.planning import world as world_service

RATINGS = ("excellent", "good", "complete", "fail")


def _ms(values: list[float]) -> str:
    values = sorted(v * 1000 for v in values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"median {statistics.median(values):.1f} ms, p95 {p95:.1f} ms, max {values[-1]:.1f} ms"


def _cpu(work):
    start = time.process_time()
    out = work()
    return out, time.process_time() - start


def _change_ratings(engine, pick: random.Random, ids: list[int], changed: dict[int, str | None]) -> None:
    with Session(engine) as session:
        row = session.get(Evaluation, pick.choice(ids))
        changed.setdefault(row.id, row.rating)
        row.rating = pick.choice([r for r in RATINGS if r != row.rating])
        session.add(row)
        session.commit()


def _put_back(engine, changed: dict[int, str | None]) -> None:
    with Session(engine) as session:
        for eid, rating in changed.items():
            row = session.get(Evaluation, eid)
            row.rating = rating
            session.add(row)
        session.commit()


def pages(url: str, rounds: int = 30) -> None:
    import tempfile

    from quyhoach import create_app
    from tests.bench.conftest import signed_in_client

    engine = make_engine(url)
    pick = random.Random(15)
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": tempfile.mkdtemp(), "SECRET_KEY": "b",
                      "WTF_CSRF_ENABLED": False})
    client = signed_in_client(app, engine)

    def get(path: str) -> float:
        start = time.process_time()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return time.process_time() - start

    first = get("/danh-gia/")
    with Session(engine) as session:
        world = world_service.cached(session)
        codes = sorted(u.code for u in world.units.values() if u.parent_id is not None)
        ids = session.exec(select(Evaluation.id).where(Evaluation.period == "year", Evaluation.rating.is_not(None))).all()
    print(f"first Đánh giá page (world built, ledger read): {first:.2f} s")
    changed: dict[int, str | None] = {}
    province, unit, again = [], [], []
    for _ in range(rounds):
        _change_ratings(engine, pick, ids, changed)
        province.append(get("/danh-gia/"))
        again.append(get("/danh-gia/"))
        unit.append(get(f"/danh-gia/?don_vi={pick.choice(codes)}"))
    _put_back(engine, changed)
    print(f"{rounds} rating writes (another session); CPU of each page:")
    print(f"  Đánh giá, province, first after the write: {_ms(province)}")
    print(f"  Đánh giá, province, visited again:         {_ms(again)}")
    print(f"  Đánh giá of a unit (first on that world):  {_ms(unit)}")


def main(url: str, rounds: int = 30) -> None:
    engine = make_engine(url)
    pick = random.Random(15)
    with Session(engine, expire_on_commit=False) as session:
        world, built = _cpu(lambda: world_service.cached(session))
        ev, first = _cpu(lambda: analytics.evaluation_analytics(session, world))
        print(f"world built {built:.2f} s; ledger read and figures summed whole {first:.2f} s "
              f"({len(world.cadres):,} cadres, {len(ev.unit_years):,} unit-years, {len(ev.month_gaps):,} month gaps, "
              f"{len(ev.constants):,} constant runs, {len(ev.comparisons):,} comparisons)")
        units = sorted(u.id for u in world.units.values() if u.parent_id is not None)
        ids = session.exec(select(Evaluation.id).where(Evaluation.period == "year", Evaluation.rating.is_not(None))).all()
        changed: dict[int, str | None] = {}
        patch, province, unit = [], [], []
        for _ in range(rounds):
            row = session.get(Evaluation, pick.choice(ids))
            changed.setdefault(row.id, row.rating)
            row.rating = pick.choice([r for r in RATINGS if r != row.rating])
            session.add(row)
            session.commit()
            world, spent = _cpu(lambda: world_service.cached(session, wait=True))
            patch.append(spent)
            _, spent = _cpu(lambda w=world: analytics.evaluation_analytics(session, w))
            province.append(spent)
            _, spent = _cpu(lambda w=world: analytics.evaluation_analytics(session, w, unit_id=pick.choice(units)))
            unit.append(spent)
        with ledger.lock:
            held = ledger.current(session, world)
            whole = []
            for _ in range(3):
                getattr(held, "summaries", {}).clear()   # (the code before kept none)
                _, spent = _cpu(lambda: analytics._sum(held, world, unit_id=None, constant_years=analytics.CONSTANT_YEARS,
                                                       window=analytics.COMPARISON_WINDOW))
                whole.append(spent)
        for eid, rating in changed.items():
            row = session.get(Evaluation, eid)
            row.rating = rating
            session.add(row)
        session.commit()
    print(f"{rounds} rating writes; CPU of each, first call after the write:")
    print(f"  planning world patched: {_ms(patch)}")
    print(f"  Đánh giá, province:     {_ms(province)}")
    print(f"  Đánh giá, a unit:       {_ms(unit)}")
    print(f"  (the province's figures summed whole from the ledger held: {_ms(whole)})")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--pages"]
    (pages if "--pages" in sys.argv else main)(args[0], *(int(a) for a in args[1:2]))
