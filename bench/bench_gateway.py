"""Benchmark of the gateway's forwarding: the same authenticated GET straight at the
identification service and through the gateway, every part a real uvicorn process.

`python bench/bench_gateway.py` migrates a gateway and an identification database (SQLite,
in a temporary folder), starts the identification service with `python -m services serve`
on a free loopback port, then the gateway once per forwarder (`httpx`, `aiohttp`; or only
those named with `--forwarder`). Through the gateway it makes a police officer, warms up,
and sends `GET /api/v1/indicator-catalogues` — a bounded number of requests within a
bounded time, from `CONCURRENCY` concurrent clients — first to the service, then through
each gateway. It prints requests per second, the median and 99th-percentile latency, and
the CPU time the server process answering spent per request (from `/proc`, Linux only):
the service's for the direct line, the gateway's alone for the others. Figures only; it
never fails on a timing.
"""

import argparse
import asyncio
import functools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

if not __package__:
    # Run as a script from a checkout: make the project's packages importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from services.datadir import DataDir
from services.environment import local_environment
from services.registry import GATEWAY, IDENTIFICATION, Part
from services.runner import migrate_suite
from tests.support.processes import HOST, free_base_port, wait_until

PATH = "/api/v1/indicator-catalogues"
FORWARDERS = ("httpx", "aiohttp")
WARM_UP_REQUESTS = 300
REQUESTS = 3000
TIME_LIMIT_SECONDS = 20.0
CONCURRENCY = 8
START_TIMEOUT_SECONDS = 60.0
ADMIN_PASSWORD = "bench-admin-password"
USER = "bench.police"
USER_PASSWORD = "bench-user-password"
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass
class Server:
    part: Part
    url: str
    process: subprocess.Popen[bytes]

    def cpu_seconds(self) -> float | None:
        """User plus system CPU time of the process so far (Linux), else None."""
        try:
            stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        except FileNotFoundError:
            return None
        # utime and stime, fields 14 and 15 of proc(5): 12th and 13th after the name.
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


@dataclass
class Figures:
    requests: int
    seconds: float
    latencies: list[float]
    cpu_seconds: float | None

    def line(self, label: str) -> str:
        ordered = sorted(self.latencies)
        p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
        cpu = (
            f"{self.cpu_seconds / self.requests * 1000:>10.2f}"
            if self.cpu_seconds is not None
            else f"{'n/a':>10}"
        )
        return (
            f"{label:<30} {self.requests:>6} {self.requests / self.seconds:>7.0f} "
            f"{statistics.median(ordered) * 1000:>7.2f} {p99 * 1000:>7.2f} {cpu}"
        )


HEADER = f"{'':<30} {'reqs':>6} {'req/s':>7} {'median':>7} {'p99 ms':>7} {'CPU ms/req':>10}"


@contextmanager
def serving(
    part: Part, data_dir: DataDir, base_port: int, extra: dict[str, str] | None = None
) -> Iterator[Server]:
    environment = local_environment(
        part, data_dir, host=HOST, base_port=base_port, admin_password=ADMIN_PASSWORD
    )
    # Log lines would cost more than some of what is measured.
    environment[f"{part.env_prefix}LOG_LEVEL"] = "WARNING"
    command = [sys.executable, "-m", "services", "serve", part.name]
    command += ["--host", HOST, "--port", str(part.port(base_port)), "--no-migrate"]
    with (data_dir.path / f"{part.name}.log").open("ab") as log:
        process = subprocess.Popen(
            command, env={**os.environ, **environment, **(extra or {})}, stdout=log, stderr=log
        )
    server = Server(part, f"http://{HOST}:{part.port(base_port)}", process)
    try:
        wait_until(functools.partial(_live, server), START_TIMEOUT_SECONDS, f"{part.name} is live")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def _live(server: Server) -> bool:
    if server.process.poll() is not None:
        raise RuntimeError(f"{server.part.name} exited with code {server.process.returncode}")
    try:
        return httpx.get(f"{server.url}/health/live", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


async def _police_token(gateway: str) -> str:
    """A token of the bench's police officer, made on the first call."""
    async with httpx.AsyncClient(base_url=gateway, timeout=30.0) as client:

        async def token(username: str, password: str) -> httpx.Response:
            return await client.post(
                "/api/v1/auth/token",
                data={"grant_type": "password", "username": username, "password": password},
            )

        known = await token(USER, USER_PASSWORD)
        if known.status_code == 200:
            return str(known.json()["access_token"])
        admin_token = (await token("admin", ADMIN_PASSWORD)).json()["access_token"]
        admin = {"Authorization": f"Bearer {admin_token}"}
        organisation = await client.post(
            "/api/v1/organisations",
            json={"name": "IPJ Iași", "kind": "police", "county": "RO-IS"},
            headers=admin,
        )
        organisation.raise_for_status()
        user = await client.post(
            "/api/v1/users",
            json={
                "username": USER,
                "password": USER_PASSWORD,
                "full_name": "Bench Police",
                "organisation_id": organisation.json()["id"],
                "roles": ["police"],
            },
            headers=admin,
        )
        user.raise_for_status()
        answer = await token(USER, USER_PASSWORD)
        answer.raise_for_status()
        return str(answer.json()["access_token"])


async def _load(server: Server, token: str, requests: int) -> Figures:
    """`requests` GETs from `CONCURRENCY` clients, stopping early at the time limit."""
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    remaining = requests
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=10.0) as client:
        started = time.perf_counter()
        deadline = started + TIME_LIMIT_SECONDS

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0 and time.perf_counter() < deadline:
                remaining -= 1
                sent = time.perf_counter()
                response = await client.get(PATH, headers=headers)
                latencies.append(time.perf_counter() - sent)
                if response.status_code != 200:
                    raise RuntimeError(f"{response.status_code}: {response.text[:200]}")

        cpu_before = server.cpu_seconds()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        seconds = time.perf_counter() - started
        cpu_after = server.cpu_seconds()
    cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    return Figures(len(latencies), seconds, latencies, cpu)


async def _measure(server: Server, token: str) -> Figures:
    await _load(server, token, WARM_UP_REQUESTS)
    return await _load(server, token, REQUESTS)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--forwarder", choices=FORWARDERS, action="append")
    forwarders = parser.parse_args(argv).forwarder or list(FORWARDERS)
    print(
        f"GET {PATH}: {CONCURRENCY} concurrent clients, up to {REQUESTS} requests or "
        f"{TIME_LIMIT_SECONDS:.0f} s a line, {os.cpu_count()} CPUs, SQLite"
    )
    print(HEADER)
    with tempfile.TemporaryDirectory() as folder:
        data_dir = DataDir(Path(folder))
        migrate_suite(data_dir, (GATEWAY, IDENTIFICATION))
        base_port = free_base_port()
        with serving(IDENTIFICATION, data_dir, base_port) as service:
            for index, forwarder in enumerate(forwarders):
                extra = {"NIRM_GATEWAY_FORWARDER": forwarder}
                with serving(GATEWAY, data_dir, base_port, extra) as gateway:
                    token = asyncio.run(_police_token(gateway.url))
                    if index == 0:
                        print(asyncio.run(_measure(service, token)).line("service, direct"))
                    figures = asyncio.run(_measure(gateway, token))
                    print(figures.line(f"through the gateway ({forwarder})"))


if __name__ == "__main__":
    main()
