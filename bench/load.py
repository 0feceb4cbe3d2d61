"""Load on loopback, bounded in time: `hey` for one endpoint at a fixed rate or flat out,
and an open-loop runner of the main flow (a flow starts every 1/rate seconds whether or not
the earlier ones have finished), recording each step's latency.
"""

import asyncio
import csv
import io
import json
import math
import shutil
import statistics
import subprocess
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp


@dataclass
class Latencies:
    """Seconds each request took, and the statuses answered."""

    seconds: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0

    def add(self, seconds: float, status: int) -> None:
        self.seconds.append(seconds)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def percentile(self, share: float) -> float:
        ordered = sorted(self.seconds)
        if not ordered:
            return math.nan
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def summary(self) -> dict[str, Any]:
        return {
            "requests": len(self.seconds),
            "per_second": round(len(self.seconds) / self.elapsed, 1) if self.elapsed else None,
            "p50_ms": _ms(statistics.median(self.seconds)) if self.seconds else None,
            "p99_ms": _ms(self.percentile(0.99)),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
        }


def _ms(seconds: float) -> float | None:
    return None if math.isnan(seconds) else round(seconds * 1000, 2)


def hey_installed() -> bool:
    return shutil.which("hey") is not None


def hey(
    url: str,
    *,
    token: str,
    method: str = "GET",
    body: bytes | None = None,
    workers: int = 10,
    rate: float | None = None,
    requests: int | None = None,
    seconds: float | None = None,
    scratch: Path,
) -> Latencies:
    """`hey` against `url`: `requests` requests (or for `seconds`) from `workers` clients,
    at `rate` requests per second in all when given (hey's `-q` is per client)."""
    command = ["hey", "-c", str(workers), "-o", "csv", "-m", method, "-t", "30"]
    command += ["-H", f"Authorization: Bearer {token}"]
    if requests is not None:
        command += ["-n", str(requests)]
    if seconds is not None:
        command += ["-z", f"{seconds}s"]
    if rate is not None:
        command += ["-q", f"{rate / workers:.3f}"]
    if body is not None:
        path = scratch / "hey-body.json"
        path.write_bytes(body)
        command += ["-T", "application/json", "-D", str(path)]
    started = time.perf_counter()
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    latencies = Latencies(elapsed=time.perf_counter() - started)
    for row in csv.DictReader(io.StringIO(output)):
        latencies.add(float(row["response-time"]), int(row["status-code"]))
    return latencies


Step = Callable[[aiohttp.ClientSession, dict[str, Any]], Awaitable[int]]


@dataclass
class FlowResult:
    steps: dict[str, Latencies]
    flows: int
    failed: int
    elapsed: float

    def summary(self) -> dict[str, Any]:
        return {
            "flows": self.flows,
            "failed": self.failed,
            "flows_per_second": round(self.flows / self.elapsed, 2) if self.elapsed else None,
            "steps": {name: latencies.summary() for name, latencies in self.steps.items()},
        }


async def run_flows(
    base_url: str,
    steps: Sequence[tuple[str, Step]],
    make_state: Callable[[int], dict[str, Any]],
    *,
    rate: float | None,
    seconds: float,
    concurrency: int = 10,
) -> FlowResult:
    """Run the flow (`steps` in order, each given the flow's own state) for `seconds`:
    open loop at `rate` flows per second, or, without a rate, as fast as `concurrency`
    flows at a time go. A step answers its HTTP status; a status of 400 or more ends the
    flow as failed."""
    results = {name: Latencies() for name, _ in steps}
    finished = failed = 0
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(
        base_url=base_url, timeout=timeout, connector=connector
    ) as http:

        async def one(index: int) -> None:
            nonlocal finished, failed
            state = make_state(index)
            for name, step in steps:
                sent = time.perf_counter()
                try:
                    status = await step(http, state)
                except (aiohttp.ClientError, TimeoutError, KeyError, ValueError):
                    status = 599
                results[name].add(time.perf_counter() - sent, status)
                if status >= 400:
                    failed += 1
                    return
            finished += 1

        started = time.perf_counter()
        deadline = started + seconds
        if rate is not None:
            tasks = []
            index = 0
            while (due := started + index / rate) < deadline:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                tasks.append(asyncio.create_task(one(index)))
                index += 1
            await asyncio.gather(*tasks)
        else:

            async def worker(offset: int) -> None:
                index = offset
                while time.perf_counter() < deadline:
                    await one(index)
                    index += concurrency

            await asyncio.gather(*(worker(i) for i in range(concurrency)))
        elapsed = time.perf_counter() - started
    for latencies in results.values():
        latencies.elapsed = elapsed
    return FlowResult(results, finished, failed, elapsed)


async def request(
    http: aiohttp.ClientSession,
    method: str,
    path: str,
    token: str,
    body: Any = None,
    params: dict[str, Any] | None = None,
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    data = None
    if body is not None:
        data = json.dumps(body)
        headers["Content-Type"] = "application/json"
    async with http.request(method, path, data=data, headers=headers, params=params) as answer:
        content = await answer.read()
        try:
            parsed = json.loads(content) if content else None
        except ValueError:
            parsed = None
        return answer.status, parsed
