"""Importing lists: good files land whole, bad files are refused row by row with
nothing written."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
import sqlalchemy as sa
from sqlmodel import select

from quyhoach.db.models import Cadre, Evaluation, Posting, Relation, Title, Unit
from quyhoach.services.records import importer
from tests.files import CADRES, CADRES_HEADER, EVALUATIONS_HEADER, TITLES, UNITS, csv_bytes, xlsx_bytes


def count(session, model) -> int:
    return session.exec(select(sa.func.count()).select_from(model)).one()


def load(session, kind, rows, name=None, **kw):
    name = name or f"{kind}.csv"
    data = xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows)
    result = importer.run(session, kind, data, name, **kw)
    return result


@pytest.fixture
def org(session):
    """Units, titles and three cadres, imported as a user would."""
    for kind, rows in (("units", UNITS), ("titles", TITLES), ("cadres", CADRES)):
        result = load(session, kind, rows)
        assert result.ok, [str(p) for p in result.problems]
    session.commit()
    return session


def test_good_files_build_tree_titles_cadres_and_current_posts(org):
    commune = org.exec(select(Unit).where(Unit.code == "XA-B")).one()
    district = org.get(Unit, commune.parent_id)
    assert district.code == "HUYEN-A" and org.get(Unit, district.parent_id).code == "TINH"
    head = org.exec(select(Title).where(Title.code == "SO-NV-GD")).one()
    assert head.is_head and head.sensitive_sector == "home_affairs" and head.rank == 60
    hoa = org.exec(select(Cadre).where(Cadre.code == "CB001")).one()
    assert hoa.birth_date == dt.date(1978, 3, 7)
    assert hoa.sex == "F" and hoa.ethnicity_code == "03" and hoa.theory_level == "advanced"
    assert hoa.search_text.startswith("lo thi hoa")
    post = org.exec(select(Posting).where(Posting.cadre_id == hoa.id)).one()
    assert post.title_id == head.id and post.position == "Giám đốc Sở Nội vụ"
    assert post.start_date == dt.date(2021, 10, 1) and post.end_date is None


def test_text_is_stored_in_nfc(session, org):
    decomposed = unicodedata.normalize("NFD", "Vàng Thị Mai")
    rows = [CADRES_HEADER, [4, "CB004", decomposed, "02/02/1992", "Nữ", "Hmông", "", "", "", "", "", "", "", "", ""]]
    assert load(org, "cadres", rows).ok
    name = org.exec(select(Cadre.full_name).where(Cadre.code == "CB004")).one()
    assert name == "Vàng Thị Mai" and unicodedata.is_normalized("NFC", name)


def test_xlsx_with_date_cells_and_text_dates(org):
    rows = [CADRES_HEADER,
            [1, "CB010", "Cầm Văn Thắng", dt.datetime(1985, 12, 31), "Nam", "03", "", "", "1/2/2008", "", "", "", "", "", ""]]
    result = load(org, "cadres", rows, "danh-sach.xlsx")
    assert result.ok, [str(p) for p in result.problems]
    cadre = org.exec(select(Cadre).where(Cadre.code == "CB010")).one()
    assert cadre.birth_date == dt.date(1985, 12, 31) and cadre.party_entry_date == dt.date(2008, 2, 1)


def test_every_bad_cell_is_reported_by_row_and_column_and_nothing_is_written(org):
    before = count(org, Cadre)
    rows = [CADRES_HEADER,
            [1, "CB020", "Tòng Văn Lả", "31/02/1980", "Nam", "Thái", "", "", "", "", "", "", "", "", ""],
            [2, "CB021", "Điêu Thị Xuân", "1980-13-01", "Nữ", "Thái", "", "", "", "", "", "", "", "", ""],
            [3, "CB022", "Lường Văn Sơn", "12/04/1979", "Nam", "Người Sao Hỏa", "", "", "", "Tiến sĩ", "", "", "", "", ""],
            [4, "CB023", "Quàng Thị Hương", "hôm qua", "X", "Thái", "", "", "", "", "", "SO-KHONG-CO", "Chuyên viên", "", ""],
            [5, "CB024", "Vì Văn Minh", "05/05/1985", "Nam", "Thái", "", "", "", "", "", "", "", "", ""]]
    result = load(org, "cadres", rows)
    assert not result.ok and not result.written
    where = {(p.row, p.column) for p in result.problems}
    assert (2, "Ngày sinh") in where              # 31/02 does not exist
    assert (3, "Ngày sinh") in where              # month 13
    assert (4, "Dân tộc") in where and (4, "Lý luận chính trị") in where
    assert (5, "Ngày sinh") in where and (5, "Giới tính") in where and (5, "Mã đơn vị công tác") in where
    assert not any(p.row == 6 for p in result.problems)  # the good row has no problem...
    org.rollback()
    assert count(org, Cadre) == before                 # ...but is not written either
    message = next(p for p in result.problems if (p.row, p.column) == (5, "Mã đơn vị công tác"))
    assert "SO-KHONG-CO" in message.message


def test_wrong_types_are_refused(org):
    rows = [EVALUATIONS_HEADER,
            ["CB001", "", "Năm", "20x5", "", "HTTNV", ""],
            ["CB001", "", "Năm", 2024, "", "Tốt lắm", "abc"],
            ["CB001", "", "Tháng", 2025, 14, "", 80],
            ["CB001", "", "Năm", 2023, "", "", 120]]
    result = load(org, "evaluations", rows)
    where = {(p.row, p.column) for p in result.problems}
    assert {(2, "Năm"), (3, "Xếp loại"), (3, "Điểm"), (4, "Quý/Tháng"), (5, "Điểm")} <= where
    assert count(org, Evaluation) == 0


def test_duplicate_rows_are_refused(org):
    rows = [EVALUATIONS_HEADER,
            ["CB001", "Lò Thị Hoa", "Năm", 2024, "", "HTXSNV", ""],
            ["CB002", "Nguyễn Văn An", "Năm", 2024, "", "HTTNV", ""],
            ["CB001", "Lò Thị Hoa", "Năm", 2024, "", "HTTNV", ""]]
    result = load(org, "evaluations", rows)
    assert [(p.row, p.column) for p in result.problems] == [(4, "Mã cán bộ")]
    assert "trùng với dòng 2" in result.problems[0].message
    assert count(org, Evaluation) == 0


def test_name_must_match_the_code(org):
    rows = [EVALUATIONS_HEADER, ["CB001", "Nguyễn Văn An", "Năm", 2024, "", "HTTNV", ""]]
    result = load(org, "evaluations", rows)
    assert [(p.row, p.column) for p in result.problems] == [(2, "Họ và tên")]
    assert "Lò Thị Hoa" in result.problems[0].message


@pytest.mark.parametrize("data, message", [
    (b"", "tệp trống"),
    (csv_bytes([EVALUATIONS_HEADER]), "không có dòng dữ liệu"),
    # characters lost before the upload (saved in a code page without them): no header to find
    ("Mã cán bộ,Năm\nCB001,2024\n".encode("cp1252", errors="replace"), "không tìm thấy dòng tiêu đề"),
    (csv_bytes([["Mã cán bộ", "Năm", "Cột lạ"], ["CB001", 2024, "x"]]), "không có trong mẫu"),
    (csv_bytes([["Họ và tên", "Xếp loại"], ["Lò Thị Hoa", "HTTNV"]]), "thiếu cột bắt buộc"),
])
def test_files_that_cannot_be_read_get_a_file_level_message(org, data, message):
    result = importer.run(org, "evaluations", data, "danh-gia.csv")
    assert not result.ok and count(org, Evaluation) == 0
    if message:
        assert any(message in p.message for p in result.problems), [str(p) for p in result.problems]


def test_a_broken_xlsx_and_an_unknown_extension_are_refused(org):
    assert "không mở được" in importer.run(org, "cadres", b"PK\x03\x04garbage", "a.xlsx").problems[0].message
    assert ".ods hoặc tệp .csv" in importer.run(org, "cadres", b"x", "a.pdf").problems[0].message


def test_semicolon_csv_from_excel_is_read(org):
    data = csv_bytes([EVALUATIONS_HEADER, ["CB001", "", "Năm", 2024, "", "HTTNV", "85,5"]], delimiter=";")
    result = importer.run(org, "evaluations", data, "a.csv")
    assert result.ok, [str(p) for p in result.problems]
    org.commit()
    assert org.exec(select(Evaluation.score)).one() == 85.5


def test_dry_run_checks_and_writes_nothing(org):
    rows = [EVALUATIONS_HEADER, ["CB001", "", "Năm", 2024, "", "HTTNV", ""]]
    result = load(org, "evaluations", rows, dry_run=True)
    assert result.ok and result.created == 1 and not result.written
    assert count(org, Evaluation) == 0


def test_reimport_updates_instead_of_duplicating(org):
    rows = [EVALUATIONS_HEADER, ["CB001", "", "Năm", 2024, "", "HTTNV", ""]]
    assert load(org, "evaluations", rows).created == 1
    rows[1][5] = "HTXSNV"
    again = load(org, "evaluations", rows)
    assert (again.created, again.updated) == (0, 1)
    assert org.exec(select(Evaluation.rating)).all() == ["excellent"]


def test_a_new_post_closes_the_old_one(org):
    rows = [CADRES_HEADER, [1, "CB002", "Nguyễn Văn An", "15/08/1982", "Nam", "Kinh", "", "", "", "", "",
                            "SO-NV", "", "SO-NV-GD", "01/03/2025"]]
    assert load(org, "cadres", rows).ok
    cadre_id = org.exec(select(Cadre.id).where(Cadre.code == "CB002")).one()
    posts = org.exec(select(Posting).where(Posting.cadre_id == cadre_id).order_by(Posting.start_date)).all()
    assert [(p.position, p.end_date) for p in posts] == [
        ("Phó Giám đốc Sở Nội vụ", dt.date(2025, 2, 28)), ("Giám đốc Sở Nội vụ", None)]


def test_unit_parent_loops_and_unknown_levels_are_refused(org):
    rows = [UNITS[0], ["U1", "Đơn vị 1", "U2", "tỉnh", "Cấp ủy", ""], ["U2", "Đơn vị 2", "U1", "tỉnh", "Cấp ủy", ""],
            ["U3", "Đơn vị 3", "", "liên xã", "Cấp ủy", ""]]
    result = load(org, "units", rows)
    where = {(p.row, p.column) for p in result.problems}
    assert (2, "Mã đơn vị cấp trên") in where and (3, "Mã đơn vị cấp trên") in where and (4, "Cấp") in where


def test_vote_counts_must_add_up(org):
    header = [
        "Mã cán bộ",
        "Ngày lấy phiếu",
        "Hội nghị",
        "Số được triệu tập",
        "Số có mặt",
        "Tín nhiệm cao",
        "Tín nhiệm",
        "Tín nhiệm thấp",
    ]
    rows = [header, ["CB001", "15/11/2023", "HĐND tỉnh", 50, 55, 30, 10, 5],
            ["CB002", "15/11/2023", "HĐND tỉnh", 50, 48, 30, 10, 10]]
    result = load(org, "votes", rows)
    assert [(p.row, p.column) for p in result.problems] == [(2, "Số có mặt"), (3, "Tín nhiệm thấp")]


def test_relations_are_stored_once_per_pair(org):
    header = ["Mã cán bộ", "Mã người thân", "Quan hệ"]
    assert load(org, "relations", [header, ["CB001", "CB002", "Vợ/chồng"]]).ok
    result = load(org, "relations", [header, ["CB002", "CB001", "vợ"], ["CB003", "CB003", "Con"]])
    assert [(p.row, p.column) for p in result.problems] == [(3, "Mã người thân")]
    assert load(org, "relations", [header, ["CB002", "CB001", "Anh/chị/em ruột"]]).updated == 1
    assert count(org, Relation) == 1


def test_ten_thousand_rows_import_whole(org):
    names = ["Lò Văn Hùng", "Nguyễn Thị Lan", "Giàng A Dình", "Trần Minh Đức", "Quàng Thị Ngọc"]
    rows = [CADRES_HEADER] + [
        [i, f"BIG{i:05d}", names[i % 5], f"{i % 28 + 1:02d}/{i % 12 + 1:02d}/{1965 + i % 35}",
         "Nữ" if i % 5 in (1, 4) else "Nam", ["Thái", "Kinh", "Hmông"][i % 3], "", "", "", "", "",
         "SO-NV", "Chuyên viên", "", "01/01/2020"]
        for i in range(10_000)
    ]
    result = load(org, "cadres", rows)
    assert result.ok and result.created == 10_000
    org.commit()
    assert count(org, Cadre) == 10_003
    assert count(org, Posting) == 10_003
    evaluations = [EVALUATIONS_HEADER] + [
        [f"BIG{i:05d}", "", "Năm", year, "", ["HTXSNV", "HTTNV", "HTTNV", "HTNV"][(i + year) % 4], ""]
        for i in range(2_000) for year in range(2021, 2026)
    ]
    result = load(org, "evaluations", evaluations)
    assert result.ok and result.created == 10_000
    org.commit()
    assert count(org, Evaluation) == 10_000
