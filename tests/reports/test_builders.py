"""Every generated file opened with its own library: the tables, the counts and the
Vietnamese text (NFC) are what the report model holds."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata

import pytest
from docx import Document
from openpyxl import load_workbook

from quyhoach import reports
from quyhoach.reports import docx_builder, gather, pdf_builder, xlsx_builder
from quyhoach.services.evaluations import analytics


def _nfc(text: str) -> bool:
    return unicodedata.normalize("NFC", text) == text


def _docx_text(data: bytes) -> tuple[Document, str]:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return doc, "\n".join(parts)


@pytest.fixture
def report(session, small):
    return gather.term_planning(session, small)


def test_the_model_counts_the_pools_of_the_term(report, small):
    pools = [r for r in small.pools.values() if r.facts.term.code == report.term_code]
    assert report.counts["pools"] == len(pools) == len(report.pools)
    assert report.list_rows == sum(len(r.facts.members) for r in pools) == report.counts["entries"]
    assert report.heading.authority == "TỈNH ỦY NẬM KHAO" and report.heading.office == "BAN TỔ CHỨC"
    assert report.heading.place == "Nậm Khao" and report.heading.number.endswith("-BC/BTCTU")
    assert report.heading.place_date.startswith("Nậm Khao, ngày ")
    assert set(report.charts) == {"pyramid", "gauges", "ratings"}
    for chart in report.charts.values():
        assert chart.svg.startswith("<svg") and chart.png[:8] == b"\x89PNG\r\n\x1a\n"


def test_docx_heading_sections_and_the_list_in_the_trich_ngang_shape(report):
    doc, text = _docx_text(docx_builder.term_planning(report))
    assert _nfc(text)
    for words in ("TỈNH ỦY NẬM KHAO", "BAN TỔ CHỨC", "ĐẢNG CỘNG SẢN VIỆT NAM", report.heading.place_date,
                  "BÁO CÁO", "I. TÌNH HÌNH CHUNG", "III. NHỮNG DANH SÁCH CHƯA ĐẠT", "V. KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CÁN BỘ",
                  "VI. ĐÁNH GIÁ CHUNG", "VII. PHƯƠNG HƯỚNG", "VIII. ĐỀ XUẤT, KIẾN NGHỊ", "Nơi nhận:",
                  "- Ban Tổ chức Trung ương (để b/c),", "TRƯỞNG BAN", report.heading.annex_ref,
                  "PHỤ LỤC 3: DANH SÁCH TRÍCH NGANG CÁN BỘ TRONG QUY HOẠCH", *report.opening):
        assert words in text, words
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.sections[-1].page_width > doc.sections[-1].page_height   # the annex is landscape
    listing = doc.tables[-1]
    header = [c.text for c in listing.rows[0].cells]
    assert header[:3] == ["STT", "Họ và tên", "Ngày sinh"] and "Ghi chú" in header and "Kết quả phiếu các bước" in header
    # one row per member and one group row per pool, after the header
    assert len(listing.rows) == 1 + report.list_rows + len(report.pools)
    first = next(r for p in report.pools for r in p.rows)
    assert first.name in text and first.birth_date.strftime("%d/%m/%Y") in text
    assert len(doc.inline_shapes) == 3


def test_xlsx_list_has_frozen_filtered_header_and_every_member(report):
    book = load_workbook(io.BytesIO(xlsx_builder.term_planning(report)))
    assert book.sheetnames[:2] == ["Tổng hợp", "Danh sách trích ngang"]
    ws = book["Danh sách trích ngang"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    header = [c.value for c in ws[1]]
    assert header[:3] == ["STT", "Họ và tên", "Ngày sinh"]
    assert [f"Xếp loại {y}" for y in report.rating_years] == header[14:17]
    assert ws.max_row == 1 + report.list_rows
    names = {ws.cell(row=i, column=2).value for i in range(2, ws.max_row + 1)}
    assert names == {r.name for p in report.pools for r in p.rows}
    assert all(_nfc(n) for n in names)
    assert ws.cell(row=2, column=3).number_format == "DD/MM/YYYY"
    e4 = book["HTXSNV theo đơn vị, năm"]
    assert e4.freeze_panes == "A2" and e4.max_row == 1 + len(report.evaluations.unit_years)


def test_pdf_is_the_pages_print_with_vietnamese_text(app, report):
    if pdf_builder.unavailable():
        pytest.skip("WeasyPrint/Pango not installed")
    data = pdf_builder.term_planning(app, report)
    assert data[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
        text = unicodedata.normalize("NFC", text)
        for words in ("ĐẢNG CỘNG SẢN VIỆT NAM", "BAN TỔ CHỨC", "TÌNH HÌNH CHUNG", "Nậm Khao", "Nơi nhận:", "TRƯỞNG BAN",
                      "PHỤ LỤC 3: DANH SÁCH TRÍCH NGANG CÁN BỘ TRONG QUY HOẠCH"):
            assert words in text, words
        plain = " ".join(subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                                        check=True).stdout.decode().split())
        for row in (r for p in report.pools for r in p.rows):   # the whole list, every member
            assert row.name in unicodedata.normalize("NFC", plain), row.name


def test_dossier_docx_is_the_2c_form_with_the_timeline_attached(session, small):
    from quyhoach.reports import dossier_2c

    code = next(c.code for c in small.cadres.values() if c.ratings)
    form = dossier_2c.gather(session, small, code)
    doc, text = _docx_text(dossier_2c.docx(form))
    assert form.name.upper() in text and "1) Họ và tên khai sinh" in text and "28) TÓM TẮT QUÁ TRÌNH CÔNG TÁC" in text
    assert "SƠ YẾU LÝ LỊCH CÁN BỘ, CÔNG CHỨC" in text and "1. Kết quả đánh giá, xếp loại hằng năm" in text and _nfc(text)
    years = [y for y in form.attachment.years if y.rating]
    assert years and all(str(y.year) in text and y.rating_label in text for y in years)
    assert len(doc.inline_shapes) == 1          # the timeline chart, in the attachment


def test_build_makes_every_format_and_reports_a_missing_pdf_engine(session, small, app, monkeypatch):
    built = reports.build(session, small, app, "evaluations", {}, reports.FORMATS)
    assert set(built.files) | set(built.errors) == {"docx", "pdf", "xlsx"}
    book = load_workbook(io.BytesIO(built.files["xlsx"]))
    ev = analytics.evaluation_analytics(session, small)
    assert book["Xếp loại năm bị kỷ luật"].max_row == 1 + len(ev.disciplined)
    monkeypatch.setattr(pdf_builder, "_checked", [pdf_builder.MISSING])
    built = reports.build(session, small, app, "term-planning", {}, ["docx", "pdf"])
    assert set(built.files) == {"docx"} and "libpango-1.0-0" in built.errors["pdf"]


def test_unknown_codes_are_refused_in_words(session, small, app):
    with pytest.raises(gather.ReportError, match="không có đơn vị"):
        reports.build(session, small, app, "term-planning", {"unit": "KHONG-CO"}, ["docx"])
    with pytest.raises(gather.ReportError, match="không có cán bộ"):
        reports.build(session, small, app, "dossier", {"cadre": "KHONG-CO"}, ["docx"])


@pytest.mark.slow
def test_libreoffice_opens_the_docx_and_poppler_renders_a_page(report, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftoppm"):
        pytest.skip("libreoffice or pdftoppm not installed")
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(docx_builder.term_planning(report))
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "bao-cao.pdf"
    assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-"
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "trang")],
                   check=True, timeout=60)
    page = next(tmp_path.glob("trang*.png"))
    assert page.stat().st_size > 2000 and page.read_bytes()[:4] == b"\x89PNG"
