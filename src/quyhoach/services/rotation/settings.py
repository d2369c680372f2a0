"""A scenario's settings: what it puts in play and how it weighs it, stored as JSON on the
scenario, and the check that a solve can make sense of them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

HARD, SOFT, OFF = "hard", "soft", "off"
TARGET_ATTRIBUTES = ("female", "minority", "young")


class ScenarioError(ValueError):
    """A scenario change refused, with the reason in Vietnamese."""


@dataclass
class TargetSetting:
    mode: str = SOFT            # hard, soft or off
    share: float = 0.25


@dataclass
class ScenarioSettings:
    """What a scenario puts in play and how it weighs it. Stored as JSON on the scenario."""

    unit_codes: list[str] = field(default_factory=list)    # units in play (with their subtrees); empty: all
    fill_vacancies: str = SOFT          # hard: every vacant post must be filled; soft: filled where worth it
    retiring_within_months: int = 12    # holders retiring within this many months leave their post open
    term_limit_opens_post: bool = True  # R5: a head at the consecutive-terms limit is rotated out of scope
    resolve_family_conflicts: bool = False  # QĐ 114 conflicts already in place must be resolved by this plan
    pools_in_play: bool = True          # pool members are candidates for their pool's title
    rotate_equivalent: bool = True      # pool members holding a post may move to an equivalent one elsewhere
    max_candidates_per_cadre: int = 25
    non_local: str = HARD               # R4: key posts held by non-locals (hard, or soft = a penalty)
    non_local_penalty: int = 60
    targets: dict[str, TargetSetting] = field(default_factory=lambda: {
        "female": TargetSetting(SOFT, 0.25), "minority": TargetSetting(OFF, 0.30), "young": TargetSetting(OFF, 0.15)})
    target_min_seats: int = 3           # unit targets only where the unit has at least this many posts in play
    max_leaving_per_unit: int | None = None
    max_arriving_per_unit: int | None = None
    weights: dict[str, int] = field(default_factory=lambda: {
        "fit": 1, "development": 1, "structure": 50, "moves": 5, "baseline": 0})
    pinned: list[dict[str, Any]] = field(default_factory=list)      # {"cadre": code, "post": post id or None}
    forbidden: list[dict[str, Any]] = field(default_factory=list)
    rule_set: str = ""                  # planning rule set code; empty: the one in force on the date
    time_limit: float = 10.0

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ScenarioSettings:
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        settings = cls(**{k: v for k, v in data.items() if k in known and k != "targets"})
        targets = data.get("targets") or {}
        for attribute in TARGET_ATTRIBUTES:
            if attribute in targets:
                value = targets[attribute]
                settings.targets[attribute] = TargetSetting(value.get("mode", SOFT), float(value.get("share", 0)))
        return settings

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def validate(settings: ScenarioSettings) -> None:
    """Refuse settings a solve could not make sense of, with the field named."""
    if settings.fill_vacancies not in (HARD, SOFT):
        raise ScenarioError("«Lấp vị trí khuyết» phải là bắt buộc hoặc khuyến khích")
    if settings.non_local not in (HARD, SOFT):
        raise ScenarioError("«Không là người địa phương» phải là bắt buộc hoặc khuyến khích")
    for attribute, target in settings.targets.items():
        if target.mode not in (HARD, SOFT, OFF):
            raise ScenarioError(f"chỉ tiêu «{attribute}»: chế độ không hợp lệ")
        if not 0 <= target.share <= 1:
            raise ScenarioError(f"chỉ tiêu «{attribute}»: tỷ lệ phải từ 0 đến 100%")
    for name, weight in settings.weights.items():
        if not isinstance(weight, int) or not 0 <= weight <= 10_000:
            raise ScenarioError(f"trọng số «{name}» phải là số nguyên từ 0 đến 10.000")
    if not 1 <= settings.time_limit <= 600:
        raise ScenarioError("thời gian giải phải từ 1 đến 600 giây")
    if not 0 <= settings.retiring_within_months <= 120:
        raise ScenarioError("số tháng trước khi nghỉ hưu phải từ 0 đến 120")
