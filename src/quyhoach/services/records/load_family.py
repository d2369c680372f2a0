"""The list of family relations between cadres."""

from __future__ import annotations


import sqlalchemy as sa
from sqlmodel import select

from quyhoach.db.models import Cadre, Relation
from quyhoach.services.records.loading import CadreRowsLoader, batch_size, chunks, is_in
from quyhoach.services.records.tabular import SHEETS


class RelationLoader(CadreRowsLoader):
    sheet = SHEETS["relations"]
    model = Relation
    identity_fields = ("cadre_id", "relative_id")

    def check(self, rows):
        cadres = self.codes(Cadre, [r.values["cadre_code"] for r in rows] + [r.values["relative_code"] for r in rows])
        records, pairs = [], {}
        for row in rows:
            v = row.values
            a = self.resolve(row, "cadre_code", cadres, "cán bộ")
            b = self.resolve(row, "relative_code", cadres, "cán bộ")
            if v["cadre_code"] and v["cadre_code"] == v["relative_code"]:
                self.problem(row, "relative_code", "một người không thể là người thân của chính mình")
            pair = frozenset((v["cadre_code"], v["relative_code"]))
            if pair in pairs:
                self.problem(row, "relative_code", f"cặp này đã ghi ở dòng {pairs[pair]} (theo chiều ngược lại)")
            pairs[pair] = row.row
            records.append({"cadre_id": a, "relative_id": b, "kind": v["kind"]})
        return records

    def load_existing(self, records):
        ids = sorted({r["cadre_id"] for r in records if r["cadre_id"]} | {r["relative_id"] for r in records if r["relative_id"]})
        self._existing = {}
        for chunk in chunks(ids, batch_size(self.session)):
            for id_, a, b in self.session.exec(select(Relation.id, Relation.cadre_id, Relation.relative_id).where(
                sa.or_(is_in(self.session, Relation.cadre_id, chunk), is_in(self.session, Relation.relative_id, chunk)))):
                # A pair stored the other way round is the same relation: the file's
                # direction and kind replace it.
                self._existing[(a, b)] = id_
                self._existing[(b, a)] = id_
