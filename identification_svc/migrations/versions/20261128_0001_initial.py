"""The identification service's first revision: the outbox and processed-events tables.

Revision ID: identification_0001
Revises:
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

from shared.events.tables import create_event_tables, drop_event_tables

revision: str = "identification_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_event_tables(op.get_bind())


def downgrade() -> None:
    drop_event_tables(op.get_bind())
