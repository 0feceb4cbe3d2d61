"""Fresh, migrated databases for tests: SQLite always, PostgreSQL when configured.

Each part is migrated once per test session into a template (a file on SQLite, a template
database on PostgreSQL); every test then gets its own copy, so tests are isolated and go
through the real migrations without paying for them each time.
"""

import asyncio
import os
import shutil
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from services.registry import part
from shared.db import migrate

POSTGRES_URL = os.environ.get("NIRM_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


def _pg_dsn(database: str) -> str:
    assert POSTGRES_URL is not None
    url = make_url(POSTGRES_URL).set(drivername="postgresql", database=database)
    return url.render_as_string(hide_password=False)


def pg_url(database: str) -> str:
    assert POSTGRES_URL is not None
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


async def _pg_admin(*statements: str) -> None:
    connection = await asyncpg.connect(_pg_dsn("postgres"))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def _in_thread(function: Callable[..., object], *args: object) -> None:
    """Run blocking set-up that may start its own event loop, also from inside a test's."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(function, *args).result()


def pg_admin(*statements: str) -> None:
    _in_thread(asyncio.run, _pg_admin(*statements))


class DatabaseFactory:
    """Hands out migrated databases of one backend; drops them at the end."""

    def __init__(self, backend: str, workdir: Path) -> None:
        self.backend = backend
        self.workdir = workdir
        self.templates: dict[str, str] = {}
        self.created: list[str] = []

    def _template(self, name: str) -> str:
        if name not in self.templates:
            if self.backend == "sqlite":
                path = self.workdir / f"template_{name}.db"
                _in_thread(migrate, part(name).migrations, f"sqlite+aiosqlite:///{path}")
                self.templates[name] = str(path)
            else:
                database = f"nirm_tpl_{name}_{os.getpid()}"
                pg_admin(f'DROP DATABASE IF EXISTS "{database}"', f'CREATE DATABASE "{database}"')
                _in_thread(migrate, part(name).migrations, pg_url(database))
                self.templates[name] = database
        return self.templates[name]

    def new(self, name: str) -> str:
        """A fresh database URL for part `name`, migrated to head."""
        template = self._template(name)
        suffix = uuid.uuid4().hex[:12]
        if self.backend == "sqlite":
            path = self.workdir / f"{name}_{suffix}.db"
            shutil.copyfile(template, path)
            return f"sqlite+aiosqlite:///{path}"
        database = f"nirm_t_{name}_{suffix}"
        pg_admin(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
        self.created.append(database)
        return pg_url(database)

    def drop_created(self) -> None:
        if self.created:
            pg_admin(*(f'DROP DATABASE IF EXISTS "{d}" WITH (FORCE)' for d in self.created))
            self.created.clear()

    def close(self) -> None:
        self.drop_created()
        if self.backend == "postgresql" and self.templates:
            pg_admin(*(f'DROP DATABASE IF EXISTS "{d}"' for d in self.templates.values()))


# Tests of what only PostgreSQL has (advisory locks, replicas sharing a database): CI sets
# NIRM_TEST_POSTGRES_URL, so they run there.
needs_postgres = pytest.mark.skipif(
    POSTGRES_URL is None, reason="needs PostgreSQL: set NIRM_TEST_POSTGRES_URL (CI does)"
)


def empty_pg_database(prefix: str) -> tuple[str, Callable[[], None]]:
    """A new, empty PostgreSQL database: its URL, and what drops it."""
    name = f"nirm_{prefix}_{uuid.uuid4().hex[:12]}"
    pg_admin(f'CREATE DATABASE "{name}"')
    return pg_url(name), lambda: pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
