"""The list of postings (quá trình công tác)."""

from __future__ import annotations



from quyhoach.db.models import Posting, Title, Unit
from quyhoach.services.records.loading import CadreRowsLoader
from quyhoach.services.records.tabular import SHEETS


class PostingLoader(CadreRowsLoader):
    sheet = SHEETS["postings"]
    model = Posting
    identity_fields = ("cadre_id", "unit_id", "position", "start_date")

    def check(self, rows):
        cadres = self.cadre_ids(rows)
        units = self.codes(Unit, (r.values["unit_code"] for r in rows))
        titles = self.codes(Title, (r.values.get("title_code") for r in rows))
        records = []
        for row in rows:
            v = row.values
            if v.get("end_date") and v.get("start_date") and v["end_date"] < v["start_date"]:
                self.problem(row, "end_date", "ngày kết thúc trước ngày bắt đầu")
            if v.get("planned_end") and v.get("start_date") and v["planned_end"] < v["start_date"]:
                self.problem(row, "planned_end", "ngày dự kiến kết thúc trước ngày bắt đầu")
            records.append({
                "cadre_id": self.resolve(row, "cadre_code", cadres, "cán bộ"),
                "unit_id": self.resolve(row, "unit_code", units, "đơn vị"),
                "title_id": self.resolve(row, "title_code", titles, "chức danh"),
                "position": v["position"], "start_date": v["start_date"], "end_date": v.get("end_date"),
                "is_concurrent": bool(v.get("is_concurrent")),
                "kind": v.get("kind"), "planned_end": v.get("planned_end"),
            })
        return records
