"""The forms of the planning pages: their field names (the slugs the browser sends) and the
validated model of the ballot form.

The handler reads with these slugs, the template writes its inputs with them (they are passed
in), and the tests post with them: a renamed field changes in one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError, field_validator, model_validator

from quyhoach.domain.dates import DateParseError, parse_date
from quyhoach.domain.structure import BALLOT_STEPS
from quyhoach.domain.vocab import N_

VERSION = "phien_ban"          # the pool's version the page was drawn from (optimistic locking)

# --------------------------------------------------------------------------- the ballot form

# Model field -> the name of its input.
BALLOT = {
    "entry": "muc",
    "step": "buoc",
    "held_on": "ngay",
    "convened": "trieu_tap",
    "present": "co_mat",
    "issued": "phat_ra",
    "valid": "hop_le",
    "agree": "dong_y",
}
# The tallies, in the order of the form and of the chain agree ≤ valid ≤ issued ≤ present ≤ convened.
BALLOT_COUNTS = ("convened", "present", "issued", "valid", "agree")
# Their labels on the form (translated by the template) and in a refusal (the service's words).
BALLOT_LABELS = {
    "convened": N_("Triệu tập"), "present": N_("Có mặt"), "issued": N_("Phát ra"),
    "valid": N_("Hợp lệ"), "agree": N_("Đồng ý"),
}
_COUNT_NAMES = {"convened": "số triệu tập", "present": "số có mặt", "issued": "số phiếu phát ra",
                "valid": "số phiếu hợp lệ", "agree": "số đồng ý"}


class FormError(ValueError):
    """A form refused before anything is asked of the services; the message names the field."""


class BallotForm(BaseModel):
    """The tallies of one procedure step for one member, checked as the officer typed them.

    Fields are checked in the order the officer reads the refusal: the date, then that every
    count is a whole number, then the step, that no count is negative, the chain, a quorum of one."""

    entry: int
    held_on: dt.date
    convened: int
    present: int
    issued: int
    valid: int
    agree: int
    step: str

    @field_validator("held_on", mode="before")
    @classmethod
    def _date(cls, value: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            held_on = parse_date(str(value or ""))
        except DateParseError:
            held_on = None
        if held_on is None:
            raise ValueError("ngày bỏ phiếu phải có dạng dd/mm/yyyy")
        return held_on

    @field_validator(*BALLOT_COUNTS, mode="before")
    @classmethod
    def _whole(cls, value: Any) -> int:
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise ValueError("các ô số phiếu phải là số nguyên") from None

    @model_validator(mode="after")
    def _coherent(self) -> BallotForm:
        if self.step not in BALLOT_STEPS:
            raise ValueError("bước bỏ phiếu không hợp lệ")
        for name in BALLOT_COUNTS:
            if getattr(self, name) < 0:
                raise ValueError(f"{_COUNT_NAMES[name]} phải là số không âm")
        if not self.agree <= self.valid <= self.issued <= self.present <= self.convened:
            raise ValueError("các số phải thỏa: đồng ý ≤ hợp lệ ≤ phát ra ≤ có mặt ≤ triệu tập")
        if self.convened == 0:
            raise ValueError("số triệu tập phải lớn hơn 0")
        return self

    @property
    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in BALLOT_COUNTS}

    @classmethod
    def typed(cls, data: Mapping[str, str]) -> dict[str, Any]:
        """What was posted, by model field, as typed (to show the form again on a refusal)."""
        entry = data.get(BALLOT["entry"], "")
        return {"entry": int(entry) if str(entry).strip().isdigit() else None,
                **{name: str(data.get(slug, "")).strip() for name, slug in BALLOT.items() if name != "entry"}}

    @classmethod
    def read(cls, typed: Mapping[str, Any]) -> BallotForm:
        """The validated form, or FormError with the first refusal's message."""
        try:
            return cls.model_validate(dict(typed))
        except ValidationError as error:
            first = error.errors()[0]
            reason = first.get("ctx", {}).get("error")
            raise FormError(str(reason) if reason is not None else first["msg"]) from None
