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
