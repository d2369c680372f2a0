"""`quyhoach report`: the reports the web makes (DOCX, PDF, XLSX), written to a file by the same
builders (`quyhoach.reports.build`)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from quyhoach.reports.registry import REPORT_KINDS


def _engine():
    return current_app.extensions["quyhoach.engine"]


@click.group("report", help="Tạo báo cáo (DOCX, PDF, XLSX) bằng cùng bộ tạo báo cáo của trang web.")
@click.option("--lang", "language", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
              help="ngôn ngữ của văn bản: vi (tiếng Việt) hoặc en (tiếng Anh)")
@click.pass_context
def report_group(ctx: click.Context, language: str) -> None:
    ctx.meta["report_lang"] = language


def _write_report(kind: str, params: dict, fmt: str, out: Path | None) -> None:
    from sqlmodel import Session

    from quyhoach import reports
    from quyhoach.reports import gather
    from quyhoach.services.planning import world as world_service

    with Session(_engine()) as session:
        try:
            language = click.get_current_context().meta.get("report_lang") or "vi"
            built = reports.build(session, world_service.build(session), current_app._get_current_object(), kind,
                                  {**params, "lang": language}, [fmt])
        except gather.ReportError as problem:
            raise click.ClickException(str(problem)) from problem
    if fmt in built.errors:
        raise click.ClickException(built.errors[fmt])
    path = out or Path(built.filename(fmt))
    path.write_bytes(built.files[fmt])
    click.echo(f"Đã ghi {path} ({len(built.files[fmt]):,} byte).".replace(",", "."))


def _format_option(kind: str, default: str = "docx"):
    """--format, offering the formats the registry says the kind is made in."""
    return click.option("--format", "fmt", type=click.Choice(list(REPORT_KINDS[kind].formats)), default=default,
                        show_default=True, help="định dạng tệp")


# --out, the same on every report command
_OUT = click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="tệp ghi ra (mặc định: đặt tên theo báo cáo)")


@report_group.command("term-planning", help="Báo cáo quy hoạch nhiệm kỳ.")
@click.option("--unit", "unit_code", default="", help="mã đơn vị (cả các đơn vị trực thuộc); mặc định: toàn tỉnh")
@click.option("--term", "term_code", default="", help="mã nhiệm kỳ, ví dụ DANG-2025-2030 (mặc định: nhiệm kỳ Đảng hiện tại)")
@_format_option("term-planning")
@_OUT
@with_appcontext
def report_term_planning(unit_code: str, term_code: str, fmt: str, out: Path | None) -> None:
    """The term-planning report (báo cáo quy hoạch nhiệm kỳ)."""
    _write_report("term-planning", {"unit": unit_code, "term": term_code}, fmt, out)


@report_group.command("dossier", help="Hồ sơ cán bộ (mẫu 2C) kèm quá trình đánh giá, xếp loại; CODE: mã cán bộ.")
@click.argument("code")
@_format_option("dossier")
@_OUT
@with_appcontext
def report_dossier(code: str, fmt: str, out: Path | None) -> None:
    """A cadre's dossier (2C) with the evaluation timeline."""
    _write_report("dossier", {"cadre": code}, fmt, out)


@report_group.command("evaluations", help="Phân tích kết quả đánh giá, xếp loại (E4, xếp loại không đổi, kỷ luật, "
                                           "theo tháng, so với đồng cấp).")
@click.option("--unit", "unit_code", default="", help="mã đơn vị (cả các đơn vị trực thuộc); mặc định: toàn tỉnh")
@_format_option("evaluations", default="xlsx")
@_OUT
@with_appcontext
def report_evaluations(unit_code: str, fmt: str, out: Path | None) -> None:
    """The rating analytics (E4, constant ratings, disciplines, months, peers)."""
    _write_report("evaluations", {"unit": unit_code}, fmt, out)


@report_group.command("decision", help="Báo cáo Ban Thường vụ quyết định về phương án luân chuyển số SCENARIO_ID "
                                        "(là dự thảo khi phương án chưa được thông qua).")
@click.argument("scenario_id", type=int)
@click.option("--run", "run_id", type=int, default=None,
              help="số lần giải: dự thảo theo kết quả lần giải này (mặc định: kết quả đã thông qua, nếu chưa có "
                   "thì lần giải mới nhất)")
@_format_option("scenario-decision")
@_OUT
@with_appcontext
def report_decision(scenario_id: int, run_id: int | None, fmt: str, out: Path | None) -> None:
    """The Standing Committee's decision report on a rotation scenario (a draft until adopted)."""
    _write_report("scenario-decision", {"scenario": str(scenario_id), "run": str(run_id) if run_id else ""}, fmt, out)


@report_group.command("pool", help="Văn bản thủ tục của một danh sách quy hoạch: tờ trình (to-trinh), biên bản "
                                    "kiểm phiếu các hội nghị (bien-ban) hoặc quyết định phê duyệt kèm danh sách "
                                    "(quyet-dinh); chọn danh sách bằng số POOL_ID hoặc bằng --title.")
@click.argument("paper", type=click.Choice(["to-trinh", "bien-ban", "quyet-dinh"]))
@click.argument("pool_id", type=int, required=False)
@click.option("--title", "title_code", default="", help="mã chức danh (thay cho số danh sách POOL_ID)")
@click.option("--term", "term_code", default="", help="đi cùng --title: mã nhiệm kỳ (mặc định: nhiệm kỳ Đảng hiện tại)")
@_format_option("pool-submission")
@_OUT
@with_appcontext
def report_pool(paper: str, pool_id: int | None, title_code: str, term_code: str, fmt: str, out: Path | None) -> None:
    """A pool's procedure paper: the submission (tờ trình), the vote-count minutes (biên bản
    kiểm phiếu) of every conference, or the approval decision (quyết định) with its list."""
    from sqlmodel import Session

    from quyhoach.reports import gather, lang, procedure
    from quyhoach.services.planning import world as world_service

    language = click.get_current_context().meta.get("report_lang") or "vi"
    with lang.written_in(current_app._get_current_object(), language):      # the errors in the paper's language
        if pool_id is None and not title_code:
            raise click.UsageError(lang._("chưa chọn danh sách quy hoạch: ghi số của danh sách (POOL_ID, số cuối địa "
                                          "chỉ trang danh sách trên web) hoặc mã chức danh --title MÃ (kèm --term MÃ "
                                          "khi không phải nhiệm kỳ Đảng hiện tại)"))
        if pool_id is not None and (title_code or term_code):
            raise click.UsageError(lang._("đã ghi số danh sách %(id)s: không ghi thêm --title, --term (chọn một "
                                          "trong hai cách)", id=pool_id))
        if pool_id is None:
            with Session(_engine()) as session:
                world = world_service.build(session)
                try:
                    pool_id = procedure.pool_of(world, title_code, gather.resolve_term(world, term_code))
                except (procedure.ProcedureError, gather.ReportError) as problem:
                    raise click.ClickException(str(problem)) from problem
    _write_report(procedure.KIND_OF_PAPER[paper], {"pool": pool_id}, fmt, out)
