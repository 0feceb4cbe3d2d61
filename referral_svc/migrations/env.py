"""Alembic environment of the referral service (its own version table)."""

from alembic import context

import referral_svc.models  # noqa: F401  (registers every table on the metadata)
from referral_svc.db import metadata
from shared.db import run_migrations_online

run_migrations_online(
    context.config.get_main_option("sqlalchemy.url") or "",
    metadata,
    "alembic_version_referral",
    context.configure,
)
