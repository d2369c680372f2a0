"""0018: the reasons the app wrote in the pools' histories before it get their words (the
pages say them in the reader's language); an officer's own words stay as typed."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from quyhoach.db import migrate
from quyhoach.db.engine import make_engine
from quyhoach.domain.phrase import Phrase
from quyhoach.domain.vocab import POOL_REASON_ADOPTED, POOL_REASON_BALLOT


def test_0018_gives_the_apps_reasons_their_words(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate.upgrade(engine, "0017_pool_verdict")
    event = sa.table("poolevent", sa.column("id", sa.Integer()), sa.column("pool_id", sa.Integer()),
                     sa.column("kind", sa.String()), sa.column("on", sa.Date()), sa.column("reason", sa.String()),
                     sa.column("actor", sa.String()), sa.column("created_at", sa.DateTime()))
    entry = sa.table("poolentry", sa.column("id", sa.Integer()), sa.column("pool_id", sa.Integer()),
                     sa.column("cadre_id", sa.Integer()), sa.column("source", sa.String()),
                     sa.column("status", sa.String()), sa.column("added_on", sa.Date()),
                     sa.column("added_reason", sa.String()), sa.column("exit_reason", sa.String()))
    adopted = "Được bố trí giữ chức vụ theo phương án luân chuyển «Ví dụ 1 — cấp xã», NQ 12-NQ/TU"
    reasons = ["key_cadres: 25/28 phiếu đồng ý, 28/30 có mặt", adopted, "Nhập từ danh sách quy hoạch",
               "Hội nghị cán bộ chủ chốt đề nghị"]
    day, now = dt.date(2026, 3, 2), dt.datetime(2026, 3, 2, 8, 0)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")   # rows of their own, no pool or cadre needed
        for number, reason in enumerate(reasons, 1):
            connection.execute(event.insert().values(id=number, pool_id=1, kind="x", on=day, reason=reason, actor="a",
                                                     created_at=now))
        connection.execute(entry.insert().values(id=1, pool_id=1, cadre_id=1, source="internal", status="exited",
                                                 added_on=day, added_reason=reasons[2], exit_reason=adopted))
        connection.execute(entry.insert().values(id=2, pool_id=1, cadre_id=2, source="internal", status="active",
                                                 added_on=day, added_reason=reasons[3]))
        connection.commit()
    migrate.upgrade(engine)
    with engine.connect() as connection:
        events = connection.execute(sa.text("SELECT reason, words FROM poolevent ORDER BY id")).all()
        entries = connection.execute(sa.text("SELECT added_words, exit_words FROM poolentry ORDER BY id")).all()
    said = [(reason, Phrase.from_json(json.loads(words)) if words else None)
            for reason, words in events]
    # the ballot named its step by its code: now by its label, as its page always showed it
    assert said[0][0] == "Hội nghị cán bộ chủ chốt: 25/28 phiếu đồng ý, 28/30 có mặt"
    assert said[0][1].template == POOL_REASON_BALLOT and str(said[0][1]) == said[0][0]
    assert said[1][1].template == POOL_REASON_ADOPTED and said[1][1].args["decision"] == "NQ 12-NQ/TU"
    assert str(said[1][1]) == adopted
    assert str(said[2][1]) == "Nhập từ danh sách quy hoạch"
    assert said[3] == ("Hội nghị cán bộ chủ chốt đề nghị", None)     # an officer's words, as typed
    assert entries[0][0] is not None and entries[0][1] is not None and entries[1] == (None, None)
    migrate.downgrade(engine, "0017_pool_verdict")
    engine.dispose()
