"""The scenario decision report (issue 6): a scenario of the small province solved in the
background, compared with another run and a copy, adopted; the report read back from each
generated file with its own library — the moves, the chain text, the decision number, and
the Vietnamese text intact (NFC)."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import unicodedata

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlmodel import Session

from quyhoach import reports
from quyhoach.db.models import Scenario, SolveRun
from quyhoach.reports import charts, decision, docx_builder, gather, pdf_builder, xlsx_builder
from quyhoach.services import rotation
from quyhoach.services.planning import world as world_service
from tests.support.jobs import wait_for_run

DATE = dt.date(2026, 12, 1)
DECISION = "15-NQ/TU"


def _nfc(text: str) -> bool:
    return unicodedata.normalize("NFC", text) == text


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def solved_scenario(engine, runner, *, adopt: bool = True) -> dict:
    """A scenario of the small province with two runs (the second with a heavy price on
    moves) and a copy with a higher women target, all solved (inline, as each commit queues
    them); the first run adopted."""
    with Session(engine, expire_on_commit=False) as session:
        scenario = rotation.create(session, name="Luân chuyển cuối năm 2026", rotation_date=DATE,
                                   settings=rotation.ScenarioSettings(time_limit=5))
        session.commit()
        first = rotation.start_solve(session, runner, scenario)
        session.commit()
        second = rotation.start_solve(session, runner, scenario, label="Ít xáo trộn",
                                      override={"weights": {"fit": 1, "development": 1, "structure": 50, "moves": 200,
                                                            "baseline": 0}})
        session.commit()
        copy = rotation.copy(session, scenario, change={"targets": {"female": {"mode": "soft", "share": 0.4}}})
        session.commit()
        third = rotation.start_solve(session, runner, copy)
        session.commit()
    done = [wait_for_run(engine, r.id) for r in (first, second, third)]
    assert [r.status for r in done] == ["done"] * 3, [r.plan for r in done]
    if not done[0].plan.get("moves"):
        pytest.skip("the small province gives no move to report on")
    if adopt:
        with Session(engine, expire_on_commit=False) as session:
            rotation.adopt(session, session.get(Scenario, scenario.id), session.get(SolveRun, first.id),
                           decision_no=DECISION, on=DATE, note="Hội nghị Ban Thường vụ ngày 20/11/2026")
            session.commit()
    return {"scenario": scenario.id, "copy": copy.id, "runs": [r.id for r in done], "plan": done[0].plan}


@pytest.fixture
def adopted(engine, small, inline_runner):
    return solved_scenario(engine, inline_runner)


@pytest.fixture
def report(session, adopted):
    return decision.scenario_decision(session, world_service.build(session), adopted["scenario"])


def test_the_model_holds_the_adopted_plan_its_alternatives_moves_chains_and_structure(report, adopted):
    plan = adopted["plan"]
    assert report.adopted and not report.draft and report.decision_no == DECISION and report.adopted_on == DATE
    assert report.heading.kind == "BÁO CÁO" and "BC/BTCTU" in report.heading.number and not report.heading.draft
    assert report.run_id == adopted["runs"][0] and report.plan.chosen and report.plan.objective == plan["objective"]
    assert report.rule_set_code and report.rules[0] == ("Căn cứ", report.rule_set_name)   # cited by its legal basis
    assert [w for _, w, _ in report.weights] == [1, 1, 50, 5, 0]       # the weights it was solved under
    assert report.resolution == f"Nghị quyết số {DECISION} ngày {DATE:%d/%m/%Y}"
    # the alternatives: the other run of the scenario and the copy's run, with every named term
    assert [p.run_id for p in report.alternatives] == adopted["runs"][1:]
    assert [p.relation for p in report.alternatives] == ["Cách tính khác của phương án", "Bản sao"]
    assert {name for name, _ in report.term_names} == {t["name"] for t in plan["terms"]}
    for p in report.compared:
        assert sum(t.contribution for t in p.terms.values()) == p.objective
    assert report.alternatives[0].moves < report.plan.moves      # moves priced at 200 each
    assert report.alternatives[1].soft_short > report.plan.soft_short   # 40 % women is harder
    # the moves and chains are the plan's, the chains numbered as the graph numbers them
    assert sorted(m.cadre_code for m in report.moves) == sorted(m["cadre"] for m in plan["moves"])
    assert all(m.reasons and m.to_post and m.to_unit for m in report.moves)
    assert sorted(c.text for c in report.chains) == sorted(c["text"] for c in plan["chains"])
    svg = report.charts["graph"].svg
    for chain in report.chains:
        label = "Vòng" if chain.kind == "cycle" else "Chuỗi"
        assert f"{label} {chain.number}: {chain.moves} lượt" in svg
    assert report.charts["graph"].png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(report.targets) == len(plan["structure"])
    assert {r.attribute for r in report.levels} == {"female", "minority", "young"}
    for text in [*report.summary, *report.closing, *(m.cadre_name for m in report.moves), *(c.text for c in report.chains)]:
        assert _nfc(text), text


def test_docx_has_the_party_heading_the_decision_the_moves_and_the_chain_graph(report):
    doc = Document(io.BytesIO(docx_builder.scenario_decision(report)))
    parts = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells]
    text = "\n".join(parts)
    assert _nfc(text)
    for words in ("TỈNH ỦY NẬM KHAO", "BAN TỔ CHỨC", "ĐẢNG CỘNG SẢN VIỆT NAM", "BÁO CÁO", report.resolution,
                  "I. PHƯƠNG ÁN ĐƯỢC THÔNG QUA", "II. CÁC PHƯƠNG ÁN ĐÃ SO SÁNH", "III. CƠ CẤU TRƯỚC VÀ SAU PHƯƠNG ÁN",
                  "PHỤ LỤC 1: CÁC LƯỢT ĐIỀU ĐỘNG", "PHỤ LỤC 2: CHUỖI VỊ TRÍ TRỐNG VÀ VÒNG LUÂN CHUYỂN",
                  "PHỤ LỤC 3: CHỈ TIÊU CƠ CẤU CỦA TỪNG ĐƠN VỊ TRƯỚC VÀ SAU PHƯƠNG ÁN", "Nơi nhận:", "TRƯỞNG BAN",
                  report.heading.annex_ref):
        assert words in text, words
    assert "DỰ THẢO" not in text
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.sections[0].page_width < doc.sections[0].page_height
    assert doc.sections[-1].page_width > doc.sections[-1].page_height      # the annexes are landscape
    moves = next(t for t in doc.tables if t.rows[0].cells[0].text == "STT" and t.rows[0].cells[2].text == "Từ vị trí")
    assert len(moves.rows) == 1 + len(report.moves)
    for m, row in zip(report.moves, moves.rows[1:], strict=False):
        assert row.cells[1].text.startswith(m.cadre_name) and m.to_post in row.cells[3].text
        assert m.reasons[0] in row.cells[5].text
    for chain in report.chains:
        assert chain.text in text
    compared = next(t for t in doc.tables if t.rows[0].cells[1].text == "Phương án")
    assert len(compared.rows) == 1 + len(report.compared)
    assert len(doc.inline_shapes) == 1 + len(report.charts["graph"].pages)    # structure chart + graph


def test_pdf_prints_the_page_with_the_decision_moves_and_chains(app, report):
    if pdf_builder.unavailable():
        pytest.skip("WeasyPrint/Pango not installed")
    data = pdf_builder.scenario_decision(app, report)
    assert data[:5] == b"%PDF-"
    if not shutil.which("pdftotext"):
        return
    text = _flat(subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode())
    for words in ("ĐẢNG CỘNG SẢN VIỆT NAM", "BAN TỔ CHỨC", "BÁO CÁO", DECISION, "Nậm Khao",
                  "PHỤ LỤC 1: CÁC LƯỢT ĐIỀU ĐỘNG", "Nơi nhận:", "TRƯỞNG BAN"):
        assert words in text, words
    for m in report.moves:
        assert m.cadre_name in text
    for chain in report.chains:
        assert _flat(chain.text) in text, chain.text
    # the graph's words are text in the PDF too (the SVG, not a picture)
    assert "lượt điều động khép kín" in text or "Chuỗi 1: " in text


def test_xlsx_has_the_moves_chains_structure_and_comparison_sheets(report):
    book = load_workbook(io.BytesIO(xlsx_builder.scenario_decision(report)))
    assert book.sheetnames == ["Tổng hợp", "Các lượt điều động", "Chuỗi điều động", "Cơ cấu theo chỉ tiêu",
                               "Cơ cấu theo cấp", "So sánh phương án"]
    cover = "\n".join(str(c.value) for row in book["Tổng hợp"].iter_rows() for c in row if c.value)
    assert DECISION in cover and "BÁO CÁO" in cover and _nfc(cover)
    moves = book["Các lượt điều động"]
    assert moves.freeze_panes == "A2" and moves.auto_filter.ref.startswith("A1:")
    assert moves.max_row == 1 + len(report.moves)
    rows = list(moves.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == [m.cadre_name for m in report.moves] and all(_nfc(r[1]) for r in rows)
    assert [r[7] for r in rows] == [m.to_post for m in report.moves]
    chains = [r[3] for r in book["Chuỗi điều động"].iter_rows(min_row=2, values_only=True)]
    assert chains == [c.text for c in report.chains] and all(_nfc(c) for c in chains)
    assert book["Cơ cấu theo chỉ tiêu"].max_row == 1 + len(report.targets)
    compared = list(book["So sánh phương án"].iter_rows(min_row=2, values_only=True))
    assert len(compared) == len(report.compared) and compared[0][1].startswith(report.plan.scenario_name)
    assert "được thông qua" in compared[0][1] and ws_print_ready(book["So sánh phương án"])


def ws_print_ready(ws) -> bool:
    return (ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1 and ws.print_title_rows == "$1:$1"
            and "&P" in ws.oddFooter.center.text)


def test_a_scenario_not_adopted_is_a_draft_submission(session, engine, small, inline_runner):
    made = solved_scenario(engine, inline_runner, adopt=False)
    world = world_service.build(session)
    draft = decision.scenario_decision(session, world, made["scenario"])
    assert draft.draft and draft.heading.draft and draft.heading.kind == "TỜ TRÌNH" and "TTr/BTCTU" in draft.heading.number
    assert draft.run_id == made["runs"][1]        # the latest plan of the scenario
    assert draft.plan.relation == "Phương án đề nghị" and not draft.decision_no
    # that plan moves nobody (moves priced at 200): every document still says so plainly
    assert draft.moves == [] and draft.chains == [] and draft.charts["graph"].svg == ""
    empty = Document(io.BytesIO(docx_builder.scenario_decision(draft)))
    assert "Phương án không có lượt điều động nào." in "\n".join(p.text for p in empty.paragraphs)
    book = load_workbook(io.BytesIO(xlsx_builder.scenario_decision(draft)))
    assert book["Các lượt điều động"].max_row == 1
    chosen = decision.scenario_decision(session, world, made["scenario"], made["runs"][0])
    assert chosen.run_id == made["runs"][0]
    doc = Document(io.BytesIO(docx_builder.scenario_decision(chosen)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "DỰ THẢO" in text and "TỜ TRÌNH" in text and "Kính gửi: Ban Thường vụ Tỉnh ủy" in text
    # the copy reports on its own plan, and compares with nothing else
    copy = decision.scenario_decision(session, world, made["copy"])
    assert copy.run_id == made["runs"][2] and copy.alternatives == []


def test_build_is_the_one_entry_and_refuses_what_cannot_be_reported(session, app, engine, small, inline_runner):
    made = solved_scenario(engine, inline_runner)
    world = world_service.build(session)
    built = reports.build(session, world, app, "scenario-decision", {"scenario": str(made["scenario"])},
                          reports.FORMATS)
    assert set(built.files) | set(built.errors) == {"docx", "pdf", "xlsx"}
    assert built.counts["moves"] == len(made["plan"]["moves"]) and built.counts["alternatives"] == 2
    assert built.filename("docx").startswith("bao-cao-quyet-dinh-phuong-an-")
    with pytest.raises(gather.ReportError, match="không có phương án số 999"):
        reports.build(session, world, app, "scenario-decision", {"scenario": "999"}, ["docx"])
    with pytest.raises(gather.ReportError, match="đã được thông qua"):
        reports.build(session, world, app, "scenario-decision",
                      {"scenario": str(made["scenario"]), "run": str(made["runs"][1])}, ["docx"])
    with Session(engine, expire_on_commit=False) as other:
        empty = rotation.create(other, name="Chưa giải", rotation_date=DATE, settings=rotation.ScenarioSettings())
        other.commit()
    with pytest.raises(gather.ReportError, match="chưa có lần giải nào có phương án"):
        reports.build(session, world, app, "scenario-decision", {"scenario": str(empty.id)}, ["docx"])


def test_the_command_line_writes_each_format(app, engine, small, inline_runner, tmp_path):
    made = solved_scenario(engine, inline_runner)
    cli = app.test_cli_runner()
    for fmt in ("docx", "xlsx", "pdf"):
        out = tmp_path / f"quyet-dinh.{fmt}"
        result = cli.invoke(args=["report", "decision", str(made["scenario"]), "--format", fmt, "--out", str(out)])
        if fmt == "pdf" and pdf_builder.unavailable():
            assert result.exit_code != 0 and "Pango" in result.output
            continue
        assert result.exit_code == 0, result.output
        assert out.read_bytes()[:2] in (b"PK", b"%P")
    doc = Document(tmp_path / "quyet-dinh.docx")
    assert DECISION in "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    unknown = cli.invoke(args=["report", "decision", "999", "--format", "docx", "--out", str(tmp_path / "x.docx")])
    assert unknown.exit_code != 0 and "không có phương án số 999" in unknown.output


def _many_chains_svg():
    """The plan page's graph of a plan with 24 two-post cycles (12 lines of boxes)."""
    from quyhoach.reports.drawings import rotation_graph

    moves, posts, cadres = [], {}, {}
    for i in range(24):
        a, b = f"U{i}-A#1", f"U{i}-B#1"
        posts[a] = {"id": a, "name": f"Phó Chủ tịch UBND xã Số {i}", "unit": f"U{i}"}
        posts[b] = {"id": b, "name": f"Chủ tịch HĐND xã Số {i}", "unit": f"U{i}"}
        cadres[f"C{i}a"] = {"name": f"Nguyễn Văn Ất {i}"}
        cadres[f"C{i}b"] = {"name": f"Lò Thị Bình {i}"}
        moves += [{"cadre": f"C{i}a", "from_post": a, "to_post": b}, {"cadre": f"C{i}b", "from_post": b, "to_post": a}]
    return str(rotation_graph({"moves": moves}, cadres, posts, {f"U{i}": f"Xã Số {i}" for i in range(24)},
                              per_line=charts.GRAPH_PER_LINE))


def test_a_tall_graph_is_cut_between_its_lines_into_page_high_slices(app):
    with app.test_request_context("/?lang=vi"):
        svg = _many_chains_svg()
    chart = charts.rotation_graph(svg, "Sơ đồ")
    windows = charts.graph_windows(svg, charts.slice_px(svg))
    assert len(chart.slices) == len(windows) > 1
    assert all(bottom - top <= charts.slice_px(svg) for top, bottom in windows)
    # printed at its width, every slice's smallest words are at least 8 pt, and a slice fits
    # a landscape A4 page (18 cm high inside its margins) at that width
    assert charts.print_pt(svg, chart.width_cm) >= 8
    assert all(part.width_cm == chart.width_cm for part in chart.slices)
    assert max(b - t for t, b in windows) * chart.width_cm / charts._graph_width_px(svg) <= 16
    assert windows[0][0] == 0 and all(a[1] == b[0] for a, b in zip(windows, windows[1:], strict=False))
    captions = []
    for part in chart.slices:
        assert part.png[:4] == b"\x89PNG" and part.svg.startswith("<svg")
        captions += re.findall(r"Vòng (\d+):", part.svg)
    assert sorted(set(captions), key=int) == [str(n) for n in range(1, 25)]   # every cycle in some slice
    # each slice's marker id is its own: several slices on one page keep their arrows
    assert len({re.search(r'marker id="([^"]+)"', p.svg).group(1) for p in chart.slices}) == len(chart.slices)


@pytest.mark.slow
def test_libreoffice_opens_the_decision_docx_and_poppler_renders_the_graph_page(report, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftoppm") or not shutil.which("pdftotext"):
        pytest.skip("libreoffice or poppler not installed")
    source = tmp_path / "quyet-dinh.docx"
    source.write_bytes(docx_builder.scenario_decision(report))
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=240)
    pdf = (tmp_path / "quyet-dinh.pdf").read_bytes()
    text = _flat(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode())
    assert DECISION in text and "PHỤ LỤC 2: CHUỖI VỊ TRÍ TRỐNG VÀ VÒNG LUÂN CHUYỂN" in text
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(tmp_path / "quyet-dinh.pdf"), str(tmp_path / "trang")],
                   check=True, timeout=120)
    pages = sorted(tmp_path.glob("trang*.png"))
    assert len(pages) >= 3
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in pages) and max(p.stat().st_size for p in pages) > 2000
