"""Import benchmarks for the lists offices keep (issue 17; `make bench`; figures in
docs/benchmarks.md):

- a 10,000-row printed "trích ngang" (.xlsx: title block, two-row header with the birth
  date under Nam | Nữ, section rows, signature block) checked and imported;
- a 190,000-row .xlsx of evaluations (10,000 cadres × 19 years) checked, in a child
  process so that its peak memory (getrusage's maximum resident set, and tracemalloc's
  peak of Python allocations) is the check's own. Goal: ≤ 300 MB;
- the cadre list of a generated 30,000-cadre province imported on SQLite, and on PostgreSQL
  when QUYHOACH_TEST_DATABASE_URL is set (issue 15; goal on PostgreSQL: ≤ 10 s), as the
  generator writes it (CSV) and as an .xlsx of the same cells (dates as date cells).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from sqlmodel import Session

from quyhoach.services.records import importer
from tests.bench.conftest import fresh_engine
from tests.files import TITLES, UNITS, csv_bytes

ROOT = Path(__file__).parents[2]
CHILD_ENV = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
NAMES = ["Lò Văn Hùng", "Nguyễn Thị Lan", "Giàng A Dình", "Trần Minh Đức", "Quàng Thị Ngọc"]
EVAL_YEARS = range(2007, 2026)  # 19 years


def printed_list(rows: int) -> bytes:
    """A printed trích ngang of `rows` people, written in openpyxl's streaming mode."""
    import io

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("Trích ngang")
    ws.append(["TỈNH ỦY ĐIỆN BIÊN"])
    ws.append(["DANH SÁCH TRÍCH NGANG CÁN BỘ"])
    ws.append([])
    ws.append(["STT", "Mã CB", "Họ và tên", "Ngày, tháng, năm sinh", None, "Dân tộc", "Mã đơn vị", "Chức vụ",
               "Kết quả đánh giá", None, None])
    ws.append([None, None, None, "Nam", "Nữ", None, None, None, 2023, 2024, 2025])
    ws.append([f"({i})" for i in range(1, 12)])
    ws.append(["I. KHỐI CHÍNH QUYỀN"])
    for i in range(rows):
        birth = dt.date(1965 + i % 35, i % 12 + 1, i % 28 + 1)
        male = i % 2 == 0
        ws.append([i + 1, f"BIG{i:05d}", NAMES[i % 5], birth if male else None, None if male else birth,
                   ["Thái", "Kinh", "Mông"][i % 3], "SO-NV", "Chuyên viên", "HTTNV", "HTTNV", "HTXSNV"])
    ws.append([])
    ws.append([f"Danh sách có {rows} đồng chí"])
    ws.append([None, "NGƯỜI LẬP BIỂU", None, None, None, None, "T/M BAN THƯỜNG VỤ"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def evaluations_file(cadres: int) -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("Đánh giá")
    ws.append(["Mã cán bộ", "Họ và tên", "Kỳ đánh giá", "Năm", "Quý/Tháng", "Xếp loại", "Điểm", "Ghi chú"])
    ratings = ["HTTNV", "HTXSNV", "HTNV", "HTTNV"]
    for i in range(cadres):
        for year in EVAL_YEARS:
            ws.append([f"BIG{i:05d}", NAMES[i % 5], "Năm", year, None, ratings[(i + year) % 4], 80 + (i + year) % 20,
                       None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _province(engine, cadres: int) -> None:
    with Session(engine) as session:
        for kind, rows in (("units", UNITS), ("titles", TITLES)):
            assert importer.run(session, kind, csv_bytes(rows), f"{kind}.csv").ok
        result = importer.run(session, "cadres", printed_list(cadres), "trich-ngang.xlsx")
        assert result.ok, [str(p) for p in result.problems[:5]]
        session.commit()


def test_check_and_import_a_printed_list_of_10000(benchmark, tmp_path):
    data = printed_list(10_000)
    counter = iter(range(100))

    def setup():
        engine = fresh_engine(tmp_path / f"printed{next(counter)}.db")
        with Session(engine) as session:
            for kind, rows in (("units", UNITS), ("titles", TITLES)):
                assert importer.run(session, kind, csv_bytes(rows), f"{kind}.csv").ok
            session.commit()
        return (engine,), {}

    def check_and_import(engine):
        with Session(engine) as session:
            checked = importer.run(session, "cadres", data, "trich-ngang.xlsx", dry_run=True)
            session.rollback()
            result = importer.run(session, "cadres", data, "trich-ngang.xlsx")
            session.commit()
        return checked, result

    checked, result = benchmark.pedantic(check_and_import, setup=setup, rounds=3, iterations=1)
    assert checked.ok and result.ok and result.created == 10_000
    assert result.reading.skipped.sections and result.reading.skipped.footer


def test_check_190000_rows_in_bounded_memory(benchmark, tmp_path):
    engine = fresh_engine(tmp_path / "big.db")
    _province(engine, 10_000)
    engine.dispose()
    path = tmp_path / "danh-gia.xlsx"
    path.write_bytes(evaluations_file(10_000))

    def check():
        completed = subprocess.run([sys.executable, __file__, str(tmp_path / "big.db"), str(path)],
                                   capture_output=True, text=True, check=True, cwd=ROOT, env=CHILD_ENV)
        return json.loads(completed.stdout.strip().splitlines()[-1])

    figures = benchmark.pedantic(check, rounds=1, iterations=1)
    traced = subprocess.run([sys.executable, __file__, str(tmp_path / "big.db"), str(path), "trace"],
                            capture_output=True, text=True, check=True, cwd=ROOT, env=CHILD_ENV)
    figures["peak_python_mb"] = json.loads(traced.stdout.strip().splitlines()[-1])["peak_python_mb"]
    figures.update(machine=f"{platform.machine()} {platform.processor() or ''}".strip(), python=platform.python_version(),
                   date=dt.date.today().strftime("%d/%m/%Y"), file_mb=round(path.stat().st_size / 2**20, 1))
    print("\n190k-row check:", json.dumps(figures, ensure_ascii=False))
    assert figures["rows"] == 190_000 and figures["ok"]
    assert figures["peak_rss_mb"] <= 300, figures


# --------------------------------------------------------------------------- 30,000 cadres (issue 15)

SCALE_CADRES = 30_000


@pytest.fixture(scope="module")
def scale_lists(tmp_path_factory):
    """The lists of a generated 30,000-cadre province (fixtures/generate.py, `sized`)."""
    from quyhoach.services.records import demo

    generator = demo.generator_module()
    folder = tmp_path_factory.mktemp("scale")
    generator.write(generator.generate(**generator.sized(SCALE_CADRES)), folder)
    return folder


def _empty_database(url: str):
    import sqlalchemy as sa
    from sqlmodel import SQLModel

    from quyhoach.db.engine import make_engine
    from quyhoach.services.records import reference

    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    SQLModel.metadata.create_all(engine)
    with Session(engine) as session:
        reference.ensure(session)
        session.commit()
    return engine


@pytest.fixture(scope="module")
def scale_xlsx(scale_lists):
    """The same cadre list as an .xlsx, dates as date cells (as offices keep it)."""
    import csv
    import io
    import re

    from openpyxl import Workbook

    day = re.compile(r"(\d\d)/(\d\d)/(\d{4})$")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Cán bộ")
    with open(scale_lists / "cadres.csv", encoding="utf-8-sig", newline="") as source:
        for row in csv.reader(source):
            sheet.append([dt.datetime(int(m[3]), int(m[2]), int(m[1])) if (m := day.match(v)) else (v or None)
                          for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    (scale_lists / "cadres.xlsx").write_bytes(buffer.getvalue())
    return scale_lists


def _import_cadres(benchmark, urls, folder: Path, name: str = "cadres.csv") -> None:
    """The cadre list of 30,000 rows imported (read, every cell and reference checked, the
    cadres, their current posts and one audit entry each written, one transaction) into a
    database that holds the province's units and titles. CPU time printed beside the wall."""
    import quyhoach.services.planning  # noqa: F401 - the change log's listeners, as in the app

    data = (folder / name).read_bytes()
    cpu: list[float] = []

    def setup():
        url = next(urls)
        engine = _empty_database(url)
        with Session(engine) as session:
            for kind in ("units", "titles"):
                assert importer.run(session, kind, (folder / f"{kind}.csv").read_bytes(), f"{kind}.csv").ok
            session.commit()
        return (engine,), {}

    def run(engine):
        started = time.process_time()
        with Session(engine) as session:
            result = importer.run(session, "cadres", data, name)
            session.commit()
        cpu.append(time.process_time() - started)
        engine.dispose()
        return result

    result = benchmark.pedantic(run, setup=setup, rounds=2, iterations=1)
    assert result.ok and result.created == SCALE_CADRES, [str(p) for p in result.problems[:5]]
    print(f"\n30,000 cadres ({benchmark.name}): CPU {', '.join(f'{c:.1f} s' for c in cpu)}; "
          f"load average {os.getloadavg()[0]:.1f}")


def test_import_30000_cadres_sqlite(benchmark, scale_lists, tmp_path):
    _import_cadres(benchmark, (f"sqlite:///{tmp_path / f'scale{i}.db'}" for i in range(100)), scale_lists)


@pytest.mark.skipif(not os.environ.get("QUYHOACH_TEST_DATABASE_URL"), reason="needs QUYHOACH_TEST_DATABASE_URL")
def test_import_30000_cadres_postgresql(benchmark, scale_lists):
    _import_cadres(benchmark, iter([os.environ["QUYHOACH_TEST_DATABASE_URL"]] * 100), scale_lists)


@pytest.mark.skipif(not os.environ.get("QUYHOACH_TEST_DATABASE_URL"), reason="needs QUYHOACH_TEST_DATABASE_URL")
def test_import_30000_cadres_xlsx_postgresql(benchmark, scale_xlsx):
    _import_cadres(benchmark, iter([os.environ["QUYHOACH_TEST_DATABASE_URL"]] * 100), scale_xlsx, "cadres.xlsx")


def _measure(db: str, path: str, trace: bool = False) -> None:  # pragma: no cover - runs in the child process
    from quyhoach.db.engine import make_engine

    engine = make_engine(f"sqlite:///{db}")
    data = Path(path).read_bytes()
    if trace:  # Python's own allocations (slower; RSS then includes tracemalloc's books)
        tracemalloc.start()
    started = time.perf_counter()
    with Session(engine) as session:
        result = importer.run(session, "evaluations", data, Path(path).name, dry_run=True)
        session.rollback()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    print(json.dumps({"rows": result.rows, "ok": result.ok, "problems": [str(p) for p in result.problems[:3]],
                      "seconds": round(seconds, 1), "peak_python_mb": round(peak / 2**20),
                      "peak_rss_mb": round(rss)}))


if __name__ == "__main__":  # pragma: no cover
    _measure(sys.argv[1], sys.argv[2], trace=len(sys.argv) > 3)
