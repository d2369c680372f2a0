"""Reading files: legacy text, dates with their precision, limits, stopping, the door for
control characters, and exports that no spreadsheet runs as formulas."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import time

import pytest
from openpyxl import load_workbook

from quyhoach.services.records import exporter, legacy_text, reading
from quyhoach.services.records.tabular import CellError, ReadOptions, SHEETS, _date, parse, precision_of, read_table
from tests.corpus.make_corpus import bomb, plain_rows
from tests.files import csv_bytes

# The three words of the brief, as typed in each font (spelled out from the published
# charts, not from the converter): TCVN3 writes ễ as Ô, ị as Þ, ằ as », ò as ß, ă as ¨,
# á as ¸, Đ as §, ệ as Ö, ê as ª. VNI writes a tone after its vowel: ễ = e + ã, ị = ò,
# ằ = a + è, ò = o + ø, ă = a + ê, á = a + ù, Đ = Ñ, ệ = e + ä, ê = e + â.
WORDS = [
    ("Nguyễn Thị Hằng", "NguyÔn ThÞ H»ng", "Nguyeãn Thò Haèng"),
    ("Lò Văn Páo", "Lß V¨n P¸o", "Loø Vaên Paùo"),
    ("Điện Biên", "§iÖn Biªn", "Ñieän Bieân"),
]


@pytest.mark.parametrize("unicode_text, tcvn3, vni", WORDS)
def test_legacy_fonts_convert_real_words(unicode_text, tcvn3, vni):
    assert legacy_text.convert(tcvn3, legacy_text.TCVN3) == unicode_text
    assert legacy_text.convert(vni, legacy_text.VNI) == unicode_text
    assert legacy_text.guess(tcvn3) == legacy_text.TCVN3
    assert legacy_text.guess(vni) == legacy_text.VNI
    assert legacy_text.guess(unicode_text) is None


def test_capitals_only_font_and_font_names():
    # .VnTimeH draws the lower-case bytes as capitals: "§¶NG" typed in it reads ĐẢNG.
    assert legacy_text.convert("§¶NG", legacy_text.TCVN3, capitals=True) == "ĐẢNG"
    assert legacy_text.encoding_of_font(".VnTime") == (legacy_text.TCVN3, False)
    assert legacy_text.encoding_of_font(".VnTimeH") == (legacy_text.TCVN3, True)
    assert legacy_text.encoding_of_font("VNI-Times") == (legacy_text.VNI, False)
    assert legacy_text.encoding_of_font("Times New Roman") is None


@pytest.mark.parametrize("text", ["Hòa Bình", "Lò Thị Hoa", "Hoàng", "Nguyễn", "Café", "Müller", "HTTNV", ""])
def test_unicode_text_is_never_taken_for_legacy_text(text):
    assert legacy_text.guess(text) is None


@pytest.mark.parametrize("value, expected, precision", [
    ("07/03/1978", dt.date(1978, 3, 7), "day"),
    ("7-3-1978", dt.date(1978, 3, 7), "day"),
    ("07.03.1978", dt.date(1978, 3, 7), "day"),
    ("ngày 7 tháng 3 năm 1978", dt.date(1978, 3, 7), "day"),
    (dt.datetime(1978, 3, 7, 0, 0), dt.date(1978, 3, 7), "day"),
    (28556, dt.date(1978, 3, 7), "day"),        # Excel serial: 28556 days after 30/12/1899
    (28556.0, dt.date(1978, 3, 7), "day"),
    ("05/1968", dt.date(1968, 5, 1), "month"),
    ("tháng 5 năm 1968", dt.date(1968, 5, 1), "month"),
    ("1968", dt.date(1968, 1, 1), "year"),
    (1968, dt.date(1968, 1, 1), "year"),         # a year typed as a number, not serial day 1968 (1905)
    ("năm 1968", dt.date(1968, 1, 1), "year"),
])
def test_dates_as_offices_write_them(value, expected, precision):
    read = _date(value)
    assert read == expected and precision_of(read) == precision


@pytest.mark.parametrize("value", ["31/02/1980", "13/1968", "07/03/78", "1e309", float("nan"), True, 10**7, "abc"])
def test_dates_that_are_not_dates_say_so(value):
    with pytest.raises(CellError):
        _date(value)


def test_control_characters_are_stripped_at_the_door_and_noted():
    rows = plain_rows()
    rows[1][2] = "Nguyễn\x00 Thị\x0b Hằng"
    table = read_table(csv_bytes(rows), "a.csv", SHEETS["cadres"])
    parsed, problems = parse(SHEETS["cadres"], table)
    assert not problems
    assert parsed[0].values["full_name"] == "Nguyễn Thị Hằng"
    assert table.info.notes.controls == [(2, 2)]


def test_limits_are_checked_while_reading():
    rows = plain_rows() * 30
    table = read_table(csv_bytes(rows), "a.csv", SHEETS["cadres"],
                       ReadOptions(limits=reading.Limits(max_rows=50)))
    parsed, problems = parse(SHEETS["cadres"], table)
    assert any("hơn 50 dòng" in p.message for p in problems)


def test_a_bomb_is_refused_before_it_is_unpacked():
    # 200 MB of shared strings once unpacked: refused from the archive's own sizes, so the
    # read never holds more than a small part of it (memory is measured; time is not asserted).
    import tracemalloc

    data = bomb(200)
    tracemalloc.start()
    try:
        table = read_table(data, "bom.xlsx", SHEETS["cadres"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "quá lớn" in table.problems[0].message
    assert peak < 20 * 1024 * 1024, f"{peak / 1e6:.0f} MB held while refusing"


def test_a_check_can_be_stopped_between_rows():
    rows = [plain_rows()[0]] + [[i, f"CB{i:05d}", "Lò Văn Páo", "01/01/1980", "Nam", "Thái", "", "SO-NV", "Chuyên viên"]
                                for i in range(2000)]
    asked = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 2

    table = read_table(csv_bytes(rows), "a.csv", SHEETS["cadres"], ReadOptions(should_stop=stop))
    with pytest.raises(reading.Stopped):
        parse(SHEETS["cadres"], table)


def test_the_encoding_of_a_csv_is_named():
    text = "Mã cán bộ;Năm\nCB001;2024\n"
    assert reading.open_book(text.encode("utf-16"), "a.csv").encoding == "UTF-16"
    assert reading.open_book(text.encode("utf-8"), "a.csv").encoding == "UTF-8"


# -- exports -------------------------------------------------------------------------------------

NASTY = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1"]


def test_csv_exports_neutralise_formula_like_text_but_keep_negative_numbers():
    assert [exporter.neutralise_csv(v) for v in NASTY] == ["'" + v for v in NASTY]
    assert exporter.neutralise_csv(-5) == -5 and exporter.neutralise_csv(-2.5) == -2.5
    assert exporter.neutralise_csv("Lò Thị Hoa") == "Lò Thị Hoa"


def test_xlsx_exports_write_formula_like_text_as_text():
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.append([*NASTY, -5, "Lò Thị Hoa"])
    exporter.neutralise_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = load_workbook(io.BytesIO(buffer.getvalue()))
    cells = list(read.active.iter_rows(values_only=False))[0]
    assert [c.value for c in cells[:5]] == NASTY               # the text unchanged
    assert all(c.data_type == "s" and c.quotePrefix for c in cells[:5])  # but text, not formulas
    assert cells[5].value == -5 and cells[5].data_type == "n"  # a negative number stays a number


def test_the_csv_apostrophe_is_dropped_again_on_import():
    rows = plain_rows()
    rows[1][2] = "'=Nguyễn"
    table = read_table(csv_bytes(rows), "a.csv", SHEETS["cadres"])
    parsed, _ = parse(SHEETS["cadres"], table)
    assert parsed[0].values["full_name"] == "=Nguyễn"


def test_every_export_and_report_is_neutralised(session):
    from quyhoach.services.records.exporter import export
    from tests.files import CADRES, TITLES, UNITS
    from quyhoach.services.records import importer

    nasty = [row[:] for row in CADRES]
    nasty[1][2] = "=HYPERLINK(\"http://x\")"
    for kind, rows in (("units", UNITS), ("titles", TITLES), ("cadres", nasty)):
        assert importer.run(session, kind, csv_bytes(rows), f"{kind}.csv").ok
    session.flush()
    text = export(session, "cadres", "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert not any(cell.startswith("=") for row in csv.reader(io.StringIO(text)) for cell in row)
    workbook = load_workbook(io.BytesIO(export(session, "cadres", "xlsx")))
    formula_cells = [c for row in workbook.active.iter_rows() for c in row if c.data_type == "f"]
    assert formula_cells == []


# -- the web: upload limit, stored files ------------------------------------------------------------

def test_a_file_over_the_upload_limit_gets_a_vietnamese_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/nhap-du-lieu/kiem-tra", data={"kind": "cadres", "file": (io.BytesIO(b"x" * 4096), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Tệp quá lớn" in page and "chia danh sách" in page


def test_uploads_are_private_and_removed_after_a_day(app, client):
    folder = __import__("pathlib").Path(app.instance_path) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    old = folder / "oldtoken.csv"
    old.write_bytes(b"x")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    response = client.post("/nhap-du-lieu/kiem-tra", data={"kind": "cadres", "file": (io.BytesIO(csv_bytes(plain_rows())),
                                                                                     "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code in (200, 422)
    assert not old.exists()
    stored = list(folder.iterdir())
    assert stored and all((p.stat().st_mode & 0o777) == 0o600 for p in stored)
