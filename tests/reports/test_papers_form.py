"""What the officer sets before a paper is issued, kept and offered again: the signing date
of the resolution that adopted a plan (cited "Nghị quyết số … ngày …"), the procedure papers
from the Báo cáo form and the command line, and the term-planning report's texts pre-filled
with what was written the last time the report of that unit and term was made."""

from __future__ import annotations

import datetime as dt
import html
import io

import pytest
from docx import Document
from sqlmodel import Session, select

from quyhoach.db.models import Adoption, Scenario, SolveRun
from quyhoach.reports import decision, gather
from quyhoach.services import rotation
from quyhoach.services.planning import world as world_service
from quyhoach.web.forms.reports import FIELDS as F
from tests.reports.test_decision import DATE, DECISION, solved_scenario
from tests.reports.test_procedure import balloted  # noqa: F401  (fixture)

SIGNED = dt.date(2026, 11, 20)


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _done_job_files(client, answer) -> dict[str, str]:
    """The download links of the report job a POST /bao-cao/tao started (run inline)."""
    assert answer.status_code == 302, answer.get_data(as_text=True)
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Đã xong" in page, page
    links = [part.split('"', 1)[0] for part in page.split('href="')[1:] if part.startswith("/bao-cao/tai/")]
    return {link.rsplit("/", 1)[1]: link for link in links}


# --------------------------------------------------------------------------- the resolution's date

def test_the_decision_report_cites_the_day_the_resolution_was_signed(app, session, engine, small, inline_runner):
    made = solved_scenario(engine, inline_runner, adopt=False)
    client = app.test_client()
    url = f"/luan-chuyen/run/{made['runs'][0]}/thong-qua"
    form = {"so_qd": DECISION, "ngay": "01/12/2026", "ghi_chu": ""}
    # signed after it takes effect, or not a date: refused, saying which field and why
    late = client.post(url, data={**form, "ngay_ky": "02/12/2026"}, headers={"HX-Request": "true"})
    assert late.status_code == 422
    assert "ngày ký nghị quyết (02/12/2026) sau ngày hiệu lực (01/12/2026)" in html.unescape(late.get_data(as_text=True))
    wrong = client.post(url, data={**form, "ngay_ky": "31/02/2026"}, headers={"HX-Request": "true"})
    assert wrong.status_code == 422
    assert "«Ngày ký nghị quyết» phải có dạng dd/mm/yyyy" in html.unescape(wrong.get_data(as_text=True))
    assert session.exec(select(Adoption)).first() is None
    # the form offers the field, empty: the effective date stands for it
    assert 'name="ngay_ky"' in client.get(f"/luan-chuyen/run/{made['runs'][0]}").get_data(as_text=True)
    assert client.post(url, data={**form, "ngay_ky": "20/11/2026"}).status_code == 303
    session.expire_all()
    adoption = session.exec(select(Adoption)).one()
    assert (adoption.signed_on, adoption.adopted_on) == (SIGNED, DATE)
    report = decision.scenario_decision(session, world_service.build(session), made["scenario"])
    assert report.resolution == f"Nghị quyết số {DECISION} ngày 20/11/2026"
    from quyhoach.reports import docx_builder

    text = _docx_text(docx_builder.scenario_decision(report))
    assert f"Ban Thường vụ Tỉnh ủy đã thông qua phương án tại Nghị quyết số {DECISION} ngày 20/11/2026, hiệu lực " \
           f"từ ngày 01/12/2026." in text
    assert f"Thực hiện Nghị quyết số {DECISION} ngày 20/11/2026" in text


def test_the_signing_date_defaults_to_the_effective_date_and_never_follows_it(engine, small, inline_runner):
    made = solved_scenario(engine, inline_runner, adopt=False)
    with Session(engine, expire_on_commit=False) as session:
        scenario, run = session.get(Scenario, made["scenario"]), session.get(SolveRun, made["runs"][0])
        with pytest.raises(rotation.ScenarioError, match="sau ngày hiệu lực"):
            rotation.adopt(session, scenario, run, decision_no=DECISION, on=DATE, signed_on=DATE + dt.timedelta(days=1))
        session.rollback()
        scenario, run = session.get(Scenario, made["scenario"]), session.get(SolveRun, made["runs"][0])
        adoption = rotation.adopt(session, scenario, run, decision_no=DECISION, on=DATE)
        session.commit()
        assert adoption.signed_on == DATE


# --------------------------------------------------------------------------- the procedure papers

def test_the_report_form_offers_every_pool_and_makes_its_procedure_papers(app, session, small):
    client = app.test_client()
    page = client.get("/bao-cao/").get_data(as_text=True)
    assert 'id="procedure-panel"' in page and f'name="{F["pool"]}"' in page
    title = small.pools[1].facts.title
    assert f'<option value="1">{html.escape(title.name)}' in page
    picker = page.split(f'name="{F["pool"]}"', 1)[1].split("</select>", 1)[0]
    assert picker.count("<option value=") == len(small.pools)               # every pool, each once
    files = _done_job_files(client, client.post("/bao-cao/tao", data={F["kind"]: "pool-submission", F["pool"]: "1",
                                                                      F["number"]: "14", F["formats"]: ["docx"]}))
    assert set(files) == {"docx"}
    text = _docx_text(client.get(files["docx"]).data)
    assert "TỜ TRÌNH" in text and "Số 14-TTr/BTCTU" in text and title.name in text
    files = _done_job_files(client, client.post("/bao-cao/tao", data={F["kind"]: "pool-decision", F["pool"]: "1"}))
    assert set(files) == {"docx", "pdf"} or set(files) == {"docx"}      # no PDF where Pango is missing
    assert "QUYẾT ĐỊNH" in _docx_text(client.get(files["docx"]).data)
    # the past reports name the paper by its title, not by a number
    assert f"{title.name}" in client.get("/bao-cao/").get_data(as_text=True).split("Các báo cáo đã tạo", 1)[1]


def test_a_paper_that_cannot_be_made_is_refused_before_any_work(app, small):
    client = app.test_client()
    hx = {"HX-Request": "true"}
    minutes = client.post("/bao-cao/tao", data={F["kind"]: "pool-minutes", F["pool"]: "1"}, headers=hx)
    assert minutes.status_code == 422 and "chưa có kết quả lấy phiếu" in minutes.get_data(as_text=True)
    missing = client.post("/bao-cao/tao", data={F["kind"]: "pool-submission", F["pool"]: "999"}, headers=hx)
    assert missing.status_code == 422 and "không có danh sách quy hoạch số 999" in missing.get_data(as_text=True)
    blank = client.post("/bao-cao/tao", data={F["kind"]: "pool-decision"}, headers=hx)
    assert blank.status_code == 422 and "chưa chọn danh sách quy hoạch" in blank.get_data(as_text=True)


def test_the_command_line_makes_a_pools_papers_by_id_or_by_title(app, session, balloted, tmp_path):  # noqa: F811
    cli = app.test_cli_runner()
    out = tmp_path / "bien-ban.docx"
    result = cli.invoke(args=["report", "pool", "bien-ban", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _docx_text(out.read_bytes()).count("BIÊN BẢN") == 2
    world, _ = balloted
    pool = world.pools[1].facts
    out = tmp_path / "to-trinh.docx"
    result = cli.invoke(args=["report", "pool", "to-trinh", "--title", pool.title.code, "--term", pool.term.code,
                              "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "TỜ TRÌNH" in _docx_text(out.read_bytes())
    unknown = cli.invoke(args=["report", "pool", "quyet-dinh", "--title", "KHONG-CO", "--term", pool.term.code])
    assert unknown.exit_code != 0 and "không có danh sách quy hoạch của chức danh mã «KHONG-CO»" in unknown.output
    both = cli.invoke(args=["report", "pool", "quyet-dinh", "1", "--title", pool.title.code])
    assert both.exit_code != 0


# --------------------------------------------------------------------------- the texts written last time

def test_the_texts_written_last_time_are_offered_again_for_that_unit_and_term(app, small):
    client = app.test_client()
    term = gather.resolve_term(small)
    with_pools = list(dict.fromkeys(r.facts.title.unit_id for r in small.pools.values() if r.facts.term.code == term))
    unit, other = small.units[with_pools[0]], small.units[with_pools[1]]

    def texts_on(query: str) -> str:
        page = client.get(f"/bao-cao/{query}").get_data(as_text=True)
        return html.unescape(page.split('id="paper-texts"', 1)[1].split("</details>", 1)[0])

    assert "Đánh giá riêng" not in texts_on(f"?{F['unit']}={unit.code}")
    first = {F["kind"]: "term-planning", F["unit"]: unit.code, F["term"]: term, F["formats"]: ["xlsx"],
             F["assessment"]: "Đánh giá riêng của đơn vị: “đạt yêu cầu”.", F["direction"]: "Phương hướng riêng.",
             F["proposals"]: ""}
    assert client.post("/bao-cao/tao", data=first).status_code == 302
    again = texts_on(f"?{F['unit']}={unit.code}&{F['term']}={term}")
    assert "Đánh giá riêng của đơn vị: “đạt yêu cầu”." in again and "Phương hướng riêng." in again
    assert "<details open>" in again                  # shown, not folded away
    # another unit, the whole province: their own (none yet)
    assert "Đánh giá riêng" not in texts_on(f"?{F['unit']}={other.code}&{F['term']}={term}")
    assert "Đánh giá riêng" not in texts_on(f"?{F['unit']}=&{F['term']}={term}")
    # made again with other words: the newest are offered
    assert client.post("/bao-cao/tao", data={**first, F["assessment"]: "Đánh giá lần hai."}).status_code == 302
    assert "Đánh giá lần hai." in texts_on(f"?{F['unit']}={unit.code}&{F['term']}={term}")
    # the report's page reads them too
    page = html.unescape(client.get(f"/bao-cao/quy-hoach?{F['unit']}={unit.code}").get_data(as_text=True))
    assert "Đánh giá lần hai." in page and "Phương hướng riêng." in page


# --------------------------------------------------------------------------- printed in black

def _colours(svg: str) -> set[str]:
    import re

    return {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b", svg)}


def _grey(colour: str) -> bool:
    digits = colour[1:]
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    r, g, b = (int(digits[i:i + 2], 16) for i in (0, 2, 4))
    return max(r, g, b) - min(r, g, b) <= 8


def test_the_charts_and_the_graph_print_in_black_and_greys(session, small, app):
    """Red, green or blue turn grey on an office printer: what tells a bar or a box apart is
    its grey, its hatch or its words, and every word is black."""
    from quyhoach.reports import charts
    from tests.reports.test_decision import _many_chains_svg

    report = gather.term_planning(session, small)
    drawn = [report.charts[k].svg for k in ("gauges", "pyramid", "ratings")]
    with app.test_request_context("/?lang=vi"):
        drawn.append(charts.rotation_graph(_many_chains_svg(), "Sơ đồ").svg)
    for svg in drawn:
        assert svg and all(_grey(c) for c in _colours(svg)), sorted(c for c in _colours(svg) if not _grey(c))
    assert "Chưa đạt" in drawn[0] or "Đạt" in drawn[0]


def test_a_title_stays_with_what_it_heads_in_the_docx(session, small):
    from quyhoach.reports import docx_builder

    doc = Document(io.BytesIO(docx_builder.term_planning(gather.term_planning(session, small))))
    titles = [p for p in doc.paragraphs if p.text[:3] in ("I. ", "II.", "III", "IV.", "V. ", "VI.") and p.runs
              and p.runs[0].bold]
    assert len(titles) >= 5 and all(p.paragraph_format.keep_with_next for p in titles)
