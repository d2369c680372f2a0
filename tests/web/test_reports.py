"""Báo cáo and Đánh giá through the web: a report made in the background (submit, the
partial polls itself while queued, then offers the files), the report pages, the analytics
page with links to its evidence. Jobs run inline (or held, then run), never on a thread."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from quyhoach.services.records import demo
from quyhoach.web.forms.reports import FIELDS as F

HX = {"HX-Request": "true"}


@pytest.fixture
def small(session):
    assert demo.load(session, demo.SMALL).ok
    session.commit()


def test_a_report_job_from_submit_to_download(client, small, app_held_runner):
    answer = client.post("/bao-cao/tao", data={F["kind"]: "term-planning", F["formats"]: ["docx", "xlsx"]},
                         headers=HX)
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert 'id="job"' in page and 'hx-trigger="every 1s"' in page   # queued: the partial polls itself
    job_url = page.split('hx-get="', 1)[1].split('"', 1)[0]
    assert 'hx-trigger="every 1s"' in client.get(job_url, headers=HX).get_data(as_text=True)
    assert len(app_held_runner.run_all()) == 1       # the job was handed over once, after the commit
    done = client.get(job_url, headers=HX).get_data(as_text=True)
    assert 'hx-trigger="every 1s"' not in done
    assert "Đã xong" in done and "/bao-cao/tai/" in done
    links = [part.split('"', 1)[0] for part in done.split('href="')[1:] if part.startswith("/bao-cao/tai/")]
    assert {link.rsplit("/", 1)[1] for link in links} == {"docx", "xlsx"}
    docx = client.get(next(link for link in links if link.endswith("/docx")))
    assert docx.status_code == 200 and "attachment" in docx.headers["Content-Disposition"]
    doc = Document(io.BytesIO(docx.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO" in text and "ĐẢNG CỘNG SẢN VIỆT NAM" in doc.tables[0].rows[0].cells[1].text
    xlsx = client.get(next(link for link in links if link.endswith("/xlsx")))
    assert load_workbook(io.BytesIO(xlsx.data))["Danh sách trích ngang"].freeze_panes == "A2"
    # the past reports list it with its downloads
    index = client.get("/bao-cao/").get_data(as_text=True)
    assert "Các báo cáo đã tạo" in index and links[0] in index


def test_a_report_for_an_unknown_unit_is_refused_in_place(client, small):
    answer = client.post("/bao-cao/tao", data={F["kind"]: "term-planning", F["unit"]: "KHONG-CO"},
                         headers={"HX-Request": "true"})
    assert answer.status_code == 422 and "không có đơn vị mã «KHONG-CO»" in answer.get_data(as_text=True)


def test_the_report_pages_and_the_nav(client, small):
    page = client.get("/bao-cao/quy-hoach").get_data(as_text=True)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in page and "Phụ lục 3: danh sách trích ngang" in page.replace("PHỤ LỤC", "Phụ lục")
    assert page.count("<svg") >= 3 and 'href="/bao-cao/"' in page and 'href="/danh-gia/"' in page
    from quyhoach.db.models import Cadre
    from sqlmodel import Session, select

    code = client.application.extensions["quyhoach.engine"]
    with Session(code) as s:
        cadre = s.exec(select(Cadre)).first()
    dossier = client.get(f"/bao-cao/ho-so/{cadre.code}").get_data(as_text=True)
    assert cadre.full_name.upper() in dossier and "Kết quả đánh giá, xếp loại" in dossier
    word = client.get(f"/bao-cao/ho-so/{cadre.code}.docx")
    assert word.status_code == 200 and word.data[:2] == b"PK"


def test_the_evaluations_page_links_each_flag_to_its_evidence(client, session):
    from tests.builders import make_cadre, make_discipline, make_evaluation, make_unit
    import datetime as dt

    unit = make_unit(session, "Sở Tài chính", code="SO-TC")
    cadre = make_cadre(session, "Quàng Văn Chiến", unit=unit, code="CB-QVC")
    make_evaluation(session, cadre, 2024, rating="excellent", unit=unit)
    make_discipline(session, cadre, decision_date=dt.date(2024, 6, 1))
    session.commit()
    page = client.get("/danh-gia/").get_data(as_text=True)
    assert "Quàng Văn Chiến" in page and "/can-bo/CB-QVC#danh-gia" in page
    assert "/danh-gia/don-vi/SO-TC?nam=2024" in page
    evidence = client.get("/danh-gia/don-vi/SO-TC?nam=2024").get_data(as_text=True)
    assert "Quàng Văn Chiến" in evidence and "row-bad" in evidence
    partial = client.get("/danh-gia/?don_vi=SO-TC", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert partial.lstrip().startswith('<section id="analytics"')
    export = client.get("/danh-gia/xuat.xlsx")
    book = load_workbook(io.BytesIO(export.data))
    assert book["Xếp loại năm bị kỷ luật"]["A2"].value == "Quàng Văn Chiến"   # names, not codes, for officials


def test_the_evaluations_page_pages_the_e4_table_and_shortens_its_lists(client, small, monkeypatch):
    """At 30,000 cadres the page was 1.2 MB: the E4 table shows E4_ROWS units a page (worst
    first, htmx swaps the table only), and the cadre lists the first LISTED, pointing to the
    Excel file that has them all."""
    import re

    from quyhoach.web import evaluations as evaluations_web

    def listed(html: str) -> list[str]:
        table = html.split('<div id="e4-table">')[1].split("</table>")[0]
        return re.findall(r'<tr><td><a href="/danh-gia/don-vi/([^"]+)">', table)

    units = listed(client.get("/danh-gia/").get_data(as_text=True))
    assert len(units) >= 3
    monkeypatch.setattr(evaluations_web, "E4_ROWS", 2)
    monkeypatch.setattr(evaluations_web, "LISTED", 0)     # the small province has one or two of each
    page = client.get("/danh-gia/").get_data(as_text=True)
    pages = -(-len(units) // 2)
    assert f"Trang 1/{pages}" in page
    assert "Hiện 0 trên" in page and "/danh-gia/xuat.xlsx" in page
    seen = []
    for number in range(1, pages + 1):
        part = client.get(f"/danh-gia/?trang={number}&phan=e4", headers=HX).get_data(as_text=True)
        assert part.lstrip().startswith('<div id="e4-table">')
        seen += listed(part)
    assert seen == units           # every unit once, in the table's order


# --------------------------------------------------------------------------- the scenario decision report

def test_a_decision_report_from_the_bao_cao_page_to_download(client, small, engine, inline_runner):
    from tests.reports.test_decision import DECISION, solved_scenario

    made = solved_scenario(engine, inline_runner)
    index = client.get("/bao-cao/").get_data(as_text=True)
    assert f'name="{F["scenario"]}"' in index and f'<option value="{made["scenario"]}">' in index
    assert f"đã thông qua ({DECISION})" in index and "dự thảo" in index      # the copy is not adopted
    answer = client.post("/bao-cao/tao", data={F["kind"]: "scenario-decision", F["scenario"]: made["scenario"],
                                               F["formats"]: ["docx", "xlsx"]}, headers={"HX-Request": "true"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    page = answer.get_data(as_text=True)
    assert "Báo cáo quyết định phương án luân chuyển — «Luân chuyển cuối năm 2026»" in page
    done = page                                       # made inline, in the request
    assert "Đã xong" in done and 'hx-trigger="every 1s"' not in done, done
    links = [part.split('"', 1)[0] for part in done.split('href="')[1:] if part.startswith("/bao-cao/tai/")]
    docx = client.get(next(link for link in links if link.endswith("/docx")))
    assert docx.status_code == 200 and "bao-cao-quyet-dinh-phuong-an-" in docx.headers["Content-Disposition"]
    doc = Document(io.BytesIO(docx.data))
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert DECISION in cells and made["plan"]["moves"][0]["reasons"][0] in cells
    book = load_workbook(io.BytesIO(client.get(next(link for link in links if link.endswith("/xlsx"))).data))
    assert book["Các lượt điều động"].max_row == 1 + len(made["plan"]["moves"])


def test_the_decision_report_page_and_its_links_from_the_scenario_pages(client, small, engine, inline_runner):
    from tests.reports.test_decision import DECISION, solved_scenario

    made = solved_scenario(engine, inline_runner)
    url = f"/bao-cao/quyet-dinh?phuong_an={made['scenario']}"
    page = client.get(url).get_data(as_text=True)
    assert DECISION in page and "ĐẢNG CỘNG SẢN VIỆT NAM" in page and 'id="decision-graph"' in page
    for chain in made["plan"]["chains"]:
        assert chain["text"].split(":")[0] in page
    assert f'name="{F["kind"]}" value="scenario-decision"' in page          # the files are made by the report job
    scenario_page = client.get(f"/luan-chuyen/{made['scenario']}").get_data(as_text=True)
    assert f'href="{url}"' in scenario_page and "Báo cáo quyết định" in scenario_page
    adopted_run = client.get(f"/luan-chuyen/run/{made['runs'][0]}").get_data(as_text=True)
    assert f'href="{url}&amp;lan_giai={made["runs"][0]}"' in adopted_run
    other_run = client.get(f"/luan-chuyen/run/{made['runs'][1]}").get_data(as_text=True)
    assert "/bao-cao/quyet-dinh" not in other_run        # not the adopted plan: no report of it
    # a draft of the copy, from its run page
    copy_run = client.get(f"/luan-chuyen/run/{made['runs'][2]}").get_data(as_text=True)
    link = f"/bao-cao/quyet-dinh?phuong_an={made['copy']}&lan_giai={made['runs'][2]}"
    assert f'href="{link.replace("&", "&amp;")}"' in copy_run
    draft = client.get(link).get_data(as_text=True)
    assert "DỰ THẢO" in draft and "TỜ TRÌNH" in draft
    assert client.get(f"/bao-cao/quyet-dinh?phuong_an={made['scenario']}&lan_giai={made['runs'][1]}").status_code == 404
    assert client.get("/bao-cao/quyet-dinh?phuong_an=999").status_code == 404
    refused = client.post("/bao-cao/tao", data={F["kind"]: "scenario-decision", F["scenario"]: "999"},
                          headers={"HX-Request": "true"})
    assert refused.status_code == 422 and "không có phương án số 999" in refused.get_data(as_text=True)


def test_a_new_report_kind_is_one_registry_entry(client, small, monkeypatch):
    """A kind added to the registry is made from the Báo cáo form, by the job, with no change
    to the web layer."""
    from quyhoach import reports
    from quyhoach.reports.registry import ReportKind

    def gather(session, world, app, params, progress):
        built = reports.Built("unit-card", "Thẻ đơn vị", f"the-don-vi-{reports.slug(params['unit'])}")
        return built, {"xlsx": lambda: b"PK-unit-card"}

    kind = ReportKind("unit-card", "Thẻ đơn vị", ("unit",), ("xlsx",), gather)
    monkeypatch.setitem(reports.REPORT_KINDS, "unit-card", kind)
    answer = client.post("/bao-cao/tao", data={F["kind"]: "unit-card", F["unit"]: "SO-TC", F["cadre"]: "bỏ qua"}, headers=HX)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Đã xong" in page, page
    link = next(part.split('"', 1)[0] for part in page.split('href="')[1:] if part.startswith("/bao-cao/tai/"))
    download = client.get(link)
    assert download.data == b"PK-unit-card" and "the-don-vi-so-tc.xlsx" in download.headers["Content-Disposition"]


def test_the_report_request_keeps_what_its_kind_needs_and_makes():
    from pydantic import ValidationError
    from werkzeug.datastructures import MultiDict

    from quyhoach.web.forms.reports import CODE_MAX, ReportRequest, UnknownKind

    asked = ReportRequest.from_form(MultiDict([(F["kind"], "dossier"), (F["cadre"], " CB1 "), (F["unit"], "SO-TC"),
                                               (F["formats"], "xlsx"), (F["formats"], "pdf")]))
    assert asked.params() == {"cadre": "CB1"} and asked.formats == ("pdf",)     # no XLSX dossier
    assert ReportRequest.from_form(MultiDict({F["kind"]: "evaluations"})).formats == ("docx", "pdf", "xlsx")
    with pytest.raises(UnknownKind):
        ReportRequest.from_form(MultiDict({F["kind"]: "khong-co"}))
    with pytest.raises(ValidationError):
        ReportRequest.from_form(MultiDict({F["kind"]: "evaluations", F["unit"]: "X" * (CODE_MAX + 1)}))
