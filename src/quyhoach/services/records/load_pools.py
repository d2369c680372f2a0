"""The pool lists: entries added to the pool of a title and term."""

from __future__ import annotations

from sqlmodel import select

from quyhoach.db.models import Cadre, Pool, PoolEntry, PoolEvent, Term, Title, utcnow
from quyhoach.domain.phrase import Phrase, stored
from quyhoach.domain.text import fold
from quyhoach.domain.vocab import LIST_IMPORT_ACTOR, POOL_REASON_IMPORTED
from quyhoach.services.records.loading import Loader, among, insert_rows
from quyhoach.services.records.tabular import SHEETS


class PoolLoader(Loader):
    """Pool lists: entries are added to the pool of (title, term), the pool created if
    needed, each new entry recorded in the pool's history. Rules are not applied here:
    the pool pages judge every entry."""

    sheet = SHEETS["pools"]
    model = PoolEntry

    def check(self, rows):
        title_codes = sorted({r.values["title_code"] for r in rows if r.values.get("title_code")})
        titles = {code: (id_, kind) for where in among(self.session, Title.code, title_codes)
                  for code, id_, kind in self.session.exec(select(Title.code, Title.id, Title.term_kind).where(where))}
        terms = self.session.exec(select(Term)).all()
        cadres = self.codes(Cadre, (r.values["cadre_code"] for r in rows))
        names = {id_: name for where in among(self.session, Cadre.id, sorted(set(cadres.values())))
                 for id_, name in self.session.exec(select(Cadre.id, Cadre.full_name).where(where))}
        records = []
        for row in rows:
            v = row.values
            title = titles.get(v["title_code"]) if v.get("title_code") else None
            if v.get("title_code") and title is None:
                self.problem(row, "title_code", f"không có chức danh mã «{v['title_code']}» trong cơ sở dữ liệu")
            term_id = None
            if v.get("term") and title:
                term_id = self._term(v["term"], title[1], terms)
                if term_id is None:
                    known = ", ".join(t.code for t in terms if t.kind == title[1])
                    self.problem(row, "term", f"không có nhiệm kỳ «{v['term']}» cho chức danh này; các nhiệm kỳ: {known}")
            cadre_id = self.resolve(row, "cadre_code", cadres, "cán bộ")
            if cadre_id is not None and v.get("full_name") and fold(v["full_name"]) != fold(names.get(cadre_id)):
                self.problem(row, "full_name", f"không khớp với mã cán bộ: trong cơ sở dữ liệu là «{names[cadre_id]}»")
            reason, words = stored(v.get("reason") or Phrase.of(POOL_REASON_IMPORTED))
            records.append({
                "_title_id": title[0] if title else None, "_term_id": term_id, "cadre_id": cadre_id,
                "source": v.get("source") or "internal", "status": "active", "added_on": v.get("added_on"),
                "added_reason": reason, "added_words": words,
            })
        return records

    @staticmethod
    def _term(text: str, kind: str, terms) -> int | None:
        wanted = fold(text).replace("–", "-").replace(" ", "")
        for term in terms:
            years = f"{term.start_date.year}-{term.end_date.year}"
            if wanted == fold(term.code).replace(" ", "") or (term.kind == kind and wanted.endswith(years)):
                return term.id
        return None

    def identity(self, record):
        return (record["_title_id"], record["_term_id"], record["cadre_id"])

    def load_existing(self, records):
        self._existing = {}
        self._pools = {(t, m): p for p, t, m in self.session.exec(select(Pool.id, Pool.title_id, Pool.term_id))}
        for entry_id, pool_id, cadre_id in self.session.exec(select(PoolEntry.id, PoolEntry.pool_id, PoolEntry.cadre_id)):
            self._existing[(pool_id, cadre_id)] = entry_id
        pool_of = self._pools
        self._existing = {
            (t, m, c): self._existing[(pool_of[(t, m)], c)]
            for (t, m, c) in (self.identity(r) for r in records)
            if (t, m) in pool_of and (pool_of[(t, m)], c) in self._existing
        }

    def write(self, records):
        missing = sorted({(r["_title_id"], r["_term_id"]) for r in records} - set(self._pools))
        if missing:  # in bulk, then their ids read back (a province's list makes thousands)
            now = utcnow()
            insert_rows(self.session, Pool, [{"title_id": t, "term_id": m, "updated_at": now} for t, m in missing])
            for where in among(self.session, Pool.title_id, sorted({t for t, _m in missing})):
                for pool_id, title_id, term_id in self.session.exec(
                        select(Pool.id, Pool.title_id, Pool.term_id).where(where)):
                    self._pools[(title_id, term_id)] = pool_id
        for record in records:
            record["pool_id"] = self._pools[(record["_title_id"], record["_term_id"])]
        new = [r for r in records if self.identity(r) not in self._existing]
        super().write(records)
        events = [{"pool_id": r["pool_id"], "cadre_id": r["cadre_id"], "kind": "add", "on": r["added_on"],
                   "reason": r["added_reason"], "words": r["added_words"], "actor": LIST_IMPORT_ACTOR,
                   "created_at": utcnow()} for r in new]
        insert_rows(self.session, PoolEvent, events)
