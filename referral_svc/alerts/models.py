"""Stored alerts: every `alert.raised` this service publishes, kept so the coordinators
have a work list (no other part consumes the event yet) and can acknowledge each one."""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from referral_svc.db import Base, one_of
from shared.db import JSONType, UTCDateTime, new_id


class AlertKind(StrEnum):
    REFERRAL_EXPIRED = "referral_expired"
    NO_CHILD_PROTECTION_SERVICE = "no_child_protection_service"
    REPATRIATION_STEP_OVERDUE = "repatriation_step_overdue"


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        CheckConstraint(f"kind {one_of(AlertKind)}", name="kind"),
        Index("ix_alerts_raised_at_id", "raised_at", "id"),
        Index("ix_alerts_county_raised_at", "county", "raised_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[uuid.UUID]
    # The case's county when raised; null when not known (only national coordinators see it).
    county: Mapped[str | None] = mapped_column(String(10))
    detail: Mapped[str] = mapped_column(String(2000))
    referral_id: Mapped[uuid.UUID | None]
    # For `referral_expired`: the best provider left, as the referral keeps it.
    next_best: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    repatriation_id: Mapped[uuid.UUID | None]
    step: Mapped[str | None] = mapped_column(String(40))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[uuid.UUID | None]
    version: Mapped[int]
