"""Indexes for a national caseload: the case lists read their first page in sync order from
an index whatever the filter (the organisation's own cases; a county's cases of one
status), and case statistics read the caseload's version from a small one.

They replace the single-column indexes on the organisation and the county, which the new
ones begin with.

Revision ID: identification_0006
Revises: identification_0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "identification_0006"
down_revision: str | None = "identification_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_cases_organisation_updated",
        "cases",
        ["opened_by_organisation_id", "updated_at", "id"],
    )
    op.create_index(
        "ix_cases_county_status_updated", "cases", ["county", "status", "updated_at", "id"]
    )
    op.create_index("ix_cases_row_version", "cases", ["row_version"])
    op.drop_index("ix_cases_opened_by_organisation_id", table_name="cases")
    op.drop_index("ix_cases_county", table_name="cases")


def downgrade() -> None:
    op.create_index("ix_cases_county", "cases", ["county"])
    op.create_index("ix_cases_opened_by_organisation_id", "cases", ["opened_by_organisation_id"])
    op.drop_index("ix_cases_row_version", table_name="cases")
    op.drop_index("ix_cases_county_status_updated", table_name="cases")
    op.drop_index("ix_cases_organisation_updated", table_name="cases")
