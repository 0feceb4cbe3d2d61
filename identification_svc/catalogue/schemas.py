"""Request and response bodies of the indicator catalogue endpoints."""

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from identification_svc.catalogue.models import CatalogueVersion
from identification_svc.fields import Line, Note
from identification_svc.screening.rules import DIMENSION_CODES, Strength
from shared.language import LanguageCode
from shared.pagination import Page

CatalogueStatus = Literal["draft", "published", "retired"]
Dimension = Literal["DR", "CR", "VR", "EX", "CD", "VD"]
IndicatorCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}\.[0-9]{2,3}$", max_length=6),
    Field(examples=["DR.01"]),
]
MAX_INDICATORS = 300


class Strengths(BaseModel):
    """The indicator's strength under each screening profile; null: not part of it."""

    model_config = ConfigDict(extra="forbid")

    AL: Strength | None
    AS: Strength | None
    CL: Strength | None
    CS: Strength | None

    @model_validator(mode="after")
    def _part_of_some_profile(self) -> "Strengths":
        if all(value is None for value in (self.AL, self.AS, self.CL, self.CS)):
            raise ValueError("an indicator must count under at least one profile")
        return self


class DimensionOut(BaseModel):
    code: Dimension
    label: str


class IndicatorOut(BaseModel):
    code: str
    dimension: Dimension
    label: str
    guidance: str
    strengths: Strengths


class CatalogueSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: int
    status: CatalogueStatus
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    retired_at: datetime | None


class Catalogue(CatalogueSummary):
    """A catalogue version, labels and guidance in `language` (from `Accept-Language`)."""

    language: LanguageCode
    dimensions: list[DimensionOut]
    indicators: list[IndicatorOut]

    @classmethod
    def localised(cls, row: CatalogueVersion, language: LanguageCode) -> "Catalogue":
        indicators = sorted(
            row.indicators, key=lambda i: (DIMENSION_CODES.index(i.dimension), i.code)
        )
        return cls(
            **CatalogueSummary.model_validate(row).model_dump(),
            language=language,
            dimensions=[
                DimensionOut(code=code, label=row.dimensions[code][language])
                for code in DIMENSION_CODES
                if code in row.dimensions
            ],
            indicators=[
                IndicatorOut(
                    code=indicator.code,
                    dimension=indicator.dimension,
                    label=indicator.label[language],
                    guidance=indicator.guidance[language],
                    strengths=Strengths.model_validate(indicator.strengths),
                )
                for indicator in indicators
            ],
        )


class CataloguePage(Page[CatalogueSummary]):
    """A page of catalogue versions, newest first."""


class Labels(BaseModel):
    """An indicator's question, in both languages of the catalogue."""

    model_config = ConfigDict(extra="forbid")

    ro: Line
    en: Line


class Guidance(BaseModel):
    """A line of guidance for the practitioner who asks, in both languages."""

    model_config = ConfigDict(extra="forbid")

    ro: Note
    en: Note


class IndicatorDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: IndicatorCode
    dimension: Dimension
    strengths: Strengths
    label: Labels
    guidance: Guidance

    @field_validator("dimension")
    @classmethod
    def _dimension_is_the_code_prefix(cls, dimension: str, info: ValidationInfo) -> str:
        code = info.data.get("code")
        if isinstance(code, str) and code.split(".")[0] != dimension:
            raise ValueError("must be the dimension the code starts with")
        return dimension


_EXAMPLE_INDICATOR: dict[str, Any] = {
    "code": "EX.15",
    "dimension": "EX",
    "strengths": {"AL": "medium", "AS": "medium", "CL": "strong", "CS": "strong"},
    "label": {
        "ro": "Obligat să se căsătorească",
        "en": "Forced to marry",
    },
    "guidance": {
        "ro": "Întrebați dacă persoana a fost constrânsă să se căsătorească.",
        "en": "Ask whether the person was made to marry against their will.",
    },
}


class CatalogueChanges(BaseModel):
    """Edits to a draft: indicators added or replaced (by code), and codes removed."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"indicators": [_EXAMPLE_INDICATOR], "remove": []}]},
    )

    indicators: list[IndicatorDraft] = Field(default_factory=list, max_length=MAX_INDICATORS)
    remove: list[IndicatorCode] = Field(default_factory=list, max_length=MAX_INDICATORS)
