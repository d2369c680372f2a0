"""The audit trail (QĐ 114: every step of cadre work is recorded): who, when, what,
before and after, and the reason. Entries form a hash chain — each entry's hash covers its
content and the previous entry's hash — so an edited, inserted or deleted entry shows.

The chain is keyed: each link is an HMAC-SHA-256 with a key kept outside the database, in
the instance folder beside the secret key (`audit_key`), so someone who can write the
database but not read that file cannot recompute the chain after a change. And it is
anchored: each backup and each downloaded report or export appends the head (its number
and hash) to `audit_anchors.jsonl` in the instance folder (and a backup keeps a copy next to
itself), so deleting the last entries — which leaves a chain that links — still shows:
`verify` finds an anchored entry missing or different.

Every service that writes calls `record` in the same transaction as the change, so the
change and its record land together or not at all. The actor comes from the request (the
signed-in user) or the command line.

A reason the app writes itself (an import's "Nhập tệp «…»", a pool exit on adoption) is given
as a `domain.phrase.Phrase`: the entry keeps its Vietnamese text in `reason` and its words
(the Phrase's JSON) in `reason_words`, which the audit page says in the reader's language
(`reason_of`); a person's own reason has no words and is shown as typed. The link covers the
words too, as a tenth element of its JSON array, only when there are words: the entries
written before revision 0019 (and every typed reason) hash exactly as they always did.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import hmac
import json
import os
from operator import itemgetter
from pathlib import Path
from dataclasses import dataclass
from typing import Any
from collections.abc import Callable, Iterator

import msgspec
import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db import bulk, like
from quyhoach.db.models import AuditEntry, AuditHead, utcnow
from quyhoach.domain.phrase import Phrase, stored
from quyhoach.domain.vocab import N_, SYSTEM_ACTOR

_actor: contextvars.ContextVar[str] = contextvars.ContextVar("quyhoach_actor", default=SYSTEM_ACTOR)


def set_actor(actor: str) -> contextvars.Token:
    return _actor.set(actor)


def current_actor() -> str:
    return _actor.get()


_PLAIN = frozenset({str, int, bool, type(None)})
_TEXT = frozenset({str})
_FIRST = itemgetter(0)


def _key_text(item: tuple[Any, Any]) -> str:
    return str(item[0])


def _canonical(value: Any) -> Any:
    if type(value) in _PLAIN:   # most values of an import's rows: returned as they are, at once
        return value
    if isinstance(value, dict):
        items = value.items()
        ordered = sorted(items, key=_FIRST) if _TEXT.issuperset(map(type, value)) else sorted(items, key=_key_text)
        return {str(k): v if type(v) in _PLAIN else v.isoformat() if type(v) is dt.date else _canonical(v)
                for k, v in ordered}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_msgspec = msgspec.json.Encoder().encode


def _encode(value: Any) -> str:
    """A canonical value as the chain's JSON text: compact, letters as they are (not
    escaped), exactly as `json.dumps(value, ensure_ascii=False, separators=(",", ":"))`
    writes it, since each hash covers these bytes. msgspec writes strings, integers, true,
    false and null byte for byte the same, ten times faster (an import encodes thousands of
    records); a float (msgspec writes 1e16 where json writes 1e+16) or anything else goes
    through json itself."""
    kind = type(value)
    if kind is str or (kind is dict and _PLAIN.issuperset(map(type, value.values()))):
        try:
            return _msgspec(value).decode("utf-8")
        except (UnicodeEncodeError, TypeError, ValueError):  # a lone surrogate: json's text, as before
            pass
    return _json(value)


# --------------------------------------------------------------------------- the key and the anchors
KEY_FILE = "audit_key"
ANCHORS_FILE = "audit_anchors.jsonl"
_folder: Path | None = None
_keys: dict[Path, bytes] = {}


def configure(instance_folder: str | Path) -> None:
    """Where the key and the anchors live (the app's instance folder); the key is made
    there on first use, readable by the service account only."""
    global _folder
    _folder = Path(instance_folder)


def _instance() -> Path:
    if _folder is not None:
        return _folder
    from quyhoach import config  # a command or job that did not configure: the default folder

    return config.instance_path()


def key() -> bytes:
    folder = _instance()
    if folder not in _keys:
        from quyhoach import config  # one way to make a secret several processes share

        _keys[folder] = bytes.fromhex(config.shared_secret(folder / KEY_FILE))
    return _keys[folder]


def anchors_path() -> Path:
    return _instance() / ANCHORS_FILE


@dataclass
class Anchor:
    seq: int
    hash: str
    keyed_from: int
    at: str = ""
    where: str = ""


def head(session: Session) -> Anchor:
    """The head of the chain now (seq 0 when the log is empty)."""
    row = session.exec(select(AuditHead).where(AuditHead.id == 1)).one_or_none()
    if row is None:
        return Anchor(0, "", 1)
    return Anchor(row.seq, row.last_hash, row.keyed_from)


def anchor(session: Session, where: str, *, also: Path | None = None) -> Anchor:
    """Record the head (committed entries only: call after the commit) in the anchors file,
    and in `also` (a backup's side file)."""
    mark = head(session)
    save_anchor(mark, where, anchors_path(), append=True)
    if also is not None:
        save_anchor(mark, where, also)
    return mark


def save_anchor(mark: Anchor, where: str, path: Path, *, append: bool = False) -> None:
    """Write one anchor line to `path` (created readable by the owner only)."""
    mark.at = mark.at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    mark.where = where[:300]
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    with os.fdopen(os.open(path, flags, 0o600), "a" if append else "w", encoding="utf-8") as out:
        out.write(json.dumps(mark.__dict__, ensure_ascii=False) + "\n")


def read_anchors(extra: list[Path] | None = None) -> list[Anchor]:
    """The anchors recorded (the instance folder's file and any `extra` files); lines that
    do not parse are skipped (a torn last line)."""
    found = []
    for path in [anchors_path(), *(extra or [])]:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                data = json.loads(line)
                found.append(Anchor(int(data["seq"]), str(data["hash"]), int(data.get("keyed_from", 1)),
                                    str(data.get("at", "")), str(data.get("where", ""))))
            except (ValueError, KeyError, TypeError):
                continue
    return found


def record_read(session: Session, kind: str, name: str, *, actor: str | None = None) -> AuditEntry:
    """A confidential file was read (an export, a report, a dossier file, a backup): log it,
    commit, and anchor the head, so the download itself pins the log as it stands."""
    entry = record(session, "file.read", f"{kind}:{name}"[:200], actor=actor, after={"kind": kind, "file": name})
    session.commit()
    anchor(session, f"{kind}:{name}")
    return entry


def _digest(prev_hash: str, seq: int, at: dt.datetime, actor: str, action: str, entity: str,
            before: dict, after: dict, reason: str, words: dict | None = None, *, keyed: bool = True) -> str:
    """The link of one entry: HMAC-SHA-256, with the instance's key, of its content and
    the previous entry's hash as one JSON array (`_bodies`); plain SHA-256 for the entries
    written before revision 0011 (`keyed` False)."""
    body = _bodies(at, actor, reason, words)(prev_hash, seq, action, entity, _encode(_canonical(before)),
                                             _encode(_canonical(after)))
    return _link(body, key() if keyed else None)


def _bodies(at: dt.datetime, actor: str, reason: str,
            words: dict | None = None) -> Callable[[str, int, str, str, str, str], str]:
    """What a link covers, for entries that share their time, actor and reason (an
    import's): the JSON array [prev_hash, seq, at (UTC, microseconds), actor, action,
    entity, before, after, reason], compact and not ASCII-escaped, as json.dumps writes it,
    and the reason's words as a tenth element when the app wrote the reason (`reason_words`).
    `before` and `after` come encoded already (`_encode`, which also gives the text the
    database stores, so each is encoded once)."""
    at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    shared = f"{_encode(at.astimezone(dt.UTC).isoformat(timespec='microseconds'))},{_encode(actor)}"
    why = _encode(reason) if words is None else f"{_encode(reason)},{_encode(_canonical(words))}"

    def body(prev_hash: str, seq: int, action: str, entity: str, before: str, after: str) -> str:
        return f"[{_encode(prev_hash)},{int(seq)},{shared},{_encode(action)},{_encode(entity)},{before},{after},{why}]"

    return body


def _link(body: str, secret: bytes | None) -> str:
    if secret is not None:
        return hmac.new(secret, body.encode("utf-8"), hashlib.sha256).hexdigest()
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _reason(reason: str | None) -> tuple[str, dict[str, Any] | None]:
    """A reason as an entry keeps it: its text (at most 1,000 characters) and, for the app's
    own words (a Phrase), their JSON in the chain's canonical form; a person's reason has none."""
    text, words = stored(reason or "", 1000)
    return text, (_canonical(words) if words is not None else None)


def reason_of(entry: Any) -> str:
    """An entry's reason as a page says it: a Phrase when the app wrote it (its words kept, or
    an import's reason written before the words were kept, recognised by its sentence), which
    the `say` filter renders in the reader's language; else the text as typed."""
    words = getattr(entry, "reason_words", None)
    if words:
        return Phrase.from_json(words)
    text = entry.reason or ""
    if text.startswith(IMPORTED_OLD[0]) and text.endswith(IMPORTED_OLD[1]):
        return Phrase(IMPORTED, file=text[len(IMPORTED_OLD[0]):-len(IMPORTED_OLD[1])])
    return text


IMPORTED = N_("Nhập tệp «%(file)s»")     # an import's reason (services.records.importer)
IMPORTED_OLD = ("Nhập tệp «", "»")       # how an import's reason read before revision 0019


def record(session: Session, action: str, entity: str = "", *, before: dict | None = None,
           after: dict | None = None, reason: str = "", actor: str | None = None) -> AuditEntry:
    """Append one entry, in the caller's transaction. `reason`: a person's text, or a Phrase
    (the app's own words, kept with the entry to be said in the reader's language)."""
    # Taking the head row first serialises concurrent writers (a row lock on PostgreSQL,
    # the write lock on SQLite), so the chain never forks.
    updated = session.execute(sa.update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
    if updated.rowcount == 0:
        session.add(AuditHead(id=1, seq=1, last_hash=""))
        session.flush()
    head = session.exec(select(AuditHead).where(AuditHead.id == 1)).one()
    session.refresh(head)
    text, words = _reason(reason)
    entry = AuditEntry(seq=head.seq, at=utcnow(), actor=(actor or current_actor())[:120], action=action[:60],
                       entity=entity[:200], before=_canonical(before or {}), after=_canonical(after or {}),
                       reason=text, reason_words=words, prev_hash=head.last_hash, hash="")
    entry.hash = _digest(entry.prev_hash, entry.seq, entry.at, entry.actor, entry.action, entry.entity,
                         entry.before, entry.after, entry.reason, entry.reason_words)
    head.last_hash = entry.hash
    session.add(head)
    session.add(entry)
    session.flush()
    return entry


def record_many(session: Session, items: list[tuple[str, str, dict | None, dict | None]], *, reason: str = "",
                actor: str | None = None) -> int:
    """Append one entry per (action, entity, before, after), in the caller's transaction,
    chained exactly as `record` chains them; for an import's thousands of records in one go
    (the head row is taken once, the entries inserted in bulk). Returns how many."""
    if not items:
        return 0
    count = len(items)
    updated = session.execute(sa.update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + count))
    if updated.rowcount == 0:
        session.add(AuditHead(id=1, seq=count, last_hash=""))
        session.flush()
    head = session.exec(select(AuditHead).where(AuditHead.id == 1)).one()
    session.refresh(head)
    (why, words), who, at = _reason(reason), (actor or current_actor())[:120], utcnow()
    prev, seq, secret = head.last_hash, head.seq - count, key()
    body = _bodies(at, who, why, words)
    kept = {} if words is None else {"reason_words": bulk.Encoded(_encode(words), words)}
    rows = []
    for action, entity, before, after in items:
        seq += 1
        action, entity = action[:60], entity[:200]
        before_, after_ = _canonical(before or {}), _canonical(after or {})
        before_text, after_text = _encode(before_), _encode(after_)
        digest = _link(body(prev, seq, action, entity, before_text, after_text), secret)
        rows.append({"seq": seq, "at": at, "actor": who, "action": action, "entity": entity,
                     "before": bulk.Encoded(before_text, before_), "after": bulk.Encoded(after_text, after_),
                     "reason": why, **kept, "prev_hash": prev, "hash": digest})
        prev = digest
    head.last_hash = prev
    session.add(head)
    bulk.insert_rows(session, AuditEntry.__table__, rows)  # Core executemany, COPY on PostgreSQL
    session.flush()
    return count


@dataclass
class Verification:
    entries: int
    broken_at: int | None = None      # seq of the first entry that does not verify
    problem: str = ""                 # a Phrase: Vietnamese as text, said in the reader's language on the page

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(session: Session, *, extra_anchors: list[Path] | None = None) -> Verification:
    """Walk the chain from the first entry: every hash recomputed with the key, every link
    checked; then every anchor (the instance folder's, and `extra_anchors` such as a backup's
    side file) must name an entry that is there with the same hash."""
    mark = head(session)
    anchors = read_anchors(extra_anchors)
    for a in anchors:
        if a.keyed_from != mark.keyed_from:
            return Verification(0, a.seq, Phrase(N_("điểm bắt đầu của chuỗi có khóa đã bị đổi (mục %(entry)s, mốc "
                                                    "ghi %(anchor)s)"), entry=mark.keyed_from, anchor=a.keyed_from))
    by_seq: dict[int, str] = {}
    for a in anchors:
        by_seq.setdefault(a.seq, a.hash)
    prev, count, expected_seq = "", 0, 1
    for entry in session.exec(select(AuditEntry).order_by(AuditEntry.seq)):
        count += 1
        if entry.seq != expected_seq:
            return Verification(count, expected_seq, Phrase(N_("thiếu mục số %(seq)s (mục bị xóa)"), seq=expected_seq))
        if entry.prev_hash != prev:
            return Verification(count, entry.seq, Phrase(N_("mục %(seq)s không nối với mục trước (bị chèn hoặc sửa)"),
                                                         seq=entry.seq))
        digest = _digest(entry.prev_hash, entry.seq, entry.at, entry.actor, entry.action, entry.entity,
                         entry.before, entry.after, entry.reason, entry.reason_words,
                         keyed=entry.seq >= mark.keyed_from)
        if not hmac.compare_digest(digest, entry.hash):
            return Verification(count, entry.seq, Phrase(N_("nội dung mục %(seq)s đã bị sửa"), seq=entry.seq))
        anchored = by_seq.get(entry.seq)
        if anchored is not None and anchored != entry.hash:
            return Verification(count, entry.seq, Phrase(N_("mục %(seq)s khác với mốc đã ghi (nhật ký bị viết lại)"),
                                                         seq=entry.seq))
        prev, expected_seq = entry.hash, expected_seq + 1
    if count and mark.hash != prev:
        return Verification(count, mark.seq, Phrase.of(N_("mục cuối cùng của nhật ký đã bị xóa")))
    last_anchor = max((a.seq for a in anchors), default=0)
    if last_anchor > count:
        return Verification(count, count + 1, Phrase(N_("nhật ký dừng ở mục %(count)s nhưng mốc đã ghi tới mục "
                                                        "%(anchor)s (các mục cuối đã bị xóa)"),
                                                     count=count, anchor=last_anchor))
    return Verification(count)


def about(subject: str) -> sa.ColumnElement[bool]:
    """Entries about `subject` ("cadre:CB00001") and what belongs to it
    ("cadre:CB00001/evaluations"), not about another subject that merely starts the same
    ("cadre:CB000011")."""
    return sa.or_(AuditEntry.entity == subject,
                  sa.func.substr(AuditEntry.entity, 1, len(subject) + 1) == subject + "/")


def entries(session: Session, *, actor: str = "", action: str = "", entity: str = "",
            since: dt.date | None = None, until: dt.date | None = None, limit: int = 100,
            offset: int = 0, subjects: list[str] | None = None,
            where: sa.ColumnElement[bool] | None = None) -> tuple[int, list[AuditEntry]]:
    """Entries newest first, filtered. `subjects`: entries about any of them (see `about`);
    `where`: any further condition the caller builds (e.g. the cadres of a unit)."""
    query = select(AuditEntry)
    if subjects is not None:
        query = query.where(sa.or_(sa.false(), *(about(s) for s in subjects)))
    if where is not None:
        query = query.where(where)
    if actor:
        query = query.where(like.contains(AuditEntry.actor, actor))
    if action:
        query = query.where(like.starts_with(AuditEntry.action, action))
    if entity:
        query = query.where(like.contains(AuditEntry.entity, entity))
    if since:
        query = query.where(AuditEntry.at >= dt.datetime.combine(since, dt.time(), dt.UTC))
    if until:
        query = query.where(AuditEntry.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC))
    total = session.exec(select(sa.func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(AuditEntry.seq.desc()).offset(offset).limit(limit)).all()
    return total, list(rows)


def snapshot(obj: Any, fields: Iterator[str] | list[str] | None = None) -> dict[str, Any]:
    """The fields of a record, for before/after."""
    data = obj.model_dump() if hasattr(obj, "model_dump") else dict(obj)
    if fields is not None:
        data = {k: data.get(k) for k in fields}
    return _canonical(data)
