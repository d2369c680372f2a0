"""An .xlsx is read by calamine when it reads the file as openpyxl's parser does
(services/records/reading_xlsx.py): every office-shaped workbook of the corpus, the printed
list and the lists the app exports give the same rows, numbered the same, with the same
values (dates as datetimes, whole numbers as ints), whichever reader took them (a used-range
tag that leaves rows out included); and the workbooks calamine cannot read so (legacy fonts,
hidden rows or columns, Excel error values) are read by openpyxl, as before."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from quyhoach.services.records import reading, reading_xlsx, tabular
from tests.bench.test_imports_bench import evaluations_file, printed_list
from tests.corpus.make_corpus import cases


def _rows(data: bytes, *, fast: bool, monkeypatch) -> tuple[str, list, list]:
    """(the reader that took the file, its sheet names, each sheet's rows as read)."""
    taken = []
    with monkeypatch.context() as patch:
        original = reading_xlsx.open_book

        def spied(*args):
            book = original(*args) if fast else None
            taken.append("calamine" if book is not None else "openpyxl")
            return book

        patch.setattr(reading_xlsx, "open_book", spied)
        book = reading.open_book(data, "file.xlsx")
        sheets = []
        for index in range(len(book.sheet_names)):
            notes = reading.Notes()
            rows = [(r.number, _trimmed(r.cells), r.hidden, r.errors) for r in book.rows(index, notes, reading.Limits())]
            sheets.append((rows, notes.hidden_columns, notes.controls))
        book.close()
    return taken[0], list(book.sheet_names), sheets


def _trimmed(cells: list) -> list:
    cells = list(cells)
    while cells and cells[-1] is None:
        cells.pop()
    return [(type(v).__name__, v) for v in cells]


def _typed_cells() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kiểu ô"
    sheet.append(["Mã cán bộ", "Ngày sinh", "Số", "Điểm", "Có", "Giờ", "Lúc", "Lớn", "Văn bản"])
    sheet.append(["CB001", dt.datetime(1978, 3, 7), 12345678901, 82.5, True, dt.time(7, 30),
                  dt.datetime(2021, 10, 1, 7, 30), 1e20, "Nguyễn  Thị\tLan"])
    sheet.append(["CB002", dt.date(2000, 2, 29), -3, 0.1, False, None, None, 2**53 - 1, "=SUM(1,2)"])
    sheet["B3"].number_format = "dd/mm/yyyy"
    sheet["C6"] = "ô lẻ dưới bảng"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


WORKBOOKS = {
    **{case.filename: case.data for case in cases() if case.filename.endswith(".xlsx") and case.adds is not None},
    "loi-excel.xlsx": next(case.data for case in cases() if case.filename == "loi-excel.xlsx"),
    "printed.xlsx": printed_list(60), "evaluations.xlsx": evaluations_file(30), "typed.xlsx": _typed_cells(),
}


@pytest.mark.parametrize("name", sorted(WORKBOOKS))
def test_calamine_reads_as_openpyxl_reads(name, monkeypatch):
    data = WORKBOOKS[name]
    taken, names, fast = _rows(data, fast=True, monkeypatch=monkeypatch)
    slow_taken, slow_names, slow = _rows(data, fast=False, monkeypatch=monkeypatch)
    assert slow_taken == "openpyxl"
    assert names == slow_names
    assert fast == slow


@pytest.mark.parametrize("name", ["printed.xlsx", "evaluations.xlsx", "typed.xlsx", "trich-ngang-in.xlsx",
                                  "nhieu-trang.xlsx", "chuoi-dung-chung.xlsx", "sai-vung-du-lieu.xlsx"])
def test_plain_workbooks_go_to_calamine(name, monkeypatch):
    assert _rows(WORKBOOKS[name], fast=True, monkeypatch=monkeypatch)[0] == "calamine"


@pytest.mark.parametrize("name", ["phong-vntime.xlsx", "phong-vni.xlsx", "dong-an-nhap-ca.xlsx", "cot-an-nhap-ca.xlsx",
                                  "chuoi-dung-chung-an.xlsx", "loi-excel.xlsx"])
def test_what_calamine_does_not_see_goes_to_openpyxl(name, monkeypatch):
    assert _rows(WORKBOOKS[name], fast=True, monkeypatch=monkeypatch)[0] == "openpyxl"


def test_a_sheet_past_the_rows_calamine_holds_goes_to_openpyxl(monkeypatch):
    monkeypatch.setattr(reading_xlsx, "MAX_ROWS", 20)
    assert _rows(WORKBOOKS["evaluations.xlsx"], fast=True, monkeypatch=monkeypatch)[0] == "openpyxl"


def test_error_values_go_to_openpyxl_and_are_reported():
    data = WORKBOOKS["loi-excel.xlsx"]
    sheet = tabular.SHEETS["cadres"]
    rows, problems = tabular.parse(sheet, tabular.read_table(data, "loi-excel.xlsx", sheet))
    assert any("giá trị lỗi của Excel" in p.message for p in problems)
