"""Tables of the audit log: the events, and the head of their hash chain.

`audit_events` is append-only: the migration installs triggers that refuse UPDATE and
DELETE on both backends (and TRUNCATE on PostgreSQL). The hash chain is what shows a
change made by someone able to drop those triggers.

`audit_chain_head` holds one row, the last sequence number and hash. Every append starts
by moving it (`UPDATE … RETURNING`), which locks it until the append commits: appends are
serialised across replicas sharing the database, and the chain cannot fork.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base
from shared.db import JSONType, UTCDateTime

HEAD_ROW_ID = 1


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    action: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(512))
    status: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    actor_kind: Mapped[str | None] = mapped_column(String(16))
    actor_name: Mapped[str | None] = mapped_column(String(200), index=True)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    roles: Mapped[list[str]] = mapped_column(JSONType)
    resource_type: Mapped[str | None] = mapped_column(String(40))
    resource_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    request_id: Mapped[str | None] = mapped_column(String(128))
    client_address: Mapped[str | None] = mapped_column(String(64))
    forwarded_for: Mapped[str | None] = mapped_column(String(256))
    purpose: Mapped[str | None] = mapped_column(String(200))
    replayed: Mapped[bool] = mapped_column(Boolean)
    # Codes of the warnings the answer gave (a screening's `screener_not_trained`), if any.
    warnings: Mapped[list[str] | None] = mapped_column(JSONType)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    def content(self) -> dict[str, Any]:
        """Every field but the hash, as JSON values: what the hash is computed over.
        `warnings` only when there are some, so events from before it hash as they did."""
        content = {
            "id": str(self.id),
            "sequence": self.sequence,
            "occurred_at": self.occurred_at.isoformat(),
            "action": self.action,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "actor_id": _text(self.actor_id),
            "actor_kind": self.actor_kind,
            "actor_name": self.actor_name,
            "organisation_id": _text(self.organisation_id),
            "roles": list(self.roles),
            "resource_type": self.resource_type,
            "resource_id": _text(self.resource_id),
            "case_id": _text(self.case_id),
            "request_id": self.request_id,
            "client_address": self.client_address,
            "forwarded_for": self.forwarded_for,
            "purpose": self.purpose,
            "replayed": self.replayed,
            "prev_hash": self.prev_hash,
        }
        if self.warnings is not None:
            content["warnings"] = list(self.warnings)
        return content


class AuditChainHead(Base):
    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))


def _text(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)
