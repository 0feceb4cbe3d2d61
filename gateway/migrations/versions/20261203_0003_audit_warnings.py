"""The warnings an answer gave, recorded with its audit event (a screening's training
warning). Null in every event before this revision, which therefore hash as they did.

Adding or dropping a column changes no row: the append-only triggers do not fire.

Revision ID: gateway_0003
Revises: gateway_0002
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db import JSONType

revision: str = "gateway_0003"
down_revision: str | None = "gateway_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("warnings", JSONType, nullable=True))


def downgrade() -> None:
    op.drop_column("audit_events", "warnings")
