"""Every part's migrations are reversible and describe exactly its models: down to nothing
and up again leaves the tables, columns, types and constraints its code declares."""

import asyncio
from importlib import import_module
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from services.registry import PARTS, Part
from shared.db import Database, downgrade, migrate
from tests.support.databases import DatabaseFactory

# SQLite cannot reflect the gateway's index on lower(username): left out of the comparison.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection", "ignore:autogenerate skipping"
)


async def differences(part: Part, url: str) -> list[Any]:
    import_module(f"{part.package}.models")  # every table on the metadata
    metadata = import_module(f"{part.package}.db").metadata
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


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.name)
async def test_down_to_nothing_and_up_again_leaves_exactly_the_models(
    fresh_databases: DatabaseFactory, part: Part
) -> None:
    url = fresh_databases.new(part.name)
    assert await differences(part, url) == []
    await asyncio.to_thread(downgrade, part.migrations, url, "base")
    await asyncio.to_thread(migrate, part.migrations, url)
    assert await differences(part, url) == []
