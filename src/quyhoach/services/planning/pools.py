"""Writing to succession pools: add, exit, reinstate, ballots, review decisions. Every
change is recorded in the pool's history with its date and reason, bumps the pool's
version (a stale form is refused, never silently overwritten) and the data stamp. The version
check is atomic in the database: the pool row is locked before anything is counted, and the
version bumped by an UPDATE conditioned on the version the form was opened with.

Services flush; the caller commits once. The history's "who" is the actor of the request or
the command (`audit.current_actor()`), never an argument a caller could forget.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db.models import Ballot, Cadre, Pool, PoolEntry, PoolEvent, ReviewDecision, Term, Title, utcnow
from quyhoach.domain import eligibility, vocab
from quyhoach.domain.phrase import Phrase, stored
from quyhoach.domain.text import nfc
from quyhoach.services.platform import audit, stamp
from quyhoach.services.planning import world as world_service

BALLOT_STEPS = ("leadership_proposal", "key_cadres", "standing_committee", "approval")


class PoolError(ValueError):
    """A change refused, with the reason in Vietnamese."""


class StaleError(PoolError):
    pass


def _reason(reason: str | None) -> str:
    if isinstance(reason, Phrase):
        return reason   # the app's own words, not an officer's to check
    text = nfc(reason or "") or ""
    if len(text) < 5:
        raise PoolError("cần ghi lý do (ít nhất 5 ký tự)")
    if len(text) > 500:
        raise PoolError("lý do dài quá 500 ký tự")
    return text


STALE = ("danh sách quy hoạch này vừa được người khác thay đổi; hãy tải lại trang để xem "
         "thay đổi rồi thực hiện lại")


def _lock(session: Session, pool_id: int, expected_version: int | None) -> Pool | None:
    """The pool row, locked until the transaction ends (SELECT ... FOR UPDATE; SQLite takes its
    write lock at the first write instead), read afresh from the database, with its version
    checked. Two officers changing the same pool queue here: the second reads the first's
    committed version and members, so a stale form is refused and the cap is counted right."""
    pool = session.exec(select(Pool).where(Pool.id == pool_id).with_for_update()
                        .execution_options(populate_existing=True)).one_or_none()
    if pool is not None and expected_version is not None and pool.version != expected_version:
        raise StaleError(STALE)
    return pool


def _touch(session: Session, pool: Pool, expected_version: int | None) -> None:
    """Bump the version in one conditional UPDATE: the database, not Python, decides whether
    the version read is still the current one (rowcount 0: someone else saved first)."""
    condition = [Pool.id == pool.id]
    if expected_version is not None:
        condition.append(Pool.version == expected_version)
    now = utcnow()
    result = session.execute(sa.update(Pool).where(*condition).values(version=Pool.version + 1, updated_at=now)
                             .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise StaleError(STALE)
    session.refresh(pool, ["version", "updated_at"])
    stamp.bump(session)


def _active_members(session: Session, pool_id: int) -> int:
    """Counted in the database after the lock, not in the cached planning world (which may
    predate a change committed a moment ago by another officer)."""
    return session.exec(select(sa.func.count()).select_from(PoolEntry)
                        .where(PoolEntry.pool_id == pool_id, PoolEntry.status == "active")).one()


def get_or_create_pool(session: Session, title_id: int, term_id: int) -> Pool:
    pool = session.exec(select(Pool).where(Pool.title_id == title_id, Pool.term_id == term_id)).one_or_none()
    if pool is None:
        if session.get(Title, title_id) is None or session.get(Term, term_id) is None:
            raise PoolError("không có chức danh hoặc nhiệm kỳ này")
        pool = Pool(title_id=title_id, term_id=term_id)
        session.add(pool)
        session.flush()
    return pool


def add_entry(session: Session, pool_id: int, cadre_code: str, *, reason: str, on: dt.date,
              source: str = "internal", expected_version: int | None = None) -> PoolEntry:
    """Put a cadre in a pool. Refused when the cadre is already in it, when the pool is full
    (P2), or when a rule blocks the cadre today (the message lists every blocking rule)."""
    reason = _reason(reason)
    pool = _lock(session, pool_id, expected_version)
    if pool is None:
        raise PoolError("không có danh sách quy hoạch này")
    if source not in ("internal", "external"):
        raise PoolError("nguồn phải là «tại chỗ» hoặc «nơi khác»")
    cadre = session.exec(select(Cadre).where(Cadre.code == cadre_code)).one_or_none()
    if cadre is None:
        raise PoolError(f"không có cán bộ mã «{cadre_code}»")
    entry = session.exec(select(PoolEntry).where(PoolEntry.pool_id == pool_id, PoolEntry.cadre_id == cadre.id)).one_or_none()
    if entry is not None and entry.status == "active":
        raise PoolError(f"{cadre.full_name} đã có trong danh sách này")
    world = world_service.cached(session, on)
    record = world.pools[pool_id]
    rules = world.rule_set("planning", on)
    if _active_members(session, pool_id) >= rules["pool_max_per_title"]:
        raise PoolError(f"danh sách đã đủ {rules['pool_max_per_title']} người (P2, {rules.legal_basis}); "
                        "đưa một người ra trước khi bổ sung")
    findings = eligibility.check(world.cadres[cadre.id], record.facts.title, record.facts.term, rules, on,
                                 title_index=world.titles)
    blocking = [f for f in findings if f.blocking]
    if blocking:
        raise PoolError(f"{cadre.full_name} chưa đủ điều kiện: " + "; ".join(f"{f.rule} {f.message}" for f in blocking))
    _touch(session, pool, expected_version)
    text, words = stored(reason)
    if entry is None:
        entry = PoolEntry(pool_id=pool_id, cadre_id=cadre.id, source=source, added_on=on, added_reason=text,
                          added_words=words)
        kind = "add"
    else:
        entry.status, entry.added_on, entry.added_reason, entry.added_words, entry.source = (
            "active", on, text, words, source)
        entry.exited_on = entry.exit_reason = entry.exit_words = entry.exit_rule = None
        kind = "reinstate"
    session.add(entry)
    session.add(PoolEvent(pool_id=pool_id, cadre_id=cadre.id, kind=kind, on=on, reason=text, words=words,
                          actor=audit.current_actor()))
    session.flush()
    audit.record(session, f"pool.{kind}", f"pool:{pool_id}", before={"status": "none" if kind == "add" else "exited"},
                 after={"cadre": cadre.code, "status": "active", "source": source, "on": on}, reason=reason)
    return entry


def exit_entry(session: Session, entry_id: int, *, reason: str, on: dt.date, rule: str | None = None,
               expected_version: int | None = None) -> PoolEntry:
    """Take a cadre out of a pool, with the reason (and the rule, when a rule triggered it)."""
    entry = session.get(PoolEntry, entry_id)
    if entry is None or entry.status != "active":
        raise PoolError("cán bộ này không còn trong danh sách")
    reason = _reason(reason)
    pool = _lock(session, entry.pool_id, expected_version)
    session.refresh(entry)
    if entry.status != "active":
        raise PoolError("cán bộ này không còn trong danh sách")
    _touch(session, pool, expected_version)
    text, words = stored(reason)
    entry.status, entry.exited_on, entry.exit_reason, entry.exit_words, entry.exit_rule = "exited", on, text, words, rule
    session.add(entry)
    session.add(PoolEvent(pool_id=entry.pool_id, cadre_id=entry.cadre_id, kind="exit", on=on, reason=text,
                          words=words, rule=rule, actor=audit.current_actor()))
    session.flush()
    audit.record(session, "pool.exit", f"pool:{entry.pool_id}", before={"cadre_id": entry.cadre_id, "status": "active"},
                 after={"status": "exited", "on": on, "rule": rule}, reason=reason)
    return entry


def record_ballot(session: Session, entry_id: int, *, step: str, held_on: dt.date, convened: int, present: int,
                  issued: int, valid: int, agree: int, expected_version: int | None = None) -> Ballot:
    """Record (or correct) the tallies of one procedure step. The numbers must be coherent:
    agree ≤ valid ≤ issued ≤ present ≤ convened."""
    if step not in BALLOT_STEPS:
        raise PoolError("bước bỏ phiếu không hợp lệ")
    numbers = {"số triệu tập": convened, "số có mặt": present, "số phiếu phát ra": issued,
               "số phiếu hợp lệ": valid, "số đồng ý": agree}
    for name, value in numbers.items():
        if value is None or value < 0:
            raise PoolError(f"{name} phải là số không âm")
    if not agree <= valid <= issued <= present <= convened:
        raise PoolError("các số phải thỏa: đồng ý ≤ hợp lệ ≤ phát ra ≤ có mặt ≤ triệu tập")
    if convened == 0:
        raise PoolError("số triệu tập phải lớn hơn 0")
    entry = session.get(PoolEntry, entry_id)
    if entry is None:
        raise PoolError("không có cán bộ này trong danh sách")
    pool = _lock(session, entry.pool_id, expected_version)
    _touch(session, pool, expected_version)
    ballot = session.exec(select(Ballot).where(Ballot.entry_id == entry_id, Ballot.step == step)).one_or_none()
    before = audit.snapshot(ballot, ["held_on", "convened", "present", "issued", "valid", "agree"]) if ballot else {}
    ballot = ballot or Ballot(entry_id=entry_id, step=step, held_on=held_on, convened=0, present=0, issued=0, valid=0, agree=0)
    ballot.held_on, ballot.convened, ballot.present, ballot.issued, ballot.valid, ballot.agree = (
        held_on, convened, present, issued, valid, agree)
    session.add(ballot)
    text, words = stored(Phrase(vocab.POOL_REASON_BALLOT, step=Phrase(vocab.BALLOT_STEP.label(step)), agree=agree,
                                valid=valid, present=present, convened=convened))
    session.add(PoolEvent(pool_id=entry.pool_id, cadre_id=entry.cadre_id, kind="ballot", on=held_on,
                          reason=text, words=words, actor=audit.current_actor()))
    session.flush()
    audit.record(session, "pool.ballot", f"pool:{entry.pool_id}", before=before,
                 after={"entry_id": entry_id, "step": step, "held_on": held_on, "convened": convened,
                        "present": present, "issued": issued, "valid": valid, "agree": agree})
    return ballot


def decide_review_item(session: Session, entry_id: int, *, rule: str, review_year: int, accept: bool,
                       reason: str, on: dt.date) -> ReviewDecision:
    """The officer's answer to one reason of a proposed exit (see `decide_review_entry`)."""
    return decide_review_entry(session, entry_id, rules=[rule], review_year=review_year, accept=accept,
                               reason=reason, on=on)[0]


def decide_review_entry(session: Session, entry_id: int, *, rules: list[str], review_year: int, accept: bool,
                        reason: str, on: dt.date) -> list[ReviewDecision]:
    """The officer's answer to a proposed exit, for all the reasons the worklist gave for
    this pool entry at once: accept (the cadre leaves the pool once, citing the first rule)
    or reject (the cadre stays; the reason is kept). One decision is kept per rule.

    A decision contradicting one taken this year for the same entry (kept for one rule,
    taken out for another) is refused, as is deciding again what was decided."""
    reason = _reason(reason)
    rules = list(dict.fromkeys(r.strip() for r in rules if r and r.strip()))
    if not rules:
        raise PoolError("chưa có quy tắc nào để quyết định")
    entry = session.get(PoolEntry, entry_id)
    if entry is None:
        raise PoolError("không có cán bộ này trong danh sách")
    choice = "accept" if accept else "reject"
    taken = {d.rule: d for d in session.exec(select(ReviewDecision).where(
        ReviewDecision.entry_id == entry_id, ReviewDecision.review_year == review_year))}
    against = [d for d in taken.values() if d.decision != choice]
    if against:
        earlier = "giữ lại" if against[0].decision == "reject" else "đưa ra khỏi quy hoạch"
        raise PoolError(f"cán bộ này đã được quyết định {earlier} trong đợt rà soát năm nay "
                        f"(theo {against[0].rule}, ngày {against[0].decided_on:%d/%m/%Y}); "
                        "không thể vừa giữ lại vừa đưa ra")
    open_rules = [r for r in rules if r not in taken]
    if not open_rules:
        raise PoolError("mục này đã được quyết định trong đợt rà soát năm nay")
    if accept:
        exit_entry(session, entry_id, reason=reason, on=on, rule=open_rules[0])
    else:
        pool = _lock(session, entry.pool_id, None)
        _touch(session, pool, None)
        for rule in open_rules:
            session.add(PoolEvent(pool_id=entry.pool_id, cadre_id=entry.cadre_id, kind="review_keep", on=on,
                                  reason=reason, rule=rule, actor=audit.current_actor()))
    decisions = [ReviewDecision(entry_id=entry_id, rule=rule, review_year=review_year, decision=choice, reason=reason,
                                decided_on=on, actor=audit.current_actor()) for rule in open_rules]
    session.add_all(decisions)
    session.flush()
    audit.record(session, "review.decide", f"pool_entry:{entry_id}", after={
        "rule": ", ".join(open_rules), "year": review_year, "decision": choice}, reason=reason)
    return decisions
