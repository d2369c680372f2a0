"""PDF (WeasyPrint) from the same Jinja templates the report pages use: `reports/print.html`
includes the page's body template, with `reports.css` for A4 pages, the Times-compatible
serif (Liberation Serif on Debian) and page numbers.

WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0). Without it the app
still runs: `unavailable()` says, in Vietnamese, what to install, and the PDF alone is
refused while the DOCX and XLSX are made as usual.

The PDF is the same paper as the DOCX: every section, the signature, "Nơi nhận" and the
full annexes (no row limit). The term-planning report's annexes (structure by unit, failing
lists, the list) are printed apart (`pdf_annex`, fpdf2) and appended: WeasyPrint costs
~1.5 ms of CPU per table cell.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template

from quyhoach.reports.model import ScenarioDecisionReport, TermPlanningReport

MISSING = ("Chưa tạo được tệp PDF: máy chủ thiếu thư viện Pango mà WeasyPrint cần để dàn trang. "
           "Quản trị viên cài trên Debian/Ubuntu bằng lệnh: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
           "fonts-liberation (và pip install weasyprint nếu chưa có). Các tệp Word (DOCX) và Excel (XLSX) "
           "vẫn tạo được bình thường.")


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries are missing; the message says what to install."""


_checked: list[str | None] = []


def unavailable() -> str | None:
    """None when PDFs can be made here; otherwise the reason, in Vietnamese."""
    if not _checked:
        try:
            import weasyprint  # noqa: F401 - loads Pango through cffi
            _checked.append(None)
        except Exception:  # ImportError, or OSError from a missing shared library
            _checked.append(MISSING)
    return _checked[0]


def _css_path(app: Flask) -> str:
    return str(Path(app.static_folder) / "reports.css")


def _laid_out(app: Flask, body: str, title: str, **context):
    reason = unavailable()
    if reason:
        raise PdfUnavailable(reason)
    import weasyprint

    from quyhoach.reports import lang

    language = lang.locale()       # the paper's language, read before the print context is pushed
    with app.app_context(), app.test_request_context(f"/?lang={language}"):
        html = render_template("reports/print.html", body=body, doc_title=title, pdf=True, **context)
    return weasyprint.HTML(string=html, base_url=app.static_folder).render(
        stylesheets=[weasyprint.CSS(filename=_css_path(app))])


def render(app: Flask, body: str, title: str, **context) -> bytes:
    """The print template around `body`, rendered in the paper's language (`reports.lang`), laid out by WeasyPrint."""
    return _laid_out(app, body, title, **context).write_pdf()


def term_planning(app: Flask, report: TermPlanningReport) -> bytes:
    """The paper laid out by WeasyPrint, its list annex printed by `pdf_annex` on the pages after."""
    from quyhoach.reports import pdf_annex

    document = _laid_out(app, "reports/_term_planning_body.html", report.heading.subject, r=report, list_apart=True)
    body = document.write_pdf()
    return pdf_annex.append(body, pdf_annex.annexes(report, report.heading, len(document.pages) + 1))


def scenario_decision(app: Flask, report: ScenarioDecisionReport) -> bytes:
    return render(app, "reports/_scenario_decision_body.html", report.heading.subject, r=report)

