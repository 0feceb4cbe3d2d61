"""When each case was opened, as identification's case events now say: what the referral
statistics measure the time from screening to referral from (`statistics/`).

Revision ID: referral_0005
Revises: referral_0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision: str = "referral_0005"
down_revision: str | None = "referral_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("referral_case_facts") as batch:
        batch.add_column(sa.Column("opened_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("referral_case_facts") as batch:
        batch.drop_column("opened_at")
