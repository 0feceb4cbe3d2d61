"""The record of a POST sent with an `Idempotency-Key`: in flight while it runs, then its
answer, kept 24 hours.

Unique per (principal, key): two replicas receiving the same key at once cannot both
insert, so only one of them forwards the request.
"""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Integer, LargeBinary, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base
from shared.db import JSONType, UTCDateTime, new_id


class RecordState(StrEnum):
    IN_FLIGHT = "in_flight"
    DONE = "done"


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("principal_id", "key"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    principal_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    key: Mapped[str] = mapped_column(String(255))
    # SHA-256 of the method, the path with its query, and the body.
    request_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    # An in-flight record past this time was left by a gateway that stopped mid-request.
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[int | None] = mapped_column(Integer)
    headers: Mapped[list[list[str]] | None] = mapped_column(JSONType)
    # None for an answer that must not be stored (`Cache-Control: no-store`, a secret).
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
