"""The suite as real processes for the bench: one `python -m services serve` per part, on
SQLite files in a folder of its own or on fresh PostgreSQL databases, and what the bench
reads of each process (CPU time and resident memory, from `/proc`).
"""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from services.datadir import DataDir
from services.environment import env_names, local_environment
from services.registry import GATEWAY, PARTS, Part
from shared.db import migrate

HOST = "127.0.0.1"
ADMIN_PASSWORD = "bench-admin-password-0001"
START_TIMEOUT_SECONDS = 90.0
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Process:
    part: Part
    url: str
    popen: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float:
        """User plus system CPU time of the process so far (proc(5) stat, fields 14, 15)."""
        fields = Path(f"/proc/{self.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS

    def rss_bytes(self) -> int:
        """Resident memory now (proc(5) statm, the second field)."""
        return int(Path(f"/proc/{self.popen.pid}/statm").read_text().split()[1]) * _PAGE_BYTES


@dataclass
class Databases:
    """Each part's database URL for one backend, and what drops them afterwards."""

    backend: str
    urls: dict[str, str]
    postgres_admin: str | None = None
    created: list[str] = field(default_factory=list)


def sqlite_databases(data_dir: DataDir) -> Databases:
    return Databases("sqlite", {p.name: data_dir.database_url(p.name) for p in PARTS})


async def postgres_databases(url: str) -> Databases:
    """A fresh database per part on the server `url` names."""
    admin = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    suffix = uuid.uuid4().hex[:8]
    names = {p.name: f"nirm_bench_{p.name}_{suffix}" for p in PARTS}
    connection = await asyncpg.connect(admin)
    try:
        for name in names.values():
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    urls = {
        part: make_url(url).set(database=name).render_as_string(hide_password=False)
        for part, name in names.items()
    }
    return Databases("postgresql", urls, admin, list(names.values()))


async def drop(databases: Databases) -> None:
    if databases.postgres_admin is None:
        return
    connection = await asyncpg.connect(databases.postgres_admin)
    try:
        for name in databases.created:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def migrate_all(databases: Databases) -> None:
    for part in PARTS:
        migrate(part.migrations, databases.urls[part.name])


class Suite:
    """The parts of one run, each its own process; `start` and `stop` by part."""

    def __init__(self, data_dir: DataDir, databases: Databases, base_port: int) -> None:
        self.data_dir = data_dir
        self.databases = databases
        self.base_port = base_port
        self.processes: dict[str, Process] = {}

    def url(self, part: Part) -> str:
        return f"http://{HOST}:{part.port(self.base_port)}"

    def environment(self, part: Part) -> dict[str, str]:
        environment = local_environment(
            part, self.data_dir, host=HOST, base_port=self.base_port, admin_password=ADMIN_PASSWORD
        )
        names = env_names(part.settings_class())
        environment[names["database_url"]] = self.databases.urls[part.name]
        # A log line costs more than some of what is measured.
        environment[names["log_level"]] = "WARNING"
        return environment

    def start(self, parts: Sequence[Part]) -> None:
        for part in parts:
            command = [sys.executable, "-m", "services", "serve", part.name]
            command += ["--host", HOST, "--port", str(part.port(self.base_port)), "--no-migrate"]
            log = (self.data_dir.path / f"{part.name}.log").open("ab")
            popen = subprocess.Popen(
                command, env={**os.environ, **self.environment(part)}, stdout=log, stderr=log
            )
            self.processes[part.name] = Process(part, self.url(part), popen)
        for part in parts:
            self._wait_ready(self.processes[part.name])

    def _wait_ready(self, process: Process) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        # Readiness of the gateway asks every service; a part alone is live when it answers.
        path = "/health/live" if process.part == GATEWAY else "/health/ready"
        with httpx.Client(timeout=2.0, trust_env=False) as client:
            while time.monotonic() < deadline:
                if process.popen.poll() is not None:
                    raise RuntimeError(
                        f"{process.part.name} exited with {process.popen.returncode}; see "
                        f"{self.data_dir.path / (process.part.name + '.log')}"
                    )
                try:
                    if client.get(process.url + path).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
        raise RuntimeError(f"{process.part.name} did not start within {START_TIMEOUT_SECONDS} s")

    def stop(self) -> None:
        for process in self.processes.values():
            process.popen.terminate()
        for process in self.processes.values():
            try:
                process.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.popen.kill()
        self.processes.clear()

    def cpu(self) -> dict[str, float]:
        return {name: process.cpu_seconds() for name, process in self.processes.items()}

    def rss(self) -> dict[str, int]:
        return {name: process.rss_bytes() for name, process in self.processes.items()}


@contextmanager
def running(suite: Suite, parts: Sequence[Part] = PARTS) -> Iterator[Suite]:
    try:
        suite.start(parts)
        yield suite
    finally:
        suite.stop()
