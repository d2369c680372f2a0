"""The `quyhoach` command: the same services the web calls."""

from __future__ import annotations

import json

import sqlalchemy as sa
from openpyxl import load_workbook
from sqlmodel import select

from quyhoach.db.models import Cadre, Unit
from tests.files import UNITS, csv_bytes


def test_import_dry_run_then_import(runner, tmp_path, session):
    path = tmp_path / "don-vi.csv"
    path.write_bytes(csv_bytes(UNITS))
    dry = runner.invoke(args=["import", "units", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "sẽ thêm 4" in dry.output
    assert session.exec(select(sa.func.count()).select_from(Unit)).one() == 0
    done = runner.invoke(args=["import", "units", str(path)])
    assert done.exit_code == 0 and "đã thêm 4" in done.output
    assert session.exec(select(sa.func.count()).select_from(Unit)).one() == 4


def test_import_refusal_exits_nonzero_with_row_and_column(runner, tmp_path, session):
    path = tmp_path / "bad.csv"
    rows = [r[:] for r in UNITS]
    rows[2][3] = "liên xã"
    path.write_bytes(csv_bytes(rows))
    result = runner.invoke(args=["import", "units", str(path), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["written"] is False
    assert {"row": 3, "column": "Cấp"}.items() <= report["problems"][0].items()
    assert session.exec(select(sa.func.count()).select_from(Unit)).one() == 0


def test_demo_small_then_export(runner, tmp_path, session):
    result = runner.invoke(args=["demo", "--small"])
    assert result.exit_code == 0, result.output
    cadres = session.exec(select(sa.func.count()).select_from(Cadre)).one()
    assert cadres >= 30
    again = runner.invoke(args=["demo", "--small", "--if-empty"])
    assert "bỏ qua" in again.output
    out = tmp_path / "can-bo.xlsx"
    assert runner.invoke(args=["export", "cadres", str(out)]).exit_code == 0
    sheet = load_workbook(out).worksheets[0]
    assert sheet.max_row == cadres + 1


def test_db_upgrade_creates_the_schema_and_reports_the_revision(tmp_path):
    from quyhoach import create_app
    from quyhoach.db import migrate

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}", "INSTANCE_PATH": str(tmp_path),
                      "SECRET_KEY": "t"})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert migrate.head_revision() in result.output
    engine = app.extensions["quyhoach.engine"]
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert "cadre" in sa.inspect(engine).get_table_names()
