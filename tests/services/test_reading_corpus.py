"""The corpus of lists as offices keep them (tests/corpus/make_corpus.py): each file
imported as a user would, its outcome and the row counts before and after checked."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import select

from quyhoach.db.models import Cadre
from quyhoach.services.records import importer
from quyhoach.services.records.tabular import ReadOptions
from tests.corpus.make_corpus import HIDDEN_PEOPLE, PEOPLE, make_all
from tests.files import TITLES, UNITS, csv_bytes


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_all(tmp_path_factory.mktemp("corpus"))


@pytest.fixture
def units(session):
    for kind, rows in (("units", UNITS), ("titles", TITLES)):
        assert importer.run(session, kind, csv_bytes(rows), f"{kind}.csv").ok
    session.commit()
    return session


def cadres(session) -> int:
    return session.exec(select(sa.func.count()).select_from(Cadre)).one()


def everything_said(result) -> str:
    info = result.reading
    parts = [str(p) for p in result.problems]
    if info is not None:
        parts += [info.encoding or "", info.sheet, *info.ignored_columns, *info.hidden_columns]
        parts += [e for _, _, e, _ in info.legacy_examples]
        if info.skipped is not None:
            parts += [t for _, t in info.skipped.sections]
        if info.notes is not None and info.notes.controls:
            parts.append("ký tự điều khiển")
        if info.skipped is not None and info.skipped.footer:
            parts.append("Danh sách có")
    return " | ".join(parts)


NAMES = [
    "trich-ngang-in.xlsx", "gioi-tinh-danh-dau.xlsx", "dong-an-hoi.xlsx", "dong-an-bo-qua.xlsx", "dong-an-nhap-ca.xlsx",
    "sai-vung-du-lieu.xlsx", "phong-vntime.xlsx", "phong-vni.xlsx", "excel-97.xls", "libreoffice.ods", "utf16.csv",
    "windows-1258.csv", "loi-excel.xlsx", "ky-tu-dieu-khien.csv", "nhieu-trang.xlsx", "mat-khau.xlsx", "hong.xlsx",
    "bom-nen.xlsx", "excel-97-an.xls", "excel-97-an-bo-qua.xls", "libreoffice-an.ods", "libreoffice-an-bo-qua.ods",
    "cot-an-hoi.xlsx", "cot-an-bo-qua.xlsx", "cot-an-nhap-ca.xlsx", "cong-thuc-va-o-cuoi.xlsx",
    "chuoi-dung-chung.xlsx", "chuoi-dung-chung-an.xlsx",
]


@pytest.mark.parametrize("name", NAMES)
def test_each_shape_gets_its_expected_outcome(units, corpus, name):
    case = corpus[name]
    before = cadres(units)
    result = importer.run(units, case.kind, case.data, case.filename, options=ReadOptions(hidden=case.hidden,
                                                                                          hidden_columns=case.hidden_columns))
    said = everything_said(result)
    if case.adds is None:
        units.rollback()
        assert not result.ok, said
        assert case.message in said, said
        assert cadres(units) == before
        return
    assert result.ok, said
    units.commit()
    assert cadres(units) == before + case.adds, said
    if case.message:
        assert case.message in said, said
    # Names come through as Unicode, whatever the file's encoding or font.
    names = set(units.exec(select(Cadre.full_name)).all())
    kept = PEOPLE if case.hidden != "skip" else [p for i, p in enumerate(PEOPLE) if i not in HIDDEN_PEOPLE]
    assert {p[1] for p in kept} <= names, names
    if case.hidden_columns != "ask":
        # A hidden column left out leaves its field as it is (empty for a new cadre); taken, it is stored.
        hometowns = set(units.exec(select(Cadre.hometown).where(Cadre.code.in_([p[0] for p in kept]))).all())
        assert (hometowns == {None}) == (case.hidden_columns == "skip"), hometowns


def test_the_printed_list_is_read_as_printed(units, corpus):
    result = importer.run(units, "cadres", corpus["trich-ngang-in.xlsx"].data, "trich-ngang-in.xlsx")
    assert result.ok, [str(p) for p in result.problems]
    units.commit()
    info = result.reading
    assert (info.header_row, info.header_last_row) == (7, 8)
    assert info.skipped.column_numbers == [9]
    assert [text for _, text in info.skipped.sections] == ["I. KHỐI ĐẢNG", "II. KHỐI CHÍNH QUYỀN"]
    assert info.skipped.above_header == 4      # the four lines of the title block
    assert any("Kết quả đánh giá" in c for c in info.ignored_columns)  # ratings: for the pool import
    by_code = {c.code: c for c in units.exec(select(Cadre)).all()}
    # Under "Nam" means a man born that day, under "Nữ" a woman.
    assert (by_code["CB101"].sex, by_code["CB101"].birth_date) == ("F", dt.date(1975, 3, 7))
    assert (by_code["CB102"].sex, by_code["CB102"].birth_date) == ("M", dt.date(1980, 11, 20))
    # "1968": 1 January with the year's precision; "05/1972": the 1st of May, the month's.
    assert (by_code["CB103"].birth_date, by_code["CB103"].birth_date_precision) == (dt.date(1968, 1, 1), "year")
    assert (by_code["CB104"].birth_date, by_code["CB104"].birth_date_precision) == (dt.date(1972, 5, 1), "month")
    assert by_code["CB101"].birth_date_precision == "day"
    assert by_code["CB103"].ethnicity_code == "08"  # "Mông" is Hmông


def test_a_wrong_used_range_tag_loses_no_row(units, corpus):
    result = importer.run(units, "cadres", corpus["sai-vung-du-lieu.xlsx"].data, "x.xlsx", dry_run=True)
    assert result.ok and result.rows == len(PEOPLE)


def test_messages_name_the_row_and_the_column_as_excel_shows_them(units, corpus):
    result = importer.run(units, "cadres", corpus["loi-excel.xlsx"].data, "loi.xlsx")
    places = [p.where for p in result.problems]
    assert "dòng 5, cột G (Quê quán)" in places, places
    assert any(p.row == 3 and p.letter == "J" and "#N/A" in p.message for p in result.problems), places


def test_the_sheet_can_be_chosen(units, corpus):
    data = corpus["nhieu-trang.xlsx"].data
    picked = importer.run(units, "cadres", data, "x.xlsx", dry_run=True)
    assert picked.ok and picked.reading.sheet == "DS cán bộ" and picked.reading.sheet_guessed
    cover = importer.run(units, "cadres", data, "x.xlsx", dry_run=True, options=ReadOptions(sheet="Bìa"))
    assert not cover.ok and "không tìm thấy dòng tiêu đề" in cover.problems[0].message
