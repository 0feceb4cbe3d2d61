"""What the risk service knows of a case: the few facts it scores and scopes by.

Owned by the identification service and learnt from its events (or, once, from a direct
call); never a name or any other personal data. `CaseAccess` lists the organisations a
case was referred to, which may see its assessments besides the opening organisation.
"""

import uuid
from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from risk_svc.db import Base
from shared.db import UTCDateTime


class CaseFacts(Base):
    __tablename__ = "risk_case_facts"
    __table_args__ = (
        Index("ix_risk_case_facts_organisation_id", "organisation_id"),
        Index("ix_risk_case_facts_county", "county"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # The identification service's row version: the newest one seen wins.
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))
    is_child: Mapped[bool]
    county: Mapped[str | None] = mapped_column(String(10))
    # The organisation that opened the case.
    organisation_id: Mapped[uuid.UUID]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseAccess(Base):
    """An organisation the case was referred to. No foreign key: a referral may be heard
    of before the case itself (delivery order is not guaranteed)."""

    __tablename__ = "risk_case_access"
    __table_args__ = (Index("ix_risk_case_access_organisation_id", "organisation_id"),)

    case_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
