"""The consents table: each consent given or refused, by scope, and its withdrawal.

Its notes are free text that may name people: `_sealed` columns hold them sealed by
`persons.protection`, never plaintext.
"""

import uuid
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from identification_svc.db import Base
from identification_svc.persons.protection import bound_to
from shared.db import UTCDateTime, new_id


class Consent(Base):
    __tablename__ = "consents"
    __table_args__ = (
        CheckConstraint(
            "scope IN ('referral', 'assistance', 'data_sharing', 'repatriation')", name="scope"
        ),
        CheckConstraint("method IN ('verbal', 'written', 'electronic')", name="method"),
        Index("ix_consents_case_id_recorded_at", "case_id", "recorded_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    scope: Mapped[str] = mapped_column(String(16))
    given: Mapped[bool] = mapped_column(Boolean)
    method: Mapped[str] = mapped_column(String(16))
    note_sealed: Mapped[str | None] = mapped_column(Text)
    # Recorded on a child's case: the child's views, not a legal consent (none is needed).
    childs_views: Mapped[bool] = mapped_column(Boolean)
    recorded_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    withdrawal_note_sealed: Mapped[str | None] = mapped_column(Text)
    row_version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012

    def sealed_context(self, field: str) -> str:
        """What the sealed value of `field` is bound to: this row and that field."""
        return bound_to("consent", self.id, field)
