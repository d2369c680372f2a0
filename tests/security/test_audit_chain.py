"""The audit log cannot be quietly rewritten (issue 12): the chain is keyed (HMAC, the key in
the instance folder, not in the database), and anchored (backups and downloads record the head
outside the database), so deleting the last entries, or recomputing the chain after a change,
fails `audit verify`. Reading confidential files is logged."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db import migrate
from quyhoach.db.engine import make_engine
from quyhoach.db.models import AuditEntry, AuditHead
from quyhoach.services.platform import audit, auth, backup

from tests.security.conftest import PASSWORD, signed_in


def chain(session, n: int) -> list[AuditEntry]:
    for i in range(n):
        audit.record(session, "test.write", f"thing:{i + 1}", before={"v": i}, after={"v": i + 1}, reason=f"lý do {i}",
                     actor="cb.a")
    session.commit()
    return list(session.exec(select(AuditEntry).order_by(AuditEntry.seq)))


def _body(e: AuditEntry, prev: str) -> bytes:
    at = e.at if e.at.tzinfo else e.at.replace(tzinfo=audit.dt.UTC)
    return json.dumps([prev, e.seq, at.isoformat(timespec="microseconds"), e.actor, e.action, e.entity,
                       audit._canonical(e.before), audit._canonical(e.after), e.reason],
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def rewrite(engine, session, change: dict, seq: int, link) -> None:
    """What someone with write access to the database does: change entry `seq`, then
    recompute every link with `link(body) -> hex` and move the head to the new last hash."""
    if change:
        with engine.begin() as connection:
            connection.execute(sa.update(AuditEntry).where(AuditEntry.seq == seq).values(**change))
    session.expire_all()
    prev = ""
    with engine.begin() as connection:
        for entry in session.exec(select(AuditEntry).order_by(AuditEntry.seq)).all():
            digest = link(_body(entry, prev))
            connection.execute(sa.update(AuditEntry).where(AuditEntry.seq == entry.seq)
                               .values(prev_hash=prev, hash=digest))
            prev = digest
        connection.execute(sa.update(AuditHead).where(AuditHead.id == 1).values(last_hash=prev))
    session.expire_all()


def truncate(engine, session, keep: int) -> None:
    """Delete every entry after `keep` and roll the head back to match: a chain that links."""
    last = session.exec(select(AuditEntry).where(AuditEntry.seq == keep)).one()
    with engine.begin() as connection:
        connection.execute(sa.delete(AuditEntry).where(AuditEntry.seq > keep))
        connection.execute(sa.update(AuditHead).where(AuditHead.id == 1).values(seq=keep, last_hash=last.hash))
    session.expire_all()


def test_the_key_is_in_the_instance_folder_readable_by_the_owner_only(session, tmp_path):
    entries = chain(session, 2)
    key_file = tmp_path / "audit_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600 and len(bytes.fromhex(key_file.read_text())) == 32
    # the links are HMACs with that key, not plain SHA-256 anyone can recompute
    key = bytes.fromhex(key_file.read_text())
    assert entries[1].hash == hmac.new(key, _body(entries[1], entries[0].hash), hashlib.sha256).hexdigest()
    assert entries[1].hash != hashlib.sha256(_body(entries[1], entries[0].hash)).hexdigest()
    assert audit.verify(session).ok


def test_a_chain_recomputed_without_the_key_fails(session, engine):
    chain(session, 4)
    rewrite(engine, session, {"reason": "sửa lén"}, 2, lambda body: hashlib.sha256(body).hexdigest())
    result = audit.verify(session)
    assert not result.ok and result.broken_at == 1 and "bị sửa" in result.problem


def test_a_chain_recomputed_with_a_guessed_key_fails(session, engine):
    chain(session, 4)
    guess = b"\x00" * 32
    rewrite(engine, session, {"after": {"v": 99}}, 3, lambda body: hmac.new(guess, body, hashlib.sha256).hexdigest())
    assert audit.verify(session).broken_at == 1


def test_deleting_the_last_entries_and_rolling_the_head_back_fails_against_the_anchor(session, engine, tmp_path):
    chain(session, 5)
    mark = audit.anchor(session, "a report")
    assert (mark.seq, mark.keyed_from) == (5, 1)
    chain(session, 2)  # entries 6 and 7
    truncate(engine, session, 3)
    result = audit.verify(session)
    assert not result.ok and result.broken_at == 4 and "đã bị xóa" in result.problem
    anchors = [json.loads(line) for line in (tmp_path / "audit_anchors.jsonl").read_text().splitlines()]
    assert [(a["seq"], a["where"]) for a in anchors] == [(5, "a report")]


def test_even_with_the_key_a_rewrite_before_an_anchor_fails(session, engine, tmp_path):
    chain(session, 3)
    audit.anchor(session, "a backup")
    chain(session, 2)
    key = bytes.fromhex((tmp_path / "audit_key").read_text())
    rewrite(engine, session, {"actor": "người khác"}, 2, lambda body: hmac.new(key, body, hashlib.sha256).hexdigest())
    result = audit.verify(session)
    assert not result.ok and result.broken_at == 3 and "mốc" in result.problem


def test_declaring_the_entries_unkeyed_fails_against_the_anchor(session, engine):
    chain(session, 3)
    audit.anchor(session, "a backup")
    with engine.begin() as connection:
        connection.execute(sa.update(AuditHead).where(AuditHead.id == 1).values(keyed_from=100))
    rewrite(engine, session, {"reason": "sửa lén"}, 1, lambda body: hashlib.sha256(body).hexdigest())
    result = audit.verify(session)
    assert not result.ok and "khóa" in result.problem


def test_entries_from_before_the_key_verify_as_plain_sha256(session, engine):
    # a database upgraded by 0011: its first two entries were chained with SHA-256
    chain(session, 2)
    with engine.begin() as connection:
        connection.execute(sa.update(AuditHead).where(AuditHead.id == 1).values(keyed_from=3))
    rewrite(engine, session, {}, 1, lambda body: hashlib.sha256(body).hexdigest())
    chain(session, 2)  # entries 3 and 4, keyed
    result = audit.verify(session)
    assert result.ok and result.entries == 4


@pytest.fixture
def live(tmp_path):
    """A database made by the migrations (a backup must carry its schema version)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'live.db'}")
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def test_a_backup_records_the_head_beside_itself_and_verify_reads_it(live, tmp_path):
    with Session(live, expire_on_commit=False) as session:
        chain(session, 3)
        target = backup.backup(live, tmp_path / "sao-luu" / "a.db", actor="cb.a")
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
        side = backup.anchor_file(target)
        assert side.name == "a.db.audit-head.json" and stat.S_IMODE(os.stat(side).st_mode) == 0o600
        entries = list(session.exec(select(AuditEntry).order_by(AuditEntry.seq)))
        head = json.loads(side.read_text())
        assert (head["seq"], head["hash"]) == (3, entries[2].hash)  # what the copy holds
        assert entries[3].action == "backup.create" and audit.read_anchors()[-1].seq == 4  # the live log, after it
        assert audit.verify(session, extra_anchors=[side]).ok
        # the instance's anchors lost too: the backup's side file still shows the deleted tail
        (tmp_path / "audit_anchors.jsonl").unlink()
        truncate(live, session, 2)
        result = audit.verify(session, extra_anchors=[side])
        assert not result.ok and result.broken_at == 3


def test_after_a_restore_the_log_verifies_against_the_backups_anchor(live, tmp_path):
    with Session(live, expire_on_commit=False) as session:
        chain(session, 3)
        target = backup.backup(live, tmp_path / "a.db")
        chain(session, 2)
    backup.restore(live, target)
    with Session(live) as session:
        result = audit.verify(session)
        actions = [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.seq))]
    assert result.ok and actions == ["test.write"] * 3 + ["backup.restore"]
    assert list(tmp_path.glob("audit_anchors.before-restore-*.jsonl"))  # the old anchors kept


def test_the_verify_command_reads_a_backups_anchor(app, session, engine, tmp_path):
    chain(session, 3)
    side = tmp_path / "b.db.audit-head.json"
    audit.save_anchor(audit.head(session), "b.db", side)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify", "--anchors", str(side)])
    assert ok.exit_code == 0 and "3 mục" in ok.output and "1 mốc" in ok.output, ok.output
    truncate(engine, session, 1)
    failed = runner.invoke(args=["audit", "verify", "--anchors", str(side)])
    assert failed.exit_code != 0 and "KHÔNG toàn vẹn" in failed.output


def test_downloading_an_export_is_logged_and_anchors_the_head(client, session, tmp_path):
    response = client.get("/nhap-du-lieu/xuat/cadres.csv")
    assert response.status_code == 200
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "file.read")).one()
    assert entry.entity == "export:cadres.csv"
    anchors = audit.read_anchors()
    assert [(a.seq, a.hash) for a in anchors] == [(entry.seq, entry.hash)]


def test_downloading_a_backup_is_logged(live, tmp_path):
    from quyhoach import create_app

    with Session(live) as session:
        auth.create_user(session, username="u.admin", full_name="Quản trị", password=PASSWORD, role="admin")
        session.commit()
    app = create_app({"TESTING": True, "DATABASE_URL": str(live.url), "INSTANCE_PATH": str(tmp_path),
                      "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})
    admin = signed_in(app, "u.admin")
    assert admin.post("/quan-tri/sao-luu").status_code == 302
    with Session(live) as session:
        name = session.exec(select(AuditEntry).where(AuditEntry.action == "backup.create")).one().entity.split(":")[1]
    download = admin.get(f"/quan-tri/sao-luu/{name}")
    assert download.status_code == 200 and download.data.startswith(b"SQLite format 3")
    with Session(live) as session:
        reads = session.exec(select(AuditEntry).where(AuditEntry.action == "file.read")).all()
        assert [(e.actor, e.entity) for e in reads] == [("u.admin", f"backup:{name}")]
        assert audit.verify(session).ok
    app.extensions["quyhoach.engine"].dispose()


def test_downloading_a_report_is_logged_and_anchors_the_head(client, session):
    from quyhoach.db.models import Job
    from quyhoach.services.records import demo
    from quyhoach.web.forms.reports import FIELDS as F

    assert demo.load(session, demo.SMALL).ok
    session.commit()
    assert client.post("/bao-cao/tao", data={F["kind"]: "term-planning", F["formats"]: ["docx"]}).status_code in (200, 302)
    job = session.exec(select(Job).order_by(Job.created_at.desc())).first()
    download = client.get(f"/bao-cao/tai/{job.id}/docx")
    assert download.status_code == 200
    session.expire_all()
    read = session.exec(select(AuditEntry).where(AuditEntry.action == "file.read")).one()
    filename = download.headers["Content-Disposition"].split("filename=", 1)[1].strip('"')
    assert filename.endswith(".docx") and read.entity == f"report:{filename}"
    assert [(a.seq, a.hash) for a in audit.read_anchors()] == [(read.seq, read.hash)]
    assert audit.verify(session).ok
