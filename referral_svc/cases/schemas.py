"""What this service reads of case events, risk events and the identification service's
case body (docs/events.md, API.md) — only the fields it keeps."""

import uuid

from pydantic import AwareDatetime, BaseModel, Field

from shared.web import IdentifiedCase


class CaseEvent(BaseModel):
    """`case.opened` and `case.status_changed`."""

    case_id: uuid.UUID
    version: int
    status: str = Field(max_length=20)
    is_child: bool
    county: str | None = Field(default=None, max_length=10)
    gender: str | None = Field(default=None, max_length=10)
    exploitation_forms: list[str] = Field(default_factory=list, max_length=20)
    organisation_id: uuid.UUID
    is_foreign: bool = False
    opened_at: AwareDatetime | None = None


class IdentificationCase(IdentifiedCase):
    """`GET /api/v1/cases/{id}` of the identification service. Its `version`, when given,
    is the one events carry; without it the facts yield to any event."""

    version: int = 0
    status: str = Field(max_length=20)
    is_child: bool
    county: str | None = Field(default=None, max_length=10)
    gender: str | None = Field(default=None, max_length=10)
    exploitation_forms: list[str] = Field(default_factory=list, max_length=20)
    opened_by_organisation_id: uuid.UUID
    is_foreign: bool = False
    created_at: AwareDatetime | None = None

    def as_event(self) -> CaseEvent:
        return CaseEvent(
            case_id=self.id,
            version=self.version,
            status=self.status,
            is_child=self.is_child,
            county=self.county,
            gender=self.gender,
            exploitation_forms=self.exploitation_forms,
            organisation_id=self.opened_by_organisation_id,
            is_foreign=self.is_foreign,
            opened_at=self.created_at,
        )


class RiskAssessed(BaseModel):
    """`risk.assessed`."""

    case_id: uuid.UUID
    assessment_id: uuid.UUID
    instrument: str = Field(max_length=50)
    level: str = Field(max_length=8)
    domains: dict[str, str] = Field(default_factory=dict, max_length=20)
    measures: list[str] = Field(default_factory=list, max_length=50)
    assessed_at: AwareDatetime


class ConsentWithdrawn(BaseModel):
    """`consent.withdrawn`."""

    case_id: uuid.UUID
    consent_id: uuid.UUID
    scope: str = Field(max_length=20)
