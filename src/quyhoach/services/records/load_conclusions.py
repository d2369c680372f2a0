"""The list of political-standard conclusions (P9)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from quyhoach.db.models import Cadre, PoliticalConclusion
from quyhoach.domain.text import fold
from quyhoach.services.records.loading import CadreRowsLoader, among
from quyhoach.services.records.tabular import SHEETS


class ConclusionLoader(CadreRowsLoader):
    """Political-standard conclusions (P9): one row per conclusion."""

    sheet = SHEETS["conclusions"]
    model = PoliticalConclusion
    identity_fields = ("cadre_id", "concluded_on", "body")

    def check(self, rows):
        cadres = self.cadre_ids(rows)
        names: dict[int, str] = {}
        for where in among(self.session, Cadre.id, sorted(set(cadres.values()))):
            names.update(self.session.exec(select(Cadre.id, Cadre.full_name).where(where)).all())
        today = dt.date.today()
        records = []
        for row in rows:
            v = row.values
            cadre_id = self.resolve(row, "cadre_code", cadres, "cán bộ")
            if cadre_id is not None and v.get("full_name") and fold(v["full_name"]) != fold(names.get(cadre_id)):
                self.problem(row, "full_name", f"không khớp với mã cán bộ: trong cơ sở dữ liệu là «{names[cadre_id]}»")
            if v.get("concluded_on") and v["concluded_on"] > today:
                self.problem(row, "concluded_on", "ngày kết luận sau ngày hôm nay")
            records.append({"cadre_id": cadre_id,
                            **{k: v.get(k) for k in ("concluded_on", "body", "document_no", "content")}})
        return records
