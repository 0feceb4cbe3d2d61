"""Request and response bodies of `/cases/{id}/consents` (notes opened here, to answer)."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from identification_svc.consents.models import Consent
from identification_svc.fields import Note
from identification_svc.persons.protection import PersonalDataProtector
from shared.pagination import Page

ConsentScope = Literal["referral", "assistance", "data_sharing", "repatriation"]
ConsentMethod = Literal["verbal", "written", "electronic"]


class ConsentCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "scope": "referral",
                    "given": True,
                    "method": "written",
                    "note": "Explained in Romanian; the person signed form F-12.",
                }
            ]
        },
    )

    scope: ConsentScope
    given: bool = Field(strict=True, description="Given (true) or refused (false).")
    method: ConsentMethod
    note: Note | None = None


class ConsentWithdrawal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Note | None = None


class ConsentOut(BaseModel):
    """A consent given or refused. On a child's case it records the child's views
    (`childs_views`): a child needs no consent, but what the child wants is heard."""

    id: uuid.UUID
    case_id: uuid.UUID
    scope: ConsentScope
    given: bool
    method: ConsentMethod
    note: str | None
    childs_views: bool
    recorded_by: uuid.UUID
    organisation_id: uuid.UUID
    recorded_at: datetime
    withdrawn_at: datetime | None
    withdrawn_by: uuid.UUID | None
    withdrawal_note: str | None

    @classmethod
    def of(cls, consent: Consent, protector: PersonalDataProtector) -> "ConsentOut":
        return cls(
            id=consent.id,
            case_id=consent.case_id,
            scope=consent.scope,
            given=consent.given,
            method=consent.method,
            note=protector.open_optional(
                consent.note_sealed, context=consent.sealed_context("note")
            ),
            childs_views=consent.childs_views,
            recorded_by=consent.recorded_by,
            organisation_id=consent.organisation_id,
            recorded_at=consent.recorded_at,
            withdrawn_at=consent.withdrawn_at,
            withdrawn_by=consent.withdrawn_by,
            withdrawal_note=protector.open_optional(
                consent.withdrawal_note_sealed, context=consent.sealed_context("withdrawal_note")
            ),
        )


class ConsentPage(Page[ConsentOut]):
    """A page of consents, newest first."""
