"""Risk instruments over HTTP: a version with its domains, items, measures and measure
rules (labels in the negotiated language), and a coordinator's changes to a draft."""

import uuid
from datetime import datetime
from typing import Annotated, Final, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from risk_svc.assessments.scoring import Level
from risk_svc.instruments.models import InstrumentVersion, Status
from shared.fields import Note
from shared.language import LanguageCode
from shared.pagination import Page

CODE_PATTERN: Final = r"^[a-z][a-z0-9_]{0,49}$"
"""Instrument, domain and measure codes."""
MAX_VERSION: Final = 100_000
"""Bounds version numbers in paths and bodies (far beyond any real use; keeps them int4)."""

Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
ItemCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9_.-]{0,19}$")]


# --- measure rule conditions (the JSON form of `scoring.Condition`) -------------------------


class _Strict(BaseModel):
    """A request part: no unknown fields, no coercion between JSON types."""

    model_config = ConfigDict(extra="forbid", strict=True)


class RiskDomainLevelAtLeast(_Strict):
    """Holds when the domain applies and its level is `level` or higher."""

    kind: Literal["domain_level_at_least"]
    domain: Code
    level: Level


class RiskAnyItemYes(_Strict):
    """Holds when at least one of `items` is answered "yes"."""

    kind: Literal["any_item_yes"]
    items: list[ItemCode] = Field(min_length=1, max_length=50)


class RiskCriticalItemYes(_Strict):
    """Holds when a critical item of `domain` is answered "yes"."""

    kind: Literal["critical_item_yes"]
    domain: Code


class RiskChildAssessed(_Strict):
    """Holds when the assessed person is a child."""

    kind: Literal["child_assessed"]


RiskMeasureCondition = Annotated[
    RiskDomainLevelAtLeast | RiskAnyItemYes | RiskCriticalItemYes | RiskChildAssessed,
    Field(discriminator="kind"),
]


class RiskMeasureRule(_Strict):
    """Recommend `measure` when `when` holds."""

    measure: Code
    when: RiskMeasureCondition


# --- a version, as read ---------------------------------------------------------------------


class RiskInstrumentDomain(BaseModel):
    code: str
    label: str


class RiskInstrumentItem(BaseModel):
    code: str
    domain: str
    weight: int
    critical: bool = Field(description='A "yes" makes its domain and the overall level high.')
    child_only: bool = Field(description="Asked only when the person is a child.")
    label: str


class RiskMeasure(BaseModel):
    code: str
    label: str


class RiskInstrument(BaseModel):
    id: uuid.UUID
    code: str = Field(examples=["initial"])
    version: int = Field(examples=[1])
    status: Status
    label: str
    domains: list[RiskInstrumentDomain]
    items: list[RiskInstrumentItem]
    measures: list[RiskMeasure]
    measure_rules: list[RiskMeasureRule]
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    retired_at: datetime | None

    @classmethod
    def of(cls, row: InstrumentVersion, language: LanguageCode) -> Self:
        return cls(
            id=row.id,
            code=row.code,
            version=row.version,
            status=row.status,
            label=row.label[language],
            domains=[
                RiskInstrumentDomain(code=d["code"], label=d["label"][language])
                for d in row.domains
            ],
            items=[
                RiskInstrumentItem(
                    code=item.code,
                    domain=item.domain,
                    weight=item.weight,
                    critical=item.critical,
                    child_only=item.child_only,
                    label=item.label[language],
                )
                for item in row.items
            ],
            measures=[
                RiskMeasure(code=m["code"], label=m["label"][language]) for m in row.measures
            ],
            measure_rules=[RiskMeasureRule.model_validate(rule) for rule in row.measure_rules],
            created_at=row.created_at,
            updated_at=row.updated_at,
            published_at=row.published_at,
            retired_at=row.retired_at,
        )


class RiskInstrumentPage(Page[RiskInstrument]):
    pass


# --- a draft, as changed ---------------------------------------------------------------------


class RiskLabel(_Strict):
    ro: Note
    en: Note


class RiskInstrumentDomainIn(_Strict):
    code: Code
    label: RiskLabel


class RiskInstrumentItemIn(_Strict):
    code: ItemCode
    domain: Code
    weight: int = Field(ge=0, le=100)
    critical: bool = False
    child_only: bool = False
    label: RiskLabel


class RiskMeasureIn(_Strict):
    code: Code
    label: RiskLabel


class RiskInstrumentDraftChange(_Strict):
    """Parts of a draft to replace; each part given replaces that part whole."""

    label: RiskLabel | None = None
    domains: list[RiskInstrumentDomainIn] | None = Field(default=None, min_length=1, max_length=20)
    items: list[RiskInstrumentItemIn] | None = Field(default=None, min_length=1, max_length=200)
    measures: list[RiskMeasureIn] | None = Field(default=None, max_length=50)
    measure_rules: list[RiskMeasureRule] | None = Field(default=None, max_length=100)
