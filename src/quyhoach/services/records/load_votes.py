"""The list of confidence votes."""

from __future__ import annotations



from quyhoach.db.models import ConfidenceVote
from quyhoach.services.records.loading import CadreRowsLoader
from quyhoach.services.records.tabular import SHEETS


class VoteLoader(CadreRowsLoader):
    sheet = SHEETS["votes"]
    model = ConfidenceVote
    identity_fields = ("cadre_id", "vote_date", "body")

    def check(self, rows):
        cadres = self.cadre_ids(rows)
        records = []
        for row in rows:
            v = row.values
            for key in ("convened", "present", "high", "normal", "low"):
                if v[key] is not None and v[key] < 0:
                    self.problem(row, key, "không được âm")
            if row.invalid:
                pass  # the counts that could be read are reported already
            elif v["present"] > v["convened"]:
                self.problem(row, "present", f"số có mặt ({v['present']}) lớn hơn số được triệu tập ({v['convened']})")
            if not row.invalid and v["high"] + v["normal"] + v["low"] > v["present"]:
                total = v["high"] + v["normal"] + v["low"]
                self.problem(row, "low", f"tổng số phiếu ({total}) lớn hơn số có mặt ({v['present']})")
            records.append({"cadre_id": self.resolve(row, "cadre_code", cadres, "cán bộ"),
                            **{k: v[k] for k in ("vote_date", "body", "convened", "present", "high", "normal", "low")}})
        return records
