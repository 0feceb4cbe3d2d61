"""`python -m services up`: the whole suite on one machine, each part in its own process.

The runner prepares the data folder (secrets, migrated SQLite files), starts each part as
a child `python -m services serve <part>` given its environment, waits until every part is
ready, and then only watches: a part that dies is reported while the others go on serving,
as in production. SIGINT or SIGTERM stops every child; on Linux a child is also sent
SIGTERM by the kernel if the runner itself is killed, so no part outlives it.
"""

import ctypes
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from services.datadir import AdminPassword, DataDir, Origin
from services.environment import connect_host, local_environment
from services.registry import GATEWAY, PARTS, Part
from shared.db import migrate

READY_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0
_POLL_SECONDS = 0.2
_PR_SET_PDEATHSIG = 1
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StartFailed(Exception):
    pass


@dataclass
class Child:
    part: Part
    url: str
    process: subprocess.Popen[bytes]

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


def port_free(host: str, port: int) -> bool:
    """Whether a server could listen on `host:port` now (with uvicorn's socket options)."""
    family, kind, _proto, _name, address = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)[0]
    with socket.socket(family, kind) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError:
            return False
    return True


def migrate_suite(data_dir: DataDir, parts: Sequence[Part] = PARTS) -> None:
    data_dir.create()
    for part in parts:
        migrate(part.migrations, data_dir.database_url(part.name))


def up(data_dir: DataDir, *, host: str, base_port: int, parts: Sequence[Part] = PARTS) -> int:
    """Run the parts until SIGINT or SIGTERM; the exit status for the command line."""
    busy = [str(p.port(base_port)) for p in parts if not port_free(host, p.port(base_port))]
    if busy:
        print(
            f"Port {', '.join(busy)} on {host} is in use: stop what listens there "
            "or choose another --base-port.",
            file=sys.stderr,
        )
        return 1
    children: list[Child] = []
    # Both signals stop the suite, even where the runner was started with SIGINT ignored
    # (as a shell's background job is).
    previous = {s: signal.signal(s, signal.default_int_handler) for s in _STOP_SIGNALS}
    try:
        migrate_suite(data_dir, parts)
        # Made only with the gateway, so that the run that makes it is the one that shows it.
        admin = data_dir.admin_password() if GATEWAY in parts else None
        for part in parts:
            environment = local_environment(
                part,
                data_dir,
                host=host,
                base_port=base_port,
                admin_password=admin.value if admin else None,
            )
            children.append(_start(part, environment, host, part.port(base_port)))
        data_dir.pids_file.write_text(
            json.dumps(
                {"runner": os.getpid(), "parts": {c.part.name: c.process.pid for c in children}}
            )
        )
        _wait_ready(children)
        _announce(children, data_dir, admin)
        return _watch(children)
    except StartFailed as failure:
        print(f"The suite did not start: {failure}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopping the suite…", flush=True)
        return 0
    finally:
        # A second Ctrl-C must not cut the shutdown short and leave children behind.
        for stop_signal in _STOP_SIGNALS:
            signal.signal(stop_signal, signal.SIG_IGN)
        _stop(children)
        data_dir.pids_file.unlink(missing_ok=True)
        for stop_signal, handler in previous.items():
            signal.signal(stop_signal, handler)


def _start(part: Part, environment: dict[str, str], host: str, port: int) -> Child:
    command = [sys.executable, "-m", "services", "serve", part.name]
    command += ["--host", host, "--port", str(port), "--no-migrate"]
    process = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
        command,
        env={**os.environ, **environment},
        # Its own process group: a terminal's Ctrl-C reaches the runner only, which then
        # stops every part and waits for each, rather than each part exiting on its own.
        process_group=0,
        preexec_fn=_die_with_parent(),
    )
    return Child(part, f"http://{connect_host(host)}:{port}", process)


def _die_with_parent() -> Callable[[], None] | None:
    """What a child runs before exec so that the kernel ends it when the runner dies."""
    if sys.platform != "linux":
        return None
    libc = ctypes.CDLL(None, use_errno=True)  # loaded here, not between fork and exec

    def set_parent_death_signal() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

    return set_parent_death_signal


def _ready(client: httpx.Client, child: Child) -> bool:
    try:
        return client.get(f"{child.url}/health/ready").status_code == 200
    except httpx.HTTPError:
        return False


def _wait_ready(children: Sequence[Child]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    pending = list(children)
    # The runner talks only to its own children: no proxy from the environment applies.
    with httpx.Client(timeout=2.0, trust_env=False) as client:
        while True:
            for child in list(pending):
                if not child.alive:
                    raise StartFailed(
                        f"{child.part.name} exited with code {child.process.returncode}"
                    )
                if _ready(client, child):
                    pending.remove(child)
            if not pending:
                return
            if time.monotonic() > deadline:
                names = ", ".join(c.part.name for c in pending)
                raise StartFailed(f"not ready after {READY_TIMEOUT_SECONDS:.0f} s: {names}")
            time.sleep(_POLL_SECONDS)


def _announce(children: Sequence[Child], data_dir: DataDir, admin: AdminPassword | None) -> None:
    lines = [f"The NIRM suite is running (data in {data_dir.path}):"]
    lines += [f"  {c.part.name:<15} {c.url:<24} pid {c.process.pid}" for c in children]
    gateway = next((c for c in children if c.part == GATEWAY), None)
    if gateway is not None and admin is not None:
        if admin.origin is Origin.NEW:
            lines.append(
                f'Log in as "admin" with the password {admin.value} — shown only this once, '
                f"kept in {data_dir.admin_password_file}:"
            )
            password = shlex.quote(admin.value)
        elif admin.origin is Origin.STORED:
            lines.append(f'Log in as "admin" with the password in {data_dir.admin_password_file}:')
            password = f'"$(cat {shlex.quote(str(data_dir.admin_password_file))})"'
        else:
            lines.append('Log in as "admin" with the password in $NIRM_BOOTSTRAP_ADMIN_PASSWORD:')
            password = '"$NIRM_BOOTSTRAP_ADMIN_PASSWORD"'
        lines.append(
            f"  curl -s {gateway.url}/api/v1/auth/token -d grant_type=password "
            f"-d username=admin --data-urlencode password={password}"
        )
    lines.append("Ctrl-C stops the suite.")
    print("\n".join(lines), flush=True)


def _watch(children: Sequence[Child]) -> int:
    running = list(children)
    while running:
        time.sleep(_POLL_SECONDS)
        for child in [c for c in running if not c.alive]:
            running.remove(child)
            print(
                f"{child.part.name} (pid {child.process.pid}) exited with code "
                f"{child.process.returncode}; the other parts go on serving.",
                flush=True,
            )
    print("Every part has exited.", file=sys.stderr)
    return 1


def _stop(children: Sequence[Child]) -> None:
    for child in children:
        if child.alive:
            child.process.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for child in children:
        try:
            child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()
