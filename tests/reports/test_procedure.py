"""The papers of a pool's procedure (reports.procedure): the submission, the vote-count
minutes of every step from the recorded ballots, the approval decision with its list annex.
Each is opened in its own library (python-docx, pypdf): heading, signature from the settings,
"Nơi nhận", the annex's "Kèm theo …", the figures of the ballots, and no internal code."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from sqlmodel import select

from quyhoach import reports
from quyhoach.db.models import Ballot, Pool, PoolEntry
from quyhoach.reports import gather
from quyhoach.services.planning import world as world_service
from tests.reports.test_documents import SIGNERS, TEXT_OF, _blank_margins, _flat, internal_codes

KEY_CADRES, STANDING = dt.date(2026, 3, 10), dt.date(2026, 3, 20)


@pytest.fixture
def balloted(session, small):
    """Pool 1's members voted on at two conferences: the first 30/41 (passes ≥ 30%), the
    standing committee 9/11 (passes > 50%); a second member, if any, fails both."""
    entries = session.exec(select(PoolEntry).where(PoolEntry.pool_id == 1, PoolEntry.status == "active")).all()
    assert entries
    for i, entry in enumerate(entries):
        session.add(Ballot(entry_id=entry.id, step="key_cadres", held_on=KEY_CADRES, convened=45, present=42,
                           issued=42, valid=41, agree=30 if i == 0 else 5))
        session.add(Ballot(entry_id=entry.id, step="standing_committee", held_on=STANDING, convened=11, present=11,
                           issued=11, valid=11, agree=9 if i == 0 else 2))
    session.commit()
    world_service.clear_cache()
    return world_service.build(session), len(entries)


@pytest.fixture
def signed_app(app):
    app.config["DOCUMENT_SIGNERS"] = SIGNERS
    return app


def _texts(session, world, app, kind, params=None):
    built = reports.build(session, world, app, kind, {"pool": 1, **(params or {})}, ["docx", "pdf"])
    assert not built.errors
    return {fmt: TEXT_OF[fmt](data) for fmt, data in built.files.items()}


def test_the_submission_asks_the_standing_committee_with_the_steps_and_the_people(session, balloted, signed_app):
    world, members = balloted
    for fmt, text in _texts(session, world, signed_app, "pool-submission", {"number": "14"}).items():
        for words in ("TỈNH ỦY NẬM KHAO", "BAN TỔ CHỨC", "ĐẢNG CỘNG SẢN VIỆT NAM", "TỜ TRÌNH", "Số 14-TTr/BTCTU",
                      "Kính gửi: Ban Thường vụ Tỉnh ủy", "Hội nghị cán bộ chủ chốt", "10/03/2026", "20/03/2026",
                      "Nơi nhận:", "K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Nguyễn Thị Mai Anh", "DANH SÁCH TRÍCH NGANG",
                      "Kèm theo Tờ trình số 14-TTr/BTCTU", f"quy hoạch {members} đồng chí", "30/41 (73,2%)"):
            assert _flat(words) in text, (fmt, words)
        assert "nhiệm kỳ Nhiệm kỳ" not in text
        assert internal_codes(session, text) == [], fmt


def test_the_minutes_of_each_step_count_the_ballots(session, balloted, signed_app):
    world, members = balloted
    for fmt, text in _texts(session, world, signed_app, "pool-minutes").items():
        assert text.count("BIÊN BẢN") == 2, fmt                       # one per conference held
        for words in ("Hôm nay, ngày 10 tháng 03 năm 2026, Hội nghị cán bộ chủ chốt",
                      "Tổng số người được triệu tập: 45; số người có mặt: 42 (93,3%); số phiếu phát ra: 42; "
                      "số phiếu hợp lệ: 41; số phiếu không hợp lệ: 1.",
                      "Hôm nay, ngày 20 tháng 03 năm 2026, Hội nghị Ban Thường vụ Tỉnh ủy tiến hành", "73,2%", "81,8%",
                      "TỔ TRƯỞNG TỔ KIỂM PHIẾU", "THƯ KÝ", "CHỦ TRÌ HỘI NGHỊ", f"Số người đạt yêu cầu: 1/{members}"):
            assert _flat(words) in text, (fmt, words)
        assert ("Không đạt" in text) == (members > 1)
        assert internal_codes(session, text) == [], fmt


def test_no_minutes_before_a_ballot_is_recorded(session, small, app):
    with pytest.raises(gather.ReportError, match="chưa có kết quả lấy phiếu"):
        reports.build(session, small, app, "pool-minutes", {"pool": 1}, ["docx"])


def test_the_decision_approves_the_list_annexed_under_its_number(session, balloted, signed_app):
    world, members = balloted
    pool = session.get(Pool, 1)
    pool.status, pool.approved_on, pool.decision_no = "approved", dt.date(2026, 4, 2), "125-QĐ/TU"
    session.add(pool)
    session.commit()
    for fmt, text in _texts(session, world, signed_app, "pool-decision").items():
        for words in ("ĐẢNG BỘ TỈNH NẬM KHAO", "QUYẾT ĐỊNH", "Số 125-QĐ/TU", "ngày 02 tháng 04 năm 2026",
                      "BAN THƯỜNG VỤ TỈNH ỦY", "Căn cứ Điều lệ Đảng", "Điều 1.", f"Phê duyệt quy hoạch {members} đồng chí",
                      "Điều 3.", "Nơi nhận:", "Ban Tổ chức Trung ương (để b/c)", "T/M BAN THƯỜNG VỤ", "BÍ THƯ",
                      "Hoàng Văn Bình", "DANH SÁCH CÁN BỘ QUY HOẠCH", "Kèm theo Quyết định số 125-QĐ/TU"):
            assert _flat(words) in text, (fmt, words)
        assert "DỰ THẢO" not in text
        assert internal_codes(session, text) == [], fmt


def test_a_decision_not_yet_taken_is_a_draft(session, small, app):
    text = _texts(session, small, app, "pool-decision")["docx"]
    assert "DỰ THẢO" in text and "Số -QĐ/TU" in text


def test_the_pool_page_links_its_papers_and_serves_them(session, balloted, client):
    page = client.get("/quy-hoach/1").get_data(as_text=True)
    assert "/bao-cao/danh-sach/1/to-trinh.docx" in page and "/bao-cao/danh-sach/1/bien-ban.pdf" in page
    answer = client.get("/bao-cao/danh-sach/1/quyet-dinh.docx")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/bao-cao/danh-sach/1/khac.docx").status_code == 404
    assert client.get("/bao-cao/danh-sach/999/to-trinh.docx").status_code == 404


def printed_inside(tmp_path, name: str, fmt: str, data: bytes) -> int:
    """Print a DOCX through LibreOffice (a PDF as it is), render every page with pdftoppm and
    check that nothing crosses the printable area; the number of pages."""
    from pypdf import PdfReader

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftoppm"):
        pytest.skip("libreoffice or pdftoppm not installed")
    pdf = tmp_path / f"{name}.pdf"
    if fmt == "pdf":
        pdf.write_bytes(data)
    else:
        source = tmp_path / f"{name}.{fmt}"
        source.write_bytes(data)
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                        "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=300)
    pages = PdfReader(str(pdf)).pages
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / f"trang-{name}")], check=True, timeout=300)
    images = sorted(tmp_path.glob(f"trang-{name}*.png"))
    assert len(images) == len(pages), name
    for png, page in zip(images, pages, strict=True):
        assert _blank_margins(png, 4.0, float(page.mediabox.width) / 72 * 25.4), (name, png.name)
    return len(pages)


def printed_texts(pdf) -> list[str]:
    """Each page's text of a printed PDF, read by poppler's pdftotext (installed with pdftoppm for
    the print checks): pypdf 7 splits LibreOffice's stacked Vietnamese marks from their letters
    ("Ng i khaiườ" for "Người khai"), so it cannot be the reader of what an officer sees."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                         timeout=120).stdout.decode()
    return out.split("\f")[:-1] if out.endswith("\f") else out.split("\f")


@pytest.mark.slow
def test_every_page_of_the_procedures_papers_prints_inside_the_page(session, balloted, app, tmp_path):
    world, _members = balloted
    for kind in ("pool-submission", "pool-minutes", "pool-decision"):
        built = reports.build(session, world, app, kind, {"pool": 1}, ["docx", "pdf"])
        for fmt, data in built.files.items():
            assert printed_inside(tmp_path, f"{kind}-{fmt}", fmt, data) >= 2, (kind, fmt)


def test_a_pools_papers_are_in_the_scope_of_the_pools_own_unit(session, small, app):
    from quyhoach.web.reports import report_scope

    unit_id = small.pools[1].facts.title.unit_id
    with app.test_request_context("/"):
        for kind in ("pool-submission", "pool-minutes", "pool-decision"):
            assert report_scope(small, kind, {"pool": 1}) == {"units": [unit_id], "need": "all"}
        assert report_scope(small, "pool-decision", {"pool": 999}) == {"units": [], "need": "all"}   # refused
