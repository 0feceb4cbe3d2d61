"""Alembic environment of the gateway (its own version table)."""

from alembic import context

import gateway.models  # noqa: F401  (registers every table on the metadata)
from gateway.db import metadata
from shared.db import run_migrations_online

run_migrations_online(
    context.config.get_main_option("sqlalchemy.url") or "",
    metadata,
    "alembic_version_gateway",
    context.configure,
)
