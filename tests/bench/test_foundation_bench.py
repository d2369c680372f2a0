"""Foundation benchmarks (run with `make bench`; figures go to docs/benchmarks.md).

- loading the demo province (about 3,000 cadres, six years of ratings, a year of monthly
  scores) into an empty SQLite database through the importer;
- a 10,000-row import (check and write);
- serving the dossier page of a cadre with a full history.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach import create_app
from quyhoach.db.models import Cadre, Evaluation
from quyhoach.services.records import demo, importer
from tests.bench.conftest import fresh_engine, signed_in_client
from tests.files import CADRES, CADRES_HEADER, TITLES, UNITS, csv_bytes


def test_load_demo_province(benchmark, tmp_path):
    counter = iter(range(100))

    def setup():
        return (fresh_engine(tmp_path / f"load{next(counter)}.db"),), {}

    def load(engine):
        with Session(engine) as session:
            report = demo.load(session, demo.DEMO)
            session.commit()
        return report

    report = benchmark.pedantic(load, setup=setup, rounds=3, iterations=1)
    assert report.ok and report.count("cadres") >= 3000


def test_import_10000_rows(benchmark, tmp_path):
    names = ["Lò Văn Hùng", "Nguyễn Thị Lan", "Giàng A Dình", "Trần Minh Đức", "Quàng Thị Ngọc"]
    rows = [CADRES_HEADER] + [
        [i, f"BIG{i:05d}", names[i % 5], f"{i % 28 + 1:02d}/{i % 12 + 1:02d}/{1965 + i % 35}",
         "Nữ" if i % 5 in (1, 4) else "Nam", ["Thái", "Kinh", "Hmông"][i % 3], "", "", "", "Trung cấp", "",
         "SO-NV", "Chuyên viên", "", "01/01/2020"]
        for i in range(10_000)
    ]
    data = csv_bytes(rows)
    counter = iter(range(100))

    def setup():
        engine = fresh_engine(tmp_path / f"imp{next(counter)}.db")
        with Session(engine) as session:
            for kind, lines in (("units", UNITS), ("titles", TITLES), ("cadres", CADRES)):
                assert importer.run(session, kind, csv_bytes(lines), f"{kind}.csv").ok
            session.commit()
        return (engine,), {}

    def run(engine):
        with Session(engine) as session:
            result = importer.run(session, "cadres", data, "can-bo.csv")
            session.commit()
        return result

    result = benchmark.pedantic(run, setup=setup, rounds=5, iterations=1)
    assert result.ok and result.created == 10_000


def test_dossier_page(benchmark, demo_engine, tmp_path):
    app = create_app({"DATABASE_URL": str(demo_engine.url), "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "b",
                      "WTF_CSRF_ENABLED": False})
    client = signed_in_client(app, demo_engine)
    with Session(demo_engine) as session:
        # the cadre with the longest evaluation history
        code = session.exec(
            select(Cadre.code).join(Evaluation).group_by(Cadre.code)
            .order_by(sa.func.count().desc(), Cadre.code).limit(1)
        ).one()
    response = benchmark(client.get, f"/can-bo/{code}")
    assert response.status_code == 200
