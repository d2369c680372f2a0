"""A paper asked in English is written in English (issue 14): the term-planning report in its
three formats, read back with python-docx, openpyxl and pypdf, carries the English headings,
column headers, sentences and letterhead, and none of the Vietnamese fixed words; names of
people, units and titles stay as stored; the Vietnamese paper is the one it always was."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from quyhoach import reports
from quyhoach.reports import lang
from tests.reports.test_documents import SIGNERS, TEXT_OF
from tests.reports.test_procedure import balloted  # noqa: F401  (fixture)

# The fixed words of the Vietnamese paper: none may be left in the English one.
VIETNAMESE_WORDS = [
    "ĐẢNG CỘNG SẢN VIỆT NAM", "BÁO CÁO", "BAN TỔ CHỨC", "Nơi nhận", "TRƯỞNG BAN", "Kèm theo", "PHỤ LỤC",
    "TÌNH HÌNH CHUNG", "Tình hình chung", "CƠ CẤU DANH SÁCH", "Theo cấp", "Cơ cấu ba độ tuổi", "Đánh giá chung",
    "Phương hướng", "Đề xuất, kiến nghị", "chức danh có danh sách quy hoạch", "lượt cán bộ", "Số chức danh",
    "Dân tộc thiểu số", "Chỉ tiêu", "Họ và tên", "Ngày sinh", "Chức danh quy hoạch", "Ghi chú", "Số liệu đến ngày",
    "Lý luận chính trị", "Thực hiện", "Chưa đạt", "Chưa đủ điều kiện", "toàn tỉnh", "danh sách trích ngang",
    "DANH SÁCH TRÍCH NGANG", "Trình độ chuyên môn", "Kết quả phiếu các bước", "Tháp tuổi", "Xếp loại",
    "HTXSNV", "Đơn vị tương đương", "Không có trường hợp nào", "Số người", "Cộng", "Quyết định phê duyệt",
    "ngày     tháng", "Lưu Ban Tổ chức", "để b/c",
]
ENGLISH_WORDS = ["COMMUNIST PARTY OF VIETNAM", "REPORT", "ORGANIZATION BOARD", "Recipients:",
                 "I. OVERVIEW", "ANNEX 1", "Full name", "Date of birth"]


@pytest.fixture
def signed_app(app):
    app.config["DOCUMENT_SIGNERS"] = SIGNERS
    return app


def _texts(session, world, app, params: dict) -> dict[str, str]:
    built = reports.build(session, world, app, "term-planning", params, reports.FORMATS)
    assert not built.errors, built.errors
    return {fmt: TEXT_OF[fmt](data) for fmt, data in built.files.items()}


def test_the_term_planning_report_asked_in_english_is_written_in_english(session, small, signed_app):
    english = _texts(session, small, signed_app, {"lang": "en"})
    for fmt, text in english.items():
        left = [w for w in VIETNAMESE_WORDS if w in text]
        assert not left, (fmt, left)
        assert "Nguyễn Thị Mai Anh" in text, fmt           # the signer's name is data: as stored
    for fmt in ("docx", "pdf"):
        text = english[fmt]
        for words in ENGLISH_WORDS:
            assert words in text, (fmt, words)
        assert "DEPUTY HEAD" in text and "FOR THE HEAD" in text, fmt
        assert "Organization Board of the Provincial Party Committee" in text, fmt
    xlsx = english["xlsx"]
    for words in ("COMMUNIST PARTY OF VIETNAM", "Full name", "Date of birth", "Planned title", "OVERVIEW"):
        assert words in xlsx, words


def test_the_vietnamese_report_is_unchanged_by_the_english_one(session, small, signed_app):
    before = _texts(session, small, signed_app, {})
    _texts(session, small, signed_app, {"lang": "en"})
    again = _texts(session, small, signed_app, {"lang": "vi"})
    assert {fmt: t for fmt, t in again.items() if fmt != "pdf"} == {fmt: t for fmt, t in before.items() if fmt != "pdf"}
    for fmt, text in before.items():
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "Nơi nhận" in text, fmt
        assert "COMMUNIST PARTY" not in text and "Recipients" not in text, fmt


def test_outside_a_paper_everything_reads_as_vietnamese(signed_app):
    assert lang.locale() == "vi" and lang._("Nơi nhận:") == "Nơi nhận:"
    with lang.written_in(signed_app, "en"):
        assert lang.english() and lang._("Nơi nhận:") == "Recipients:"
        assert lang.share(0.583) == "58.3%"
    assert lang.asked({"lang": "en"}) == "en" and lang.asked({"lang": "fr"}) == "vi" and lang.asked(None) == "vi"


def test_an_english_page_prints_in_english(session, small, signed_app, tmp_path):
    """The first page of the English PDF, drawn by poppler (looked at while building)."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm not installed")
    built = reports.build(session, small, signed_app, "term-planning", {"lang": "en"}, ["pdf"])
    path = tmp_path / "report-en.pdf"
    path.write_bytes(built.files["pdf"])
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True, timeout=120)
    assert list(tmp_path.glob("page*.png"))


def test_the_report_form_read_in_english_makes_an_english_paper(app, session, small):
    """The language travels with the request: the job's params keep it, the file is English."""
    from sqlmodel import select

    from quyhoach.db.models import Job
    from quyhoach.web.forms.reports import FIELDS as F

    client = app.test_client()
    answer = client.post("/bao-cao/tao?lang=en", data={F["kind"]: "term-planning", F["formats"]: ["docx"]})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    job = session.exec(select(Job).where(Job.kind == "report")).one()
    assert job.payload["params"]["lang"] == "en"
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    links = [part.split('"', 1)[0] for part in page.split('href="')[1:] if part.startswith("/bao-cao/tai/")]
    text = TEXT_OF["docx"](client.get(links[0]).data)
    assert "COMMUNIST PARTY OF VIETNAM" in text and "I. OVERVIEW" in text and "Nơi nhận" not in text


DECISION_WORDS = ["PHƯƠNG ÁN", "Phương án", "lượt điều động", "Nghị quyết số", "Quy định áp dụng", "Thiết lập",
                  "CƠ CẤU TRƯỚC VÀ SAU", "Cơ cấu trước và sau", "KẾT LUẬN", "Kết luận", "PHỤ LỤC", "Phụ lục",
                  "Lý do", "Hình thức", "Từ vị trí", "Đến vị trí", "Chỉ tiêu", "chuỗi", "Nơi nhận", "ĐẢNG CỘNG SẢN",
                  "Nội dung", "Áp dụng", "bắt buộc", "khuyến khích", "tháng", "Trước", "Sau"]


def test_the_decision_report_asked_in_english_is_written_in_english(session, engine, small, inline_runner,
                                                                     signed_app):
    from quyhoach.services.planning import world as world_service
    from tests.reports.test_decision import solved_scenario

    made = solved_scenario(engine, inline_runner)
    world = world_service.build(session)
    params = {"scenario": str(made["scenario"]), "lang": "en"}
    built = reports.build(session, world, signed_app, "scenario-decision", params, reports.FORMATS)
    assert not built.errors
    for fmt, data in built.files.items():
        text = TEXT_OF[fmt](data)
        left = [w for w in DECISION_WORDS if w in text.replace("Luân chuyển cuối năm 2026", "")]   # its name is data
        assert not left, (fmt, left)
        assert "Resolution No. 15-NQ/TU of 01/12/2026" in text, fmt
        assert "COMMUNIST PARTY OF VIETNAM" in text and "REPORT" in text, fmt
    docx = TEXT_OF["docx"](built.files["docx"])
    assert "I. THE ADOPTED PLAN" in docx and "ANNEX 1: THE MOVES" in docx and "Reason" in docx


PROCEDURE_WORDS = ["TỜ TRÌNH", "BIÊN BẢN", "QUYẾT ĐỊNH", "Kính gửi", "Căn cứ", "kính trình", "Điều 1", "đồng chí",
                   "Họ và tên", "Kết quả", "Nơi nhận", "THƯ KÝ", "Hội nghị", "DANH SÁCH", "Chức danh", "Đạt"]


@pytest.mark.parametrize("kind", ["pool-submission", "pool-minutes", "pool-decision"])
def test_the_procedure_papers_asked_in_english_are_written_in_english(session, balloted, signed_app, kind):  # noqa: F811
    world, _members = balloted
    built = reports.build(session, world, signed_app, kind, {"pool": 1, "lang": "en"}, ["docx", "pdf"])
    assert not built.errors
    for fmt, data in built.files.items():
        text = TEXT_OF[fmt](data)
        left = [w for w in PROCEDURE_WORDS if w in text]
        assert not left, (kind, fmt, left)
        assert "COMMUNIST PARTY OF VIETNAM" in text, (kind, fmt)


def test_the_evaluation_analytics_paper_asked_in_english_is_written_in_english(session, small, signed_app):
    built = reports.build(session, small, signed_app, "evaluations", {"lang": "en"}, reports.FORMATS)
    assert not built.errors
    for fmt, data in built.files.items():
        text = TEXT_OF[fmt](data)
        left = [w for w in ("Kết luận", "KẾT QUẢ PHÂN TÍCH", "Căn cứ", "báo cáo", "Đề xuất", "HTXSNV", "Nơi nhận",
                            "Cơ quan, đơn vị", "toàn tỉnh") if w in text]
        assert not left, (fmt, left)
        assert "COMMUNIST PARTY OF VIETNAM" in text, fmt
    assert "FINDINGS" in TEXT_OF["docx"](built.files["docx"])


def test_the_command_line_writes_a_paper_in_english_when_asked(app, session, balloted, tmp_path):  # noqa: F811
    cli = app.test_cli_runner()
    out = tmp_path / "minutes.docx"
    result = cli.invoke(args=["report", "--lang", "en", "pool", "bien-ban", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = TEXT_OF["docx"](out.read_bytes())
    assert "MINUTES" in text and "BIÊN BẢN" not in text
    result = cli.invoke(args=["report", "pool", "bien-ban", "1", "--out", str(out)])
    assert result.exit_code == 0 and "BIÊN BẢN" in TEXT_OF["docx"](out.read_bytes())
