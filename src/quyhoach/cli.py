"""The `quyhoach` command. Each subcommand calls the same service the web calls.

    quyhoach db upgrade            create or migrate the database schema
    quyhoach demo [--small]        load the demo province (or the small test one)
    quyhoach demo --size N [--provinces K] | --from DIR   a generated province or country
    quyhoach import KIND FILE      import a list (.xlsx/.csv); --dry-run checks only
    quyhoach export KIND FILE      export a list as .xlsx or .csv
    quyhoach serve                 serve the web app (waitress; PORT, HOST)
    quyhoach solve PROBLEM.json    solve a rotation problem; --out plan.json --time-limit S
    quyhoach report term-planning  the term-planning report (--unit, --term, --format docx|pdf|xlsx, --out)
    quyhoach report dossier CODE   a cadre's dossier (--format docx|pdf)
    quyhoach report decision ID    a rotation scenario's decision report (--run, --format docx|pdf|xlsx, --out)
    quyhoach report pool PAPER [ID] a pool's procedure paper: to-trinh, bien-ban, quyet-dinh (the pool by id,
                                   or --title CODE [--term CODE]; --format docx|pdf, --out)

The report subcommands are in `cli_report`, `check` in `cli_check`, the Vietnamese frame of the
help in `cli_help`. The services are imported inside each command, so that `quyhoach --help`
and a command that needs little (`check`) start without the rest (issue 15).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from quyhoach.cli_check import check_command
from quyhoach.cli_help import vietnamese
from quyhoach.cli_report import report_group
from quyhoach.services.records.tabular import LOAD_ORDER


def _engine():
    return current_app.extensions["quyhoach.engine"]


@click.group("db", help="Lược đồ cơ sở dữ liệu (Alembic).")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Tạo hoặc nâng cấp lược đồ (mặc định lên phiên bản mới nhất), rồi bảo đảm có "
                                   "đủ dữ liệu danh mục.")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Create or migrate the schema, then make sure the reference data is there."""
    from quyhoach.db import migrate
    from quyhoach.db.engine import transaction
    from quyhoach.services.records import reference

    migrate.upgrade(_engine(), revision)
    with transaction(_engine()) as session:
        reference.ensure(session)
    click.echo(f"Cơ sở dữ liệu ở phiên bản {migrate.current_revision(_engine())}.")


@db_group.command("downgrade", help="Hạ lược đồ về phiên bản REVISION.")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    from quyhoach.db import migrate

    migrate.downgrade(_engine(), revision)
    click.echo(f"Cơ sở dữ liệu ở phiên bản {migrate.current_revision(_engine())}.")


@db_group.command("current", help="In phiên bản lược đồ hiện tại.")
@with_appcontext
def db_current() -> None:
    from quyhoach.db import migrate

    click.echo(migrate.current_revision(_engine()) or "(trống)")


@click.command("demo", help="Nạp dữ liệu tỉnh mẫu.")
@click.option("--small", is_flag=True, help="nạp tỉnh nhỏ dùng để kiểm thử thay cho tỉnh mẫu đầy đủ")
@click.option("--if-empty", is_flag=True, help="không làm gì nếu đã có cán bộ")
@click.option("--size", type=click.IntRange(min=10), help="sinh một tỉnh có ngần này cán bộ (lần nào cũng như nhau)")
@click.option("--provinces", type=click.IntRange(min=1),
              help="đi cùng --size: sinh cả nước gồm ngần này tỉnh, chia nhau số cán bộ đó")
@click.option("--seed", type=int, help="đi cùng --size: hạt giống sinh dữ liệu, để có một tỉnh khác (mặc định: của tỉnh mẫu)")
@click.option("--from", "from_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="nạp các danh sách CSV trong thư mục này (do fixtures/generate.py --out DIR tạo)")
@with_appcontext
def demo(small: bool, if_empty: bool, size: int | None, provinces: int | None, seed: int | None,
         from_dir: Path | None) -> None:
    from quyhoach.db.engine import transaction
    from quyhoach.services.records import demo as demo_service

    if sum(bool(x) for x in (small, size, from_dir)) > 1:
        raise click.UsageError("chọn một trong --small, --size, --from")
    if (provinces or seed is not None) and not size:
        raise click.UsageError("--provinces và --seed đi cùng --size")
    started = time.perf_counter()
    with transaction(_engine()) as session:
        if if_empty and not demo_service.is_empty(session):
            click.echo("Đã có dữ liệu; bỏ qua việc nạp tỉnh mẫu.")
            return
        if size:
            report = demo_service.generated(session, size, provinces or 0, seed)
        elif from_dir is not None:
            report = demo_service.load(session, folder=from_dir)
        else:
            report = demo_service.load(session, demo_service.SMALL if small else demo_service.DEMO)
        if not report.ok:
            for problem in report.problems[:50]:
                click.echo(f"{report.kind}: {problem}", err=True)
            raise click.ClickException("Dữ liệu mẫu có lỗi; không nạp gì.")
        users = demo_service.create_demo_users(session)
    click.echo(f"Đã nạp {report.summary()} trong {time.perf_counter() - started:.1f} giây.")
    _example_round()
    if users:
        click.echo(f"Tài khoản dùng thử (mật khẩu «{demo_service.DEMO_PASSWORD}»): {', '.join(users)}.")


TRICH_NGANG = "trich-ngang"
ANSWERS = click.Choice(["ask", "skip", "include"])


def _example_round() -> None:
    """The prepared rotation round (services.rotation.example): three scenarios solved here,
    one after the other, ready to compare."""
    from sqlmodel import Session

    from quyhoach.services.platform import jobs
    from quyhoach.services.rotation import example

    started = time.perf_counter()
    url = current_app.config["DATABASE_URL"]
    jobs._engines.put(url, _engine())
    with Session(_engine()) as session:
        runs = example.prepare(session, jobs.InlineRunner(url), commit=session.commit)
    if runs:
        click.echo(f"Đã chuẩn bị {len(runs)} phương án luân chuyển mẫu, đã giải, sẵn sàng so sánh "
                   f"({time.perf_counter() - started:.1f} giây).")


@click.command("import", help="Nhập danh sách từ tệp .xlsx, .xls, .ods hoặc .csv; «trich-ngang»: danh sách trích ngang "
                              "quy hoạch in sẵn (cán bộ, xếp loại và quy hoạch một lần).")
@click.argument("kind", type=click.Choice([*LOAD_ORDER, TRICH_NGANG]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="chỉ kiểm tra từng dòng, không ghi gì (in bản xem trước)")
@click.option("--json", "as_json", is_flag=True, help="in kết quả dạng JSON")
@click.option("--sheet", help="trang tính chứa danh sách (mặc định: trang có dòng tiêu đề phù hợp)")
@click.option("--hidden", type=ANSWERS, default="ask", show_default=True,
              help="các dòng bị ẩn: ask (hỏi), skip (bỏ qua) hoặc include (nhập cả)")
@click.option("--hidden-columns", type=ANSWERS, default="ask", show_default=True,
              help="các cột bị ẩn: ask (hỏi), skip (bỏ qua) hoặc include (nhập cả)")
@click.option("--title", "title_code", help="trich-ngang: mã chức danh quy hoạch (mặc định: đọc từ phần tiêu đề của tệp)")
@click.option("--term", "term_code", help="trich-ngang: mã nhiệm kỳ (mặc định: đọc từ phần tiêu đề của tệp)")
@click.option("--match", "matches", multiple=True, metavar="ROW=ID|new",
              help="trich-ngang: người ở dòng ROW là ai (mã số cán bộ bản xem trước gợi ý, hoặc «new»: cán bộ mới); "
                   "ghi được nhiều lần")
@with_appcontext
def import_command(kind: str, path: Path, dry_run: bool, as_json: bool, sheet: str | None, hidden: str,
                   hidden_columns: str, title_code: str | None, term_code: str | None, matches: tuple[str, ...]) -> None:
    from quyhoach.db.engine import transaction
    from quyhoach.services.records import importer
    from quyhoach.services.records.tabular import ReadOptions

    options = ReadOptions(sheet=sheet, hidden=hidden, hidden_columns=hidden_columns)
    if kind == TRICH_NGANG:
        _import_trich_ngang(path, dry_run, as_json, options, title_code, term_code, matches)
        return
    with transaction(_engine()) as session:
        result = importer.run(session, kind, path.read_bytes(), path.name, dry_run=dry_run, options=options)
        if not result.written:
            session.rollback()
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        for problem in result.problems:
            click.echo(str(problem), err=True)
        click.echo(result.message())
    if result.problems:
        sys.exit(1)


def _import_trich_ngang(path: Path, dry_run: bool, as_json: bool, options, title_code: str | None,
                        term_code: str | None, matches: tuple[str, ...]) -> None:
    """The printed trích ngang as the page imports it: the same check, the same questions
    (who each unsure row is, the title and the term), answered here by options; --dry-run
    prints the preview, without it everything is written in one transaction or nothing."""
    from quyhoach.db.engine import transaction
    from quyhoach.services.records import trichngang

    choices = {k: v for k, v in (("title", title_code), ("term", term_code)) if v}
    for answer in matches:
        row, _, who = answer.partition("=")
        if not row.strip().isdigit() or not who.strip():
            raise click.BadParameter(f"«{answer}»: ghi DÒNG=MÃ-SỐ hoặc DÒNG=new", param_hint="--match")
        choices[f"match_{row.strip()}"] = who.strip()
    with transaction(_engine()) as session:
        result = trichngang.run(session, path.read_bytes(), path.name, choices=choices, dry_run=dry_run, options=options)
        if not result.written:
            session.rollback()
    lines = _trich_ngang_preview(result)
    if as_json:
        click.echo(json.dumps({"written": result.written, "ok": result.ok, "message": result.message(),
                               "problems": [str(p) for p in result.problems], "preview": lines},
                              ensure_ascii=False, indent=2))
    else:
        for line in lines if (dry_run or not result.ok) else []:
            click.echo(line)
        for problem in result.problems:
            click.echo(str(problem), err=True)
        click.echo(result.message() if result.ok else "Chưa ghi gì vào cơ sở dữ liệu.")
    if not result.ok:
        sys.exit(1)


def _trich_ngang_preview(result) -> list[str]:
    """The preview as lines: the pool, each person and who they are (the questions with
    their choices), the changes to known records."""
    lines = [f"Chức danh: {result.title[1] + ' — ' + result.title[2] if result.title else '? (ghi --title MÃ)'}; "
             f"nhiệm kỳ: {result.term[1] if result.term else '? (ghi --term MÃ)'}"]
    if result.title is None:
        lines.append("  các chức danh: " + ", ".join(code for code, _name in result.titles[:30]))
    if result.term is None:
        lines.append("  các nhiệm kỳ: " + ", ".join(code for code, _name in result.terms))
    how = {"code": "theo mã", "name": "theo họ tên và ngày sinh", "chosen": "đã chọn", "new": "thêm cán bộ mới"}
    for person in result.people:
        ratings = "; ".join(f"{year}: {words}" for year, words in person.rating_words())
        if person.how == "ask":
            offered = " | ".join(f"--match {person.row}={cadre_id} ({words})" for cadre_id, words in person.candidates)
            lines.append(f"dòng {person.row}: {person.name}, sinh {person.birth} — CẦN CHỌN: {offered} | "
                         f"--match {person.row}=new")
            continue
        who = person.cadre_label or person.values.get("code") or ""
        lines.append(f"dòng {person.row}: {person.name}, sinh {person.birth} — {who} ({how.get(person.how, person.how)})"
                     + (f"; xếp loại {ratings}" if ratings else "") + ("; đã trong quy hoạch" if person.in_pool else ""))
    for part in result.parts.values():
        for change in part.preview:
            if change.action == "update":
                fields = "; ".join(f"{f.label}: {f.before} → {f.after}" for f in change.fields)
                lines.append(f"  cập nhật {change.label} (dòng {change.row}): {fields}")
    return lines


@click.command("export", help="Xuất danh sách ra .xlsx hoặc .csv.")
@click.argument("kind", type=click.Choice(LOAD_ORDER))
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(kind: str, path: Path) -> None:
    from quyhoach.db.engine import transaction
    from quyhoach.services.records import exporter

    with transaction(_engine()) as session:
        data = exporter.export(session, kind, path.suffix.lower().lstrip("."))
    path.write_bytes(data)
    click.echo(f"Đã ghi {path}.")


@click.command("serve", help="Chạy ứng dụng web (waitress).")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), show_default="127.0.0.1 hoặc $HOST",
              help="địa chỉ lắng nghe")
@click.option("--port", default=lambda: int(os.environ.get("PORT", "5000")), type=int, show_default="5000 hoặc $PORT",
              help="cổng")
@click.option("--threads", default=8, type=int, show_default=True, help="số luồng phục vụ yêu cầu")
@with_appcontext
def serve(host: str, port: int, threads: int) -> None:
    from waitress import serve as waitress_serve

    from quyhoach.config import log_to_stderr

    log_to_stderr(current_app.config.get("LOG_LEVEL") or "INFO")
    click.echo(f"quyhoach: http://{host}:{port}/  (Ctrl+C để dừng)")
    waitress_serve(current_app._get_current_object(), host=host, port=port, threads=threads, ident="quyhoach")


@click.command("solve", help="Giải bài toán luân chuyển (tệp JSON) và ghi phương án.")
@click.argument("problem_path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--scenario", "scenario_id", type=int, help="lập bài toán từ cơ sở dữ liệu cho phương án số này")
@click.option("--write-problem", type=click.Path(dir_okay=False, path_type=Path),
              help="đi cùng --scenario: ghi cả bài toán đã lập ra tệp JSON")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), help="ghi phương án ra tệp JSON")
@click.option("--time-limit", type=float, default=10.0, show_default=True, help="thời gian giải tối đa, giây")
@click.option("--gap", type=float, default=1e-4, show_default=True,
              help="dừng khi khoảng cách tương đối đã chứng minh nhỏ hơn mức này")
@click.option("--alternatives", type=int, default=0, show_default=True, help="số phương án thay thế cần tìm thêm")
@click.option("--margin", type=float, default=0.01, show_default=True,
              help="phương án thay thế: được kém phương án tốt nhất tối đa tỷ lệ này")
@click.option("--min-difference", type=int, default=1, show_default=True,
              help="phương án thay thế: số điều động tối thiểu phải khác nhau")
@click.option("--progress", "show_progress", is_flag=True, help="trong khi giải, in phương án tốt nhất, cận trên và khoảng cách")
@click.option("--method", type=click.Choice(["auto", "direct", "decompose"]), default="auto", show_default=True,
              help="cách giải; decompose: bài toán toàn quốc, giải từng tỉnh rồi các chức danh Trung ương quản lý")
@with_appcontext
def solve_command(problem_path: Path | None, scenario_id: int | None, write_problem: Path | None,
                  out_path: Path | None, time_limit: float, gap: float, alternatives: int,
                  margin: float, min_difference: int, show_progress: bool, method: str) -> None:
    """Solve a rotation problem file (solver/schema/problem.schema.json), or the problem of a
    scenario built from the database by the same code the web uses; exit 1 when no plan."""
    import solver

    if (problem_path is None) == (scenario_id is None):
        raise click.UsageError("cho một tệp bài toán hoặc --scenario ID (một trong hai)")
    if scenario_id is not None:
        from sqlmodel import Session

        from quyhoach.db.models import Scenario
        from quyhoach.services.rotation.problem import problem_for
        from quyhoach.services.rotation.settings import ScenarioError

        with Session(_engine()) as session:
            scenario = session.get(Scenario, scenario_id)
            if scenario is None:
                raise click.ClickException(f"không có phương án số {scenario_id}")
            try:
                problem = problem_for(session, scenario).problem
            except ScenarioError as exc:
                raise click.ClickException(str(exc)) from None
        if write_problem is not None:
            solver.dump_problem(problem, write_problem)
    else:
        try:
            problem = solver.load_problem(problem_path)
        except solver.ProblemFormatError as exc:
            raise click.ClickException(f"Tệp bài toán không hợp lệ: {exc}") from exc

    def progress(p: solver.Progress) -> None:
        gap_text = "" if p.gap is None else f", khoảng cách {p.gap:.4%}"
        click.echo(f"[{p.elapsed:6.2f} s] {p.phase}: phương án {p.incumbent}, cận trên {p.bound}{gap_text}", err=True)

    options = solver.Options(
        time_limit=time_limit, relative_gap=gap, alternatives=alternatives, alternative_margin=margin,
        alternative_min_difference=min_difference, progress=progress if show_progress else None)
    if method == "decompose":
        from solver.decompose import solve_decomposed

        plan = solve_decomposed(problem, options)
    else:
        options.method = method
        plan = solver.solve(problem, options)
    if out_path is not None:
        solver.dump_plan(plan, out_path)
    for line in solver.summary_lines(problem, plan):
        click.echo(line)
    if out_path is not None:
        click.echo(f"Đã ghi phương án vào {out_path}.")
    if not plan.ok:
        sys.exit(1)


@click.command("worker", help="Chạy tiến trình xử lý nền (RQ trên Redis, cần QUYHOACH_REDIS_URL).")
@click.option("--burst", is_flag=True, help="dừng khi hàng đợi trống")
@click.option("--no-fork", is_flag=True,
              help="làm từng việc ngay trong tiến trình này, không tách tiến trình con cho mỗi việc (đỡ tốn khi có "
                   "nhiều việc nhỏ như các phần của một lần kiểm tra toàn bộ; một việc làm hỏng tiến trình thì "
                   "tiến trình dừng, cần được khởi động lại)")
@with_appcontext
def worker_command(burst: bool, no_fork: bool) -> None:
    from quyhoach.services.platform import jobs

    runner = current_app.extensions["quyhoach.jobs"]
    if not isinstance(runner, jobs.RQRunner):
        raise click.ClickException("chưa đặt QUYHOACH_REDIS_URL: không có hàng đợi để xử lý "
                                   "(khi không dùng Redis, việc nền chạy ngay trong ứng dụng web)")
    from rq import SimpleWorker, Worker

    jobs._engines.put(runner.database_url, _engine())
    click.echo(f"quyhoach worker: hàng đợi «{runner.queue.name}»")
    # RQ's Worker forks a work-horse per job (a job that crashes takes only its horse down);
    # SimpleWorker runs each in this process, its engine's connections kept from job to job
    kind = SimpleWorker if no_fork else Worker
    kind([runner.queue], connection=runner.connection).work(burst=burst)


@click.group("audit", help="Nhật ký thao tác.")
def audit_group() -> None:
    pass


@audit_group.command("verify", help="Kiểm tra chuỗi băm có khóa của nhật ký từ mục đầu đến mục cuối, và đối chiếu "
                                    "với các mốc đã ghi khi sao lưu, tải tệp (phát hiện phần cuối bị xóa).")
@click.option("--anchors", "extra", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="thêm một tệp mốc (tệp *.audit-head.json của một bản sao lưu), ngoài tệp trong thư mục dữ liệu")
@with_appcontext
def audit_verify(extra: tuple[Path, ...]) -> None:
    """Check the keyed chain of the audit log from the first entry to the last, and against
    the anchors recorded by backups and downloads (a deleted tail shows)."""
    from sqlmodel import Session

    from quyhoach.services.platform import audit

    with Session(_engine()) as session:
        result = audit.verify(session, extra_anchors=list(extra))
    anchors = len(audit.read_anchors(list(extra)))
    if not result.ok:
        raise click.ClickException(f"nhật ký KHÔNG toàn vẹn: {result.problem} ({result.entries} mục đã đọc)")
    click.echo(f"Nhật ký toàn vẹn: {result.entries} mục, chuỗi băm có khóa khớp từ đầu đến cuối, "
               f"khớp {anchors} mốc đã ghi.")


@click.group("user", help="Người dùng.")
def user_group() -> None:
    pass


@user_group.command("create", help="Tạo người dùng (tài khoản quản trị đầu tiên được tạo theo cách này).")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="họ và tên")
@click.option("--role", type=click.Choice(["admin", "org_board", "standing_committee", "viewer"]), default="admin",
              show_default=True, help="vai trò")
@click.option("--unit", "unit_code", help="phạm vi: mã đơn vị của cơ quan quản lý người dùng (mặc định: toàn tỉnh)")
@click.option("--password", prompt="Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu",
              help="mật khẩu (hỏi khi không ghi)")
@with_appcontext
def user_create(username: str, full_name: str, role: str, unit_code: str | None, password: str) -> None:
    """Create a user (the first admin is made this way)."""
    from quyhoach.db.engine import transaction
    from quyhoach.services.platform import audit, auth

    with transaction(_engine()) as session:
        try:
            user = auth.create_user(session, username=username, full_name=full_name, password=password,
                                    role=role, scope_unit_code=unit_code)
        except auth.AuthError as exc:
            raise click.ClickException(str(exc)) from None
        audit.record(session, "user.create", f"user:{user.username}", actor="dòng lệnh",
                     after={"role": role, "scope": unit_code or "toàn tỉnh"})
    click.echo(f"Đã tạo người dùng «{user.username}» ({role}).")


@user_group.command("unlock", help="Mở khóa đăng nhập sau nhiều lần đăng nhập sai (cách vào lại khi mọi quản trị "
                                   "viên đều bị khóa).")
@click.argument("username")
@with_appcontext
def user_unlock(username: str) -> None:
    """End a lockout after failed sign-ins (the way back in when every admin is locked out)."""
    from sqlmodel import select

    from quyhoach.db.engine import transaction
    from quyhoach.db.models import User
    from quyhoach.services.platform import audit, auth

    with transaction(_engine()) as session:
        user = session.exec(select(User).where(User.username == username.strip().lower())).one_or_none()
        if user is None:
            raise click.ClickException(f"không có người dùng «{username}»")
        before = {"failed_logins": user.failed_logins, "locked_until": user.locked_until}
        auth.unlock(session, user)
        audit.record(session, "user.unlock", f"user:{user.username}", actor=os_user(), before=before,
                     after={"failed_logins": 0, "locked_until": None})
    click.echo(f"Đã mở khóa đăng nhập cho «{user.username}».")


@click.command("backup", help="Sao lưu cơ sở dữ liệu SQLite ra một tệp.")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    from quyhoach.services.platform import backup

    try:
        backup.backup(_engine(), path, actor=os_user())
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Đã sao lưu vào {path} (mốc nhật ký: {backup.anchor_file(path)}).")


@click.command("restore", help="Khôi phục cơ sở dữ liệu SQLite từ tệp sao lưu (dừng ứng dụng trước).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="không hỏi xác nhận")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    from quyhoach.db import migrate
    from quyhoach.services.platform import backup

    if not yes:
        click.confirm("Khôi phục sẽ thay toàn bộ dữ liệu hiện tại (bản hiện tại được giữ lại *.before-restore). "
                      "Tiếp tục?", abort=True)
    try:
        version = backup.restore(_engine(), path)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Đã khôi phục từ {path} (lược đồ {version}).")
    if version != migrate.head_revision():
        click.echo("Lược đồ của bản sao lưu cũ hơn phiên bản phần mềm: chạy «quyhoach db upgrade».")


COMMANDS = tuple(vietnamese(command) for command in (
    report_group,
    db_group,
    demo,
    import_command,
    export_command,
    serve,
    check_command,
    worker_command,
    audit_group,
    user_group,
    backup_command,
    restore_command,
    solve_command,
))

# The commands that serve or render the web pages (their templates, links and sign-in): the
# app they run in has its blueprints; the others run in one without (`create_app(pages=False)`).
WITH_PAGES = frozenset({"serve", "worker", "report"})


def init_app(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def os_user() -> str:
    """Who runs the command, for the history and the audit trail: the OS user, else "dòng lệnh"."""
    import getpass

    try:
        return getpass.getuser() or "dòng lệnh"
    except (KeyError, OSError):     # no name for this uid (a container)
        return "dòng lệnh"
