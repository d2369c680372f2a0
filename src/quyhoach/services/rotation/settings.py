"""A scenario's settings: what it puts in play and how it weighs it, stored as JSON on the
scenario, and the check that a solve can make sense of them.

One pydantic model carries every rule on the values (modes, ranges, shares, the time limit):
`validate()` is the model's own validation, its errors said in Vietnamese with the field
named (`ScenarioError`). Loading stored JSON (`from_dict`) does not validate: a scenario
saved by an older version still opens, as before, and is refused only when it is used.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import annotated_types
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

HARD, SOFT, OFF = "hard", "soft", "off"
TARGET_ATTRIBUTES = ("female", "minority", "young")
WEIGHT_MAX = 10_000
PER_UNIT_MAX = 100     # people leaving (or arriving in) one unit

Enforcement = Literal["hard", "soft"]
Weight = Annotated[int, Field(strict=True, ge=0, le=WEIGHT_MAX)]
Count = Annotated[int, Field(ge=0, le=PER_UNIT_MAX)]


class ScenarioError(ValueError):
    """A scenario change refused, with the reason in Vietnamese."""


class TargetSetting(BaseModel):
    """A structure target (women, minorities, the young): how it binds and the share it asks."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    mode: Literal["hard", "soft", "off"] = SOFT
    share: float = Field(0.25, ge=0, le=1)

    def __init__(self, mode: str = SOFT, share: float = 0.25, **data: Any) -> None:
        # Positional, as the dataclass it replaces was called: TargetSetting(HARD, 0.3).
        super().__init__(mode=mode, share=share, **data)


def _default_targets() -> dict[str, TargetSetting]:
    return {"female": TargetSetting(SOFT, 0.25), "minority": TargetSetting(OFF, 0.30),
            "young": TargetSetting(OFF, 0.15)}


def _default_weights() -> dict[str, int]:
    return {"fit": 1, "development": 1, "structure": 50, "moves": 5, "baseline": 0}


class ScenarioSettings(BaseModel):
    """What a scenario puts in play and how it weighs it. Stored as JSON on the scenario."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    unit_codes: list[str] = Field(default_factory=list)  # units in play (with their subtrees); empty: all
    fill_vacancies: Enforcement = SOFT  # hard: every vacant post must be filled; soft: filled where worth it
    retiring_within_months: int = Field(12, ge=0, le=120)  # holders retiring this soon leave their post open
    term_limit_opens_post: bool = True  # R5: a head at the consecutive-terms limit is rotated out of scope
    resolve_family_conflicts: bool = False  # QĐ 114 conflicts already in place must be resolved by this plan
    pools_in_play: bool = True  # pool members are candidates for their pool's title
    rotate_equivalent: bool = True  # pool members holding a post may move to an equivalent one elsewhere
    max_candidates_per_cadre: int = Field(25, ge=1)
    non_local: Enforcement = HARD  # R4: key posts held by non-locals (hard, or soft = a penalty)
    non_local_penalty: int = Field(60, ge=0, le=100)
    targets: dict[str, TargetSetting] = Field(default_factory=_default_targets)
    target_min_seats: int = Field(3, ge=1, le=50)  # unit targets only where the unit has this many posts in play
    max_leaving_per_unit: Count | None = None
    max_arriving_per_unit: Count | None = None
    weights: dict[str, Weight] = Field(default_factory=_default_weights)
    pinned: list[dict[str, Any]] = Field(default_factory=list)  # {"cadre": code, "post": post id or None}
    forbidden: list[dict[str, Any]] = Field(default_factory=list)
    # one rule of a diagnosis relaxed for one subject only ("target:female@XA-1", "must_fill:T1#1",
    # "leave:XA-1", "arrive:XA-1"): that target soft, that post not required, that unit unlimited
    relaxed: list[str] = Field(default_factory=list)
    rule_set: str = ""  # planning rule set code; empty: the one in force on the date
    time_limit: float = Field(10.0, ge=1, le=600)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ScenarioSettings:
        """Settings as stored: unknown keys ignored, missing ones defaulted, the targets given
        merged over the default ones; the values are not checked here (`validate` does)."""
        data = dict(data or {})
        known = {k: v for k, v in data.items() if k in cls.model_fields and k != "targets"}
        settings = cls.model_construct(**known)
        targets = data.get("targets") or {}
        for attribute in TARGET_ATTRIBUTES:
            if attribute in targets:
                value = targets[attribute]
                settings.targets[attribute] = TargetSetting.model_construct(
                    mode=value.get("mode", SOFT), share=float(value.get("share", 0)))
        return settings

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(warnings=False)


def field_range(name: str) -> tuple[float, float]:
    """The bounds a setting must lie within, as the model declares them (the form's messages
    name them)."""
    lo = hi = None
    for constraint in ScenarioSettings.model_fields[name].metadata:
        if isinstance(constraint, annotated_types.Ge):
            lo = constraint.ge
        elif isinstance(constraint, annotated_types.Le):
            hi = constraint.le
    if lo is None or hi is None:
        raise KeyError(f"{name} has no range")
    return lo, hi


def _message(loc: tuple) -> str:
    """The refusal of the value at `loc` (a pydantic error's location), naming its field."""
    head = loc[0] if loc else ""
    if head == "fill_vacancies":
        return "«Lấp vị trí khuyết» phải là bắt buộc hoặc khuyến khích"
    if head == "non_local":
        return "«Không là người địa phương» phải là bắt buộc hoặc khuyến khích"
    if head == "targets" and len(loc) >= 3:
        if loc[2] == "mode":
            return f"chỉ tiêu «{loc[1]}»: chế độ không hợp lệ"
        return f"chỉ tiêu «{loc[1]}»: tỷ lệ phải từ 0 đến 100%"
    if head == "weights" and len(loc) >= 2:
        return f"trọng số «{loc[1]}» phải là số nguyên từ 0 đến 10.000"
    if head == "time_limit":
        return "thời gian giải phải từ 1 đến 600 giây"
    if head == "retiring_within_months":
        return "số tháng trước khi nghỉ hưu phải từ 0 đến 120"
    if head == "non_local_penalty":
        return "điểm trừ người địa phương phải từ 0 đến 100"
    if head == "target_min_seats":
        return "số vị trí tối thiểu để xét chỉ tiêu đơn vị phải từ 1 đến 50"
    if head == "max_leaving_per_unit":
        return "số người đi tối đa mỗi đơn vị phải từ 0 đến 100"
    if head == "max_arriving_per_unit":
        return "số người đến tối đa mỗi đơn vị phải từ 0 đến 100"
    return f"«{head}» không hợp lệ"


_REPORTED_FIRST = ("fill_vacancies", "non_local", "targets", "weights", "time_limit", "retiring_within_months")


def _first(errors: list[ErrorDetails]) -> ErrorDetails:
    """The refusal reported when several fields are wrong: in the order the checks were made
    before the model (so the same settings give the same message)."""
    def rank(error: ErrorDetails) -> int:
        head = error["loc"][0] if error["loc"] else ""
        return _REPORTED_FIRST.index(head) if head in _REPORTED_FIRST else len(_REPORTED_FIRST)
    return min(errors, key=rank)


def validate(settings: ScenarioSettings) -> None:
    """Refuse settings a solve could not make sense of, with the field named."""
    try:
        ScenarioSettings.model_validate(settings.to_dict())
    except ValidationError as error:
        raise ScenarioError(_message(tuple(_first(error.errors())["loc"]))) from None
