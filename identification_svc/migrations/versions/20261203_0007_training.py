"""Training: sessions and their participants (names sealed), the counts of practice
screenings, and the screening organisation's kind and county on each screening (what
training coverage counts organisations by; null for screenings made before).

Revision ID: identification_0007
Revises: identification_0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db import JSONType, UTCDateTime

revision: str = "identification_0007"
down_revision: str | None = "identification_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "training_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("county", sa.String(8), nullable=True),
        sa.Column("catalogue_version", sa.Integer(), nullable=False),
        sa.Column("instrument_versions", JSONType, nullable=False),
        sa.Column("categories", JSONType, nullable=False),
        sa.Column("trainers_sealed", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_sessions")),
        sa.ForeignKeyConstraint(
            ["catalogue_version"],
            ["catalogue_versions.version"],
            name=op.f("fk_training_sessions_catalogue_version_catalogue_versions"),
        ),
        sa.CheckConstraint(
            "(online AND county IS NULL) OR (NOT online AND county IS NOT NULL)",
            name=op.f("ck_training_sessions_place"),
        ),
    )
    op.create_index("ix_training_sessions_created_at_id", "training_sessions", ["created_at", "id"])
    op.create_table(
        "training_participants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("name_sealed", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("organisation_kind", sa.String(32), nullable=False),
        sa.Column("county", sa.String(16), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_participants")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["training_sessions.id"],
            name=op.f("fk_training_participants_session_id_training_sessions"),
        ),
        sa.UniqueConstraint(
            "session_id", "user_id", name=op.f("uq_training_participants_session_id_user_id")
        ),
        sa.CheckConstraint(
            "score IS NULL OR (score >= 0 AND score <= 100)",
            name=op.f("ck_training_participants_score"),
        ),
    )
    op.create_index(op.f("ix_training_participants_user_id"), "training_participants", ["user_id"])
    op.create_index(
        op.f("ix_training_participants_organisation_id"),
        "training_participants",
        ["organisation_id"],
    )
    op.create_table(
        "training_practice_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("catalogue_version", sa.Integer(), nullable=False),
        sa.Column("vignette", sa.String(16), nullable=False),
        sa.Column("matched", sa.String(8), nullable=False),
        sa.Column("organisation_kind", sa.String(32), nullable=False),
        sa.Column("county", sa.String(16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day",
            "catalogue_version",
            "vignette",
            "matched",
            "organisation_kind",
            "county",
            name=op.f("pk_training_practice_counts"),
        ),
    )
    op.add_column("screenings", sa.Column("organisation_kind", sa.String(32), nullable=True))
    op.add_column("screenings", sa.Column("organisation_county", sa.String(16), nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN on both backends (SQLite 3.35+): rebuilding `screenings`
    # would break the foreign keys that point at it.
    op.drop_column("screenings", "organisation_county")
    op.drop_column("screenings", "organisation_kind")
    op.drop_table("training_practice_counts")
    op.drop_table("training_participants")
    op.drop_table("training_sessions")
