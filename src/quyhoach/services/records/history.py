"""Changes to records in words: the values an import or an edit writes, as the lists and
the forms show them (the column's Vietnamese header, dates dd/mm/yyyy, vocabulary labels,
«Có»/«Không»), and the audit entries that record them.

The audit log keeps raw values (codes, ISO dates) so its hash chain stays stable; this
module turns them into words for the preview of an import, the audit page and a dossier's
history. Entities name what an entry is about, so entries can be found by cadre or unit:

- ``cadre:CB00001``             the cadre's own fields
- ``cadre:CB00001/evaluations`` one of the cadre's rows of a list (postings, evaluations,
                                votes, disciplines, conclusions, relations, pools)
- ``unit:SO-NV``                a unit; ``unit:SO-NV/title:SO-NV-GD`` one of its titles
- ``cadre:CB1/relations|cadre:CB2/relations``  a family relation, filed under both cadres:
                                each dossier (and the audit page filtered by either) finds it
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from quyhoach.db import like
from quyhoach.db.models import AuditEntry, Cadre, Posting, Title, Unit
from quyhoach.domain import vocab
from quyhoach.domain.dates import format_date
from quyhoach.domain.phrase import Num, Phrase
from quyhoach.domain.vocab import N_
from quyhoach.services.platform import audit, auth
from quyhoach.services.records.tabular import SHEETS, Column, Sheet

EMPTY = N_("(trống)")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def entity_for(kind: str, values: dict[str, Any]) -> str:
    """The audit entity of one row of a list (see the module's docstring)."""
    if kind == "cadres":
        return f"cadre:{values.get('code')}"
    if kind == "units":
        return f"unit:{values.get('code')}"
    if kind == "titles":
        return f"unit:{values.get('unit_code')}/title:{values.get('code')}"
    if kind == "relations" and values.get("relative_code"):
        return relation_entity(str(values.get("cadre_code")), str(values["relative_code"]))
    return f"cadre:{values.get('cadre_code')}/{kind}"


def relation_entity(cadre_code: str, relative_code: str) -> str:
    """A family relation is about both cadres: its entries are filed under each."""
    return f"cadre:{cadre_code}/relations|cadre:{relative_code}/relations"


def about_cadre(code: str) -> sa.ColumnElement[bool]:
    """Entries about a cadre: their own fields, their rows of every list, and the relations
    filed under them beside another cadre (``…|cadre:CODE/relations``, or, as the first
    editing entries wrote it, ``cadre:A|cadre:B``)."""
    subject = cadre_entity(code)
    entity = AuditEntry.entity
    # Each branch one the database finds through an index of `entity` (migration 0019: on
    # PostgreSQL, one for LIKE prefixes, and one of the entries filed under two subjects, the
    # only ones with "|"), not by reading every entry: 680,000 entries at 30,000 cadres.
    return sa.or_(
        entity == subject,
        sa.and_(like.starts_with(entity, subject + "/"), audit.about(subject)),   # LIKE: an index; about: exact
        like.starts_with(entity, subject + "|"),
        sa.and_(like.contains(entity, "|"),
                sa.or_(like.ends_with(entity, "|" + subject), like.contains(entity, "|" + subject + "/"))),
    )


def cadre_entity(code: str) -> str:
    return f"cadre:{code}"


def unit_entity(code: str) -> str:
    return f"unit:{code}"


def words(column: Column | None, value: Any) -> str:
    """One value as a person reads it."""
    if value is None or value == "":
        return Phrase.of(EMPTY)   # "(trống)", in the reader's language inside a table's words too
    kind = column.kind if column is not None else ""
    if isinstance(value, str) and kind == "date" or (isinstance(value, str) and _ISO_DATE.match(value)):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        try:
            moment = dt.datetime.fromisoformat(value)
            return f"{format_date(moment.date())} {moment:%H:%M}"
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, bool) or kind == "bool":
        return Phrase(N_("Có")) if value else Phrase(N_("Không"))
    if kind in vocab.VOCABULARIES and isinstance(value, str):
        return _label(kind, value)
    if isinstance(value, float):
        return Phrase("%(n)s", n=Num(value))   # 99,5 (99.5 in English)
    if isinstance(value, (list, tuple)):
        return Phrase.joined([words(None, v) for v in value], ", ")
    if isinstance(value, dict):
        return Phrase("; ".join(f"%(k{n})s: %(v{n})s" for n in range(len(value))),
                      **{f"k{n}": Phrase(field_label(None, k)) for n, k in enumerate(value)},
                      **{f"v{n}": _keyed_words(k, v) for n, (k, v) in enumerate(value.items())})
    return str(value)


def _keyed_words(key: str, value: Any) -> str:
    """A value inside an entry's table (a scenario's settings), a code by its field's words."""
    codes = CODE_WORDS.get(key)
    if codes is not None and isinstance(value, str) and value in codes:
        return Phrase(codes[value])
    return words(None, value)


def _label(vocabulary: str, code: str) -> str:
    """A code's label, translatable where the page renders it (`say`); an unknown code as is."""
    label = vocab.VOCABULARIES[vocabulary].label(code)
    return Phrase(label) if label != code else code


# Field names used by entries that are not rows of a list (pools, scenarios, users...).
FIELD_LABELS: dict[str, str] = {
    "status": N_("Trạng thái"), "cadre_id": N_("Cán bộ"), "cadre": N_("Cán bộ"),
    "reason": N_("Lý do"), "role": N_("Vai trò"), "scope": N_("Phạm vi"), "active": N_("Đang hoạt động"),
    "rows": N_("Số dòng"), "created": N_("Thêm mới"), "updated": N_("Cập nhật"), "unchanged": N_("Không đổi"),
    "name": N_("Tên"), "version": N_("Phiên bản"), "decision_no": N_("Số quyết định"),
    "decision_date": N_("Ngày quyết định"), "base": N_("Dựa trên"), "base_valid_to": N_("Hiệu lực đến"),
    "step": N_("Bước"), "votes_for": N_("Số phiếu đồng ý"), "votes_against": N_("Số phiếu không đồng ý"),
    "decision": N_("Quyết định"), "source": N_("Nguồn"), "title": N_("Chức danh"), "term": N_("Nhiệm kỳ"),
    "file": N_("Tệp"),
    # the fields the forms write (services/records/editing) besides the lists' own columns
    "id": N_("Số hiệu bản ghi"), "ethnicity_code": N_("Dân tộc"), "hometown_unit_id": N_("Đơn vị quê quán"),
    "unit_id": N_("Đơn vị"), "title_id": N_("Chức danh"), "relative_id": N_("Người thân"), "withdrawn": N_("Đã rút"),
    "by_move_to": N_("Chuyển sang vị trí mới (số hiệu)"), "restored": N_("Khôi phục"),
    "planned_end": N_("Dự kiến đến ngày"), "direction": N_("Hướng luân chuyển"), "into": N_("Hợp nhất vào"),
    "on": N_("Ngày có hiệu lực"), "posts_moved": N_("Số chức vụ chuyển theo"),
    "sub_units": N_("Đơn vị cấp dưới chuyển theo"), "titles": N_("Các chức danh"),
    "closed_id": N_("Vị trí cũ kết thúc (số hiệu)"),
    # a rotation scenario's settings and solves (services/rotation)
    "rotation_date": N_("Ngày luân chuyển"), "settings": N_("Thiết lập"), "parent_id": N_("Sao chép từ phương án"),
    "derivation": N_("Cách tạo"), "relaxed_rule": N_("Quy định được nới"), "relaxed_subject": N_("Đối tượng được nới"),
    "unit_codes": N_("Các đơn vị trong phạm vi"), "fill_vacancies": N_("Lấp vị trí khuyết"),
    "retiring_within_months": N_("Sắp nghỉ hưu trong (tháng)"),
    "term_limit_opens_post": N_("Người đứng đầu hết hai nhiệm kỳ phải luân chuyển"),
    "resolve_family_conflicts": N_("Giải quyết quan hệ gia đình đang vướng"),
    "pools_in_play": N_("Bổ nhiệm từ nguồn quy hoạch"), "rotate_equivalent": N_("Luân chuyển sang vị trí tương đương"),
    "max_candidates_per_cadre": N_("Số vị trí đề xuất tối đa cho mỗi cán bộ"),
    "non_local": N_("Bố trí người không phải người địa phương"), "non_local_penalty": N_("Điểm trừ người địa phương"),
    "targets": N_("Chỉ tiêu cơ cấu"), "target_min_seats": N_("Số vị trí tối thiểu để xét chỉ tiêu"),
    "max_leaving_per_unit": N_("Số người rời mỗi đơn vị tối đa"),
    "max_arriving_per_unit": N_("Số người đến mỗi đơn vị tối đa"), "weights": N_("Trọng số"),
    "pinned": N_("Bố trí cố định"), "forbidden": N_("Điều động bị loại trừ"), "relaxed": N_("Quy định đã nới"),
    "rule_set": N_("Bộ quy định"), "time_limit": N_("Thời gian giải tối đa (giây)"), "run_id": N_("Lần giải"),
    "label": N_("Nhãn"), "data_stamp": N_("Phiên bản dữ liệu"), "mode": N_("Chế độ"), "share": N_("Tỷ lệ"),
    "signed_on": N_("Ngày ký"),
    # a pool's ballots and review decisions (services/planning/pools)
    "entry_id": N_("Người trong quy hoạch (số hiệu)"), "held_on": N_("Ngày tổ chức"),
    "convened": N_("Số triệu tập"), "present": N_("Số có mặt"), "issued": N_("Số phiếu phát ra"),
    "valid": N_("Số phiếu hợp lệ"), "agree": N_("Số đồng ý"), "rule": N_("Quy tắc"), "year": N_("Năm"),
    **vocab.ROTATION_TARGET_LABELS, **{k: v[0] for k, v in vocab.ROTATION_WEIGHT_LABELS.items()},
}
# The fields whose value is a code of the rotation's words (a target's mode, how vacancies are filled).
CODE_WORDS: dict[str, dict[str, str]] = {
    **{key: vocab.ROTATION_MODE_LABELS for key in ("mode", "fill_vacancies", "non_local")},
    "role": auth.ROLES,                               # a user's role by its words, not its code
    "scope": {"toàn tỉnh": N_("toàn tỉnh")},          # a user's scope: the words the app recorded
}
# The list whose columns name the fields of a form's entry ("posting.appoint" → postings).
EDIT_SHEETS = {"cadre": "cadres", "posting": "postings", "evaluation": "evaluations", "vote": "votes",
               "discipline": "disciplines", "relation": "relations", "unit": "units", "title": "titles"}
# Fields whose stored value is a code of a vocabulary, where no column of the list says so.
FIELD_VOCABULARY = {"direction": "rotation_direction", "step": "ballot_step"}
# Fields that hold the number of a unit, title or cadre: shown by its name (`names_for`).
ID_FIELDS = {"unit_id": "unit", "hometown_unit_id": "unit", "title_id": "title", "cadre_id": "cadre",
             "relative_id": "cadre"}


def field_label(sheet: Sheet | None, key: str) -> str:
    if sheet is not None:
        for column in sheet.columns:
            if column.key == key:
                return column.header
    if key in FIELD_LABELS:
        return FIELD_LABELS[key]
    return next((c.header for other in SHEETS.values() for c in other.columns if c.key == key), key)


def _column(sheet: Sheet | None, key: str) -> Column | None:
    if sheet is None:
        return None
    return next((c for c in sheet.columns if c.key == key), None)


@dataclass
class FieldChange:
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass
class RecordChange:
    """One record an import creates or changes, field by field, in words."""

    row: int
    action: str  # "create" or "update"
    label: str
    fields: list[FieldChange] = field(default_factory=list)


def sheet_of(action: str) -> Sheet | None:
    """The list an entry's action belongs to: "cadres.update" → the cadres list."""
    kind = action.split(".", 1)[0]
    return SHEETS.get(kind)


def entry_sheet(action: str) -> Sheet | None:
    """The list whose words an entry's fields are said in: an import's rows ("cadres.update")
    and a form's acts ("cadre.update", "posting.transfer") alike."""
    kind = action.split(".", 1)[0]
    return SHEETS.get(kind) or SHEETS.get(EDIT_SHEETS.get(kind, ""))


def field_changes(sheet: Sheet | None, before: dict[str, Any], after: dict[str, Any],
                  names: dict[tuple[str, int], str] | None = None) -> list[FieldChange]:
    """Before → after per field, in the order of the list's columns, in words; `names`:
    the units, titles and cadres the entries name by number (`names_for`)."""
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    if sheet is not None:
        order = {c.key: i for i, c in enumerate(sheet.columns)}
        keys.sort(key=lambda k: order.get(k, len(order)))
    changes = []
    for key in keys:
        column = _column(sheet, key)
        changes.append(FieldChange(field_label(sheet, key),
                                   _field_words(column, key, before.get(key), names) if key in before else "",
                                   _field_words(column, key, after.get(key), names) if key in after else ""))
    return changes


def _field_words(column: Column | None, key: str, value: Any, names: dict[tuple[str, int], str] | None) -> str:
    if key in ID_FIELDS and isinstance(value, int) and not isinstance(value, bool):
        return (names or {}).get((ID_FIELDS[key], value), str(value))
    if column is None and key in FIELD_VOCABULARY and isinstance(value, str) and value:
        return _label(FIELD_VOCABULARY[key], value)
    if column is None and key in CODE_WORDS:
        return _keyed_words(key, value)
    return words(column, value)


def names_for(session: Session, entries: list[Any]) -> dict[tuple[str, int], str]:
    """The names of the units, titles and cadres a page of entries names by number."""
    wanted: dict[str, set[int]] = {"unit": set(), "title": set(), "cadre": set()}
    for entry in entries:
        for values in (entry.before or {}, entry.after or {}):
            for key, model in ID_FIELDS.items():
                if isinstance(values.get(key), int):
                    wanted[model].add(values[key])
    out: dict[tuple[str, int], str] = {}
    for model, column in (("unit", Unit.name), ("title", Title.name), ("cadre", Cadre.full_name)):
        table = {"unit": Unit, "title": Title, "cadre": Cadre}[model]
        if wanted[model]:
            for number, name in session.exec(select(table.id, column).where(table.id.in_(wanted[model]))).all():
                out[(model, number)] = name
    return out


def action_parts(action: str) -> tuple[str, ...]:
    """An action code in words, as pieces to translate and join with ": ": the known ones
    from the vocabulary; the rows of a list as (the list's title, the verb)."""
    known = vocab.AUDIT_ACTION.label(action)
    if known != action:
        return (known,)
    kind, _, verb = action.partition(".")
    sheet = SHEETS.get(kind)
    if sheet is not None and verb in vocab.AUDIT_VERB_CODES:
        return (sheet.title, vocab.AUDIT_VERB.label(verb))
    return (action,)


def action_label(action: str) -> str:
    return ": ".join(action_parts(action))


def entity_parts(entity: str) -> list[tuple[str, str]]:
    """«cadre:CB00001/evaluations» → [(«Cán bộ», «CB00001»), («Kết quả đánh giá, xếp loại», «»)]:
    a label to translate and the code it names."""
    if "|" in entity:   # filed under several subjects (a relation): the first, then the others' codes
        first, *others = entity.split("|")
        out = entity_parts(first)
        for other in others:
            out += entity_parts(other)[:1]
        return out
    parts = []
    for piece in entity.split("/"):
        prefix, sep, rest = piece.partition(":")
        if sep and prefix in vocab.AUDIT_ENTITY_CODES:
            parts.append((vocab.AUDIT_ENTITY.label(prefix), rest))
        elif piece in SHEETS:
            parts.append((SHEETS[piece].title, ""))
        else:
            parts.append(("", piece))
    return parts


def entity_label(entity: str) -> str:
    return " — ".join(" ".join(filter(None, part)) for part in entity_parts(entity))


def about_unit(code: str) -> sa.ColumnElement[bool]:
    """Entries about a unit: the unit, its titles, and the records of the cadres who work
    in it now."""
    subject = sa.literal("cadre:") + Cadre.code
    working_here = (
        sa.select(sa.literal(1)).select_from(Cadre)
        .join(Posting, Posting.cadre_id == Cadre.id).join(Unit, Unit.id == Posting.unit_id)
        .where(Unit.code == code, Posting.end_date.is_(None))
        .where(sa.or_(AuditEntry.entity == subject,
                      sa.func.substr(AuditEntry.entity, 1, sa.func.length(subject) + 1) == subject + "/"))
    )
    return sa.or_(audit.about(unit_entity(code)), working_here.exists())


def action_choices() -> list[tuple[str, tuple[str, ...]]]:
    """The actions the audit page filters by (a code is matched as a prefix), each with
    its words in pieces (see `action_parts`)."""
    choices: list[tuple[str, tuple[str, ...]]] = [("import.", (N_("Nhập dữ liệu (mọi danh sách)"),))]
    choices += [(kind + ".", (sheet.title, N_("mọi thay đổi"))) for kind, sheet in SHEETS.items()]
    choices += [(c.code, (c.label,)) for c in vocab.AUDIT_ACTION.choices]
    return choices


@dataclass
class EntryView:
    """One audit entry in words, for the audit page and a dossier's history."""

    seq: int
    at: dt.datetime
    actor: str
    action: str
    action_parts: tuple[str, ...]
    entity: str
    entity_parts: list[tuple[str, str]]
    cadre_code: str | None
    fields: list[FieldChange]
    reason: str


def view(entry: Any, names: dict[tuple[str, int], str] | None = None) -> EntryView:
    sheet = entry_sheet(entry.action)
    cadre_code = None
    if entry.entity.startswith("cadre:"):
        cadre_code = entry.entity.split("/", 1)[0].removeprefix("cadre:")
    return EntryView(entry.seq, entry.at, entry.actor, entry.action, action_parts(entry.action), entry.entity,
                     entity_parts(entry.entity), cadre_code,
                     field_changes(sheet, entry.before or {}, entry.after or {}, names), audit.reason_of(entry))


# --------------------------------------------------------------------------- a dossier's own history

@dataclass
class Change:
    field: str
    before: Any
    after: Any
    label: str = ""   # the field's name (`field_label`: the same words as the audit page)


@dataclass
class HistoryEntry:
    at: dt.datetime
    actor: str
    action: str
    reason: str
    changes: list[Change] = field(default_factory=list)
    created: bool = False   # a record written anew: its values, no before


def dossier_history(session: Session, code: str, limit: int = 200, offset: int = 0) -> list[HistoryEntry]:
    """The audit entries of a cadre's records, newest first, field by field: the edits, the
    imports' rows, and the family relations filed under the other cadre too."""
    rows = session.exec(
        select(AuditEntry).where(about_cadre(code)).order_by(AuditEntry.seq.desc())
        .offset(offset).limit(limit)
    ).all()
    out = []
    for row in rows:
        before, after = row.before or {}, row.after or {}
        # the cadre the dossier is about goes without saying (an import's rows name it)
        obvious = {"id"} | ({"full_name"} if not row.action.startswith("cadre") else set())
        keys = [k for k in dict.fromkeys([*before, *after]) if k not in obvious
                and not (k == "cadre_code" and after.get(k) == code and before.get(k) in (None, code))]
        sheet = sheet_of(row.action)   # an import's row: its values in the list's words
        named = entry_sheet(row.action)
        if before:   # a change: the fields that changed (an act may name a field it leaves as it was)
            keys = [k for k in keys if before.get(k) != after.get(k)]
        changes = [Change(k, _said(sheet, k, before.get(k)), _said(sheet, k, after.get(k)), field_label(named, k))
                   for k in keys]
        out.append(HistoryEntry(row.at, row.actor, row.action, audit.reason_of(row), changes, created=not before))
    return out


def dossier_history_count(session: Session, code: str) -> int:
    """How many entries a dossier's history holds (its pager)."""
    return session.exec(select(sa.func.count()).select_from(AuditEntry).where(about_cadre(code))).one()


def _said(sheet: Any, key: str, value: Any) -> Any:
    """A value an import wrote, in the words of its list (labels, dd/mm/yyyy, 99,5)."""
    if sheet is None or value is None or value == "":
        return value
    return words(next((c for c in sheet.columns if c.key == key), None), value)
