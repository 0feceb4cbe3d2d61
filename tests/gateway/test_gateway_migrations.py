"""The gateway's migrations are reversible and describe exactly its models."""

import asyncio
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import gateway.models  # noqa: F401  (every table on the metadata)
from gateway.db import metadata
from services.registry import part
from shared.db import Database, downgrade, migrate
from tests.support.databases import DatabaseFactory

# SQLite cannot reflect the index on lower(username): it is left out of the comparison.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection", "ignore:autogenerate skipping"
)


async def differences(url: str) -> list[Any]:
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            diff: list[Any] = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), metadata
                )
            )
    finally:
        await database.dispose()
    # The version table is Alembic's own, not a model.
    return [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("alembic_"))]


async def test_the_gateway_migrates_down_to_nothing_and_up_again_to_exactly_its_models(
    fresh_databases: DatabaseFactory,
) -> None:
    url = fresh_databases.new("gateway")
    migrations = part("gateway").migrations
    assert await differences(url) == []
    await asyncio.to_thread(downgrade, migrations, url, "base")
    await asyncio.to_thread(migrate, migrations, url)
    assert await differences(url) == []
