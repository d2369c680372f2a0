"""The scenario forms: their field names (`FIELDS`), and the posted values read into
what the rotation service takes (settings, a date, sweep values). Every refusal names
its field, in Vietnamese (a `ScenarioError`)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from flask_babel import gettext

from quyhoach.db.models import Scenario
from quyhoach.domain.dates import DateParseError, parse_date
from quyhoach.services.rotation import settings as rotation_settings
from quyhoach.services.rotation.settings import ScenarioError, ScenarioSettings, TargetSetting
from quyhoach.web.scenario_labels import MODE_LABELS, TARGET_LABELS, WEIGHT_LABELS


@dataclass(frozen=True)
class ScenarioFields:
    """The field names (slugs) of the scenario forms: the handler reads them, the
    templates get them (`SCENARIO_FIELDS`), the tests post them."""

    name: str = "ten"
    date: str = "ngay"
    description: str = "mo_ta"
    version: str = "phien_ban"
    units: str = "don_vi"
    fill_vacancies: str = "lap_khuyet"
    non_local: str = "ngoai_dia_phuong"
    retiring_within: str = "nghi_huu"
    term_limit: str = "het_nhiem_ky"
    family_conflicts: str = "xung_dot"
    pools: str = "quy_hoach"
    equivalent: str = "tuong_duong"
    non_local_penalty: str = "tru_diem_dia_phuong"
    target_min_seats: str = "ct_so_ghe"
    max_leaving: str = "toi_da_di"
    max_arriving: str = "toi_da_den"
    pinned: str = "co_dinh"
    forbidden: str = "loai_tru"
    rule_set: str = "bo_quy_dinh"
    time_limit: str = "thoi_gian"
    label: str = "nhan"
    relax_rule: str = "quy_dinh"
    relax_subject: str = "doi_tuong"
    decision_no: str = "so_qd"
    signed_on: str = "ngay_ky"      # the day the resolution was signed (empty: the effective date)
    note: str = "ghi_chu"
    sweep_key: str = "tham_so"
    sweep_values: str = "gia_tri"
    compare_run: str = "run"        # a checkbox per done run, for the comparison page
    stay: str = "__o_lai__"         # the value of "stays where they are" in a pin's post choice

    def target_mode(self, attribute: str) -> str:
        return f"ct_{attribute}_che_do"

    def target_share(self, attribute: str) -> str:
        return f"ct_{attribute}_ty_le"

    def weight(self, name: str) -> str:
        return f"w_{name}"

    # Pinned and forbidden moves (`prefix` is `pinned` or `forbidden`): the count of kept rows,
    # each row's keep box, cadre and post, and the new row.
    def assignment_count(self, prefix: str) -> str:
        return f"{prefix}-n"

    def assignment_keep(self, prefix: str, index: int) -> str:
        return f"{prefix}-{index}-giu"

    def assignment_cadre(self, prefix: str, index: int) -> str:
        return f"{prefix}-{index}-cb"

    def assignment_post(self, prefix: str, index: int) -> str:
        return f"{prefix}-{index}-vt"

    def new_cadre(self, prefix: str) -> str:
        return f"{prefix}-moi-cb"

    def new_post(self, prefix: str) -> str:
        return f"{prefix}-moi-vt"


FIELDS = ScenarioFields()
OUTSIDE_POST = FIELDS.stay


def new_form(**values) -> dict:
    form = {"name": "", "date": default_date().strftime("%d/%m/%Y"), "error": ""}
    form.update(values)
    return form


def default_date() -> dt.date:
    """The first day of next month: rotations take effect from a month's start."""
    today = dt.date.today()
    return dt.date(today.year + (today.month == 12), today.month % 12 + 1, 1)


def parse_date_field(text: str, field: str) -> dt.date:
    try:
        value = parse_date(text)
    except (DateParseError, ValueError, OverflowError):
        value = None
    if value is None:
        raise ScenarioError(gettext("«%(field)s» phải có dạng dd/mm/yyyy", field=field))
    return value


def int_field(form, name: str, field: str, lo: int, hi: int, default: int | None = None, optional: bool = False) -> int | None:
    text = form.get(name, "").strip()
    if not text:
        if optional:
            return None
        if default is not None:
            return default
        raise ScenarioError(gettext("«%(field)s» chưa nhập", field=field))
    try:
        value = int(text)
    except ValueError:
        raise ScenarioError(gettext("«%(field)s» phải là số nguyên", field=field)) from None
    if not lo <= value <= hi:
        raise ScenarioError(gettext("«%(field)s» phải từ %(lo)s đến %(hi)s", field=field, lo=lo, hi=hi))
    return value


def share_field(form, name: str, field: str) -> float:
    text = form.get(name, "").strip().replace(",", ".").rstrip("%").strip()
    try:
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(text)
    except ValueError:
        raise ScenarioError(gettext("«%(field)s» phải là một tỷ lệ phần trăm, ví dụ 30", field=field)) from None
    if not 0 <= value <= 100:
        raise ScenarioError(gettext("«%(field)s» phải từ 0 đến 100%%", field=field))
    return round(value / 100, 4)


def assignments(form, prefix: str, what: str) -> list[dict]:
    """Pinned or forbidden moves: the kept rows, plus the new one when a cadre code is typed."""
    items = []
    count = int_field(form, FIELDS.assignment_count(prefix), what, 0, 500, default=0)
    for index in range(count):
        if form.get(FIELDS.assignment_keep(prefix, index)):
            post = form.get(FIELDS.assignment_post(prefix, index)) or None
            items.append({"cadre": form.get(FIELDS.assignment_cadre(prefix, index), "").strip(), "post": post})
    code = form.get(FIELDS.new_cadre(prefix), "").strip()
    if code:
        post = form.get(FIELDS.new_post(prefix), "")
        if post == "":
            raise ScenarioError(gettext("%(what)s: chọn vị trí cho cán bộ %(code)s", what=what, code=code))
        items.append({"cadre": code, "post": None if post == OUTSIDE_POST else post})
    seen = set()
    for item in items:
        key = (item["cadre"], item["post"])
        if key in seen:
            raise ScenarioError(gettext("%(what)s: %(code)s được nhập hai lần", what=what, code=item["cadre"]))
        seen.add(key)
    return items


def _bounds(name: str) -> tuple[int, int]:
    """A setting's range as the settings model declares it: the form refuses what the model would."""
    lo, hi = rotation_settings.field_range(name)
    return int(lo), int(hi)


def settings_from_form(form, base: ScenarioSettings) -> ScenarioSettings:
    """The scenario form read into settings; every refusal names its field."""
    settings = ScenarioSettings.from_dict(base.to_dict())
    settings.unit_codes = [c for c in form.getlist(FIELDS.units) if c]
    for name, attr, allowed in ((FIELDS.fill_vacancies, "fill_vacancies", ("hard", "soft")),
                                (FIELDS.non_local, "non_local", ("hard", "soft"))):
        value = form.get(name, getattr(settings, attr))
        if value not in allowed:
            field = gettext("Lấp vị trí khuyết") if attr == "fill_vacancies" else gettext("Không là người địa phương")
            raise ScenarioError(gettext("«%(field)s» phải là bắt buộc hoặc khuyến khích", field=field))
        setattr(settings, attr, value)
    settings.retiring_within_months = int_field(form, FIELDS.retiring_within, gettext("Số tháng trước khi nghỉ hưu"),
                                                *_bounds("retiring_within_months"))
    settings.term_limit_opens_post = bool(form.get(FIELDS.term_limit))
    settings.resolve_family_conflicts = bool(form.get(FIELDS.family_conflicts))
    settings.pools_in_play = bool(form.get(FIELDS.pools))
    settings.rotate_equivalent = bool(form.get(FIELDS.equivalent))
    settings.non_local_penalty = int_field(form, FIELDS.non_local_penalty, gettext("Điểm trừ người địa phương"),
                                           *_bounds("non_local_penalty"), default=settings.non_local_penalty)
    for attribute in rotation_settings.TARGET_ATTRIBUTES:
        label = str(TARGET_LABELS[attribute])
        mode = form.get(FIELDS.target_mode(attribute), settings.targets[attribute].mode)
        if mode not in MODE_LABELS:
            raise ScenarioError(gettext("Chỉ tiêu «%(field)s»: chế độ không hợp lệ", field=label))
        share = share_field(form, FIELDS.target_share(attribute), gettext("Chỉ tiêu %(field)s", field=label.lower()))
        settings.targets[attribute] = TargetSetting(mode, share)
    settings.target_min_seats = int_field(form, FIELDS.target_min_seats, gettext("Số vị trí tối thiểu để xét chỉ tiêu đơn vị"),
                                          *_bounds("target_min_seats"), default=settings.target_min_seats)
    settings.max_leaving_per_unit = int_field(form, FIELDS.max_leaving, gettext("Số người đi tối đa mỗi đơn vị"),
                                              0, rotation_settings.PER_UNIT_MAX, optional=True)
    settings.max_arriving_per_unit = int_field(form, FIELDS.max_arriving, gettext("Số người đến tối đa mỗi đơn vị"),
                                               0, rotation_settings.PER_UNIT_MAX, optional=True)
    settings.weights = {name: int_field(form, FIELDS.weight(name), str(WEIGHT_LABELS[name][0]), 0, rotation_settings.WEIGHT_MAX)
                        for name in WEIGHT_LABELS}
    settings.pinned = assignments(form, FIELDS.pinned, gettext("Bố trí cố định"))
    settings.forbidden = assignments(form, FIELDS.forbidden, gettext("Loại trừ"))
    rule_set = form.get(FIELDS.rule_set, "").strip()
    settings.rule_set = rule_set
    text = form.get(FIELDS.time_limit, "").strip().replace(",", ".")
    try:
        settings.time_limit = float(text)
        if not math.isfinite(settings.time_limit):
            raise ValueError(text)
    except ValueError:
        raise ScenarioError(gettext("«Thời gian giải tối đa» phải là số giây")) from None
    lo, hi = rotation_settings.field_range("time_limit")
    if not lo <= settings.time_limit <= hi:
        raise ScenarioError(gettext("«Thời gian giải tối đa» phải từ 1 đến 600 giây"))
    return settings


def adopt_form(scenario: Scenario, **values) -> dict:
    form = {"decision_no": "", "on": scenario.rotation_date.strftime("%d/%m/%Y"), "signed_on": "", "note": "",
            "error": ""}
    form.update(values)
    return form


def adopt_dates(on_text: str, signed_text: str) -> tuple[dt.date, dt.date]:
    """The adoption's effective date and the resolution's signing date as typed (the signing
    date left empty is the effective date)."""
    on = parse_date_field(on_text, gettext("Ngày hiệu lực"))
    signed_on = parse_date_field(signed_text, gettext("Ngày ký nghị quyết")) if signed_text.strip() else on
    return on, signed_on


def sweep_values(key: str, text: str) -> list[float]:
    values = []
    for part in text.replace(";", " ").replace(",", " ").split():
        try:
            number = float(part.rstrip("%"))
        except ValueError:
            raise ScenarioError(gettext("«Các giá trị» phải là các số, ví dụ 25 30 35")) from None
        if not math.isfinite(number):
            raise ScenarioError(gettext("«Các giá trị» phải là các số, ví dụ 25 30 35"))
        if key in rotation_settings.TARGET_ATTRIBUTES:
            if not 0 <= number <= 100:
                raise ScenarioError(gettext("«Các giá trị» là tỷ lệ phần trăm, từ 0 đến 100"))
            number = round(number / 100, 4)
        elif number != int(number) or not 0 <= number <= rotation_settings.WEIGHT_MAX:
            raise ScenarioError(gettext("«Các giá trị» của trọng số phải là số nguyên từ 0 đến 10.000"))
        values.append(number)
    return sorted(set(values))
