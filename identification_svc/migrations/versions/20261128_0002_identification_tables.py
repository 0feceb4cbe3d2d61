"""The identification tables: catalogues, cases and their decisions, access and duplicate
flags, screenings, persons and their blind indexes, consents.

Revision ID: identification_0002
Revises: identification_0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.db import JSONType, UTCDateTime

revision: str = "identification_0002"
down_revision: str | None = "identification_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalogue_versions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("dimensions", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("published_by", sa.Uuid(), nullable=True),
        sa.Column("retired_at", UTCDateTime(), nullable=True),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_versions")),
        sa.UniqueConstraint("version", name=op.f("uq_catalogue_versions_version")),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'retired')",
            name=op.f("ck_catalogue_versions_status"),
        ),
    )
    op.create_index(
        "uq_catalogue_versions_one_draft",
        "catalogue_versions",
        ["status"],
        unique=True,
        postgresql_where=sa.text("status = 'draft'"),
        sqlite_where=sa.text("status = 'draft'"),
    )
    op.create_table(
        "catalogue_indicators",
        sa.Column("catalogue_version", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("dimension", sa.String(2), nullable=False),
        sa.Column("strengths", JSONType, nullable=False),
        sa.Column("label", JSONType, nullable=False),
        sa.Column("guidance", JSONType, nullable=False),
        sa.PrimaryKeyConstraint("catalogue_version", "code", name=op.f("pk_catalogue_indicators")),
        sa.ForeignKeyConstraint(
            ["catalogue_version"],
            ["catalogue_versions.version"],
            name=op.f("fk_catalogue_indicators_catalogue_version_catalogue_versions"),
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("is_child", sa.Boolean(), nullable=False),
        sa.Column("county", sa.String(8), nullable=True),
        sa.Column("exploitation_forms", JSONType, nullable=False),
        sa.Column("gender", sa.String(8), nullable=False),
        sa.Column("citizenship", sa.String(2), nullable=True),
        sa.Column("is_foreign", sa.Boolean(), nullable=False),
        sa.Column("opened_by_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("opened_by", sa.Uuid(), nullable=False),
        sa.Column("reflection_start", UTCDateTime(), nullable=True),
        sa.Column("reflection_end", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.CheckConstraint(
            "status IN ('potential', 'presumed', 'identified', 'not_identified', 'closed')",
            name=op.f("ck_cases_status"),
        ),
    )
    op.create_index(op.f("ix_cases_county"), "cases", ["county"])
    op.create_index(
        op.f("ix_cases_opened_by_organisation_id"), "cases", ["opened_by_organisation_id"]
    )
    op.create_index("ix_cases_updated_at_id", "cases", ["updated_at", "id"])
    op.create_table(
        "screenings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("screened_by", sa.Uuid(), nullable=False),
        sa.Column("catalogue_version", sa.Integer(), nullable=False),
        sa.Column("rule_set_version", sa.String(8), nullable=False),
        sa.Column("exploitation_forms", JSONType, nullable=False),
        sa.Column("subject", JSONType, nullable=False),
        sa.Column("context", JSONType, nullable=False),
        sa.Column("answers", JSONType, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("result", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screenings")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_screenings_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["catalogue_version"],
            ["catalogue_versions.version"],
            name=op.f("fk_screenings_catalogue_version_catalogue_versions"),
        ),
    )
    op.create_index(op.f("ix_screenings_case_id"), "screenings", ["case_id"])
    op.create_index(op.f("ix_screenings_organisation_id"), "screenings", ["organisation_id"])
    op.create_index("ix_screenings_created_at_id", "screenings", ["created_at", "id"])
    op.create_table(
        "case_decisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("authority", sa.String(200), nullable=True),
        sa.Column("closing_reason", sa.String(32), nullable=True),
        sa.Column("screening_id", sa.Uuid(), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=False),
        sa.Column("decided_by_name", sa.String(200), nullable=False),
        sa.Column("roles", JSONType, nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_decisions")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_decisions_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["screening_id"],
            ["screenings.id"],
            name=op.f("fk_case_decisions_screening_id_screenings"),
        ),
    )
    op.create_index(op.f("ix_case_decisions_case_id"), "case_decisions", ["case_id"])
    op.create_table(
        "case_access",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("source_status", sa.String(16), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "case_id", "organisation_id", "source", "source_id", name=op.f("pk_case_access")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_access_case_id_cases")
        ),
        sa.CheckConstraint(
            "source IN ('referral', 'repatriation')", name=op.f("ck_case_access_source")
        ),
    )
    op.create_index(
        "ix_case_access_organisation_id_case_id", "case_access", ["organisation_id", "case_id"]
    )
    op.create_table(
        "possible_duplicates",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("other_case_id", sa.Uuid(), nullable=False),
        sa.Column("matched_on", sa.String(24), nullable=False),
        sa.Column("flagged_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "case_id", "other_case_id", "matched_on", name=op.f("pk_possible_duplicates")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_possible_duplicates_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["other_case_id"],
            ["cases.id"],
            name=op.f("fk_possible_duplicates_other_case_id_cases"),
        ),
    )
    op.create_index(
        op.f("ix_possible_duplicates_other_case_id"), "possible_duplicates", ["other_case_id"]
    )
    op.create_table(
        "persons",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("given_name_sealed", sa.Text(), nullable=True),
        sa.Column("family_name_sealed", sa.Text(), nullable=True),
        sa.Column("birth_date_sealed", sa.Text(), nullable=True),
        sa.Column("documents_sealed", sa.Text(), nullable=True),
        sa.Column("phone_sealed", sa.Text(), nullable=True),
        sa.Column("address_sealed", sa.Text(), nullable=True),
        sa.Column("estimated_age", sa.Integer(), nullable=True),
        sa.Column("gender", sa.String(8), nullable=True),
        sa.Column("citizenships", JSONType, nullable=False),
        sa.Column("languages", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
        sa.UniqueConstraint("case_id", name=op.f("uq_persons_case_id")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_persons_case_id_cases")),
    )
    op.create_table(
        "person_match_keys",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "kind", "digest", name=op.f("pk_person_match_keys")),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_person_match_keys_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_person_match_keys_case_id_cases")
        ),
    )
    op.create_index(op.f("ix_person_match_keys_case_id"), "person_match_keys", ["case_id"])
    op.create_index(op.f("ix_person_match_keys_digest"), "person_match_keys", ["digest"])
    op.create_table(
        "consents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("childs_views", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.Column("withdrawn_by", sa.Uuid(), nullable=True),
        sa.Column("withdrawal_note", sa.Text(), nullable=True),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_consents_case_id_cases")),
        sa.CheckConstraint(
            "scope IN ('referral', 'assistance', 'data_sharing', 'repatriation')",
            name=op.f("ck_consents_scope"),
        ),
        sa.CheckConstraint(
            "method IN ('verbal', 'written', 'electronic')", name=op.f("ck_consents_method")
        ),
    )
    op.create_index("ix_consents_case_id_recorded_at", "consents", ["case_id", "recorded_at"])


def downgrade() -> None:
    for table in (
        "consents",
        "person_match_keys",
        "persons",
        "possible_duplicates",
        "case_access",
        "case_decisions",
        "screenings",
        "cases",
        "catalogue_indicators",
        "catalogue_versions",
    ):
        op.drop_table(table)
