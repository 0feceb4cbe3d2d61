"""Instrument versions and items, the case facts the service learns, and risk assessments.

Revision ID: risk_0002
Revises: risk_0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db import JSONType, UTCDateTime

revision: str = "risk_0002"
down_revision: str | None = "risk_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LEVELS = "IN ('low', 'medium', 'high')"


def upgrade() -> None:
    op.create_table(
        "risk_instrument_versions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(50), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("label", JSONType, nullable=False),
        sa.Column("domains", JSONType, nullable=False),
        sa.Column("measures", JSONType, nullable=False),
        sa.Column("measure_rules", JSONType, nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("retired_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_risk_instrument_versions"),
        sa.UniqueConstraint("code", "version", name="uq_risk_instrument_versions_code_version"),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'retired')",
            name=op.f("ck_risk_instrument_versions_status"),
        ),
    )
    op.create_index(
        "uq_risk_instrument_versions_one_draft",
        "risk_instrument_versions",
        ["code"],
        unique=True,
        sqlite_where=sa.text("status = 'draft'"),
        postgresql_where=sa.text("status = 'draft'"),
    )
    op.create_table(
        "risk_instrument_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("instrument_version_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("domain", sa.String(50), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("critical", sa.Boolean(), nullable=False),
        sa.Column("child_only", sa.Boolean(), nullable=False),
        sa.Column("label", JSONType, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_risk_instrument_items"),
        sa.UniqueConstraint(
            "instrument_version_id",
            "code",
            name="uq_risk_instrument_items_instrument_version_id_code",
        ),
        sa.ForeignKeyConstraint(
            ["instrument_version_id"],
            ["risk_instrument_versions.id"],
            ondelete="CASCADE",
            name="fk_risk_instrument_items_instrument_version",
        ),
    )
    op.create_table(
        "risk_case_facts",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("is_child", sa.Boolean(), nullable=False),
        sa.Column("county", sa.String(10), nullable=True),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name="pk_risk_case_facts"),
    )
    op.create_index("ix_risk_case_facts_organisation_id", "risk_case_facts", ["organisation_id"])
    op.create_index("ix_risk_case_facts_county", "risk_case_facts", ["county"])
    op.create_table(
        "risk_case_access",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("granted_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "organisation_id", name="pk_risk_case_access"),
    )
    op.create_index("ix_risk_case_access_organisation_id", "risk_case_access", ["organisation_id"])
    op.create_table(
        "risk_assessments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("instrument_version_id", sa.Uuid(), nullable=False),
        sa.Column("instrument", sa.String(50), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_child", sa.Boolean(), nullable=False),
        sa.Column("answers", JSONType, nullable=False),
        sa.Column("judgement", JSONType, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("assessor_id", sa.Uuid(), nullable=False),
        sa.Column("assessor_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("domains", JSONType, nullable=False),
        sa.Column("computed_level", sa.String(8), nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.Column("critical_items", JSONType, nullable=False),
        sa.Column("unknown_items", JSONType, nullable=False),
        sa.Column("incomplete", sa.Boolean(), nullable=False),
        sa.Column("measures", JSONType, nullable=False),
        sa.Column("reassess_by", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_risk_assessments"),
        sa.CheckConstraint(f"level {_LEVELS}", name=op.f("ck_risk_assessments_level")),
        sa.CheckConstraint(
            f"computed_level {_LEVELS}", name=op.f("ck_risk_assessments_computed_level")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["risk_case_facts.case_id"],
            name="fk_risk_assessments_case_id_risk_case_facts",
        ),
        sa.ForeignKeyConstraint(
            ["instrument_version_id"],
            ["risk_instrument_versions.id"],
            name="fk_risk_assessments_instrument_version",
        ),
    )
    op.create_index(
        "ix_risk_assessments_case_id_created_at", "risk_assessments", ["case_id", "created_at"]
    )
    op.create_index("ix_risk_assessments_reassess_by", "risk_assessments", ["reassess_by"])


def downgrade() -> None:
    op.drop_table("risk_assessments")
    op.drop_table("risk_case_access")
    op.drop_table("risk_case_facts")
    op.drop_table("risk_instrument_items")
    op.drop_table("risk_instrument_versions")
