"""The directory's version (bumped by every change of an entry) and when each provider's
free places last changed: what lets each process keep the directory in memory and read
only the places that moved (`providers/snapshot.py`).

Revision ID: referral_0004
Revises: referral_0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision: str = "referral_0004"
down_revision: str | None = "referral_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    state = op.create_table(
        "directory_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_state")),
    )
    op.bulk_insert(state, [{"id": 1, "version": 1}])
    with op.batch_alter_table("provider_capacities") as batch:
        batch.add_column(sa.Column("changed_at", UTCDateTime(), nullable=True))
        batch.create_index("ix_provider_capacities_changed_at", ["changed_at"])


def downgrade() -> None:
    with op.batch_alter_table("provider_capacities") as batch:
        batch.drop_index("ix_provider_capacities_changed_at")
        batch.drop_column("changed_at")
    op.drop_table("directory_state")
