"""The list of disciplines."""

from __future__ import annotations



from quyhoach.db.models import Discipline
from quyhoach.services.records.loading import CadreRowsLoader
from quyhoach.services.records.tabular import SHEETS


class DisciplineLoader(CadreRowsLoader):
    sheet = SHEETS["disciplines"]
    model = Discipline
    identity_fields = ("cadre_id", "level", "decision_date")

    def check(self, rows):
        cadres = self.cadre_ids(rows)
        records = []
        for row in rows:
            v = row.values
            if v.get("effective_to") and v.get("decision_date") and v["effective_to"] < v["decision_date"]:
                self.problem(row, "effective_to", "ngày hết hiệu lực trước ngày quyết định")
            records.append({"cadre_id": self.resolve(row, "cadre_code", cadres, "cán bộ"),
                            **{k: v.get(k) for k in ("level", "decision_date", "effective_to", "decision_no", "authority",
                                                     "reason")}})
        return records
