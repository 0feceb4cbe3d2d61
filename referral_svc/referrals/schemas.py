"""Request and response bodies of referrals and their transitions."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from referral_svc.providers.schemas import ProviderMatch, Services
from referral_svc.referrals.states import DeclineReason, ReferralStatus, Urgency, validate_decline
from shared.fields import Note, UTCMoment
from shared.pagination import Page


class ReferralCreate(BaseModel):
    """Send a case to a provider. `urgency` is raised to the case's floor (a child or a
    high risk level: at least `high`); the deadline to answer follows from it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "case_id": "8d7f3c1e-2b4a-4c6d-9e8f-0a1b2c3d4e5f",
                    "provider_id": "3f0c9a52-4a53-4f7e-9a55-1a2b3c4d5e6f",
                    "services": ["shelter", "psychological"],
                    "urgency": "high",
                    "note": "Arrives with the police escort this evening.",
                }
            ]
        },
    )

    case_id: uuid.UUID
    provider_id: uuid.UUID
    services: Services
    urgency: Urgency | None = None
    note: Note | None = None


class TransitionNote(BaseModel):
    """An optional note with an accept, complete, discontinue or withdraw."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"note": "Place ready from 18:00."}]}
    )

    note: Note | None = None


class DeclineRequest(BaseModel):
    """Why the provider declines; `other` needs a note saying what the reason is."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"reason": "no_capacity"},
                {"reason": "other", "note": "The only female-only unit is closed for repairs."},
            ]
        },
    )

    reason: DeclineReason
    note: Note | None = Field(default=None, validate_default=True)

    @field_validator("note")
    @classmethod
    def _other_needs_a_note(cls, note: str | None, info: ValidationInfo) -> str | None:
        reason = info.data.get("reason")
        if reason is not None:
            validate_decline(reason, note)
        return note


class ReferralFilters(BaseModel):
    """Filters of the referral list; a provider without a webhook polls its queue with
    `provider_id` and `status=sent`."""

    case_id: uuid.UUID | None = None
    provider_id: uuid.UUID | None = None
    status: ReferralStatus | None = None
    updated_since: UTCMoment | None = Field(
        default=None,
        description="Only referrals changed at or after this time (RFC 3339, with offset); "
        "the list is then in sync order (`updated_at`, then id)",
    )


class ReferralCase(BaseModel):
    """The case facts this service keeps, as far as the caller may see them: a provider
    sees those its services need (null: not known, or not for this caller)."""

    is_child: bool | None = None
    gender: str | None = None
    county: str | None = None
    exploitation_forms: list[str] | None = None
    risk_level: str | None = None
    safety_level: str | None = None


class ReferralOut(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    provider_id: uuid.UUID
    provider_organisation_id: uuid.UUID
    referrer_organisation_id: uuid.UUID | None = Field(
        description="Null when the mechanism made the referral itself"
    )
    origin: Literal["practitioner", "mechanism"]
    services: list[str]
    status: ReferralStatus
    urgency: Urgency
    respond_by: datetime
    note: str | None
    decline_reason: DeclineReason | None
    status_note: str | None = Field(description="The note given with the latest transition")
    next_best: ProviderMatch | None = Field(
        description="On decline or expiry: the best provider left for the same services"
    )
    case: ReferralCase
    created_at: datetime
    updated_at: datetime
    accepted_at: datetime | None
    closed_at: datetime | None


class ReferralPage(Page[ReferralOut]):
    """A page of referrals: oldest first, or in sync order with `updated_since`."""
