"""Data: indicator catalogue version 1, published, from `catalogue/v1.py`.

v1.py is the frozen seed of version 1 (a published version never changes), so loading it
here gives every installation the same rows.

Revision ID: identification_0003
Revises: identification_0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from identification_svc.catalogue.v1 import DIMENSIONS, INDICATORS_V1, VERSION
from shared.db import JSONType, UTCDateTime, new_id, utcnow

revision: str = "identification_0003"
down_revision: str | None = "identification_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables as they are at this revision, not as the models may later be.
versions = sa.table(
    "catalogue_versions",
    sa.column("id", sa.Uuid()),
    sa.column("version", sa.Integer()),
    sa.column("status", sa.String()),
    sa.column("dimensions", JSONType),
    sa.column("created_at", UTCDateTime()),
    sa.column("created_by", sa.Uuid()),
    sa.column("updated_at", UTCDateTime()),
    sa.column("published_at", UTCDateTime()),
    sa.column("published_by", sa.Uuid()),
    sa.column("retired_at", UTCDateTime()),
    sa.column("row_version", sa.Integer()),
)
indicators = sa.table(
    "catalogue_indicators",
    sa.column("catalogue_version", sa.Integer()),
    sa.column("code", sa.String()),
    sa.column("dimension", sa.String()),
    sa.column("strengths", JSONType),
    sa.column("label", JSONType),
    sa.column("guidance", JSONType),
)


def upgrade() -> None:
    now = utcnow()
    op.bulk_insert(
        versions,
        [
            {
                "id": new_id(),
                "version": VERSION,
                "status": "published",
                "dimensions": {code: dict(labels) for code, labels in DIMENSIONS.items()},
                "created_at": now,
                "created_by": None,
                "updated_at": now,
                "published_at": now,
                "published_by": None,
                "retired_at": None,
                "row_version": 1,
            }
        ],
    )
    op.bulk_insert(
        indicators,
        [
            {
                "catalogue_version": VERSION,
                "code": indicator.code,
                "dimension": indicator.dimension,
                "strengths": dict(indicator.strengths),
                "label": dict(indicator.label),
                "guidance": dict(indicator.guidance),
            }
            for indicator in INDICATORS_V1
        ],
    )


def downgrade() -> None:
    op.execute(indicators.delete().where(indicators.c.catalogue_version == VERSION))
    op.execute(versions.delete().where(versions.c.version == VERSION))
