"""The list of cadres: their records and their current post."""

from __future__ import annotations

import datetime as dt
import functools

import sqlalchemy as sa
from sqlmodel import select

from quyhoach.db.models import Cadre, Ethnicity, Posting, Title, Unit, utcnow
from quyhoach.domain.dates import add_months
from quyhoach.domain.text import fold
from quyhoach.services.records import cadres as cadre_service
from quyhoach.services.records.loading import FIELD_COLUMNS, Loader, among, chunks, insert_rows
from quyhoach.services.records.tabular import DOSSIER_2C_FIELDS, SHEETS, precision_of


# Spellings in common use besides the official list's (Mông for Hmông, Khmer...).
ETHNICITY_ALIASES = {"Mông": "08", "H'Mông": "08", "Mèo": "08", "Khmer": "05", "Vân Kiều": "23"}


# The fields of a cadre that are the list's values as read.
COPIED = ("code", "full_name", "other_names", "birth_date", "sex", "religion", "hometown", "birthplace",
          "party_entry_date", "party_official_date", "education", "foreign_language", "it_level", "note",
          *DOSSIER_2C_FIELDS)


@functools.lru_cache(maxsize=4096)  # a list spells its few ethnicities thousands of times
def _plain(text: str) -> str:
    """Folded, without spaces, hyphens or apostrophes: «Khơ-mú» = «Khơ Mú» = «khomu»."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


class CadreLoader(Loader):
    sheet = SHEETS["cadres"]
    model = Cadre

    def check(self, rows):
        ethnicities: dict[str, str] = {}
        for eth in self.session.exec(select(Ethnicity)):
            for spelling in (eth.code, eth.code.lstrip("0"), eth.name_vi, eth.name_en):
                ethnicities[_plain(spelling)] = eth.code
        for alias, code in ETHNICITY_ALIASES.items():
            ethnicities.setdefault(_plain(alias), code)
        units = self.codes(Unit, [r.values.get("unit_code") for r in rows]
                           + [r.values.get("hometown_unit_code") for r in rows])
        titles: dict[str, tuple[int, int, str]] = {}
        wanted = sorted({r.values["title_code"] for r in rows if r.values.get("title_code")})
        for where in among(self.session, Title.code, wanted):
            for code, id_, unit_id, name in self.session.exec(
                select(Title.code, Title.id, Title.unit_id, Title.name).where(where)
            ):
                titles[code] = (id_, unit_id, name)
        today = dt.date.today()
        oldest, youngest = add_months(today, -12 * 90), add_months(today, -12 * 16)
        now = utcnow()
        records = []
        for row in rows:
            v = dict(row.values.items())  # a plain dict: some forty look-ups a row
            ethnicity = ethnicities.get(_plain(v["ethnicity"] or ""))
            if ethnicity is None and v["ethnicity"] is not None:
                self.problem(
                    row, "ethnicity", f"«{v['ethnicity']}» không thuộc 54 dân tộc (ghi tên, ví dụ «Thái», hoặc mã 01–54)"
                )
            birth = v["birth_date"]
            if birth and not (oldest <= birth <= youngest):
                self.problem(row, "birth_date", "ngày sinh không hợp lý (tuổi phải từ 16 đến 90)")
            sixteen = add_months(birth, 12 * 16) if birth else None
            for key in ("party_entry_date", "party_official_date", "position_since"):
                day = v.get(key)
                if day and sixteen and day < sixteen:
                    self.problem(row, key, "trước khi cán bộ đủ 16 tuổi")
                elif day and day > today:
                    self.problem(row, key, "là ngày trong tương lai")
            if v.get("party_entry_date") and v.get("party_official_date") and v["party_official_date"] < v["party_entry_date"]:
                self.problem(row, "party_official_date", "trước ngày vào Đảng")
            hometown_unit_id = self.resolve(row, "hometown_unit_code", units, "đơn vị")
            unit_id = self.resolve(row, "unit_code", units, "đơn vị")
            title_id, position = None, v.get("position")
            if v.get("title_code"):
                if v["title_code"] not in titles:
                    self.problem(row, "title_code", f"không có chức danh mã «{v['title_code']}» trong cơ sở dữ liệu")
                else:
                    title_id, title_unit, title_name = titles[v["title_code"]]
                    position = position or title_name
                    if unit_id is not None and title_unit != unit_id:
                        self.problem(row, "title_code",
                                     f"chức danh «{v['title_code']}» không thuộc đơn vị «{v.get('unit_code')}»")
                    if not v.get("unit_code"):
                        unit_id = title_unit
            has_post = v.get("position") or v.get("title_code") or v.get("position_since")
            if has_post and not (v.get("unit_code") or v.get("title_code")):
                self.problem(row, "unit_code", "có chức vụ nhưng chưa ghi mã đơn vị công tác")
            if v.get("unit_code") and not position:
                self.problem(row, "position", "có đơn vị công tác nhưng chưa ghi chức vụ")
            record = {key: v.get(key) for key in COPIED}
            record.update(
                birth_date_precision=precision_of(v.get("birth_date")),
                ethnicity_code=ethnicity, hometown_unit_id=hometown_unit_id,
                theory_level=v.get("theory_level") or "none",
                state_mgmt_level=v.get("state_mgmt_level") or "none",
                updated_at=now,
                _post=(unit_id, title_id, position, v.get("position_since")) if unit_id else None,
                **cadre_service.derived_fields(v["full_name"] or "", v["code"] or ""),
            )
            records.append(record)
        return records

    def identity(self, record):
        return (record["code"],)

    def load_existing(self, records):
        self._existing = {(c,): i for c, i in self.codes(Cadre, (r["code"] for r in records)).items()}

    def write(self, records):
        new = [r for r in records if self.identity(r) not in self._existing]
        now = utcnow()
        for record in new:
            record["created_at"] = now
        super().write(records)
        ids = self.codes(Cadre, (r["code"] for r in records))
        current: dict[int, tuple[int, int | None, int | None, str, dt.date]] = {}
        held_by = sorted(ids[code] for (code,) in self._existing)  # a cadre created now holds no post yet
        for where in among(self.session, Posting.cadre_id, held_by):
            for post in self.session.exec(select(Posting.id, Posting.cadre_id, Posting.unit_id, Posting.title_id,
                                                 Posting.position, Posting.start_date).where(
                where, Posting.end_date.is_(None), Posting.is_concurrent.is_(False)
            )):
                current[post.cadre_id] = (post.id, post.unit_id, post.title_id, post.position, post.start_date)
        inserts, updates = [], []
        today = dt.date.today()
        post_columns = set(FIELD_COLUMNS["_post"])
        for record in records:
            if not record["_post"]:
                continue
            if record.get("_changed") is not None and not post_columns & set(record["_changed"]):
                continue  # the post is as it was
            unit_id, title_id, position, since = record["_post"]
            cadre_id = ids[record["code"]]
            held = current.get(cadre_id)
            if held and (held[1], held[2], held[3]) == (unit_id, title_id, position):
                if since and since != held[4]:
                    updates.append({"id": held[0], "start_date": since})
                continue
            start = since or today
            if held:
                # The post changed: the old one ends the day before the new one starts.
                end = max(held[4], start - dt.timedelta(days=1))
                updates.append({"id": held[0], "end_date": end})
            inserts.append({"cadre_id": cadre_id, "unit_id": unit_id, "title_id": title_id,
                            "position": position, "start_date": start, "end_date": None,
                            "is_concurrent": False})
        for chunk in chunks(updates, 2000):
            self.session.execute(sa.update(Posting), chunk)
        insert_rows(self.session, Posting, inserts)
