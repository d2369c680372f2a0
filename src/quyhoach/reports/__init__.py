"""Reports: the documents the Board hands to the Standing Committee, in the forms the offices
keep — DOCX (python-docx), PDF (WeasyPrint, from the report page's own templates) and XLSX
(openpyxl).

One model per report (`model`), gathered once (`gather`) from the planning world, its
judgements and the rating analytics; the builders (`docx_builder`, `pdf_builder`,
`xlsx_builder`) only format it, and the charts (`charts`) are drawn once as SVG and PNG.
`build()` is the single entry used by the background job (`reports.jobs`, kind "report"),
the web pages (`web/reports.py`) and `quyhoach report` on the command line.

Report kinds: "term-planning" (a unit's subtree or the province, one term), "dossier" (a
cadre's 2C record with the evaluation timeline), "evaluations" (the rating analytics on
their own) and "scenario-decision" (the Standing Committee's decision report on a rotation
scenario: the adopted plan, or a draft, with the plans it was compared with).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Callable

from sqlmodel import Session

from quyhoach.domain.text import fold
from quyhoach.services.planning.world import World

FORMATS = ("docx", "pdf", "xlsx")
KINDS = ("term-planning", "dossier", "evaluations", "scenario-decision")
KIND_FORMATS = {"term-planning": FORMATS, "dossier": ("docx", "pdf"), "evaluations": FORMATS,
                "scenario-decision": FORMATS}
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Progress = Callable[[float, str], None]


def _nothing(fraction: float, message: str) -> None:
    pass


@dataclass
class Built:
    kind: str
    title: str
    stem: str                                      # file name without extension
    files: dict[str, bytes] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)   # format -> why it was not made
    counts: dict[str, int] = field(default_factory=dict)

    def filename(self, fmt: str) -> str:
        return f"{self.stem}.{fmt}"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-") or "bao-cao"


def build(session: Session, world: World, app, kind: str, params: dict, formats=FORMATS,
          progress: Progress = _nothing) -> Built:
    """Make the report `kind` in the formats asked. `params`: "unit" and "term" codes for
    term-planning and evaluations, "cadre" code for a dossier, "scenario" id (and optionally
    "run" id, for a draft of another plan than the latest) for a scenario decision. A format that cannot be made
    here (PDF without Pango) is listed in `errors`; the others are made all the same.
    Raises gather.ReportError for an unknown unit, term, cadre or scenario."""
    from quyhoach.reports import docx_builder, gather, pdf_builder, xlsx_builder
    from quyhoach.services.evaluations import analytics

    if kind not in KINDS:
        raise gather.ReportError(f"không có loại báo cáo «{kind}»")
    formats = [f for f in formats if f in KIND_FORMATS[kind]]
    steps = max(1, len(formats))
    progress(0.02, "Thu thập số liệu")
    if kind == "term-planning":
        report = gather.term_planning(session, world, unit_code=params.get("unit") or "",
                                      term_code=params.get("term") or "", progress=lambda f, m: progress(0.55 * f, m))
        scope = report.scope_code or "toan-tinh"
        built = Built(kind, report.heading.subject, f"bao-cao-quy-hoach-{slug(report.term_code)}-{slug(scope)}",
                      counts={**report.counts, "list_rows": report.list_rows})
        makers = {"docx": lambda: docx_builder.term_planning(report),
                  "xlsx": lambda: xlsx_builder.term_planning(report),
                  "pdf": lambda: pdf_builder.term_planning(app, report)}
    elif kind == "dossier":
        report = gather.dossier(session, world, params.get("cadre") or "")
        built = Built(kind, report.heading.subject, f"ho-so-{slug(report.code)}")
        makers = {"docx": lambda: docx_builder.dossier(report), "pdf": lambda: pdf_builder.dossier(app, report)}
    elif kind == "scenario-decision":
        report = gather.scenario_decision(session, world, params.get("scenario") or "", params.get("run") or None,
                                          progress=lambda f, m: progress(0.55 * f, m))
        state = "" if report.adopted else "du-thao-"
        built = Built(kind, report.heading.subject, f"bao-cao-quyet-dinh-{state}phuong-an-{report.scenario_id}"
                                                    f"-lan-giai-{report.run_id}",
                      counts={"moves": len(report.moves), "chains": len(report.chains),
                              "alternatives": len(report.alternatives), "targets": len(report.targets)})
        makers = {"docx": lambda: docx_builder.scenario_decision(report),
                  "xlsx": lambda: xlsx_builder.scenario_decision(report),
                  "pdf": lambda: pdf_builder.scenario_decision(app, report)}
    else:
        unit = None
        if params.get("unit"):
            from quyhoach.services.planning.views import unit_by_code

            unit = unit_by_code(world, params["unit"])
            if unit is None:
                raise gather.ReportError(f"không có đơn vị mã «{params['unit']}»")
        ev = analytics.evaluation_analytics(session, world, unit_id=unit.id if unit else None)
        head = gather.heading(world, "Kết quả đánh giá, xếp loại cán bộ" + (f" — {unit.name}" if unit else " toàn tỉnh"),
                              world.on)
        built = Built(kind, head.subject, f"danh-gia-xep-loai-{slug(unit.code) if unit else 'toan-tinh'}",
                      counts={"breaches": len(ev.breaches), "constant_excellent": len(ev.constant_excellent),
                              "disciplined": len(ev.disciplined), "flagged_units": len(ev.flagged_units)})
        makers = {"docx": lambda: docx_builder.evaluations(ev, head), "xlsx": lambda: xlsx_builder.evaluations(ev, head),
                  "pdf": lambda: pdf_builder.evaluations(app, ev, head)}
    labels = {"docx": "Word", "pdf": "PDF", "xlsx": "Excel"}
    for i, fmt in enumerate(formats):
        progress(0.55 + 0.45 * i / steps, f"Tạo tệp {labels[fmt]}")
        try:
            built.files[fmt] = makers[fmt]()
        except pdf_builder.PdfUnavailable as reason:
            built.errors[fmt] = str(reason)
    progress(1.0, "Xong")
    return built


def today() -> dt.date:
    return dt.date.today()
