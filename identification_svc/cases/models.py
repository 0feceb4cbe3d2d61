"""Tables of cases: the case, its decision records, who else may see it, duplicate flags
and how a person resolved them.

A case holds no personal data (that is the person's, encrypted); only the facts other parts
of the mechanism need: status, child or adult, county, gender, forms, foreign or not.
Columns ending in `_sealed` hold free text sealed by `persons.protection`, never plaintext.
"""

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
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


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(
            "status IN ('potential', 'presumed', 'identified', 'not_identified', 'closed')",
            name="status",
        ),
        # The sync order of `GET /cases?updated_since=`, and the same order within the
        # cases an organisation opened and within a county's cases of one status: each
        # list filter reads its first page from an index, not from a sort of every case.
        Index("ix_cases_updated_at_id", "updated_at", "id"),
        Index("ix_cases_organisation_updated", "opened_by_organisation_id", "updated_at", "id"),
        Index("ix_cases_county_status_updated", "county", "status", "updated_at", "id"),
        # What case statistics read as the caseload's version (count and sum of versions).
        Index("ix_cases_row_version", "row_version"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    status: Mapped[str] = mapped_column(String(16))
    is_child: Mapped[bool] = mapped_column(Boolean)
    county: Mapped[str | None] = mapped_column(String(8))
    exploitation_forms: Mapped[list[str]] = mapped_column(JSONType)
    gender: Mapped[str] = mapped_column(String(8))
    # The citizenship the screening recorded; the person's data, when it names any, wins.
    citizenship: Mapped[str | None] = mapped_column(String(2))
    is_foreign: Mapped[bool] = mapped_column(Boolean)
    opened_by_organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    opened_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    reflection_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reflection_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Bumped by every change (the ETag; the `version` of the case events).
    row_version: Mapped[int] = mapped_column(Integer)

    decisions: Mapped[list["CaseDecision"]] = relationship(
        lazy="raise", order_by="CaseDecision.decided_at, CaseDecision.id"
    )
    possible_duplicates: Mapped[list["PossibleDuplicate"]] = relationship(
        lazy="raise",
        foreign_keys="PossibleDuplicate.case_id",
        order_by="PossibleDuplicate.other_case_id, PossibleDuplicate.matched_on",
    )
    duplicate_resolutions: Mapped[list["DuplicateResolution"]] = relationship(
        lazy="raise",
        foreign_keys="DuplicateResolution.case_id",
        order_by="DuplicateResolution.resolved_at, DuplicateResolution.other_case_id",
    )

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012


class CaseDecision(Base):
    """One change of status (or the opening): who, in which role and organisation, why."""

    __tablename__ = "case_decisions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    # A decision of the ladder, or "opened" for the record that opens the case.
    decision: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    basis_sealed: Mapped[str] = mapped_column(Text)
    note_sealed: Mapped[str | None] = mapped_column(Text)
    authority: Mapped[str | None] = mapped_column(String(200))
    closing_reason: Mapped[str | None] = mapped_column(String(32))
    screening_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("screenings.id"))
    decided_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    decided_by_name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JSONType)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def sealed_context(self, field: str) -> str:
        """What the sealed value of `field` is bound to: this row and that field."""
        return bound_to("case_decision", self.id, field)


class CaseAccess(Base):
    """An organisation that may see a case besides the one that opened it, and why: a
    referral sent to it, or a repatriation it works on (learned from the referral events)."""

    __tablename__ = "case_access"
    __table_args__ = (
        CheckConstraint("source IN ('referral', 'repatriation')", name="source"),
        Index("ix_case_access_organisation_id_case_id", "organisation_id", "case_id"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    source_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # The referral's status as last heard (None for a repatriation).
    source_status: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PossibleDuplicate(Base):
    """A flag, on one case, that its person may be the person of another case. Flags come
    in pairs (one on each case) and are for a person to review: nothing is ever merged."""

    __tablename__ = "possible_duplicates"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    other_case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id"), primary_key=True, index=True
    )
    matched_on: Mapped[str] = mapped_column(String(24), primary_key=True)
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DuplicateResolution(Base):
    """How a person resolved the possible-duplicate flag between two cases: `linked` (the
    same person: each case shows the other) or `not_duplicate` (the pair is never flagged
    again). Rows come in pairs, one on each case; who, in which role and organisation, and
    when, as for a decision. Nothing is merged."""

    __tablename__ = "duplicate_resolutions"
    __table_args__ = (
        CheckConstraint("resolution IN ('linked', 'not_duplicate')", name="resolution"),
        UniqueConstraint("case_id", "other_case_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    other_case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    resolution: Mapped[str] = mapped_column(String(16))
    note_sealed: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    resolved_by_name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JSONType)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    resolved_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def sealed_context(self, field: str) -> str:
        """What the sealed value of `field` is bound to: this row and that field."""
        return bound_to("duplicate_resolution", self.id, field)
