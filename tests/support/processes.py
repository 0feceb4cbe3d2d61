"""The suite as real processes for end-to-end tests: `python -m services up` on free ports,
its output in a file, the checks that its children are gone once it stops, and a part
started again after a test killed it.
"""

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from services.datadir import ADMIN_PASSWORD_VARIABLE, DataDir
from services.environment import local_environment
from services.registry import PARTS, part, service_urls
from services.runner import port_free

HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 90.0
STOP_TIMEOUT_SECONDS = 30.0
READY_BANNER = "Ctrl-C stops the suite."


def free_base_port() -> int:
    """A base port with the suite's ports all free: above the machine's own services and
    below Linux's ephemeral range, where outgoing connections could take one meanwhile."""
    for _ in range(200):
        base = random.randrange(20000, 32000)
        if all(port_free(HOST, part.port(base)) for part in PARTS):
            return base
    raise RuntimeError("no free ports for the suite")


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.1)


def gone(pid: int) -> bool:
    """The process no longer runs (an unreaped zombie counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


@dataclass
class RunningSuite:
    process: subprocess.Popen[bytes]
    data_dir: Path
    base_port: int
    log: Path
    # Parts started again by `restart`, by name (the runner starts a part only once).
    restarted: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def logs(self) -> list[Path]:
        """The runner's output (every part's logs) and that of each part started again."""
        return [self.log, *(self.restart_log(name) for name in self.restarted)]

    def restart_log(self, part_name: str) -> Path:
        return self.log.with_name(f"{self.data_dir.name}-{part_name}.log")

    def pid(self, part_name: str) -> int:
        if part_name in self.restarted:
            return self.restarted[part_name].pid
        return self.pids()[part_name]

    def kill(self, part_name: str) -> None:
        """SIGKILL one part, as a crash would, and wait until it is gone."""
        pid = self.pid(part_name)
        os.kill(pid, signal.SIGKILL)
        if part_name in self.restarted:
            self.restarted[part_name].wait(timeout=STOP_TIMEOUT_SECONDS)
        wait_until(lambda: gone(pid), STOP_TIMEOUT_SECONDS, f"{part_name} is gone")

    def restart(self, part_name: str) -> None:
        """Start a killed part again as `up` starts it (`serve`, the same environment and
        port), and wait until it is ready."""
        restarted = part(part_name)
        environment = local_environment(
            restarted, DataDir(self.data_dir), host=HOST, base_port=self.base_port,
            admin_password=None,
        )  # fmt: skip
        command = [sys.executable, "-m", "services", "serve", part_name, "--host", HOST]
        command += ["--port", str(restarted.port(self.base_port)), "--no-migrate"]
        with self.restart_log(part_name).open("ab") as output:
            self.restarted[part_name] = subprocess.Popen(
                command, stdout=output, stderr=subprocess.STDOUT, env={**os.environ, **environment}
            )

        def ready() -> bool:
            if self.restarted[part_name].poll() is not None:
                raise AssertionError(f"{part_name} exited when started again")
            try:
                return (
                    httpx.get(f"{self.url(part_name)}/health/ready", timeout=2).status_code == 200
                )
            except httpx.HTTPError:
                return False

        wait_until(ready, START_TIMEOUT_SECONDS, f"{part_name} is ready again")

    def url(self, part_name: str) -> str:
        return service_urls(HOST, self.base_port)[part_name]

    def pids(self) -> dict[str, int]:
        parts: dict[str, int] = json.loads((self.data_dir / "pids.json").read_text())["parts"]
        return parts

    def wait_ready(self) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"the runner exited early:\n{self.output()[-4000:]}")
            return READY_BANNER in self.output()

        wait_until(ready, START_TIMEOUT_SECONDS, f"the suite is ready\n{self.output()[-4000:]}")

    def interrupt(self) -> int:
        """Ctrl-C the runner; its exit status."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=STOP_TIMEOUT_SECONDS)

    def kill_all(self) -> None:
        """Last-resort cleanup when a test failed half-way."""
        for process in self.restarted.values():
            if process.poll() is None:
                process.kill()
                process.wait()
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        pids = self.data_dir / "pids.json"
        if pids.exists():
            for pid in self.pids().values():
                if not gone(pid):
                    os.kill(pid, signal.SIGKILL)


def start_suite(
    data_dir: Path, *, only: Sequence[str] = (), environment: Mapping[str, str] | None = None
) -> RunningSuite:
    """`python -m services up` in `data_dir`, the bootstrap password left for it to make;
    `environment` adds settings every part is started with."""
    base_port = free_base_port()
    command = [sys.executable, "-m", "services", "up"]
    command += ["--data-dir", str(data_dir), "--base-port", str(base_port)]
    if only:
        command += ["--only", *only]
    inherited = {k: v for k, v in os.environ.items() if k != ADMIN_PASSWORD_VARIABLE}
    log = data_dir.parent / f"{data_dir.name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**inherited, **(environment or {})},
        )
    suite = RunningSuite(process, data_dir, base_port, log)
    try:
        suite.wait_ready()
    except BaseException:
        suite.kill_all()
        raise
    return suite
