"""Database access shared by every part: engines, sessions, column types, migrations.

The same code runs on SQLite (the embedded default, one process per part) and PostgreSQL
(production, CI, replicas). Each part owns its own `MetaData` built with `new_metadata()`,
so a part's Alembic environment sees only its own tables.
"""

import asyncio
import functools
import logging
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, DateTime, MetaData, Table, event, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

from shared import inline_sqlite

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

logger = logging.getLogger("nirm.db")

# The advisory lock migrations of one PostgreSQL database take turns on (any fixed number:
# advisory locks belong to the database they are taken in).
MIGRATION_LOCK_KEY = 0x4E49524D  # "NIRM"
# How long `wait_for_schema` waits by default for another process to migrate.
SCHEMA_WAIT_SECONDS = 300.0


class SchemaNotReady(Exception):
    """The database did not reach the latest migration in time."""


JSONType = JSON().with_variant(JSONB(), "postgresql")


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on both backends (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # Writers of one process take turns in `shared.inline_sqlite` (first come, first
    # served); this bounds the wait for another process's write, as long as a turn's.
    cursor.execute(f"PRAGMA busy_timeout={int(inline_sqlite.TURN_TIMEOUT_SECONDS * 1000)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            kwargs.setdefault("async_creator", inline_sqlite.connector(database))
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    return create_async_engine(url, **kwargs)


class Database:
    """One part's engine and session factory."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = create_engine(url, **engine_kwargs)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


@functools.cache
def _upsert_statement(
    dialect: str, table: Table, columns: tuple[str, ...], key: tuple[str, ...], newer: str | None
) -> postgresql.Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement: postgresql.Insert = insert(table)  # type: ignore[assignment]
    if newer is None:
        return statement.on_conflict_do_nothing(index_elements=list(key))
    return statement.on_conflict_do_update(
        index_elements=list(key),
        set_={name: statement.excluded[name] for name in columns if name not in key},
        where=table.c[newer] < statement.excluded[newer],
    )


async def upsert(
    session: AsyncSession,
    target: Table | type[Any],
    values: Mapping[str, Any],
    *,
    key: Sequence[str],
    newer: str | None = None,
) -> int:
    """Insert `values` into `target` (a table, or a mapped class's). When a row with the
    same `key` is stored, replace its other columns if its `newer` column is smaller than
    the given one (keep the newest), or, without `newer`, leave it. One statement, so racing
    writers cannot both win. Answers how many rows it wrote (0: the stored row stands).

    The statement is built once per table and shape: building one costs more than running
    it.
    """
    table = target if isinstance(target, Table) else cast(Table, target.__table__)
    statement = _upsert_statement(
        session.get_bind().dialect.name, table, tuple(sorted(values)), tuple(key), newer
    )
    result = await session.execute(statement, dict(values))
    return int(getattr(result, "rowcount", 0))


def dialect_insert(session: AsyncSession) -> Callable[..., postgresql.Insert]:
    """The session's dialect's `insert`, which has `ON CONFLICT` (upserts) on both backends.

    Typed as PostgreSQL's: SQLite's has the same `on_conflict_do_*` methods.
    """
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert
    return sqlite.insert  # type: ignore[return-value]


def alembic_config(migrations_dir: Path, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(migrations_dir: Path, url: str, revision: str = "head") -> None:
    """Bring a part's database to `revision` (blocking; run it before serving).

    On PostgreSQL it holds the database's migration lock meanwhile, so that replicas (or
    migration jobs) starting at once take turns: the first migrates, the others then find
    the schema at `revision` and do nothing.
    """
    config = alembic_config(migrations_dir, url)
    if is_sqlite(url):
        command.upgrade(config, revision)
        return
    asyncio.run(_holding_migration_lock(url, lambda: command.upgrade(config, revision)))


async def _holding_migration_lock(url: str, run: Callable[[], None]) -> None:
    """Run `run` (in a thread: Alembic starts its own event loop) while this session holds
    the database's advisory migration lock; the lock is the database's own, so parts on one
    server do not wait for each other."""
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.connect() as connection:
            if not await connection.scalar(select(func.pg_try_advisory_lock(MIGRATION_LOCK_KEY))):
                logger.info("waiting for another migration of this database to finish")
                await connection.execute(select(func.pg_advisory_lock(MIGRATION_LOCK_KEY)))
            # A session lock outlives the transaction: commit, so that the wait for the
            # migration is not spent idle in a transaction.
            await connection.commit()
            try:
                await asyncio.to_thread(run)
            finally:
                await connection.execute(select(func.pg_advisory_unlock(MIGRATION_LOCK_KEY)))
                await connection.commit()
    finally:
        await engine.dispose()


def schema_at_head(migrations_dir: Path, url: str) -> bool:
    """Whether the part's database is at its latest migration (blocking; changes nothing,
    not even the version table)."""
    config = alembic_config(migrations_dir, url)
    script = ScriptDirectory.from_config(config)
    current: set[str] = set()

    def read_heads(heads: Sequence[str], _context: Any) -> list[Any]:
        current.update(heads)
        return []

    # Alembic's lines about its context would repeat at every poll of `wait_for_schema`.
    alembic_logger = logging.getLogger("alembic")
    level = alembic_logger.level
    alembic_logger.setLevel(logging.WARNING)
    try:
        with EnvironmentContext(config, script, fn=read_heads, dont_mutate=True):
            script.run_env()
    finally:
        alembic_logger.setLevel(level)
    return current == set(script.get_heads())


def wait_for_schema(
    migrations_dir: Path,
    url: str,
    *,
    timeout: float = SCHEMA_WAIT_SECONDS,
    interval: float = 1.0,
) -> None:
    """Block until the part's database is at its latest migration, which another process
    (a migration job, a replica that migrates) applies; `SchemaNotReady` after `timeout`
    seconds. An unreachable database counts as not ready yet."""
    deadline = time.monotonic() + timeout
    announced = False
    while True:
        try:
            if schema_at_head(migrations_dir, url):
                return
            reason = "not at the latest migration"
        except (OSError, SQLAlchemyError) as exc:
            reason = f"not reachable ({type(exc).__name__})"
        if time.monotonic() >= deadline:
            raise SchemaNotReady(
                f"the database schema is still {reason} after {timeout:.0f} s: run the "
                "part's migration (`python -m services migrate PART`)"
            )
        if not announced:
            logger.warning(
                "waiting for the database schema: %s; run the part's migration "
                "(`python -m services migrate PART`) or serve without --no-migrate",
                reason,
            )
            announced = True
        time.sleep(interval)


def downgrade(migrations_dir: Path, url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(migrations_dir, url), revision)


async def migrate_async(migrations_dir: Path, url: str) -> None:
    await asyncio.to_thread(migrate, migrations_dir, url)


def run_migrations_online(
    url: str, metadata: MetaData, version_table: str, configure: Callable[..., None]
) -> None:
    """Body of each part's `env.py`: run its migrations on an async engine."""
    from alembic import context

    async def run() -> None:
        engine = create_engine(url)
        async with engine.connect() as connection:
            await connection.run_sync(_do_run, metadata, version_table, configure)
            await connection.commit()
        await engine.dispose()

    def _do_run(connection: Any, md: MetaData, table: str, conf: Callable[..., None]) -> None:
        conf(
            connection=connection,
            target_metadata=md,
            version_table=table,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    asyncio.run(run())
