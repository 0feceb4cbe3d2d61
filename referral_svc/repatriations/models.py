"""Stored repatriations: one case's assisted return in one direction, its eight steps (one
row each, with its due date and what completing it rested on), the determinations made
for it, and the organisations working on it.

A repatriation's `version` moves by a conditional update with every change (a step
completed, a determination, a cancellation), so two changes racing on one repatriation
can never both win. A step is flagged overdue by its own conditional update, once per
due date, whichever replica's job gets there first.
"""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from referral_svc.db import Base, one_of
from referral_svc.repatriations.procedure import (
    ACTIVE_STATUSES,
    STEPS,
    DeterminationKind,
    Direction,
    RepatriationStatus,
)
from shared.db import JSONType, UTCDateTime, new_id

_ACTIVE = one_of(ACTIVE_STATUSES)


class Repatriation(Base):
    __tablename__ = "repatriations"
    __table_args__ = (
        CheckConstraint(f"direction {one_of(Direction)}", name="direction"),
        CheckConstraint(f"status {one_of(RepatriationStatus)}", name="status"),
        Index("ix_repatriations_case_id", "case_id"),
        Index("ix_repatriations_created_at_id", "created_at", "id"),
        # One repatriation at a time per case: a second one open beside it would split the
        # work and the evidence.
        Index(
            "uq_repatriations_active_case_id",
            "case_id",
            unique=True,
            sqlite_where=text(f"status {_ACTIVE}"),
            postgresql_where=text(f"status {_ACTIVE}"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID]
    direction: Mapped[str] = mapped_column(String(20))
    # The country abroad (ISO 3166-1 alpha-2): where the person returns to, or from.
    country: Mapped[str] = mapped_column(String(2))
    departure_place: Mapped[str] = mapped_column(String(200))
    return_place: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(20))
    cancel_reason: Mapped[str | None] = mapped_column(String(2000))
    registered_by: Mapped[uuid.UUID]
    registered_by_organisation_id: Mapped[uuid.UUID]
    version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    steps: Mapped[list["RepatriationStep"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="RepatriationStep.position"
    )
    determinations: Mapped[list["RepatriationDetermination"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="RepatriationDetermination.made_at"
    )
    organisations: Mapped[list["RepatriationOrganisation"]] = relationship(
        lazy="raise", cascade="all, delete-orphan"
    )


class RepatriationStep(Base):
    __tablename__ = "repatriation_steps"
    __table_args__ = (
        CheckConstraint(f"step {one_of(STEPS)}", name="step"),
        # The overdue job's scan: pending steps not flagged, by due date.
        Index("ix_repatriation_steps_due_at", "due_at"),
    )

    repatriation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("repatriations.id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[str] = mapped_column(String(40), primary_key=True)
    # The step's place in the procedure (0 for `request_registered`).
    position: Mapped[int]
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[uuid.UUID | None]
    completed_by_organisation_id: Mapped[uuid.UUID | None]
    note: Mapped[str | None] = mapped_column(String(2000))
    # What completing it rested on, as checked: {consent_id, risk_assessment_id,
    # referral_id, determination_id}, each only when the step needs it.
    evidence: Mapped[dict[str, str]] = mapped_column(JSONType)
    escort: Mapped[dict[str, str] | None] = mapped_column(JSONType)
    # When the overdue job flagged it against its current `due_at` (null: not flagged).
    overdue_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RepatriationDetermination(Base):
    """A child-protection best-interests determination, or a coordinator's mitigation plan
    for a blocking pre-return risk. Never changed: a new one supersedes it."""

    __tablename__ = "repatriation_determinations"
    __table_args__ = (
        CheckConstraint(f"kind {one_of(DeterminationKind)}", name="kind"),
        Index("ix_repatriation_determinations_repatriation_id", "repatriation_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    repatriation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("repatriations.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(20))
    in_favour: Mapped[bool]
    note: Mapped[str] = mapped_column(String(2000))
    made_by: Mapped[uuid.UUID]
    made_by_organisation_id: Mapped[uuid.UUID]
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RepatriationOrganisation(Base):
    """An organisation working on a repatriation — the one that registered it, a partner
    named on it (a consulate, an international organisation), or one that acted on it. It
    sees the repatriation whatever else it sees of the case."""

    __tablename__ = "repatriation_organisations"
    __table_args__ = (Index("ix_repatriation_organisations_organisation_id", "organisation_id"),)

    repatriation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("repatriations.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
