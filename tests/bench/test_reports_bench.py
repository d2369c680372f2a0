"""Report benchmark: the whole-province term-planning report in DOCX, PDF and XLSX, from the
database to the three files, complete (issue 13: every section, signature and annex in the
PDF too — no row limit). Target: ≤ 10 s (docs/benchmarks.md gives CPU and wall time with the load)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from quyhoach import create_app, reports
from quyhoach.reports import pdf_builder
from quyhoach.services.planning import world


def test_whole_province_term_planning_report(benchmark, demo_engine, tmp_path):
    if pdf_builder.unavailable():
        pytest.skip("WeasyPrint/Pango not installed")
    app = create_app({"DATABASE_URL": str(demo_engine.url), "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "b"})

    def whole_province():
        with Session(demo_engine) as session:
            facts = world.build(session)
            return reports.build(session, facts, app, "term-planning", {}, reports.FORMATS)

    built = benchmark.pedantic(whole_province, rounds=3, iterations=1, warmup_rounds=1)
    assert set(built.files) == {"docx", "pdf", "xlsx"} and not built.errors
    assert built.counts["list_rows"] > 500 and built.counts["pools"] > 250
    from pypdf import PdfReader
    import io

    assert len(PdfReader(io.BytesIO(built.files["pdf"])).pages) > 100      # the whole list is in the PDF
    # The goal (≤ 10 s) is read in docs/benchmarks.md with the machine's load, not asserted:
    # on the shared VM the wall time is several times the CPU time.
