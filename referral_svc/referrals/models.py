"""Stored referrals: one case sent to one provider for one or more services.

A referral's `status` moves only through conditional updates (`WHERE status = <from>`),
so a provider's answer, the expiry job and a consent withdrawal racing each other (in one
replica or several) can never both win.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from referral_svc.db import Base, one_of
from referral_svc.referrals.states import ReferralStatus, Urgency
from shared.db import JSONType, UTCDateTime, new_id


class Referral(Base):
    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint(f"status {one_of(ReferralStatus)}", name="status"),
        CheckConstraint(f"urgency {one_of(Urgency)}", name="urgency"),
        Index("ix_referrals_case_id", "case_id"),
        Index("ix_referrals_provider_id_status", "provider_id", "status"),
        Index("ix_referrals_provider_organisation_id", "provider_organisation_id"),
        Index("ix_referrals_referrer_organisation_id", "referrer_organisation_id"),
        # The expiry job's scan: sent referrals by deadline.
        Index("ix_referrals_status_respond_by", "status", "respond_by"),
        Index("ix_referrals_created_at_id", "created_at", "id"),
        # The sync order of `GET /referrals?updated_since=`.
        Index("ix_referrals_updated_at_id", "updated_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID]
    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"))
    # Who it was sent to: the provider's organisation at the time (its staff answer it).
    provider_organisation_id: Mapped[uuid.UUID]
    # Who sent it; both null when the mechanism made it itself (a child's protection).
    referrer_organisation_id: Mapped[uuid.UUID | None]
    referrer_id: Mapped[uuid.UUID | None]
    services: Mapped[list[str]] = mapped_column(JSONType)
    urgency: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    respond_by: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(String(2000))
    decline_reason: Mapped[str | None] = mapped_column(String(30))
    # The note given with the latest transition (the decline's explanation among them).
    status_note: Mapped[str | None] = mapped_column(String(2000))
    # On decline or expiry: the best provider left for the same services, or null.
    next_best: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When it reached a final status (declined, expired, completed, discontinued, withdrawn).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
