"""Migrations as a job: `migrate PART` brings one part's database (named by its
environment) to the latest schema, migrations racing on one PostgreSQL database take
turns, and a replica started with `serve --no-migrate` waits for the schema, then serves.
"""

import asyncio
import base64
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from services.environment import env_names
from services.registry import IDENTIFICATION, RISK, Part
from shared.db import MIGRATION_LOCK_KEY, schema_at_head
from tests.services.test_part_migrations import differences
from tests.support.databases import empty_pg_database, needs_postgres
from tests.support.processes import HOST, free_base_port, wait_until

pytestmark = pytest.mark.db


def part_environment(part: Part, url: str) -> dict[str, str]:
    """What a replica of `part` is given (a migration job reads only the database URL)."""
    names = env_names(part.settings_class())
    values = {
        "database_url": url,
        "internal_secret": "a-secret-of-the-tests-own",
        "run_relay": "false",
        "run_jobs": "false",
        # Fetched at the first token only: none is sent here.
        "jwks_url": f"http://{HOST}:9/.well-known/jwks.json",
    }
    values.update({key: base64.b64encode(os.urandom(32)).decode() for key in part.keys})
    return {**os.environ, **{names[field]: value for field, value in values.items()}}


def start(command: list[str], environment: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "services", *command],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


@pytest.fixture
def empty_postgresql() -> Iterator[str]:
    url, drop = empty_pg_database("migrate")
    yield url
    drop()


@needs_postgres
async def test_migration_jobs_started_at_once_take_turns_and_leave_one_whole_schema(
    empty_postgresql: str, tmp_path: Path
) -> None:
    environment = part_environment(IDENTIFICATION, empty_postgresql)
    dsn = make_url(empty_postgresql).set(drivername="postgresql")
    holder = await asyncpg.connect(dsn.render_as_string(hide_password=False))
    try:
        # Another migration holds the database's lock: both jobs start and wait for it.
        await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        logs = [tmp_path / f"job{n}.log" for n in (1, 2)]
        jobs = [start(["migrate", IDENTIFICATION.name], environment, log) for log in logs]
        wait_until(
            lambda: all("waiting for another migration" in log.read_text() for log in logs),
            60,
            "both jobs wait for the migration lock",
        )
        await holder.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
        statuses = [job.wait(timeout=120) for job in jobs]
    finally:
        await holder.close()
    assert statuses == [0, 0], [log.read_text() for log in logs]
    versions = await asyncpg.connect(dsn.render_as_string(hide_password=False))
    try:
        rows = await versions.fetch("SELECT version_num FROM alembic_version_identification")
    finally:
        await versions.close()
    assert len(rows) == 1
    assert await asyncio.to_thread(schema_at_head, IDENTIFICATION.migrations, empty_postgresql)
    assert await differences(IDENTIFICATION, empty_postgresql) == []


@needs_postgres
def test_a_replica_without_migrations_waits_for_the_schema_then_serves(
    empty_postgresql: str, tmp_path: Path
) -> None:
    url = empty_postgresql
    environment = part_environment(RISK, url)
    port = free_base_port()
    log = tmp_path / "replica.log"
    command = ["serve", RISK.name, "--host", HOST, "--port", str(port), "--no-migrate"]
    replica = start(command, environment, log)
    try:
        wait_until(
            lambda: "waiting for the database schema" in log.read_text(),
            60,
            "the replica says it waits for the schema",
        )
        assert replica.poll() is None
        assert not schema_at_head(RISK.migrations, url)
        job = start(["migrate", RISK.name], environment, tmp_path / "job.log")
        assert job.wait(timeout=120) == 0

        def ready() -> bool:
            assert replica.poll() is None, log.read_text()
            try:
                answer = httpx.get(f"http://{HOST}:{port}/health/ready", timeout=2)
            except httpx.HTTPError:
                return False
            return answer.status_code == 200

        wait_until(ready, 60, "the replica serves once the schema is there")
    finally:
        replica.terminate()
        replica.wait(timeout=30)
