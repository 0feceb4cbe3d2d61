"""Tables of training: sessions, their participants, and the counts of practice screenings.

A participant's name and a session's trainers are practitioners' personal data: sealed by
`persons.protection` like notes (bound to their row and field), never plaintext, never in
an event or a log line. A participant who is a user of the suite is known by the user's
id; the organisation a participant came from (kind, county, and the suite's organisation id
when it has one) is recorded with the attendance, and brought up to date from the user's
own token when they read their record. A practice screening leaves one count behind, by
day and facts that describe no person.
"""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from identification_svc.db import Base
from identification_svc.persons.protection import bound_to
from shared.db import JSONType, UTCDateTime, new_id


class TrainingSession(Base):
    __tablename__ = "training_sessions"
    __table_args__ = (
        # Held in a county, or online: one or the other.
        CheckConstraint(
            "(online AND county IS NULL) OR (NOT online AND county IS NOT NULL)", name="place"
        ),
        Index("ix_training_sessions_created_at_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    held_on: Mapped[date] = mapped_column(Date)
    online: Mapped[bool] = mapped_column(Boolean)
    county: Mapped[str | None] = mapped_column(String(8))
    catalogue_version: Mapped[int] = mapped_column(ForeignKey("catalogue_versions.version"))
    # [{instrument, version}] as the risk service knows them.
    instrument_versions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    # The professional categories invited: organisation kinds (or `other`).
    categories: Mapped[list[str]] = mapped_column(JSONType)
    # The trainers' names, as one sealed JSON list.
    trainers_sealed: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    row_version: Mapped[int] = mapped_column(Integer)

    participants: Mapped[list["TrainingParticipant"]] = relationship(
        lazy="raise", back_populates="session"
    )

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012

    def sealed_context(self, field: str) -> str:
        return bound_to("training_session", self.id, field)


class TrainingParticipant(Base):
    __tablename__ = "training_participants"
    __table_args__ = (
        # A user attends a session once (external attendees have no user id).
        UniqueConstraint("session_id", "user_id"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("training_sessions.id"))
    # The suite's user, or null for an attendee without an account.
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    name_sealed: Mapped[str] = mapped_column(Text)
    # The organisation the participant came from: the suite's id when it has one.
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    organisation_kind: Mapped[str] = mapped_column(String(32))
    county: Mapped[str] = mapped_column(String(16))
    completed: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[int | None] = mapped_column(Integer)
    recorded_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    row_version: Mapped[int] = mapped_column(Integer)

    session: Mapped[TrainingSession] = relationship(lazy="raise", back_populates="participants")

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012

    def sealed_context(self, field: str) -> str:
        return bound_to("training_participant", self.id, field)


class PracticeCount(Base):
    """How many practice screenings were made on a day, by what describes no one."""

    __tablename__ = "training_practice_counts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    catalogue_version: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The vignette's code, or `none` for a free practice.
    vignette: Mapped[str] = mapped_column(String(16), primary_key=True)
    # Whether the outcome was the vignette's: `yes`, `no`, or `none` without a vignette.
    matched: Mapped[str] = mapped_column(String(8), primary_key=True)
    organisation_kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    county: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
