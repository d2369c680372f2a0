"""The lists of units and titles."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import select

from quyhoach.db.models import Level, Title, Unit
from quyhoach.domain.text import fold
from quyhoach.services.records.loading import Loader, chunks
from quyhoach.services.records.tabular import SHEETS


class UnitLoader(Loader):
    sheet = SHEETS["units"]
    model = Unit

    def check(self, rows):
        levels = {}
        for level in self.session.exec(select(Level)):
            levels[fold(level.code)] = level.id
            levels[fold(level.name)] = level.id
        in_file = {r.values["code"] for r in rows}
        parents_in_db = self.codes(Unit, (r.values.get("parent_code") for r in rows))
        records = []
        parent_of: dict[str, str | None] = {}
        for row in rows:
            v = row.values
            level_id = levels.get(fold(v["level"] or ""))
            if level_id is None and v["level"] is not None:
                names = ", ".join(sorted({lv.name for lv in self.session.exec(select(Level))}))
                self.problem(row, "level", f"không có cấp «{v['level']}»; các cấp hiện có: {names}")
            parent = v.get("parent_code")
            if parent == v["code"]:
                self.problem(row, "parent_code", "đơn vị không thể là cấp trên của chính nó")
            elif parent and parent not in in_file and parent not in parents_in_db:
                self.problem(row, "parent_code", f"không có đơn vị cấp trên mã «{parent}» trong tệp hay cơ sở dữ liệu")
            parent_of[v["code"]] = parent
            records.append({
                "_row": row, "_parent_code": parent,
                "code": v["code"], "name": v["name"], "short_name": v.get("short_name"),
                "level_id": level_id, "kind": v["kind"], "is_locality": bool(v.get("is_locality")),
                "sort_order": v.get("sort_order") or 0,
                "search_text": fold(" ".join(filter(None, (v["name"], v.get("short_name"), v["code"])))),
            })
        self._check_cycles(records, parent_of)
        return records

    def _check_cycles(self, records, parent_of):
        existing_parent: dict[str, str | None] = {}
        parent_ids = dict(self.session.exec(select(Unit.id, Unit.parent_id)).all())
        code_of = dict(self.session.exec(select(Unit.id, Unit.code)).all())
        for id_, parent_id in parent_ids.items():
            existing_parent[code_of[id_]] = code_of.get(parent_id) if parent_id else None
        graph = {**existing_parent, **parent_of}
        for record in records:
            seen = {record["code"]}
            node = graph.get(record["code"])
            while node:
                if node in seen:
                    self.problem(record["_row"], "parent_code", "quan hệ cấp trên tạo thành vòng lặp")
                    break
                seen.add(node)
                node = graph.get(node)

    def identity(self, record):
        return (record["code"],)

    def load_existing(self, records):
        self._existing = {(c,): i for c, i in self.codes(Unit, (r["code"] for r in records)).items()}

    def write(self, records):
        for record in records:
            record["parent_id"] = None
        super().write([{k: v for k, v in r.items() if k != "parent_id"} for r in records])
        ids = self.codes(Unit, (r["code"] for r in records))
        ids.update(self.codes(Unit, (r["_parent_code"] for r in records)))
        updates = [{"id": ids[r["code"]], "parent_id": ids.get(r["_parent_code"]) if r["_parent_code"] else None}
                   for r in records if r.get("_changed") is None or "parent_code" in r["_changed"]]
        for chunk in chunks(updates, 2000):
            self.session.execute(sa.update(Unit), chunk)


def _requirements(v: dict[str, Any]) -> dict[str, str | None]:
    """A title's standards (P15); "none" (chưa qua đào tạo) is no requirement."""
    return {key: (v.get(key) if v.get(key) not in (None, "none") else None)
            for key in ("required_theory", "required_state_mgmt", "required_degree")}


class TitleLoader(Loader):
    sheet = SHEETS["titles"]
    model = Title

    def check(self, rows):
        units = self.codes(Unit, (r.values["unit_code"] for r in rows))
        records = []
        for row in rows:
            v = row.values
            unit_id = self.resolve(row, "unit_code", units, "đơn vị")
            if v.get("is_head") and v.get("is_deputy"):
                self.problem(row, "is_deputy", "một chức danh không thể vừa là người đứng đầu vừa là cấp phó")
            records.append({
                "code": v["code"], "unit_id": unit_id, "name": v["name"], "rank": v["rank"],
                "seats": v.get("seats") or 1, "term_kind": v.get("term_kind") or "party",
                "is_head": bool(v.get("is_head")), "is_deputy": bool(v.get("is_deputy")),
                "non_local": bool(v.get("non_local")), "sensitive_sector": v.get("sensitive_sector"),
                "appointing_authority": v.get("appointing_authority"),
                "leadership_role": v.get("leadership_role"),
                **_requirements(v),
                "search_text": fold(f"{v.get('name') or ''} {v.get('code') or ''}"),
            })
            if v.get("rank") is not None and not 0 <= v["rank"] <= 1000:
                self.problem(row, "rank", "thứ bậc phải từ 0 đến 1000")
            if v.get("seats") is not None and not 1 <= v["seats"] <= 50:
                self.problem(row, "seats", "số lượng phải từ 1 đến 50")
        return records

    def identity(self, record):
        return (record["code"],)

    def load_existing(self, records):
        self._existing = {(c,): i for c, i in self.codes(Title, (r["code"] for r in records)).items()}
