"""The papers ready to sign (issue 13): the party-document form from one module
(`reports.letterhead`) in every format — the issuing body chosen per paper, the signer from
the instance settings, "Nơi nhận", the annexes' "Kèm theo …" — and no internal code in any
text an official reads. Each file is opened with its own library (python-docx, openpyxl,
pypdf); a slow test prints every page through LibreOffice and poppler and checks that no
table crosses the printable area."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import select

from quyhoach import reports
from quyhoach.db.models import RuleSet, Unit
from quyhoach.reports import decision, gather, letterhead
from quyhoach.reports.registry import REPORT_KINDS
from quyhoach.services.planning import world as world_service
from tests.reports.test_decision import solved_scenario

RULE_ID = re.compile(r"\b[PSRE]\d{1,2}\b")
RUN_NUMBER = re.compile(r"#\s?\d|lần giải|giá trị mục tiêu", re.IGNORECASE)
SIGNERS = {"ban-to-chuc": {"signer": "Nguyễn Thị Mai Anh", "deputy": True},
           "tinh-uy": {"signer": "Hoàng Văn Bình"}}


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return _flat("\n".join(parts))


def xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data))
    return _flat("\n".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value is not None))


def pdf_text(data: bytes) -> str:
    return _flat("\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


TEXT_OF = {"docx": docx_text, "xlsx": xlsx_text, "pdf": pdf_text}


def internal_codes(session, text: str) -> list[str]:
    """Rule ids, run numbers and objective words, seat numbers, rule-set codes and unit codes found in `text`."""
    found = [m.group(0) for m in RULE_ID.finditer(text)] + [m.group(0) for m in RUN_NUMBER.finditer(text)]
    found += re.findall(r"\(ghế \d+\)", text)
    codes = {c for c in session.exec(select(RuleSet.code)).all()}
    codes |= {c for c in session.exec(select(Unit.code)).all() if "-" in c or any(ch.isdigit() for ch in c)}
    words = set(re.findall(r"[\w-]+", text))
    return found + sorted(codes & words)


@pytest.fixture
def signed_app(app):
    app.config["DOCUMENT_SIGNERS"] = SIGNERS
    return app


def test_the_issuing_bodies_are_data_the_signature_comes_from_the_settings(session, small):
    bodies = letterhead.issuers(small)
    assert list(bodies) == ["ban-to-chuc", "tinh-uy"]
    board, committee = bodies["ban-to-chuc"], bodies["tinh-uy"]
    assert (board.upper, board.body, board.symbol) == ("TỈNH ỦY NẬM KHAO", "BAN TỔ CHỨC", "BTCTU")
    assert (committee.upper, committee.body, committee.symbol) == ("ĐẢNG BỘ TỈNH NẬM KHAO", "TỈNH ỦY", "TU")
    head = letterhead.letterhead(small, board, "Quy hoạch", small.on, number="12", settings=SIGNERS)
    assert head.number == "Số 12-BC/BTCTU"
    assert head.signature == letterhead.Signature(("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"), "Nguyễn Thị Mai Anh")
    on = small.on
    # numbered, the annex cites the paper's date as its heading dates it; not yet, the day is left blank
    assert head.annex_ref == (f"(Kèm theo Báo cáo số 12-BC/BTCTU ngày {on.day:02d} tháng {on.month:02d} năm {on.year} "
                              "của Ban Tổ chức Tỉnh ủy)")
    draft = letterhead.letterhead(small, board, "Quy hoạch", on, settings=SIGNERS)
    assert f"-BC/BTCTU ngày     tháng     năm {on.year}" in draft.annex_ref
    head = letterhead.letterhead(small, committee, "Quy hoạch", small.on, kind="TỜ TRÌNH", settings=SIGNERS)
    assert head.number.endswith("-TTr/TU") and head.signature.lines == ("T/M BAN THƯỜNG VỤ", "BÍ THƯ")
    assert head.signature.name == "Hoàng Văn Bình" and head.recipients[-1] == "- Lưu Văn phòng Tỉnh ủy."
    unsigned = letterhead.letterhead(small, board, "Quy hoạch", small.on, settings={})
    assert unsigned.signature == letterhead.Signature(("TRƯỞNG BAN",), "")   # the name left to write by hand


def test_a_communes_paper_is_its_party_committees(session, small):
    commune = next(u for u in small.units.values() if small.levels.get(u.level_id) == "commune" and u.is_locality)
    bodies = letterhead.issuers(small, commune)
    key = f"dang-uy:{commune.code}"
    assert key in bodies and letterhead.default_issuer(small, commune).key == key
    issuer = bodies[key]
    assert issuer.upper == "ĐẢNG BỘ TỈNH NẬM KHAO" and issuer.body.startswith("ĐẢNG ỦY ") and issuer.symbol == "ĐU"
    head = letterhead.letterhead(small, issuer, "Quy hoạch", small.on, settings={key: {"signer": "Lò Văn Pản"}})
    assert head.signature.lines == ("T/M ĐẢNG ỦY", "BÍ THƯ") and head.signature.name == "Lò Văn Pản"
    assert head.number.endswith("-BC/ĐU")


def test_settings_file_in_the_instance_names_the_signer(app, tmp_path):
    (tmp_path / letterhead.SETTINGS_FILE).write_text('[ban-to-chuc]\nsigner = "Trần Văn Cường"\n', encoding="utf-8")
    assert letterhead.signer_settings(app) == {"ban-to-chuc": {"signer": "Trần Văn Cường"}}
    (tmp_path / letterhead.SETTINGS_FILE).write_text("[ban-to-chuc\n", encoding="utf-8")   # unreadable: no name
    assert letterhead.signer_settings(app) == {}


def test_term_planning_in_every_format_is_signed_sent_and_free_of_codes(session, small, signed_app):
    texts = {"assessment": "Đánh giá do cán bộ sửa: nhìn chung đạt yêu cầu.", "direction": "Phương hướng đã sửa.",
             "proposals": "Đề xuất thứ nhất.\nĐề xuất thứ hai."}
    built = reports.build(session, small, signed_app, "term-planning", {"issuer": "ban-to-chuc", "number": "27", **texts},
                          reports.FORMATS)
    assert not built.errors
    report = gather.term_planning(session, small, choice=letterhead.PaperChoice("ban-to-chuc", "27", SIGNERS))
    for fmt, data in built.files.items():
        text = TEXT_OF[fmt](data)
        for words in ("TỈNH ỦY NẬM KHAO", "BAN TỔ CHỨC", "ĐẢNG CỘNG SẢN VIỆT NAM", "Số 27-BC/BTCTU", "BÁO CÁO",
                      "Nơi nhận:", "Ban Tổ chức Trung ương (để b/c)", "K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN",
                      "Nguyễn Thị Mai Anh", "Đề xuất thứ hai.", report.opening[0]):
            assert _flat(words) in text, (fmt, words)
        if fmt != "xlsx":
            for words in ("Đánh giá do cán bộ sửa: nhìn chung đạt yêu cầu.", "Phương hướng đã sửa.",
                          "Kèm theo Báo cáo số 27-BC/BTCTU"):
                assert words in text, (fmt, words)
        assert internal_codes(session, text) == [], fmt
        assert "“" in text or fmt == "xlsx" or '"' not in text    # curly quotes where the paper quotes


def test_the_pdf_holds_every_list_row_and_every_failing_list(session, small, signed_app):
    report = gather.term_planning(session, small)
    from quyhoach.reports import pdf_builder

    if pdf_builder.unavailable():
        pytest.skip("WeasyPrint/Pango not installed")
    text = pdf_text(pdf_builder.term_planning(signed_app, report))
    for pool in report.failing:
        assert _flat(pool.lines[0]) in text
    rows = [r for p in report.pools for r in p.rows]
    assert all(r.name in text for r in rows) and f"{report.list_rows} lượt cán bộ" in text


def test_an_empty_scope_is_refused_in_words(session, small):
    """A unit whose subtree has no list of the term: refused, never "short of 1 out of 0"."""
    term = gather.resolve_term(small)
    with_pools = {j.facts.title.unit_id for j in small.pools.values() if j.facts.term.code == term}
    empty = [u for u in small.units.values() if not (small.subtree(u.id) & with_pools)]
    if not empty:
        pytest.skip("every unit of the small province has a list")
    with pytest.raises(gather.ReportError, match="chưa có danh sách quy hoạch nào"):
        gather.term_planning(session, small, unit_code=empty[0].code, term_code=term)


def test_decision_report_cites_the_resolution_and_compares_in_words(session, engine, small, inline_runner,
                                                                    signed_app):
    made = solved_scenario(engine, inline_runner)
    world = world_service.build(session)
    built = reports.build(session, world, signed_app, "scenario-decision", {"scenario": str(made["scenario"])},
                          reports.FORMATS)
    assert not built.errors
    report = decision.scenario_decision(session, world, made["scenario"])
    assert report.resolution == "Nghị quyết số 15-NQ/TU ngày 01/12/2026"
    assert report.alternative_words and all("lượt điều động" in w for w in report.alternative_words)
    for fmt, data in built.files.items():
        text = TEXT_OF[fmt](data)
        for words in (report.resolution, "Nơi nhận:", "K/T TRƯỞNG BAN", "Nguyễn Thị Mai Anh",
                      report.alternative_words[0]):
            assert _flat(words) in text, (fmt, words)
        if fmt != "xlsx":
            assert "PHỤ LỤC 3" in text and "Kèm theo Báo cáo số" in text
        assert internal_codes(session, text) == [], fmt


def test_every_sheet_prints_on_a4_with_times_new_roman(session, small, signed_app):
    built = reports.build(session, small, signed_app, "term-planning", {}, ["xlsx"])
    book = load_workbook(io.BytesIO(built.files["xlsx"]))
    assert "Ba độ tuổi" in book.sheetnames
    cover = book["Tổng hợp"]
    assert cover.page_setup.orientation == "portrait" and cover.page_setup.fitToWidth == 1
    for ws in book.worksheets[1:]:
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) and ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1" and "&P" in ws.oddFooter.center.text
        assert ws["A1"].font.name == "Times New Roman" and (ws.max_row < 2 or ws["A2"].font.name == "Times New Roman")
    bands = list(book["Ba độ tuổi"].iter_rows(min_row=2, values_only=True))
    report = gather.term_planning(session, small)
    assert sum(r[2] for r in bands) == sum(sum(b.counts) for b in report.bands)


def test_the_form_keeps_the_papers_choices_for_the_kinds_that_take_them():
    from quyhoach.web.forms.reports import FIELDS, ReportRequest

    asked = ReportRequest.from_form({FIELDS["kind"]: "term-planning", FIELDS["issuer"]: "tinh-uy",
                                     FIELDS["number"]: "5", FIELDS["proposals"]: "Đề xuất"})
    assert asked.params() == {"issuer": "tinh-uy", "number": "5", "proposals": "Đề xuất"}
    dossier = ReportRequest.from_form({FIELDS["kind"]: "dossier", FIELDS["cadre"]: "CB1", FIELDS["number"]: "5"})
    assert dossier.params() == {"cadre": "CB1"} and REPORT_KINDS["dossier"].paper == ()


# --------------------------------------------------------------------------- printed

def _blank_margins(png, side_mm: float, page_mm: float) -> bool:
    """No ink in the outer strip of each side of a rendered page: nothing crosses the printable area."""
    from matplotlib import image

    pixels = image.imread(str(png))
    width = pixels.shape[1]
    strip = max(1, int(width * side_mm / page_mm))
    dark = pixels[..., :3].mean(axis=2) < 0.6
    return not dark[:, :strip].any() and not dark[:, -strip:].any()


@pytest.mark.slow
def test_every_page_of_every_format_prints_inside_the_page(session, small, signed_app, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftoppm"):
        pytest.skip("libreoffice or pdftoppm not installed")
    built = reports.build(session, small, signed_app, "term-planning", {}, reports.FORMATS)
    pdfs = {}
    for fmt in ("docx", "xlsx"):
        source = tmp_path / f"bao-cao-{fmt}.{fmt}"
        source.write_bytes(built.files[fmt])
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                        "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=300)
        pdfs[fmt] = tmp_path / f"bao-cao-{fmt}.pdf"
    pdfs["pdf"] = tmp_path / "bao-cao-pdf.pdf"
    pdfs["pdf"].write_bytes(built.files["pdf"])
    for fmt, pdf in pdfs.items():
        pages = PdfReader(str(pdf)).pages
        assert pages, fmt
        out = tmp_path / f"trang-{fmt}"
        subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(out)], check=True, timeout=300)
        images = sorted(tmp_path.glob(f"trang-{fmt}*.png"))
        assert len(images) == len(pages), fmt
        for png, page in zip(images, pages, strict=True):
            width_mm = float(page.mediabox.width) / 72 * 25.4
            assert _blank_margins(png, 10.0, width_mm), (fmt, png.name)   # every margin is 10 mm or more
    if shutil.which("pdftotext"):       # LibreOffice's fallback glyphs: poppler reads them in order
        text = _flat(subprocess.run(["pdftotext", str(pdfs["docx"]), "-"], capture_output=True, check=True).stdout.decode())
        assert "Nơi nhận:" in text and "Nguyễn Thị Mai Anh" in text

