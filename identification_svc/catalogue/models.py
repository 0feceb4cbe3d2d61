"""Tables of the indicator catalogues: one row per version, one per indicator of a version.

A version's indicators are its own rows: a new version copies them, and a published
version's rows are never written again, so a screening that pinned a version re-evaluates
to the same result forever.
"""

import uuid
from datetime import datetime
from typing import Final

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from identification_svc.db import Base
from shared.db import JSONType, UTCDateTime, new_id

DRAFT: Final = "draft"
PUBLISHED: Final = "published"
RETIRED: Final = "retired"


class CatalogueVersion(Base):
    __tablename__ = "catalogue_versions"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'retired')", name="status"),
        # At most one draft at a time: a second coordinator's draft would fork the next
        # version number.
        Index(
            "uq_catalogue_versions_one_draft",
            "status",
            unique=True,
            postgresql_where=text("status = 'draft'"),
            sqlite_where=text("status = 'draft'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    status: Mapped[str] = mapped_column(String(16))
    # The six dimensions' labels, {code: {ro, en}}: fixed by the rules, labelled per version.
    dimensions: Mapped[dict[str, dict[str, str]]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    row_version: Mapped[int] = mapped_column(Integer)

    indicators: Mapped[list["CatalogueIndicator"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012


class CatalogueIndicator(Base):
    __tablename__ = "catalogue_indicators"

    catalogue_version: Mapped[int] = mapped_column(
        ForeignKey("catalogue_versions.version", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(2))
    # {AL, AS, CL, CS: strong | medium | weak | None}
    strengths: Mapped[dict[str, str | None]] = mapped_column(JSONType)
    label: Mapped[dict[str, str]] = mapped_column(JSONType)
    guidance: Mapped[dict[str, str]] = mapped_column(JSONType)
