"""What the referral service knows of a case: the few facts matching, urgency, scope and
the child-protection rule need — never a name or any other personal data.

Owned by the identification and risk services and learnt from their events (or, once,
from a direct call to identification); each row keeps the newest state heard of, since
events arrive in any order.
"""

import uuid
from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from referral_svc.db import Base
from shared.db import JSONType, UTCDateTime


class CaseFacts(Base):
    __tablename__ = "referral_case_facts"
    __table_args__ = (
        Index("ix_referral_case_facts_organisation_id", "organisation_id"),
        Index("ix_referral_case_facts_county", "county"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # The identification service's row version: the newest one seen wins.
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))
    is_child: Mapped[bool]
    county: Mapped[str | None] = mapped_column(String(10))
    gender: Mapped[str | None] = mapped_column(String(10))
    exploitation_forms: Mapped[list[str]] = mapped_column(JSONType)
    # The organisation that opened the case.
    organisation_id: Mapped[uuid.UUID]
    is_foreign: Mapped[bool]
    # When identification opened the case (its first screening, or by hand); null for a
    # case heard of before events carried it.
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseRisk(Base):
    """The latest assessment of each instrument for a case (`initial` drives matching and
    urgency). No foreign key: an assessment may be heard of before the case."""

    __tablename__ = "referral_case_risk"

    case_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    instrument: Mapped[str] = mapped_column(String(50), primary_key=True)
    assessment_id: Mapped[uuid.UUID]
    level: Mapped[str] = mapped_column(String(8))
    # {domain: level}, e.g. {"safety": "high", "health": "low"}.
    domains: Mapped[dict[str, str]] = mapped_column(JSONType)
    measures: Mapped[list[str]] = mapped_column(JSONType)
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime)
