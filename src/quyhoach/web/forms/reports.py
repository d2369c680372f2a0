"""The report picker (the Báo cáo page's forms, posted to /bao-cao/tao): its field names
(the slugs the browser sends) and the validated model of a report request.

The handler reads with these slugs, the template writes its inputs with them (`FIELDS` is
passed in as `f`), and the tests post with them: a renamed field changes in one place. What a
kind needs and the formats it is made in come from the report registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from quyhoach.reports.registry import REPORT_KINDS

# Model field -> the name of its input.
FIELDS = {
    "kind": "loai",
    "unit": "don_vi",
    "term": "nhiem_ky",
    "cadre": "ma",
    "scenario": "phuong_an",
    "run": "lan_giai",
    "pool": "danh_sach",
    "formats": "dinh_dang",
    "issuer": "co_quan_ban_hanh",
    "number": "so_van_ban",
    "assessment": "danh_gia_chung",
    "direction": "phuong_huong",
    "proposals": "de_xuat",
}
PARAMS = ("unit", "term", "cadre", "scenario", "run", "pool")     # the fields a kind may need
PAPER = ("issuer", "number", "assessment", "direction", "proposals")   # what the officer sets on the paper
CODE_MAX = 100
NUMBER_MAX = 20
TEXT_MAX = 4000          # an edited part of a paper (reports.term_parts.TEXT_LIMIT)


class UnknownKind(ValueError):
    """The form names no report kind of the registry."""


class ReportRequest(BaseModel):
    """A report asked for: the kind, its parameters (only those the kind needs are kept,
    blanks dropped) and the formats (only those the kind is made in; all of them when none
    is ticked)."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    kind: str
    unit: str = Field("", max_length=CODE_MAX)
    term: str = Field("", max_length=CODE_MAX)
    cadre: str = Field("", max_length=CODE_MAX)
    scenario: str = Field("", max_length=CODE_MAX)
    run: str = Field("", max_length=CODE_MAX)
    pool: str = Field("", max_length=CODE_MAX)
    formats: tuple[str, ...] = ()
    issuer: str = Field("", max_length=CODE_MAX)
    number: str = Field("", max_length=NUMBER_MAX)
    assessment: str = Field("", max_length=TEXT_MAX)
    direction: str = Field("", max_length=TEXT_MAX)
    proposals: str = Field("", max_length=TEXT_MAX)

    @field_validator("kind")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in REPORT_KINDS:
            raise UnknownKind(value)
        return value

    @field_validator("formats")
    @classmethod
    def _formats(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        kind = REPORT_KINDS.get(info.data.get("kind", ""))
        if kind is None:
            return ()
        return tuple(f for f in value if f in kind.formats) or kind.formats

    @classmethod
    def from_form(cls, form: Mapping[str, Any]) -> ReportRequest:
        """Read the posted form (a MultiDict: the formats are a list). Raises UnknownKind for
        a kind the registry does not have, pydantic's ValidationError for a value too long."""
        from pydantic import ValidationError

        values: dict[str, Any] = {name: form.get(slug, "") for name, slug in FIELDS.items() if name != "formats"}
        getlist = getattr(form, "getlist", None)
        values["formats"] = tuple(getlist(FIELDS["formats"]) if getlist else form.get(FIELDS["formats"], ()))
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            if any(e["loc"] == ("kind",) for e in error.errors()):
                raise UnknownKind(values["kind"]) from None
            raise

    @property
    def needs(self) -> tuple[str, ...]:
        return REPORT_KINDS[self.kind].needs

    def params(self) -> dict[str, str]:
        """The parameters the kind needs and what the officer set on its paper, blanks left out."""
        paper = REPORT_KINDS[self.kind].paper
        return {name: getattr(self, name) for name in (*PARAMS, *PAPER)
                if (name in self.needs or name in paper) and getattr(self, name)}
