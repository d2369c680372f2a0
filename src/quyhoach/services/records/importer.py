"""Import lists from spreadsheets: every row checked, every problem reported by row and
column, then everything written or nothing.

`run` never commits: the caller (a web handler or a CLI command) commits once when
the result has no problems, and rolls back otherwise. A dry run checks the same way
and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from quyhoach.db.engine import including_withdrawn
from quyhoach.db.models import (
    Cadre, ConfidenceVote, Discipline, Ethnicity, Evaluation, Level, PoliticalConclusion, Pool, PoolEntry, PoolEvent,
    Posting, Relation, Term, Title, Unit, utcnow,
)
from quyhoach.domain.dates import add_months
from quyhoach.domain.text import fold
from quyhoach.services.records import cadres as cadre_service
from quyhoach.services.platform import audit, stamp
from quyhoach.services.records.tabular import (
    SHEETS, ParsedRow, Problem, ReadInfo, ReadOptions, Sheet, parse, precision_of, read_table,
)

CHUNK = 500


@dataclass
class ImportResult:
    kind: str
    filename: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: bool = False
    reading: ReadInfo | None = None  # how the file was read (sheet, encoding, hidden rows...), for the preview

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def title(self) -> str:
        return SHEETS[self.kind].title

    def message(self) -> str:
        if self.problems:
            rows = len({p.row for p in self.problems if p.row})
            return (f"«{self.filename}»: {len(self.problems)} lỗi ở {rows} dòng; "
                    "chưa ghi gì vào cơ sở dữ liệu. Sửa tệp rồi nhập lại.")
        verb = "sẽ thêm" if self.dry_run else "đã thêm"
        tail = " (kiểm tra thử, chưa ghi)" if self.dry_run else ""
        return (f"«{self.filename}»: {self.rows} dòng hợp lệ; {verb} {self.created}, "
                f"cập nhật {self.updated}{tail}.")

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "filename": self.filename, "dry_run": self.dry_run,
            "rows": self.rows, "created": self.created, "updated": self.updated,
            "written": self.written,
            "problems": [{"row": p.row, "column": p.column, "letter": p.letter, "message": p.message, "value": p.value}
                         for p in self.problems],
        }


def run(session: Session, kind: str, data: bytes, filename: str, *, dry_run: bool = False,
        scope: set[int] | None = None, options: ReadOptions | None = None) -> ImportResult:
    """Check a file of `kind` and, unless dry_run or anything is wrong, write it (flush only).
    A row is matched to the record it updates even when that record was withdrawn."""
    with including_withdrawn(session):
        return _run(session, kind, data, filename, dry_run=dry_run, scope=scope, options=options)


def _run(session: Session, kind: str, data: bytes, filename: str, *, dry_run: bool = False,
         scope: set[int] | None = None, options: ReadOptions | None = None) -> ImportResult:
    """Check a file of `kind` and, unless dry_run or anything is wrong, write it (flush only).

    `scope`: the units a user is limited to; every row must then concern a cadre working
    in them now (or, for cadres, a post in them), and the lists of units, titles and
    relations are for province-wide officers only."""
    sheet = SHEETS[kind]
    result = ImportResult(kind, filename, dry_run)
    if scope is not None and kind in ("units", "titles", "relations"):
        result.problems.append(Problem(0, "", f"danh sách «{sheet.title}» chỉ do cán bộ cấp tỉnh nhập"))
        return result
    table = read_table(data, filename, sheet, options)
    rows, problems = parse(sheet, table)
    result.reading = table.info
    result.problems.extend(problems)
    if rows:
        loader = LOADERS[kind](session)
        checked = loader.check(rows)
        if scope is not None:
            _check_scope(session, loader, rows, checked, scope)
        result.problems.extend(p if p.letter or not p.row else replace(p, letter=table.letter_of(p.column))
                               for p in loader.problems)
        result.problems.sort(key=lambda p: (p.row, _column_index(sheet, p.column)))
        result.rows = len(checked)
        result.created, result.updated = loader.plan(checked)
        if not result.problems and not dry_run:
            loader.write(checked)
            stamp.bump(session)
            audit.record(session, f"import.{kind}", filename, after={
                "rows": result.rows, "created": result.created, "updated": result.updated})
            session.flush()
            result.written = True
    return result


def _check_scope(session: Session, loader: Loader, rows: list[ParsedRow], records: list[dict[str, Any]],
                 scope: set[int]) -> None:
    """Rows outside the user's jurisdiction are refused like any other bad row."""
    working_here = set(session.exec(select(Posting.cadre_id).where(
        Posting.end_date.is_(None), Posting.unit_id.in_(sorted(scope)))).all())
    for row, record in zip(rows, records, strict=False):
        if loader.sheet.kind == "cadres":
            post = record.get("_post")
            if post is None or post[0] not in scope:
                loader.problem(row, "unit_code", "đơn vị công tác ngoài phạm vi quản lý của tài khoản")
        elif record.get("cadre_id") is not None and record["cadre_id"] not in working_here:
            loader.problem(row, "cadre_code", "cán bộ không công tác tại đơn vị thuộc phạm vi quản lý của tài khoản")


def _column_index(sheet: Sheet, header: str) -> int:
    for index, column in enumerate(sheet.columns):
        if column.header == header:
            return index
    return -1


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class Loader:
    """Resolves references and writes one kind of row. Subclasses fill `check` and `write`."""

    sheet: Sheet
    model: type[SQLModel]

    def __init__(self, session: Session) -> None:
        self.session = session
        self.problems: list[Problem] = []
        self._existing: dict[tuple, int] = {}

    # -- helpers -----------------------------------------------------------------
    def problem(self, row: ParsedRow, key: str, message: str) -> None:
        value = row.values.get(key)
        self.problems.append(Problem(row.row, self.sheet.column(key).header, message,
                                     "" if value is None else str(value)))

    def codes(self, model: type[SQLModel], codes: Iterable[str]) -> dict[str, int]:
        wanted = sorted({c for c in codes if c})
        found: dict[str, int] = {}
        for chunk in _chunks(wanted):
            for code, id_ in self.session.exec(select(model.code, model.id).where(model.code.in_(chunk))):
                found[code] = id_
        return found

    def resolve(self, row: ParsedRow, key: str, mapping: dict[str, int], what: str) -> int | None:
        code = row.values.get(key)
        if code is None:
            return None
        if code not in mapping:
            self.problem(row, key, f"không có {what} mã «{code}» trong cơ sở dữ liệu")
            return None
        return mapping[code]

    # -- the three steps ---------------------------------------------------------
    def check(self, rows: list[ParsedRow]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def identity(self, record: dict[str, Any]) -> tuple:
        raise NotImplementedError

    def load_existing(self, records: list[dict[str, Any]]) -> None:
        raise NotImplementedError

    def plan(self, records: list[dict[str, Any]]) -> tuple[int, int]:
        self.load_existing(records)
        updated = sum(1 for r in records if self.identity(r) in self._existing)
        return len(records) - updated, updated

    def write(self, records: list[dict[str, Any]]) -> None:
        """Insert new rows, update existing ones, in bulk."""
        inserts, updates = [], []
        for record in records:
            values = {k: v for k, v in record.items() if not k.startswith("_")}
            existing = self._existing.get(self.identity(record))
            if existing is None:
                inserts.append(values)
            else:
                updates.append({**values, "id": existing})
        for chunk in _chunks(inserts, 2000):
            self.session.execute(sa.insert(self.model), chunk)
        for chunk in _chunks(updates, 2000):
            self.session.execute(sa.update(self.model), chunk)


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
                   for r in records]
        for chunk in _chunks(updates, 2000):
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


# Spellings in common use besides the official list's (Mông for Hmông, Khmer...).
ETHNICITY_ALIASES = {"Mông": "08", "H'Mông": "08", "Mèo": "08", "Khmer": "05", "Vân Kiều": "23"}


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
        for chunk in _chunks(wanted):
            for code, id_, unit_id, name in self.session.exec(
                select(Title.code, Title.id, Title.unit_id, Title.name).where(Title.code.in_(chunk))
            ):
                titles[code] = (id_, unit_id, name)
        today = dt.date.today()
        records = []
        for row in rows:
            v = row.values
            ethnicity = ethnicities.get(_plain(v["ethnicity"] or ""))
            if ethnicity is None and v["ethnicity"] is not None:
                self.problem(
                    row, "ethnicity", f"«{v['ethnicity']}» không thuộc 54 dân tộc (ghi tên, ví dụ «Thái», hoặc mã 01–54)"
                )
            birth = v["birth_date"]
            if birth and not (add_months(today, -12 * 90) <= birth <= add_months(today, -12 * 16)):
                self.problem(row, "birth_date", "ngày sinh không hợp lý (tuổi phải từ 16 đến 90)")
            for key in ("party_entry_date", "party_official_date", "position_since"):
                day = v.get(key)
                if day and birth and day < add_months(birth, 12 * 16):
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
            record = {key: v.get(key) for key in (
                "code", "full_name", "other_names", "birth_date", "sex", "religion", "hometown",
                "birthplace", "party_entry_date", "party_official_date", "education",
                "foreign_language", "it_level", "note",
            )}
            record.update(
                birth_date_precision=precision_of(v.get("birth_date")),
                ethnicity_code=ethnicity, hometown_unit_id=hometown_unit_id,
                theory_level=v.get("theory_level") or "none",
                state_mgmt_level=v.get("state_mgmt_level") or "none",
                updated_at=utcnow(),
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
        cadre_ids = sorted(ids.values())
        for chunk in _chunks(cadre_ids):
            for post in self.session.exec(select(Posting).where(
                Posting.cadre_id.in_(chunk), Posting.end_date.is_(None), Posting.is_concurrent.is_(False)
            )):
                current[post.cadre_id] = (post.id, post.unit_id, post.title_id, post.position, post.start_date)
        inserts, updates = [], []
        today = dt.date.today()
        for record in records:
            if not record["_post"]:
                continue
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
        for chunk in _chunks(updates, 2000):
            self.session.execute(sa.update(Posting), chunk)
        for chunk in _chunks(inserts, 2000):
            self.session.execute(sa.insert(Posting), chunk)


class CadreRowsLoader(Loader):
    """Rows that belong to a cadre (by code) and are identified by some of their fields."""

    def cadre_ids(self, rows: list[ParsedRow]) -> dict[str, int]:
        return self.codes(Cadre, (r.values["cadre_code"] for r in rows))

    def identity(self, record):
        return tuple(record[k] for k in self.identity_fields)

    identity_fields: tuple[str, ...] = ()

    def load_existing(self, records):
        cadre_ids = sorted({r["cadre_id"] for r in records if r["cadre_id"] is not None})
        model = self.model
        columns = [getattr(model, k) for k in self.identity_fields]
        self._existing = {}
        for chunk in _chunks(cadre_ids):
            for found in self.session.exec(select(model.id, *columns).where(model.cadre_id.in_(chunk))):
                self._existing[tuple(found[1:])] = found[0]


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


class EvaluationLoader(CadreRowsLoader):
    sheet = SHEETS["evaluations"]
    model = Evaluation
    identity_fields = ("cadre_id", "period", "year", "period_no")

    def check(self, rows):
        cadres = self.cadre_ids(rows)
        names: dict[int, str] = {}
        current_unit: dict[int, int] = {}
        ids = sorted(set(cadres.values()))
        for chunk in _chunks(ids):
            names.update(self.session.exec(select(Cadre.id, Cadre.full_name).where(Cadre.id.in_(chunk))).all())
            current_unit.update(self.session.exec(select(Posting.cadre_id, Posting.unit_id).where(
                Posting.cadre_id.in_(chunk), Posting.end_date.is_(None), Posting.is_concurrent.is_(False))).all())
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


class ConclusionLoader(CadreRowsLoader):
    """Political-standard conclusions (P9): one row per conclusion."""

    sheet = SHEETS["conclusions"]
    model = PoliticalConclusion
    identity_fields = ("cadre_id", "concluded_on", "body")

    def check(self, rows):
        cadres = self.cadre_ids(rows)
        names: dict[int, str] = {}
        for chunk in _chunks(sorted(set(cadres.values()))):
            names.update(self.session.exec(select(Cadre.id, Cadre.full_name).where(Cadre.id.in_(chunk))).all())
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
        for chunk in _chunks(ids):
            for id_, a, b in self.session.exec(select(Relation.id, Relation.cadre_id, Relation.relative_id).where(
                sa.or_(Relation.cadre_id.in_(chunk), Relation.relative_id.in_(chunk)))):
                # A pair stored the other way round is the same relation: the file's
                # direction and kind replace it.
                self._existing[(a, b)] = id_
                self._existing[(b, a)] = id_


class PoolLoader(Loader):
    """Pool lists: entries are added to the pool of (title, term), the pool created if
    needed, each new entry recorded in the pool's history. Rules are not applied here:
    the pool pages judge every entry."""

    sheet = SHEETS["pools"]
    model = PoolEntry

    def check(self, rows):
        title_codes = sorted({r.values["title_code"] for r in rows if r.values.get("title_code")})
        titles = {code: (id_, kind) for code, id_, kind in self.session.exec(
            select(Title.code, Title.id, Title.term_kind).where(Title.code.in_(title_codes)))}
        terms = self.session.exec(select(Term)).all()
        cadres = self.codes(Cadre, (r.values["cadre_code"] for r in rows))
        names = (dict(self.session.exec(select(Cadre.id, Cadre.full_name).where(Cadre.id.in_(sorted(cadres.values())))).all())
                 if cadres else {})
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
            records.append({
                "_title_id": title[0] if title else None, "_term_id": term_id, "cadre_id": cadre_id,
                "source": v.get("source") or "internal", "status": "active", "added_on": v.get("added_on"),
                "added_reason": v.get("reason") or "Nhập từ danh sách quy hoạch",
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
        for title_id, term_id in sorted({(r["_title_id"], r["_term_id"]) for r in records} - set(self._pools)):
            pool = Pool(title_id=title_id, term_id=term_id)
            self.session.add(pool)
            self.session.flush()
            self._pools[(title_id, term_id)] = pool.id
        for record in records:
            record["pool_id"] = self._pools[(record["_title_id"], record["_term_id"])]
        new = [r for r in records if self.identity(r) not in self._existing]
        super().write(records)
        events = [{"pool_id": r["pool_id"], "cadre_id": r["cadre_id"], "kind": "add", "on": r["added_on"],
                   "reason": r["added_reason"], "actor": "nhập danh sách", "created_at": utcnow()} for r in new]
        for chunk in _chunks(events, 2000):
            self.session.execute(sa.insert(PoolEvent), chunk)


LOADERS: dict[str, Callable[[Session], Loader]] = {
    "units": UnitLoader, "titles": TitleLoader, "cadres": CadreLoader, "postings": PostingLoader,
    "evaluations": EvaluationLoader, "votes": VoteLoader, "disciplines": DisciplineLoader,
    "relations": RelationLoader, "pools": PoolLoader, "conclusions": ConclusionLoader,
}
