"""The report kinds: one entry per kind — its name, its label, what it needs (unit, term,
cadre, scenario, run), the formats it is made in and the function that gathers it and says
how to make each format. `reports.build`, the Báo cáo page (`web/reports.py`), the report job
and `quyhoach report` all read this table, so a new report is one entry here (and its
templates), never a change to the web layer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from collections.abc import Callable

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from flask import Flask
    from sqlmodel import Session

    from quyhoach.reports.built import Built, Progress
    from quyhoach.services.planning.world import World

ALL_FORMATS = ("docx", "pdf", "xlsx")
# What a builder returns: the report's identity and, per format, the function that makes it.
Makers = dict[str, Callable[[], bytes]]
Gatherer = Callable[["Session", "World", "Flask", dict, "Progress"], "tuple[Built, Makers]"]


@dataclass(frozen=True)
class ReportKind:
    name: str                     # the kind's slug: payloads, URLs, the CLI
    label: object                 # a lazy translated string, shown on the page and in job titles
    needs: tuple[str, ...]        # the params it reads: "unit", "term", "cadre", "scenario", "run"
    formats: tuple[str, ...]
    gather: Gatherer
    paper: tuple[str, ...] = ()   # what the officer sets on the paper: "issuer", "number", and the edited texts


def _term_planning(session, world, app, params, progress):
    from quyhoach.reports import docx_builder, gather, pdf_builder, xlsx_builder
    from quyhoach.reports.built import Built, slug

    from quyhoach.reports.letterhead import PaperChoice

    report = gather.term_planning(session, world, unit_code=params.get("unit") or "",
                                  term_code=params.get("term") or "", progress=lambda f, m: progress(0.55 * f, m),
                                  choice=PaperChoice.of(params, app), texts=params)
    scope = report.scope_code or "toan-tinh"
    built = Built("term-planning", report.heading.subject,
                  f"bao-cao-quy-hoach-{slug(report.term_code)}-{slug(scope)}",
                  counts={**report.counts, "list_rows": report.list_rows})
    return built, {"docx": lambda: docx_builder.term_planning(report),
                   "xlsx": lambda: xlsx_builder.term_planning(report),
                   "pdf": lambda: pdf_builder.term_planning(app, report)}


def _dossier(session, world, app, params, progress):
    from quyhoach.reports.built import Built, slug

    from quyhoach.reports import dossier_2c

    form = dossier_2c.gather(session, world, params.get("cadre") or "")   # the 2C form, the timeline attached
    report = form.attachment
    built = Built("dossier", report.heading.subject, f"ho-so-{slug(report.code)}")
    return built, {"docx": lambda: dossier_2c.docx(form), "pdf": lambda: dossier_2c.pdf(app, form)}


def _scenario_decision(session, world, app, params, progress):
    from quyhoach.reports import decision, docx_builder, pdf_builder, xlsx_builder
    from quyhoach.reports.built import Built

    from quyhoach.reports.letterhead import PaperChoice

    report = decision.scenario_decision(session, world, params.get("scenario") or "", params.get("run") or None,
                                      progress=lambda f, m: progress(0.55 * f, m), choice=PaperChoice.of(params, app))
    state = "" if report.adopted else "du-thao-"
    built = Built("scenario-decision", report.heading.subject,
                  f"bao-cao-quyet-dinh-{state}phuong-an-{report.scenario_id}-lan-giai-{report.run_id}",
                  counts={"moves": len(report.moves), "chains": len(report.chains),
                          "alternatives": len(report.alternatives), "targets": len(report.targets)})
    return built, {"docx": lambda: docx_builder.scenario_decision(report),
                   "xlsx": lambda: xlsx_builder.scenario_decision(report),
                   "pdf": lambda: pdf_builder.scenario_decision(app, report)}


def _evaluations(session, world, app, params, progress):
    from quyhoach.reports import gather, xlsx_builder
    from quyhoach.reports.built import Built, slug
    from quyhoach.reports.lang import _
    from quyhoach.services.evaluations import analytics

    unit = None
    if params.get("unit"):
        from quyhoach.services.planning.views import unit_by_code

        unit = unit_by_code(world, params["unit"])
        if unit is None:
            raise gather.ReportError(_("không có đơn vị mã «%(code)s»", code=params["unit"]))
    ev = analytics.evaluation_analytics(session, world, unit_id=unit.id if unit else None)
    from quyhoach.reports.letterhead import PaperChoice

    head = gather.heading(world, _("Kết quả đánh giá, xếp loại cán bộ") + (f" — {unit.name}" if unit else " " + _("toàn tỉnh")),
                          world.on, unit=unit, choice=PaperChoice.of(params, app))
    built = Built("evaluations", head.subject, f"danh-gia-xep-loai-{slug(unit.code) if unit else 'toan-tinh'}",
                  counts={"breaches": len(ev.breaches), "constant_excellent": len(ev.constant_excellent),
                          "disciplined": len(ev.disciplined), "flagged_units": len(ev.flagged_units)})
    from quyhoach.reports import analytics_paper

    cited = analytics_paper.bases(session, ev)
    return built, {"docx": lambda: analytics_paper.docx(ev, head, cited), "xlsx": lambda: xlsx_builder.evaluations(ev, head),
                   "pdf": lambda: analytics_paper.pdf(app, ev, head, cited)}


def _procedure(paper: str):
    """The papers of a pool's procedure (`reports.procedure`): params "pool" (its id)."""
    def gather_paper(session, world, app, params, progress):
        from quyhoach.reports import procedure
        from quyhoach.reports.built import Built
        from quyhoach.reports.gather import ReportError
        from quyhoach.reports.letterhead import PaperChoice
        from quyhoach.reports.paper import to_docx, to_pdf

        choice = PaperChoice.of(params, app)
        try:
            made = {"to-trinh": procedure.submission, "bien-ban": procedure.minutes,
                    "quyet-dinh": procedure.decision}[paper](session, world, params.get("pool") or 0, choice)
        except procedure.ProcedureError as problem:
            raise ReportError(str(problem)) from None
        papers = made if isinstance(made, list) else [made]
        built = Built(f"pool-{paper}", papers[0].heading.subject, f"{paper}-quy-hoach-{params.get('pool')}",
                      counts={"papers": len(papers)})
        return built, {"docx": lambda: to_docx(papers), "pdf": lambda: to_pdf(app, papers)}

    return gather_paper


REPORT_KINDS: dict[str, ReportKind] = {kind.name: kind for kind in (
    ReportKind("term-planning", _l("Báo cáo quy hoạch nhiệm kỳ"), ("unit", "term"), ALL_FORMATS, _term_planning,
               ("issuer", "number", "assessment", "direction", "proposals")),
    ReportKind("dossier", _l("Sơ yếu lý lịch (mẫu 2C) và quá trình đánh giá"), ("cadre",), ("docx", "pdf"),
               _dossier),
    ReportKind("evaluations", _l("Kết quả đánh giá, xếp loại và dấu hiệu chưa thực chất"), ("unit",), ALL_FORMATS,
               _evaluations, ("issuer", "number")),
    ReportKind("scenario-decision", _l("Báo cáo quyết định phương án luân chuyển"), ("scenario", "run"),
               ALL_FORMATS, _scenario_decision, ("issuer", "number")),
    ReportKind("pool-submission", _l("Tờ trình đề nghị phê duyệt quy hoạch"), ("pool",), ("docx", "pdf"),
               _procedure("to-trinh"), ("issuer", "number")),
    ReportKind("pool-minutes", _l("Biên bản kiểm phiếu các bước quy hoạch"), ("pool",), ("docx", "pdf"),
               _procedure("bien-ban"), ("issuer",)),
    ReportKind("pool-decision", _l("Quyết định phê duyệt quy hoạch và danh sách kèm theo"), ("pool",), ("docx", "pdf"),
               _procedure("quyet-dinh"), ("issuer", "number")),
)}
