"""Request and response bodies of repatriations, their steps and determinations."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from referral_svc.repatriations.procedure import (
    DeterminationKind,
    Direction,
    RepatriationStatus,
    Step,
)
from shared.fields import CountryCode, Line, Note
from shared.pagination import Page

ROMANIA = "RO"
MAX_PARTNERS = 10


def _abroad(country: str) -> str:
    if country == ROMANIA:
        raise ValueError("must be the country abroad, not RO")
    return country


def _distinct(ids: list[uuid.UUID]) -> list[uuid.UUID]:
    return list(dict.fromkeys(ids))


class RepatriationCreate(BaseModel):
    """Register a request for assisted return, which completes `request_registered`.
    `partners` names directory entries of the consulates and international organisations
    asked to work on it: their staff then see the repatriation and the case."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "case_id": "8d7f3c1e-2b4a-4c6d-9e8f-0a1b2c3d4e5f",
                    "direction": "from_romania",
                    "country": "MD",
                    "departure_place": "Iași",
                    "return_place": "Chișinău",
                    "partners": ["3f0c9a52-4a53-4f7e-9a55-1a2b3c4d5e6f"],
                    "note": "The person asked to go home before the holidays.",
                }
            ]
        },
    )

    case_id: uuid.UUID
    direction: Direction
    country: Annotated[CountryCode, AfterValidator(_abroad)] = Field(
        description="The country abroad (ISO 3166-1 alpha-2): of return, or where the "
        "Romanian victim was identified"
    )
    departure_place: Line
    return_place: Line
    partners: Annotated[
        list[uuid.UUID], Field(max_length=MAX_PARTNERS), AfterValidator(_distinct)
    ] = Field(default_factory=list)
    note: Note | None = None


class Escort(BaseModel):
    """Who accompanies the person on the journey (mandatory for a child)."""

    model_config = ConfigDict(extra="forbid")

    name: Line
    organisation: Line
    phone: Annotated[Line, StringConstraints(max_length=40)] | None = None


class StepCompletion(BaseModel):
    """What completing a step rests on; each step takes only what it needs:
    `consent_id` (consent_to_return, optional: the current one by default),
    `risk_assessment_id` (pre_return_risk_assessment, optional: the latest by default),
    `referral_id` (reception_arranged, required), `escort` (travel_arranged, required for a
    child). Each is checked with the part that owns it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "note": "Reception confirmed by phone.",
                    "referral_id": "0b8e5d2c-7a41-4f3e-8c1d-2e3f4a5b6c7d",
                },
                {
                    "note": "Flight RO 203, 12 March.",
                    "escort": {"name": "Ioana Marin", "organisation": "OIM România"},
                },
            ]
        },
    )

    note: Note | None = None
    consent_id: uuid.UUID | None = None
    risk_assessment_id: uuid.UUID | None = None
    referral_id: uuid.UUID | None = None
    escort: Escort | None = None


class DeterminationCreate(BaseModel):
    """A best-interests determination (a child-protection social worker) or a mitigation
    plan for a blocking pre-return risk (a coordinator)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "best_interests",
                    "in_favour": True,
                    "note": "Grandmother cleared as carer; DGASPC Iași follows up monthly.",
                }
            ]
        },
    )

    kind: DeterminationKind
    in_favour: bool = Field(strict=True)
    note: Note


class CancelRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "The person decided to stay."}]},
    )

    reason: Note


class RepatriationFilters(BaseModel):
    case_id: uuid.UUID | None = None
    status: RepatriationStatus | None = None
    overdue: bool | None = Field(
        default=None, description="true: only those with a step past its due date"
    )


class Evidence(BaseModel):
    """What completing the step rested on, as checked with the part that owns it."""

    consent_id: uuid.UUID | None = None
    risk_assessment_id: uuid.UUID | None = None
    referral_id: uuid.UUID | None = None
    determination_id: uuid.UUID | None = None


class StepOut(BaseModel):
    step: Step
    status: Literal["pending", "done"]
    due_at: datetime
    overdue: bool = Field(description="Pending past its due date")
    completed_at: datetime | None
    completed_by: uuid.UUID | None
    completed_by_organisation_id: uuid.UUID | None
    note: str | None
    evidence: Evidence
    escort: Escort | None


class DeterminationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: DeterminationKind
    in_favour: bool
    note: str
    made_by: uuid.UUID
    made_by_organisation_id: uuid.UUID
    made_at: datetime


class RepatriationOut(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    direction: Direction
    country: str
    departure_place: str
    return_place: str
    note: str | None
    status: RepatriationStatus
    cancel_reason: str | None
    steps: list[StepOut]
    determinations: list[DeterminationOut]
    travel_block: str | None = Field(
        description="Why travel may not be arranged yet (pre_return_assessment_required, "
        "mitigation_plan_required, best_interests_determination_required); null when it "
        "may, or once it is arranged"
    )
    organisation_ids: list[uuid.UUID] = Field(description="The organisations working on it")
    registered_by_organisation_id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int


class RepatriationPage(Page[RepatriationOut]):
    """A page of repatriations, oldest first."""
