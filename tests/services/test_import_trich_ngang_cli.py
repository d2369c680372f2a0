"""`quyhoach import trich-ngang FILE`: the printed list from the command line, with the
page's check, questions and preview (--dry-run), everything written or nothing."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from quyhoach.db.models import Cadre, Evaluation, PoolEntry
from quyhoach.services.records import importer
from tests.corpus.make_corpus import printed_trich_ngang
from tests.files import TITLES, UNITS, csv_bytes


def count(session, model) -> int:
    return session.exec(select(sa.func.count()).select_from(model)).one()


def test_a_dry_run_prints_the_preview_and_writes_nothing_then_the_import_writes_it_all(runner, tmp_path, session):
    for kind, rows in (("units", UNITS), ("titles", TITLES)):
        assert importer.run(session, kind, csv_bytes(rows), f"{kind}.csv").ok
    assert importer.run(session, "cadres", csv_bytes([
        ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Mã đơn vị công tác", "Chức vụ hiện tại"],
        ["CB103", "Giàng A Dình", "12/04/1968", "Nam", "Kinh", "XA-B", "Bí thư Đảng ủy xã"]]), "cb.csv").ok
    session.commit()
    path = tmp_path / "trich-ngang.xlsx"
    path.write_bytes(printed_trich_ngang())

    dry = runner.invoke(args=["import", "trich-ngang", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Chức danh: SO-NV-GD" in dry.output and "nhiệm kỳ: CQ-2026-2031" in dry.output
    assert "Giàng A Dình, sinh 1968 — CB103" in dry.output and "(theo mã)" in dry.output
    assert "cập nhật CB103" in dry.output and "Dân tộc: Kinh → Mông" in dry.output
    assert "sẽ thêm 5 cán bộ (cập nhật 1)" in dry.output
    session.expire_all()
    assert (count(session, Cadre), count(session, Evaluation), count(session, PoolEntry)) == (1, 0, 0)

    done = runner.invoke(args=["import", "trich-ngang", str(path)])
    assert done.exit_code == 0, done.output
    assert "đã thêm 5 cán bộ (cập nhật 1), 18 kết quả xếp loại" in done.output
    session.expire_all()
    assert (count(session, Cadre), count(session, Evaluation), count(session, PoolEntry)) == (6, 18, 6)
    assert session.exec(select(Cadre.ethnicity_code).where(Cadre.code == "CB103")).one() == "08"


def test_an_unsure_row_is_asked_and_answered_with_match(runner, tmp_path, session):
    for kind, rows in (("units", UNITS), ("titles", TITLES)):
        assert importer.run(session, kind, csv_bytes(rows), f"{kind}.csv").ok
    # Same name, same year, another day: the list's row 11 may be her or not.
    assert importer.run(session, "cadres", csv_bytes([
        ["Mã cán bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Mã đơn vị công tác", "Chức vụ hiện tại"],
        ["CB777", "Nguyễn Thị Hằng", "01/07/1975", "Nữ", "Kinh", "SO-NV", "Chuyên viên"]]), "cb.csv").ok
    session.commit()
    cadre_id = session.exec(select(Cadre.id).where(Cadre.code == "CB777")).one()
    path = tmp_path / "tn.xlsx"
    path.write_bytes(printed_trich_ngang())

    asked = runner.invoke(args=["import", "trich-ngang", str(path), "--title", "SO-NV-GD", "--term", "CQ-2026-2031"])
    assert asked.exit_code == 1
    assert f"CẦN CHỌN: --match 11={cadre_id} (CB777 — Nguyễn Thị Hằng, sinh 01/07/1975)" in asked.output
    assert "Chưa ghi gì" in asked.output
    session.expire_all()
    assert count(session, Cadre) == 1

    bad = runner.invoke(args=["import", "trich-ngang", str(path), "--match", "mười một"])
    assert bad.exit_code == 2 and "DÒNG=MÃ-SỐ" in bad.output

    done = runner.invoke(args=["import", "trich-ngang", str(path), "--match", "11=new"])
    assert done.exit_code == 0, done.output
    session.expire_all()
    assert count(session, Cadre) == 7  # CB777 stays a different person; six from the list
