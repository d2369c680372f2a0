"""`quyhoach check`: the whole-province check on the command line. With --failing it reads the
verdicts kept in the database (services.planning.verdicts), judging again only the pools
touched since they were stored; without, every finding of the pools chosen is judged now;
with --spread, the check runs as background jobs split by unit subtree."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time

import click
from flask import current_app
from flask.cli import with_appcontext


def _engine():
    return current_app.extensions["quyhoach.engine"]


@click.command("check", help="Kiểm tra quy hoạch: điều kiện từng cán bộ và cơ cấu từng danh sách.")
@click.option("--unit", "unit_code", help="chỉ các danh sách quy hoạch của đơn vị này và các đơn vị trực thuộc (mã đơn vị)")
@click.option("--title", "title_code", help="chỉ các danh sách quy hoạch của chức danh này (mã chức danh)")
@click.option("--term", "term_code", help="chỉ nhiệm kỳ này (mã nhiệm kỳ, ví dụ DANG-2025-2030)")
@click.option("--on", "on_text", help="ngày xét, dd/mm/yyyy (mặc định: hôm nay)")
@click.option("--json", "as_json", is_flag=True, help="in kết quả dạng JSON")
@click.option("--failing", is_flag=True,
              help="chỉ những điểm chưa đạt, đọc từ kết quả đã lưu trong cơ sở dữ liệu "
                   "(chỉ xét lại những danh sách có thay đổi từ lần lưu trước)")
@click.option("--spread", type=click.IntRange(min=1),
              help="kiểm tra toàn bộ bằng việc nền, chia thành ngần này phần (theo nhánh đơn vị; theo tỉnh khi "
                   "cài đặt toàn quốc) cho các tiến trình «quyhoach worker» xử lý; in bản tổng hợp")
@with_appcontext
def check_command(unit_code, title_code, term_code, on_text, as_json, failing, spread) -> None:
    from sqlmodel import Session, select

    from quyhoach.db.models import Unit
    from quyhoach.domain.dates import parse_date
    from quyhoach.services.planning import world as world_service

    on = parse_date(on_text) if on_text else dt.date.today()
    if spread:
        if unit_code or title_code or term_code:
            raise click.UsageError("--spread xét toàn bộ: không đi cùng --unit, --title, --term")
        _spread_check(spread, on, as_json)
        return
    with Session(_engine()) as session:
        unit_ids = None
        if unit_code:
            unit_id = session.exec(select(Unit.id).where(Unit.code == unit_code)).one_or_none()
            if unit_id is None:
                raise click.ClickException(f"không có đơn vị mã «{unit_code}»")
            unit_ids = world_service.subtree_of(session, unit_id)
        if failing:   # what did not pass is kept (pool_verdict): read, judged again only where touched
            _check_stored(session, on, as_json, unit_ids=unit_ids, title_code=title_code, term_code=term_code)
        else:         # every finding, passed ones too: the pools chosen judged now
            _check_judged(session, on, as_json, unit_ids=unit_ids, title_code=title_code, term_code=term_code)


def _check_stored(session, on, as_json: bool, **filters) -> None:
    from quyhoach.domain.dates import format_date
    from quyhoach.services.planning import verdicts

    found = verdicts.current(session, on, **filters)
    if filters["title_code"] and not found:
        raise click.ClickException(f"không có danh sách quy hoạch nào của chức danh «{filters['title_code']}»")
    if as_json:   # written a pool at a time, as the full check (`_check_judged`)
        click.echo(f'{{"on": "{on.isoformat()}", "pools": [', nl=True)
        for n, v in enumerate(found):
            click.echo(json.dumps({"pool": v.key, "title": v.title.name, "term": v.term.code, "rule_set": v.row.rule_set,
                                   "members": list(v.row.names), "findings": v.row.findings}, ensure_ascii=False)
                       + ("," if n < len(found) - 1 else ""))
        click.echo("]}")
        return
    click.echo(f"Ngày xét: {format_date(on)} · {len(found)} danh sách quy hoạch")
    for v in found:
        if v.row.findings:
            click.echo(f"\n{v.title.name} · {v.term.name} · {v.row.members} người · theo {v.row.rule_set}")
        for f in v.row.findings:
            mark = "Chưa đạt" if f["severity"] == "error" else "Lưu ý"
            who = f"{v.row.names[f['subject']]}: " if f["subject"] in v.row.names else ""
            since = dt.date.fromisoformat(f["from_date"]) if f["from_date"] else None
            tail = f" (đủ điều kiện từ {format_date(since)})" if since else ""
            click.echo(f"  [{mark}] {f['rule']} {who}{f['message']}{tail}")


def _check_judged(session, on, as_json: bool, *, unit_ids, title_code, term_code) -> None:
    from sqlmodel import select

    from quyhoach.db.models import Pool, Term, Title
    from quyhoach.domain.dates import format_date
    from quyhoach.services.planning import judging as planning, world as world_service

    if unit_ids is None and not title_code and not term_code:
        world = world_service.build(session, on)
    else:
        query = select(Pool.id).join(Title, Title.id == Pool.title_id).join(Term, Term.id == Pool.term_id)
        if unit_ids is not None:
            query = query.where(Title.unit_id.in_(sorted(unit_ids)))
        if title_code:
            query = query.where(Title.code == title_code)
        if term_code:
            query = query.where(Term.code == term_code)
        world = world_service.build_part(session, on, pool_ids=session.exec(query).all())
    # each pool judged, written out (to a spill file) and let go, then the pools printed worst first
    # from the spill: what stays in memory is the world and one key per pool, not every finding
    # (at 100,000 cadres the list kept whole took 5.3 GB, docs/benchmarks.md § Scale)
    with tempfile.TemporaryFile() as spill:
        order = []
        with planning.bulk():
            ids = planning.chosen(world)
            for j in planning.each(world, ids):
                text = _pool_json(j) if as_json else _pool_text(j)
                data = text.encode()
                order.append((planning.worst_first(j), spill.tell(), len(data)))
                spill.write(data)
        if title_code and not order:
            raise click.ClickException(f"không có danh sách quy hoạch nào của chức danh «{title_code}»")
        order.sort(key=lambda o: o[0])
        def out(text: str) -> None:
            click.echo(text, nl=False)

        if as_json:   # one JSON document, a pool a line: also read line by line (`"pools": [` opens them)
            out(f'{{"on": "{world.on.isoformat()}", "pools": [\n')
        else:
            out(f"Ngày xét: {format_date(world.on)} · {len(order)} danh sách quy hoạch\n")
        for n, (_key, at, size) in enumerate(order):
            spill.seek(at)
            out(spill.read(size).decode())
            if as_json:
                out(",\n" if n < len(order) - 1 else "\n")
        if as_json:
            out("]}\n")


def _pool_json(j) -> str:
    return json.dumps({"pool": j.key, "title": j.facts.title.name, "term": j.facts.term.code, "rule_set": j.rules.code,
                       "members": [m.code for m in j.facts.members], "findings": [f.as_dict() for f in j.findings()]},
                      ensure_ascii=False)


def _pool_text(j) -> str:
    from quyhoach.domain.dates import format_date

    lines = [f"\n{j.facts.title.name} · {j.facts.term.name} · {len(j.facts.members)} người · theo {j.rules.code}"]
    names = {m.code: m.name for m in j.facts.members}
    for f in j.findings():
        mark = "Đạt" if f.passed else ("Chưa đạt" if f.blocking else "Lưu ý")
        who = f"{names.get(f.subject, '')}: " if f.subject in names else ""
        tail = f" (đủ điều kiện từ {format_date(f.from_date)})" if f.from_date and not f.passed else ""
        lines.append(f"  [{mark}] {f.rule} {who}{f.message}{tail}")
    return "\n".join(lines) + "\n"


def _spread_check(parts: int, on, as_json: bool) -> None:
    from sqlmodel import Session

    from quyhoach.db.engine import transaction
    from quyhoach.services.planning import check_jobs
    from quyhoach.services.platform import jobs

    engine = _engine()
    runner = current_app.extensions["quyhoach.jobs"]
    jobs._engines.put(runner.database_url, engine)
    with transaction(engine) as session:
        job_id = check_jobs.submit(session, runner, parts, on).id
    shown = ""
    while True:
        with Session(engine) as session:
            job = jobs.get(session, job_id)
        if job.message != shown:
            click.echo(f"[{job.progress:4.0%}] {job.message}", err=True)
            shown = job.message
        if job.status in jobs.FINISHED:
            break
        time.sleep(0.5)
    if job.status != jobs.DONE:
        raise click.ClickException(job.error or job.message)
    result = job.result
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    click.echo(f"{result['pools']} danh sách quy hoạch, {result['members']} lượt cán bộ, xét trong {result['parts']} phần: "
               f"{result['pools_failing']} danh sách có điểm chưa đạt, {result['failing_members']} lượt cán bộ chưa đạt.")
    for row in result["worst"][:20]:
        click.echo(f"  {row['title']} ({row['pool']}): {row['failing_members']} người chưa đạt, "
                   f"{row['structure_failures']} điểm cơ cấu chưa đạt")
