"""How a person resolved a possible-duplicate flag between two cases (linked, or not a
duplicate), with who and when.

Revision ID: identification_0004
Revises: identification_0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db import JSONType, UTCDateTime

revision: str = "identification_0004"
down_revision: str | None = "identification_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duplicate_resolutions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("other_case_id", sa.Uuid(), nullable=False),
        sa.Column("resolution", sa.String(16), nullable=False),
        sa.Column("note_sealed", sa.Text(), nullable=True),
        sa.Column("resolved_by", sa.Uuid(), nullable=False),
        sa.Column("resolved_by_name", sa.String(200), nullable=False),
        sa.Column("roles", JSONType, nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("resolved_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duplicate_resolutions")),
        sa.UniqueConstraint(
            "case_id", "other_case_id", name=op.f("uq_duplicate_resolutions_case_id_other_case_id")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_duplicate_resolutions_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["other_case_id"],
            ["cases.id"],
            name=op.f("fk_duplicate_resolutions_other_case_id_cases"),
        ),
        sa.CheckConstraint(
            "resolution IN ('linked', 'not_duplicate')",
            name=op.f("ck_duplicate_resolutions_resolution"),
        ),
    )
    op.create_index(
        op.f("ix_duplicate_resolutions_other_case_id"), "duplicate_resolutions", ["other_case_id"]
    )


def downgrade() -> None:
    op.drop_table("duplicate_resolutions")
