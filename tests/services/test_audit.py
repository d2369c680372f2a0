"""The audit trail: every write recorded with who, what, before, after and why; the hash
chain shows any tampering."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from quyhoach.db.models import AuditEntry
from quyhoach.services.platform import audit
from quyhoach.services.records import importer
from tests.files import UNITS, csv_bytes


def test_an_import_is_recorded_with_its_actor_and_counts(session):
    token = audit.set_actor("ttb.nguyen")
    try:
        assert importer.run(session, "units", csv_bytes(UNITS), "don-vi.csv").ok
        session.commit()
    finally:
        audit._actor.reset(token)
    *records, entry = session.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert (entry.actor, entry.action, entry.entity) == ("ttb.nguyen", "import.units", "don-vi.csv")
    assert entry.after == {"rows": 4, "created": 4, "updated": 0, "unchanged": 0}
    # One entry per record created, with its values (issue 11).
    assert [(r.actor, r.action, r.entity) for r in records] == [
        ("ttb.nguyen", "units.create", f"unit:{row[0]}") for row in UNITS[1:]]
    assert records[0].after["name"] == UNITS[1][1]


def test_a_refused_import_records_nothing(session):
    bad = [r[:] for r in UNITS]
    bad[2][3] = "liên xã"
    assert not importer.run(session, "units", csv_bytes(bad), "x.csv").ok
    session.rollback()
    assert session.exec(select(AuditEntry)).all() == []


def chain(session, n=4):
    for i in range(n):
        audit.record(session, "test.write", f"thing:{i}", before={"v": i}, after={"v": i + 1}, reason=f"lý do {i}",
                     actor="cb.a")
    session.commit()


def test_an_untouched_chain_verifies(session):
    chain(session)
    result = audit.verify(session)
    assert result.ok and result.entries == 4


def test_an_edited_entry_breaks_the_chain_at_that_entry(session, engine):
    chain(session)
    with engine.begin() as connection:
        connection.execute(sa.update(AuditEntry).where(AuditEntry.seq == 2).values(reason="sửa lén"))
    session.expire_all()
    result = audit.verify(session)
    assert not result.ok and result.broken_at == 2 and "bị sửa" in result.problem


def test_a_deleted_entry_breaks_the_chain(session, engine):
    chain(session)
    with engine.begin() as connection:
        connection.execute(sa.delete(AuditEntry).where(AuditEntry.seq == 3))
    session.expire_all()
    assert audit.verify(session).broken_at == 3


def test_deleting_the_last_entry_shows_too(session, engine):
    chain(session)
    with engine.begin() as connection:
        connection.execute(sa.delete(AuditEntry).where(AuditEntry.seq == 4))
    session.expire_all()
    assert not audit.verify(session).ok


def test_filters(session):
    chain(session)
    audit.record(session, "pool.add", "pool:7", actor="cb.b")
    session.commit()
    total, rows = audit.entries(session, actor="cb.b")
    assert total == 1 and rows[0].entity == "pool:7"
    total, rows = audit.entries(session, action="test.")
    assert total == 4 and [r.seq for r in rows] == [4, 3, 2, 1]


def test_the_verify_command(runner, session):
    chain(session, 2)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "2" in result.output


def test_an_imports_reason_is_the_apps_words_said_in_the_readers_language_and_the_chain_covers_them(
        session, engine, app):
    """Issue 14: "Nhập tệp «…»" is kept with its words (in bulk and alone), shown in English to
    an English reader, the typed reasons as typed; editing the words breaks the chain."""
    from flask_babel import force_locale, gettext

    from quyhoach.domain.phrase import say

    assert importer.run(session, "units", csv_bytes(UNITS), "don-vi.csv").ok
    audit.record(session, "test.write", "thing:1", reason="Cán bộ gõ lý do này", actor="cb.a")
    session.commit()
    *records, summary, typed = session.exec(select(AuditEntry).order_by(AuditEntry.seq)).all()
    for entry in (records[0], summary):
        assert entry.reason == "Nhập tệp «don-vi.csv»"         # the text as it always was
        assert entry.reason_words == {"t": "Nhập tệp «%(file)s»", "a": {"file": "don-vi.csv"}}
    assert typed.reason_words is None
    assert audit.verify(session).ok
    with app.app_context(), force_locale("en"):
        shown = [say(audit.reason_of(e), gettext, "en") for e in (summary, typed)]
    assert shown == ["Imported from file «don-vi.csv»", "Cán bộ gõ lý do này"]
    with engine.begin() as connection:    # the words are covered by the link, as the text is
        connection.execute(sa.update(AuditEntry).where(AuditEntry.seq == summary.seq)
                           .values(reason_words={"t": "Nhập tệp «%(file)s»", "a": {"file": "khac.csv"}}))
    session.expire_all()
    result = audit.verify(session)
    assert not result.ok and result.broken_at == summary.seq


def test_an_entry_without_words_hashes_as_before_revision_0019(session):
    """The old entries (no words) verify unchanged: their link is the nine-element array."""
    entry = audit.record(session, "test.write", "thing:1", reason="Nhập tệp «cu.csv»", actor="cb.a")
    old_link = audit._link(audit._bodies(entry.at, entry.actor, entry.reason)(
        entry.prev_hash, entry.seq, entry.action, entry.entity, "{}", "{}"), audit.key())
    assert entry.reason_words is None and entry.hash == old_link
    # an import's reason written before the words were kept is recognised where it is shown
    assert audit.reason_of(entry).template == "Nhập tệp «%(file)s»"


def test_what_verify_finds_is_said_in_the_readers_language(session, engine, app):
    from flask_babel import force_locale, gettext

    from quyhoach.domain.phrase import say

    chain(session)
    with engine.begin() as connection:
        connection.execute(sa.update(AuditEntry).where(AuditEntry.seq == 2).values(reason="sửa lén"))
    session.expire_all()
    result = audit.verify(session)
    assert result.problem == "nội dung mục 2 đã bị sửa"          # the command line's words, as before
    with app.app_context(), force_locale("en"):
        assert say(result.problem, gettext, "en") == "the content of entry 2 was edited"
