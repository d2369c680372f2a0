"""Reports: the documents the Board hands to the Standing Committee, in the forms the offices
keep — DOCX (python-docx), PDF (WeasyPrint, from the report page's own templates) and XLSX
(openpyxl).

One model per report (`model`), gathered once (`gather`) from the planning world, its
judgements and the rating analytics; the builders (`docx_builder`, `pdf_builder`,
`xlsx_builder`) only format it, and the charts (`charts`) are drawn once as SVG and PNG.
`build()` is the single entry used by the background job (`reports.jobs`, kind "report"),
the web pages (`web/reports.py`) and `quyhoach report` on the command line.

Report kinds (the table in `registry`, read by the pages, the job and the CLI):
"term-planning" (a unit's subtree or the province, one term), "dossier" (a cadre's 2C record
with the evaluation timeline), "evaluations" (the rating analytics on their own) and
"scenario-decision" (the Standing Committee's decision report on a rotation scenario: the
adopted plan, or a draft, with the plans it was compared with).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from quyhoach.reports.built import Built, Progress, slug
from quyhoach.reports.registry import ALL_FORMATS as FORMATS, REPORT_KINDS, ReportKind

if TYPE_CHECKING:   # annotations only: `quyhoach --help` reads the registry without the database layer
    from sqlmodel import Session

    from quyhoach.services.planning.world import World

KINDS = tuple(REPORT_KINDS)
KIND_FORMATS = {name: kind.formats for name, kind in REPORT_KINDS.items()}
__all__ = ["FORMATS", "KINDS", "KIND_FORMATS", "MEDIA_TYPES", "REPORT_KINDS", "ReportKind", "Built", "build", "slug"]
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

def _nothing(fraction: float, message: str) -> None:
    pass


def build(session: Session, world: World, app, kind: str, params: dict, formats=FORMATS,
          progress: Progress = _nothing) -> Built:
    """Make the report `kind` in the formats asked. `params`: "unit" and "term" codes for
    term-planning and evaluations, "cadre" code for a dossier, "scenario" id (and optionally
    "run" id, for a draft of another plan than the latest) for a scenario decision; "lang"
    ("vi", the default, or "en"): the language the paper is written in (`reports.lang`). A format that cannot be made
    here (PDF without Pango) is listed in `errors`; the others are made all the same.
    Raises gather.ReportError for an unknown unit, term, cadre or scenario."""
    from quyhoach.reports import gather, lang

    with lang.written_in(app, lang.asked(params)):
        return _build(session, world, app, kind, params, formats, progress, gather.ReportError)


def _build(session: Session, world: World, app, kind: str, params: dict, formats, progress: Progress,
           refused: type[Exception]) -> Built:
    from quyhoach.domain.phrase import Phrase
    from quyhoach.reports import pdf_builder
    from quyhoach.reports.lang import N_, _

    entry = REPORT_KINDS.get(kind)
    if entry is None:
        raise refused(_("không có loại báo cáo «%(kind)s»", kind=kind))
    formats = [f for f in formats if f in entry.formats]
    steps = max(1, len(formats))
    progress(0.02, Phrase(N_("Thu thập số liệu")))     # a Phrase: the job's page says it in the reader's language
    built, makers = entry.gather(session, world, app, params, progress)
    labels = {"docx": "Word", "pdf": "PDF", "xlsx": "Excel"}
    for i, fmt in enumerate(formats):
        progress(0.55 + 0.45 * i / steps, Phrase(N_("Tạo tệp %(format)s"), format=labels[fmt]))
        try:
            built.files[fmt] = makers[fmt]()
        except pdf_builder.PdfUnavailable as reason:
            built.errors[fmt] = str(reason)
    progress(1.0, Phrase(N_("Xong")))
    return built


def today() -> dt.date:
    return dt.date.today()
