"""Imports written in bulk (issue 15: db/bulk.py, COPY on PostgreSQL, executemany elsewhere):
what a large file writes is what the rows say, the planning change log knows which cadres
it touched, and the audit chain over the bulk-written entries verifies."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from quyhoach.db import bulk
from quyhoach.db.models import AuditEntry, Cadre, Evaluation, PlanningChange
from quyhoach.services.platform import audit
from quyhoach.services.records import demo, importer
from tests.files import EVALUATIONS_HEADER, csv_bytes

YEARS = range(2010, 2018)


def test_a_large_evaluation_list_is_written_logged_and_audited(engine):
    with Session(engine) as session:
        assert demo.load(session, demo.SMALL).ok
        session.commit()
        cadres = session.exec(select(Cadre.id, Cadre.code, Cadre.full_name).order_by(Cadre.code)).all()
    rows = [[code, name, "Năm", year, None, "HTTNV" if year % 2 else "HTXSNV", 80 + year % 10]
            for _id, code, name in cadres for year in YEARS]
    assert len(rows) >= bulk.COPY_FROM  # PostgreSQL takes the COPY path
    with Session(engine) as session:
        before = session.exec(select(AuditEntry.seq).order_by(AuditEntry.seq.desc())).first() or 0
        result = importer.run(session, "evaluations", csv_bytes([EVALUATIONS_HEADER, *rows]), "danh-gia.csv")
        assert result.ok, [str(p) for p in result.problems[:5]]
        session.commit()
    with Session(engine) as session:
        written = session.exec(select(Evaluation.cadre_id, Evaluation.year, Evaluation.rating, Evaluation.score,
                                      Evaluation.period).where(Evaluation.year.in_(list(YEARS)))).all()
        logged = session.exec(select(PlanningChange).order_by(PlanningChange.id.desc())).first()
        entries = session.exec(select(AuditEntry).where(AuditEntry.seq > before).order_by(AuditEntry.seq)).all()
        verified = audit.verify(session)
    by_code = {code: id_ for id_, code, _name in cadres}
    assert sorted(written) == sorted((by_code[r[0]], r[3], "good" if r[3] % 2 else "excellent", r[6], "year")
                                     for r in rows)
    # the change log names the cadres rated, rather than "rebuild everything"
    assert logged is not None and not logged.full and set(logged.cadre_ids) == set(by_code.values())
    # one entry per rating and one for the file, chained; the values as written (dates, numbers)
    assert len(entries) == len(rows) + 1 and entries[-1].action == "import.evaluations"
    assert entries[0].action == "evaluations.create" and entries[0].after["year"] == YEARS[0]
    assert verified.ok, verified.problem
    assert isinstance(entries[0].at, dt.datetime) and entries[0].at.tzinfo is not None


def test_bulk_audit_entries_hash_the_json_text_and_store_the_values(session, tmp_path):
    """The entries written in bulk (their JSON encoded once, for the hash and the database):
    each link is the HMAC of the array as json.dumps writes it, whatever the values (letters,
    quotes, control characters, floats json writes with an exponent, large integers, nested
    lists), the values read back are the canonical ones, and the chain verifies."""
    import hashlib
    import hmac
    import json

    values = [
        {"name": "Nguyễn Thị \"Lan\"\n\t\\", "born": dt.date(1978, 3, 7), "score": 82.5, "big": 10**20,
         "tiny": 1.5e-7, "huge": 1e16, "whole": 3.0, "flag": True, "none": None, "list": [1, "Điện Biên", 0.1]},
        {"code": "CB00001", "full_name": "Lò Văn Hùng", "since": dt.datetime(2021, 10, 1, 7, 30, tzinfo=dt.UTC)},
        {"control": "a\x01b\u2028c\x7f", "dict": {"b": 1, "a": [None]}},
    ]
    items = [(f"test.write{i % 2}", f"thing:{i}", values[i % 3] if i % 2 else None, values[(i + 1) % 3])
             for i in range(bulk.COPY_FROM + 10)]
    before = session.exec(select(AuditEntry.seq).order_by(AuditEntry.seq.desc())).first() or 0
    assert audit.record_many(session, items, reason="Nhập tệp «thử.csv»") == len(items)
    session.commit()
    session.expire_all()
    entries = session.exec(select(AuditEntry).where(AuditEntry.seq > before).order_by(AuditEntry.seq)).all()
    secret = audit.key()
    prev = session.exec(select(AuditEntry.hash).where(AuditEntry.seq == before)).first() or ""
    for entry, (action, entity, old, new) in zip(entries, items, strict=True):
        assert (entry.action, entry.entity) == (action, entity)
        assert entry.before == audit._canonical(old or {}) and entry.after == audit._canonical(new or {})
        at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=dt.UTC)
        body = json.dumps([prev, entry.seq, at.isoformat(timespec="microseconds"), entry.actor, action, entity,
                           audit._canonical(old or {}), audit._canonical(new or {}), "Nhập tệp «thử.csv»"],
                          ensure_ascii=False, separators=(",", ":"))
        assert entry.prev_hash == prev
        assert entry.hash == hmac.new(secret, body.encode("utf-8"), hashlib.sha256).hexdigest()
        prev = entry.hash
    assert entries[2].after["huge"] == 1e16 and entries[2].after["big"] == 10**20
    assert entries[2].after["born"] == "1978-03-07" and entries[2].after["whole"] == 3
    assert audit.verify(session).ok



def test_a_list_loaded_in_several_files_is_counted_once_in_the_demo_summary():
    """A 30,000-cadre province loads its 537,000 evaluations in files of 100,000: the summary
    says one figure for them, not six."""
    from quyhoach.services.records import demo, importer

    report = demo.DemoReport([importer.ImportResult("cadres", "a.csv", False, created=30000),
                              importer.ImportResult("evaluations", "b1.csv", False, created=100000),
                              importer.ImportResult("evaluations", "b2.csv", False, created=36920, updated=1)])
    assert report.summary() == "30.000 cán bộ, 136.921 kết quả đánh giá"
