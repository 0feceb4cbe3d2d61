"""The shapes case facts arrive in: the identification service's events and its case body,
and the referral service's event that lets a provider's organisation see a case."""

import uuid

from pydantic import BaseModel, ConfigDict, Field

from shared.web import IdentifiedCase


class CaseEvent(BaseModel):
    """`case.opened` / `case.status_changed` / `case.updated` payload (docs/events.md),
    reduced to what the risk service keeps; the other fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    case_id: uuid.UUID
    version: int = Field(ge=0, le=2**31 - 1)
    status: str = Field(max_length=20)
    is_child: bool
    county: str | None = Field(default=None, max_length=10)
    organisation_id: uuid.UUID


class ReferralCreated(BaseModel):
    """`referral.created` payload: the provider's organisation may now see the case."""

    model_config = ConfigDict(extra="ignore")

    case_id: uuid.UUID
    provider_organisation_id: uuid.UUID


class IdentificationCase(IdentifiedCase):
    """`GET /api/v1/cases/{id}` of the identification service, the fields used here."""

    model_config = ConfigDict(extra="ignore")

    status: str = Field(max_length=20)
    is_child: bool
    county: str | None = Field(default=None, max_length=10)
    opened_by_organisation_id: uuid.UUID
    # Absent from older answers: 0 lets any event for the case supersede these facts.
    version: int = Field(default=0, ge=0, le=2**31 - 1)

    def as_event(self) -> CaseEvent:
        """The facts as the case's event would bring them."""
        return CaseEvent(
            case_id=self.id,
            version=self.version,
            status=self.status,
            is_child=self.is_child,
            county=self.county,
            organisation_id=self.opened_by_organisation_id,
        )
