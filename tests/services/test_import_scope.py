"""A scoped officer's import touches only records within their units (issue 17): the
current units of an existing cadre, the unit of a pool's title, the units on postings and
evaluations. A commune officer (Xã B) tries each in turn; each refused row gets its own
message and nothing is written."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from quyhoach.db.models import Cadre, Evaluation, PoolEntry, Posting, Unit
from quyhoach.services.records import importer
from tests.files import CADRES, CADRES_HEADER, TITLES, UNITS, csv_bytes


@pytest.fixture
def province(session):
    # CB001 and CB002 work at the Sở Nội vụ (province), CB003 at Xã B (commune).
    for kind, rows in (("units", UNITS), ("titles", TITLES), ("cadres", CADRES)):
        assert importer.run(session, kind, csv_bytes(rows), f"{kind}.csv").ok
    session.commit()
    return session


def commune(session) -> set[int]:
    return {session.exec(select(Unit.id).where(Unit.code == "XA-B")).one()}


def count(session, model) -> int:
    return session.exec(select(sa.func.count()).select_from(model)).one()


def refused(result) -> list[tuple[int, str, str]]:
    assert not result.ok and not result.written
    return [(p.row, p.column, p.message) for p in result.problems]


def test_a_commune_file_cannot_take_over_a_cadre_of_another_unit(province):
    # CB001 works at the Sở Nội vụ; the commune's file moves her to Xã B.
    rows = [CADRES_HEADER[:3] + ["Mã đơn vị công tác", "Chức vụ hiện tại"],
            [1, "CB001", "Lò Thị Hoa", "XA-B", "Chủ tịch UBND xã"],
            [2, "CB003", "Giàng Seo Páo", "XA-B", "Phó Chủ tịch UBND xã"]]
    before = count(province, Posting)
    result = importer.run(province, "cadres", csv_bytes(rows), "cb.csv", scope=commune(province))
    problems = refused(result)
    # Row 2 (CB001) is refused for her current unit; row 3, the commune's own cadre, is not.
    assert {row for row, _c, _m in problems} == {2}
    assert any(column == "Mã cán bộ" and "đang công tác ở đơn vị ngoài phạm vi" in message
               for _r, column, message in problems)
    province.rollback()
    assert count(province, Posting) == before


def test_a_commune_file_can_update_its_own_cadre(province):
    rows = [CADRES_HEADER[:3] + ["Dân tộc"], [1, "CB003", "Giàng Seo Páo", "Mông"]]
    result = importer.run(province, "cadres", csv_bytes(rows), "cb.csv", scope=commune(province))
    assert result.ok, result.problems


def test_a_commune_file_cannot_add_to_the_pool_of_a_provincial_title(province):
    # CB003 is the commune's own cadre, but the Giám đốc Sở Nội vụ is a provincial title.
    rows = [["Mã chức danh", "Nhiệm kỳ", "Mã cán bộ", "Ngày đưa vào quy hoạch"],
            ["SO-NV-GD", "2025-2030", "CB003", "15/12/2025"]]
    result = importer.run(province, "pools", csv_bytes(rows), "qh.csv", scope=commune(province))
    problems = refused(result)
    assert len(problems) == 1
    assert problems[0][:2] == (2, "Mã chức danh") and "ngoài phạm vi" in problems[0][2]
    province.rollback()
    assert count(province, PoolEntry) == 0
    # The same file from a province-wide officer goes in.
    assert importer.run(province, "pools", csv_bytes(rows), "qh.csv").ok


def test_a_commune_file_cannot_record_a_posting_in_another_unit(province):
    rows = [["Mã cán bộ", "Mã đơn vị", "Chức vụ", "Từ ngày", "Đến ngày"],
            ["CB003", "SO-NV", "Chuyên viên", "01/01/2015", "31/12/2019"],
            ["CB003", "XA-B", "Công chức địa chính", "01/01/2012", "31/12/2014"]]
    before = count(province, Posting)
    result = importer.run(province, "postings", csv_bytes(rows), "ct.csv", scope=commune(province))
    problems = refused(result)
    assert len(problems) == 1
    assert problems[0][:2] == (2, "Mã đơn vị") and "ngoài phạm vi" in problems[0][2]
    province.rollback()
    assert count(province, Posting) == before


def test_a_commune_file_cannot_record_an_evaluation_for_another_unit(province):
    rows = [["Mã cán bộ", "Kỳ đánh giá", "Năm", "Xếp loại", "Mã đơn vị"],
            ["CB003", "Năm", 2023, "HTTNV", "SO-NV"],
            ["CB003", "Năm", 2024, "HTTNV", "XA-B"],
            ["CB003", "Năm", 2022, "HTTNV", ""]]
    result = importer.run(province, "evaluations", csv_bytes(rows), "dg.csv", scope=commune(province))
    problems = refused(result)
    assert len(problems) == 1
    assert problems[0][:2] == (2, "Mã đơn vị") and "ngoài phạm vi" in problems[0][2]
    province.rollback()
    assert count(province, Evaluation) == 0


def test_a_commune_file_cannot_touch_the_evaluations_of_a_provincial_cadre(province):
    rows = [["Mã cán bộ", "Kỳ đánh giá", "Năm", "Xếp loại"], ["CB001", "Năm", 2024, "HTTNV"]]
    problems = refused(importer.run(province, "evaluations", csv_bytes(rows), "dg.csv", scope=commune(province)))
    assert [(r, c) for r, c, _m in problems] == [(2, "Mã cán bộ")]
    assert count(province, Cadre) == 3
