"""Repatriations (steps, determinations, organisations), the coordinators' alerts, and the
referral list's sync order.

Revision ID: referral_0003
Revises: referral_0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db import JSONType, UTCDateTime

revision: str = "referral_0003"
down_revision: str | None = "referral_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STEPS = (
    "'request_registered', 'identity_documents', 'consent_to_return', "
    "'pre_return_risk_assessment', 'reception_arranged', 'travel_arranged', "
    "'handover_completed', 'follow_up'"
)
_ACTIVE = "status IN ('open', 'in_progress')"
_ALERT_KINDS = "'referral_expired', 'no_child_protection_service', 'repatriation_step_overdue'"


def _child_of_repatriation(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["repatriation_id"],
        ["repatriations.id"],
        name=op.f(f"fk_{table}_repatriation_id_repatriations"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_index("ix_referrals_updated_at_id", "referrals", ["updated_at", "id"])

    op.create_table(
        "repatriations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("direction", sa.String(20), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("departure_place", sa.String(200), nullable=False),
        sa.Column("return_place", sa.String(200), nullable=False),
        sa.Column("note", sa.String(2000), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("cancel_reason", sa.String(2000), nullable=True),
        sa.Column("registered_by", sa.Uuid(), nullable=False),
        sa.Column("registered_by_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "direction IN ('to_romania', 'from_romania')", name=op.f("ck_repatriations_direction")
        ),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'completed', 'cancelled')",
            name=op.f("ck_repatriations_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repatriations")),
    )
    op.create_index("ix_repatriations_case_id", "repatriations", ["case_id"])
    op.create_index("ix_repatriations_created_at_id", "repatriations", ["created_at", "id"])
    op.create_index(
        "uq_repatriations_active_case_id",
        "repatriations",
        ["case_id"],
        unique=True,
        sqlite_where=sa.text(_ACTIVE),
        postgresql_where=sa.text(_ACTIVE),
    )

    op.create_table(
        "repatriation_steps",
        sa.Column("repatriation_id", sa.Uuid(), nullable=False),
        sa.Column("step", sa.String(40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("completed_by", sa.Uuid(), nullable=True),
        sa.Column("completed_by_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.String(2000), nullable=True),
        sa.Column("evidence", JSONType, nullable=False),
        sa.Column("escort", JSONType, nullable=True),
        sa.Column("overdue_flagged_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(f"step IN ({_STEPS})", name=op.f("ck_repatriation_steps_step")),
        _child_of_repatriation("repatriation_steps"),
        sa.PrimaryKeyConstraint("repatriation_id", "step", name=op.f("pk_repatriation_steps")),
    )
    op.create_index("ix_repatriation_steps_due_at", "repatriation_steps", ["due_at"])

    op.create_table(
        "repatriation_determinations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("repatriation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("in_favour", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(2000), nullable=False),
        sa.Column("made_by", sa.Uuid(), nullable=False),
        sa.Column("made_by_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("made_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('best_interests', 'mitigation_plan')",
            name=op.f("ck_repatriation_determinations_kind"),
        ),
        _child_of_repatriation("repatriation_determinations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repatriation_determinations")),
    )
    op.create_index(
        "ix_repatriation_determinations_repatriation_id",
        "repatriation_determinations",
        ["repatriation_id"],
    )

    op.create_table(
        "repatriation_organisations",
        sa.Column("repatriation_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        _child_of_repatriation("repatriation_organisations"),
        sa.PrimaryKeyConstraint(
            "repatriation_id", "organisation_id", name=op.f("pk_repatriation_organisations")
        ),
    )
    op.create_index(
        "ix_repatriation_organisations_organisation_id",
        "repatriation_organisations",
        ["organisation_id"],
    )

    op.create_table(
        "alerts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("county", sa.String(10), nullable=True),
        sa.Column("detail", sa.String(2000), nullable=False),
        sa.Column("referral_id", sa.Uuid(), nullable=True),
        sa.Column("next_best", JSONType, nullable=True),
        sa.Column("repatriation_id", sa.Uuid(), nullable=True),
        sa.Column("step", sa.String(40), nullable=True),
        sa.Column("raised_at", UTCDateTime(), nullable=False),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
        sa.Column("acknowledged_by", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"kind IN ({_ALERT_KINDS})", name=op.f("ck_alerts_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    op.create_index("ix_alerts_county_raised_at", "alerts", ["county", "raised_at"])
    op.create_index("ix_alerts_raised_at_id", "alerts", ["raised_at", "id"])


def downgrade() -> None:
    # Dropping a table drops its indexes on both backends.
    for table in (
        "alerts",
        "repatriation_organisations",
        "repatriation_determinations",
        "repatriation_steps",
        "repatriations",
    ):
        op.drop_table(table)
    op.drop_index("ix_referrals_updated_at_id", table_name="referrals")
