"""The identification migrations: catalogue version 1 as loaded equals `catalogue/v1.py`,
the migrated schema equals the models, and the tree goes down and up again."""

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.engine import Connection

import identification_svc.models  # noqa: F401  (registers every table)
from identification_svc.catalogue.models import CatalogueIndicator, CatalogueVersion
from identification_svc.catalogue.v1 import DIMENSIONS, INDICATORS_V1
from identification_svc.db import metadata
from services.registry import part
from shared.db import Database, downgrade, migrate
from tests.support.databases import DatabaseFactory, _in_thread


async def test_the_migrated_catalogue_version_1_equals_v1_py(
    fresh_databases: DatabaseFactory,
) -> None:
    database = Database(fresh_databases.new("identification"))
    try:
        async with database.sessions() as session:
            [version] = (await session.scalars(select(CatalogueVersion))).all()
            rows = (await session.scalars(select(CatalogueIndicator))).all()
    finally:
        await database.dispose()
    assert (version.version, version.status) == (1, "published")
    assert version.published_at is not None
    assert version.dimensions == {code: dict(labels) for code, labels in DIMENSIONS.items()}
    loaded = {
        row.code: (row.catalogue_version, row.dimension, row.strengths, row.label, row.guidance)
        for row in rows
    }
    expected = {
        i.code: (1, i.dimension, dict(i.strengths), dict(i.label), dict(i.guidance))
        for i in INDICATORS_V1
    }
    assert loaded == expected


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "version_table": "alembic_version_identification"}
    )
    return list(compare_metadata(context, metadata))


async def test_the_migrated_schema_equals_the_models(fresh_databases: DatabaseFactory) -> None:
    database = Database(fresh_databases.new("identification"))
    try:
        async with database.engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await database.dispose()
    assert differences == []


async def test_the_migrations_go_down_to_nothing_and_up_again(
    fresh_databases: DatabaseFactory,
) -> None:
    url = fresh_databases.new("identification")
    migrations = part("identification").migrations
    _in_thread(downgrade, migrations, url, "base")
    _in_thread(migrate, migrations, url)
    database = Database(url)
    try:
        async with database.sessions() as session:
            count = len((await session.scalars(select(CatalogueIndicator))).all())
    finally:
        await database.dispose()
    assert count == len(INDICATORS_V1)
