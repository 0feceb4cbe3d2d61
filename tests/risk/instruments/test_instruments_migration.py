"""The data migration publishes exactly instruments/v1.py, and the risk migrations are
reversible and describe the same schema as the models."""

from concurrent.futures import ThreadPoolExecutor

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, select
from sqlalchemy.orm import selectinload

import risk_svc.models  # noqa: F401  (registers every table on the metadata)
from risk_svc.db import metadata
from risk_svc.instruments import v1
from risk_svc.instruments.models import InstrumentVersion
from services.registry import part
from shared.db import Database, downgrade, migrate
from tests.support.databases import DatabaseFactory


def label(text: v1.Label) -> dict[str, str]:
    return {"ro": text.ro, "en": text.en}


async def stored_versions(url: str) -> list[InstrumentVersion]:
    database = Database(url)
    try:
        async with database.sessions() as session:
            query = (
                select(InstrumentVersion)
                .options(selectinload(InstrumentVersion.items))
                .order_by(InstrumentVersion.code)
            )
            return list((await session.scalars(query)).all())
    finally:
        await database.dispose()


async def test_the_loaded_instruments_are_those_of_v1_py(fresh_databases: DatabaseFactory) -> None:
    rows = await stored_versions(fresh_databases.new("risk"))

    by_code = {row.code: row for row in rows}
    assert sorted(by_code) == sorted(definition.code for definition in v1.INSTRUMENTS)
    for definition in v1.INSTRUMENTS:
        row = by_code[definition.code]
        assert (row.version, row.status, row.row_version) == (definition.version, "published", 1)
        assert row.published_at is not None
        assert row.to_instrument() == definition.to_instrument()
        assert row.label == label(definition.label)
        assert row.domains == [
            {"code": code, "label": label(text)} for code, text in definition.domains.items()
        ]
        assert [item.label for item in row.items] == [label(i.label) for i in definition.items]
        rule_measures = dict.fromkeys(rule.measure for rule in definition.measure_rules)
        assert row.measures == [
            {"code": code, "label": label(v1.MEASURES[code])} for code in rule_measures
        ]


def _schema_differences(connection: Connection) -> list[object]:
    opts = {"compare_type": True, "version_table": "alembic_version_risk"}
    context = MigrationContext.configure(connection, opts=opts)
    return list(compare_metadata(context, metadata))


async def test_the_migrations_build_the_schema_the_models_describe(
    fresh_databases: DatabaseFactory,
) -> None:
    database = Database(fresh_databases.new("risk"))
    try:
        async with database.engine.connect() as connection:
            differences = await connection.run_sync(_schema_differences)
    finally:
        await database.dispose()

    assert differences == []


async def test_the_migrations_go_down_to_nothing_and_up_again(
    fresh_databases: DatabaseFactory,
) -> None:
    url = fresh_databases.new("risk")
    migrations = part("risk").migrations

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(downgrade, migrations, url, "base").result()
        pool.submit(migrate, migrations, url).result()

    assert len(await stored_versions(url)) == len(v1.INSTRUMENTS)
