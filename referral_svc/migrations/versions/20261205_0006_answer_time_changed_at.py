"""When each provider's median answer time last changed: what lets each process read only
the answer times that moved since it last looked (`providers/snapshot.py`), instead of
rebuilding its copy of the whole directory every minute to catch them.

Revision ID: referral_0006
Revises: referral_0005
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision: str = "referral_0006"
down_revision: str | None = "referral_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("providers") as batch:
        batch.add_column(sa.Column("answer_time_changed_at", UTCDateTime(), nullable=True))
        batch.create_index("ix_providers_answer_time_changed_at", ["answer_time_changed_at"])


def downgrade() -> None:
    with op.batch_alter_table("providers") as batch:
        batch.drop_index("ix_providers_answer_time_changed_at")
        batch.drop_column("answer_time_changed_at")
