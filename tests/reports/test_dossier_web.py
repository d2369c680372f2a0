"""The dossier on screen as it prints (issue 13): the report page is the 2C paper of the PDF
(its sections, the cadre's data, the timeline attachment), the cadre's page lists the 2C
fields that are filled, and the timeline chart reads in black and white, in words."""

from __future__ import annotations

import html
import re

from sqlmodel import Session

from quyhoach.domain import vocab
from quyhoach.reports import charts, dossier_2c
from quyhoach.services.planning import world as world_service
from tests.reports.test_dossier_2c import FAMILY, FULL_2C, SALARY, SELF, _first_cadre, _saved
from tests.reports.test_documents import TEXT_OF, _flat, internal_codes


def _text(page: str) -> str:
    """What the page shows, tags dropped, spaces collapsed (as the PDF's text is read)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _between(page: str, start: str, end: str) -> str:
    at = page.index(start)
    return page[at:page.index(end, at)]


def test_the_web_preview_is_the_2c_paper_the_pdf_prints(session, small, app, client, engine):
    cadre = _first_cadre(session)
    _saved(client, engine, cadre, **FULL_2C)
    page = client.get(f"/bao-cao/ho-so/{cadre.code}").get_data(as_text=True)
    assert f'href="/bao-cao/ho-so/{cadre.code}.docx"' in page and f'href="/bao-cao/ho-so/{cadre.code}.pdf"' in page
    paper = _between(page, '<article class="report form-2c">', "</article>")
    shown = _text(paper)
    with Session(engine) as fresh:
        world_service.clear_cache()
        form = dossier_2c.gather(fresh, world_service.build(fresh), cadre.code)
        printed = TEXT_OF["pdf"](dossier_2c.pdf(app, form))
        codes = internal_codes(fresh, shown)
    # the form's items 1)-26) with the cadre's data, word for word as the PDF prints them
    for label, value in form.items:
        line = " ".join(f"{label}: {value or dossier_2c.BLANK}".split())
        assert line in shown and _flat(line) in printed, line
    # then its sections, in the PDF's order, and the attachment after the signatures
    sections = ("SƠ YẾU LÝ LỊCH CÁN BỘ, CÔNG CHỨC", "27) ĐÀO TẠO, BỒI DƯỠNG", "28) TÓM TẮT QUÁ TRÌNH CÔNG TÁC",
                "29) ĐẶC ĐIỂM LỊCH SỬ BẢN THÂN", "30) QUAN HỆ GIA ĐÌNH", "b) Về bên vợ (hoặc chồng)",
                "31) HOÀN CẢNH KINH TẾ GIA ĐÌNH", "Quá trình lương của bản thân", "TỰ NHẬN XÉT", "32) NHẬN XÉT, ĐÁNH GIÁ",
                "Người khai", "PHỤ LỤC: QUÁ TRÌNH ĐÁNH GIÁ, XẾP LOẠI", "1. Kết quả đánh giá, xếp loại hằng năm",
                "3. Lấy phiếu tín nhiệm", "4. Quy hoạch")
    assert [shown.index(s) for s in sections] == sorted(shown.index(s) for s in sections)
    assert [printed.index(_flat(s)) for s in sections] == sorted(printed.index(_flat(s)) for s in sections)
    for words in ("Lò Văn Pọm", "Quàng Văn Chiến", "Chuyên viên, bậc 8", SELF, "Học viện Chính trị quốc gia Hồ Chí Minh"):
        assert words in shown, words
    assert paper.count("<svg") == 1                       # the timeline chart of the attachment
    assert "I. Thông tin chung" not in page               # the old record view is gone
    assert cadre.code not in shown and codes == []


def test_the_cadre_page_lists_the_filled_2c_fields_only(session, small, client, engine):
    cadre = _first_cadre(session)
    _saved(client, engine, cadre, residence="Tổ 5, phường Mường Thanh", recruited_on="01/09/2000",
           salary_coefficient="4,98", salary_step="3", family=FAMILY, self_assessment=SELF + "\nSẽ học thêm tiếng Anh.",
           salary_history=SALARY)
    page = client.get(f"/can-bo/{cadre.code}").get_data(as_text=True)
    section = _between(page, '<details id="mau-2c"', "</details>")
    assert "Sơ yếu lý lịch (mẫu 2C)" in section and f'href="/bao-cao/ho-so/{cadre.code}"' in section
    fields = dict(re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", section, re.S))
    assert list(fields) == ["Nơi ở hiện nay", "Ngày được tuyển dụng", "Bậc lương", "Hệ số lương", "Quan hệ gia đình",
                            "Quá trình lương", "Tự nhận xét"]     # the filled ones, in the form's order
    assert _text(fields["Nơi ở hiện nay"]) == "Tổ 5, phường Mường Thanh"
    assert _text(fields["Ngày được tuyển dụng"]) == "01/09/2000" and _text(fields["Hệ số lương"]) == "4,98"
    family = fields["Quan hệ gia đình"]                 # a list: a table under the printed form's headers
    assert "<th>Mối quan hệ</th>" in family and "<td>Lò Văn Pọm</td>" in family and "<td>1950</td>" in family
    assert family.count("<tr>") == 1 + len(FAMILY.splitlines())
    assert "<td>01/2021</td>" in fields["Quá trình lương"] and "<td>4.65</td>" not in fields["Quá trình lương"]
    assert re.findall(r"<li>(.*?)</li>", fields["Tự nhận xét"]) == [SELF, "Sẽ học thêm tiếng Anh."]


def test_a_cadre_with_no_2c_field_filled_shows_none(session, small, client):
    cadre = _first_cadre(session)
    assert dossier_2c.filled(cadre) == []
    section = _between(client.get(f"/can-bo/{cadre.code}").get_data(as_text=True), '<details id="mau-2c"', "</details>")
    assert "<dt>" not in section and "Chưa khai các mục khác của mẫu 2C" in section
    assert f'href="/bao-cao/ho-so/{cadre.code}"' in section


def test_the_timeline_chart_prints_in_black_and_white_in_words_at_8_pt_or_more():
    years = [(2020, "good", None), (2021, "complete", None), (2022, "fail", 60.0), (2023, "good", 88.5),
             (2024, "excellent", 95.0)]
    for months, month_year in (([(m, 80.0 + m if m < 10 else None) for m in range(1, 13)], 2024), ([], None)):
        chart = charts.cadre_timeline(years, months, month_year, "Lò Thị Hoa")
        for code in ("excellent", "good", "complete", "fail"):
            assert vocab.RATING_SHORT[code] not in chart.svg, code          # no HTXSNV, HTTNV, HTNV, KHTNV
        for line in ("Hoàn thành xuất", "sắc nhiệm vụ", "Không hoàn", "thành nhiệm vụ"):   # the words, on two lines
            assert line in chart.svg, line
        if month_year:
            assert "Từ 90 điểm: hoàn thành xuất sắc nhiệm vụ" in chart.svg and "Tháng" in chart.svg
        # every colour a grey: red and pink would turn grey on the office printer anyway
        colours = set(re.findall(r"#([0-9a-fA-F]{6})\b", chart.svg))
        assert colours and all(c[0:2] == c[2:4] == c[4:6] for c in (c.lower() for c in colours)), colours
        # the text at the width it prints (16 cm in the DOCX, 16.5 cm in the PDF): 8 pt or more
        width_pt = float(re.search(r'viewBox="0 0 ([\d.]+) ', chart.svg).group(1))
        sizes = [float(s) for s in re.findall(r"font-size: ?([\d.]+)px", chart.svg)]
        assert sizes and min(sizes) * 16.0 / 2.54 * 72 / width_pt >= 8, (min(sizes), width_pt)
