"""The provider directory, the case facts learnt from events, and referrals.

Revision ID: referral_0002
Revises: referral_0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db import JSONType, UTCDateTime

revision: str = "referral_0002"
down_revision: str | None = "referral_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = "'sent', 'accepted', 'declined', 'expired', 'completed', 'discontinued', 'withdrawn'"


def _provider_child(table: str, *items: sa.schema.SchemaItem) -> None:
    op.create_table(
        table,
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        *items,
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f(f"fk_{table}_provider_id_providers"),
            ondelete="CASCADE",
        ),
    )


def upgrade() -> None:
    op.create_table(
        "providers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("accepts_adults", sa.Boolean(), nullable=False),
        sa.Column("accepts_children", sa.Boolean(), nullable=False),
        sa.Column("genders", JSONType, nullable=False),
        sa.Column("languages", JSONType, nullable=False),
        sa.Column("specialisations", JSONType, nullable=False),
        sa.Column("accreditation_number", sa.String(100), nullable=True),
        sa.Column("accreditation_valid_until", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("contact", JSONType, nullable=True),
        sa.Column("webhook_url", sa.String(2048), nullable=True),
        sa.Column("webhook_secret", sa.String(200), nullable=True),
        sa.Column("median_accept_hours", sa.Double(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_providers")),
    )
    op.create_index("ix_providers_created_at_id", "providers", ["created_at", "id"])
    op.create_index(op.f("ix_providers_kind"), "providers", ["kind"])
    op.create_index("ix_providers_organisation_id", "providers", ["organisation_id"])

    _provider_child(
        "provider_services",
        sa.Column("service", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("provider_id", "service", name=op.f("pk_provider_services")),
    )
    op.create_index("ix_provider_services_service", "provider_services", ["service", "provider_id"])
    _provider_child(
        "provider_coverage",
        sa.Column("area", sa.String(10), nullable=False),
        sa.PrimaryKeyConstraint("provider_id", "area", name=op.f("pk_provider_coverage")),
    )
    op.create_index("ix_provider_coverage_area", "provider_coverage", ["area", "provider_id"])
    _provider_child(
        "provider_capacities",
        sa.Column("service", sa.String(40), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("free", sa.Integer(), nullable=False),
        sa.CheckConstraint("free >= 0", name=op.f("ck_provider_capacities_free_not_negative")),
        sa.CheckConstraint("free <= total", name=op.f("ck_provider_capacities_free_within_total")),
        sa.PrimaryKeyConstraint("provider_id", "service", name=op.f("pk_provider_capacities")),
    )

    op.create_table(
        "referral_case_facts",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("is_child", sa.Boolean(), nullable=False),
        sa.Column("county", sa.String(10), nullable=True),
        sa.Column("gender", sa.String(10), nullable=True),
        sa.Column("exploitation_forms", JSONType, nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("is_foreign", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_referral_case_facts")),
    )
    op.create_index("ix_referral_case_facts_county", "referral_case_facts", ["county"])
    op.create_index(
        "ix_referral_case_facts_organisation_id", "referral_case_facts", ["organisation_id"]
    )
    op.create_table(
        "referral_case_risk",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("instrument", sa.String(50), nullable=False),
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("domains", JSONType, nullable=False),
        sa.Column("measures", JSONType, nullable=False),
        sa.Column("assessed_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "instrument", name=op.f("pk_referral_case_risk")),
    )

    op.create_table(
        "referrals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("provider_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("referrer_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("referrer_id", sa.Uuid(), nullable=True),
        sa.Column("services", JSONType, nullable=False),
        sa.Column("urgency", sa.String(10), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("respond_by", UTCDateTime(), nullable=False),
        sa.Column("note", sa.String(2000), nullable=True),
        sa.Column("decline_reason", sa.String(30), nullable=True),
        sa.Column("status_note", sa.String(2000), nullable=True),
        sa.Column("next_best", JSONType, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("accepted_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(f"status IN ({_STATUSES})", name=op.f("ck_referrals_status")),
        sa.CheckConstraint(
            "urgency IN ('emergency', 'high', 'normal')", name=op.f("ck_referrals_urgency")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_referrals_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    op.create_index("ix_referrals_case_id", "referrals", ["case_id"])
    op.create_index("ix_referrals_created_at_id", "referrals", ["created_at", "id"])
    op.create_index("ix_referrals_provider_id_status", "referrals", ["provider_id", "status"])
    op.create_index(
        "ix_referrals_provider_organisation_id", "referrals", ["provider_organisation_id"]
    )
    op.create_index(
        "ix_referrals_referrer_organisation_id", "referrals", ["referrer_organisation_id"]
    )
    op.create_index("ix_referrals_status_respond_by", "referrals", ["status", "respond_by"])


def downgrade() -> None:
    # Dropping a table drops its indexes on both backends.
    for table in (
        "referrals",
        "referral_case_risk",
        "referral_case_facts",
        "provider_capacities",
        "provider_coverage",
        "provider_services",
        "providers",
    ):
        op.drop_table(table)
