"""The list of yearly (quarterly, monthly) evaluations."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from quyhoach.db.models import Cadre, Evaluation, Posting, Unit
from quyhoach.domain.text import fold
from quyhoach.services.records.loading import CadreRowsLoader, among
from quyhoach.services.records.tabular import SHEETS


class EvaluationLoader(CadreRowsLoader):
    sheet = SHEETS["evaluations"]
    model = Evaluation
    identity_fields = ("cadre_id", "period", "year", "period_no")

    def check(self, rows):
        cadres = self.cadre_ids(rows)
        names: dict[int, str] = {}
        current_unit: dict[int, int] = {}
        ids = sorted(set(cadres.values()))
        for where in among(self.session, Cadre.id, ids):
            names.update(self.session.exec(select(Cadre.id, Cadre.full_name).where(where)).all())
        for where in among(self.session, Posting.cadre_id, ids):
            current_unit.update(self.session.exec(select(Posting.cadre_id, Posting.unit_id).where(
                where, Posting.end_date.is_(None), Posting.is_concurrent.is_(False))).all())
        units = self.codes(Unit, (r.values.get("unit_code") for r in rows))
        this_year = dt.date.today().year
        records = []
        for row in rows:
            v = row.values
            cadre_id = self.resolve(row, "cadre_code", cadres, "cán bộ")
            if cadre_id is not None and v.get("full_name") and fold(v["full_name"]) != fold(names.get(cadre_id)):
                self.problem(row, "full_name", f"không khớp với mã cán bộ: trong cơ sở dữ liệu là «{names[cadre_id]}»")
            period = v.get("period") or "year"
            number = v.get("period_no") or 0
            if period == "quarter" and not 1 <= number <= 4:
                self.problem(row, "period_no", "kỳ quý phải ghi quý từ 1 đến 4")
            elif period == "month" and not 1 <= number <= 12:
                self.problem(row, "period_no", "kỳ tháng phải ghi tháng từ 1 đến 12")
            elif period in ("year", "term") and number:
                self.problem(row, "period_no", "kỳ năm hoặc nhiệm kỳ không ghi quý/tháng")
            if v["year"] is not None and not 1975 <= v["year"] <= this_year:
                self.problem(row, "year", f"năm phải từ 1975 đến {this_year}")
            if v.get("rating") is None and v.get("score") is None and not row.invalid & {"rating", "score"}:
                self.problem(row, "rating", "phải có xếp loại hoặc điểm")
            if v.get("score") is not None and not 0 <= v["score"] <= 100:
                self.problem(row, "score", "điểm phải từ 0 đến 100")
            unit_id = self.resolve(row, "unit_code", units, "đơn vị") if v.get("unit_code") else current_unit.get(cadre_id)
            records.append({
                "cadre_id": cadre_id, "unit_id": unit_id, "period": period, "year": v["year"],
                "period_no": number, "rating": v.get("rating"), "score": v.get("score"), "note": v.get("note"),
            })
        return records
