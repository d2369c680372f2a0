"""The `quyhoach` command as an officer runs it: `check` starts without the solver, the report
builders or the PDF stack (issue #15: the whole-province check in ≤ 2 s was spent importing
them); `--help` answers without the database; every command and option is helped in Vietnamese;
`report pool` says what is wrong with the pool asked for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner
from sqlmodel import Session

from quyhoach.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
# The heavy libraries a command that only reads and judges has no use for.
HEAVY = ("ortools", "scipy", "numpy", "pandas", "networkx", "weasyprint", "docx", "openpyxl", "fpdf", "pypdf",
         "matplotlib", "PIL")
RUN = """
import sys
from quyhoach.__main__ import main
sys.argv = ["quyhoach", *sys.argv[1:]]
try:
    main()
except SystemExit as end:
    status = end.code
print("LOADED:", " ".join(sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r} or m == "sqlmodel")),
      file=sys.stderr)
sys.exit(status)
"""


def _quyhoach(*args: str, database_url: str, instance: Path) -> subprocess.CompletedProcess:
    """`quyhoach ARGS` in a process of its own; its stderr ends with the modules it loaded."""
    env = {**os.environ, "QUYHOACH_DATABASE_URL": database_url, "QUYHOACH_INSTANCE_PATH": str(instance)}
    env.pop("QUYHOACH_REDIS_URL", None)
    return subprocess.run([sys.executable, "-c", RUN.format(heavy=HEAVY), *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


def _loaded(done: subprocess.CompletedProcess) -> set[str]:
    line = [x for x in done.stderr.splitlines() if x.startswith("LOADED:")][-1]
    return set(line.removeprefix("LOADED:").split())


def test_check_reads_the_province_without_loading_the_solver_reports_or_pdf(engine, database_url, tmp_path):
    from quyhoach.services.records import demo

    with Session(engine) as session:
        assert demo.load(session, demo.SMALL).ok
        session.commit()
    done = _quyhoach("check", "--failing", "--on", "15/01/2026", database_url=database_url, instance=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Ngày xét: 15/01/2026 · ") and "[Chưa đạt]" in done.stdout
    loaded = {m.split(".")[0] for m in _loaded(done)}
    assert loaded & set(HEAVY) == set()


def test_help_answers_without_the_database(tmp_path):
    unreachable = "postgresql://nobody@127.0.0.1:9/none"
    done = _quyhoach("--help", database_url=unreachable, instance=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Lệnh:" in done.stdout and "check" in done.stdout and "report" in done.stdout
    assert _loaded(done) == set()      # not even the database layer
    done = _quyhoach("check", "--help", database_url=unreachable, instance=tmp_path)
    assert done.returncode == 0 and "--failing" in done.stdout and "chỉ những điểm chưa đạt" in done.stdout


def _vietnamese(text: str | None) -> bool:
    return bool(text) and any(ch.isalpha() and ord(ch) > 127 for ch in text)   # a Vietnamese letter at least


def _every_command(command: click.Command, path: str = "quyhoach"):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _every_command(sub, f"{path} {name}")


def test_every_command_and_option_is_helped_in_vietnamese():
    english = []
    for top in COMMANDS:
        for path, command in _every_command(top, f"quyhoach {top.name}"):
            if not _vietnamese(command.help):
                english.append(path)
            english += [f"{path} {p.opts[0]}" for p in command.params
                        if isinstance(p, click.Option) and not _vietnamese(p.help)]
    assert english == []
    usage = CliRunner().invoke(COMMANDS[0], ["--help"], prog_name="quyhoach report").output
    assert usage.startswith("Cách dùng: quyhoach report") and "Tùy chọn:" in usage and "Lệnh:" in usage


def test_report_pool_says_what_is_wrong_with_the_pool_asked_for(runner):
    nothing = runner.invoke(args=["report", "pool", "to-trinh"])
    assert nothing.exit_code == 2 and "chưa chọn danh sách quy hoạch" in nothing.output
    assert "--title" in nothing.output and "không cả hai" not in nothing.output
    both = runner.invoke(args=["report", "pool", "to-trinh", "7", "--title", "CT-UBND"])
    assert both.exit_code == 2 and "đã ghi số danh sách 7" in both.output
    unknown = runner.invoke(args=["report", "pool", "to-trinh", "999"])
    assert unknown.exit_code == 1 and "không có danh sách quy hoạch số 999" in unknown.output


def test_the_solve_job_kind_registered_is_the_one_the_solves_are_queued_under(app):
    from quyhoach.services.platform import jobs
    from quyhoach.services.rotation import solving

    assert solving.JOB_KIND in jobs.HANDLERS and solving.JOB_KIND in jobs.ON_LOST
