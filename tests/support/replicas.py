"""The suite scaled out as real processes on PostgreSQL, for replica tests.

Every part runs as several `python -m services serve` replicas, all replicas of a part
sharing its own (new, empty) PostgreSQL database, and each part is reached through a
round-robin balancer (`tests/support/balancer.py`): the gateways forward to the services'
balancers, the services fetch the gateway's keys and revocations through the gateway's,
and a test calls the gateway's balancer as a client would, or one replica directly. The
replicas are configured as a deployment configures them: the same database, internal
secret, signing key and keys for every replica of a part. They all start at once, so the
replicas of a part race to migrate its empty database (`shared.db.migrate` makes them take
turns).
"""

import base64
import json
import os
import random
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.datadir import ADMIN_PASSWORD_VARIABLE
from services.environment import INTERNAL_SECRET_KEY, JWKS_PATH, env_names
from services.registry import GATEWAY, PARTS, Part, subscriptions
from services.runner import port_free
from tests.support.balancer import Balancer, Balancers
from tests.support.databases import empty_pg_database
from tests.support.processes import HOST, wait_until

START_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 30.0


def free_ports(count: int) -> list[int]:
    ports: set[int] = set()
    while len(ports) < count:
        port = random.randrange(20000, 32000)
        if port_free(HOST, port):
            ports.add(port)
    return sorted(ports)


@dataclass
class Replica:
    part: Part
    index: int
    port: int
    environment: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    # Where this start's lines begin in the log (a replica started again appends).
    log_start: int = 0

    @property
    def name(self) -> str:
        return f"{self.part.name}-{self.index}"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, *, migrate: bool) -> None:
        command = [sys.executable, "-m", "services", "serve", self.part.name]
        command += ["--host", HOST, "--port", str(self.port)]
        if not migrate:
            command.append("--no-migrate")
        self.log_start = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                command, stdout=output, stderr=subprocess.STDOUT, env=self.environment
            )

    def ready(self) -> bool:
        if not self.alive:
            raise AssertionError(f"{self.name} exited:\n{self.log.read_text()[-3000:]}")
        # Its own socket is bound: the port checked free may meanwhile have been taken by
        # another process (other tests on the machine), which must not pass for this one.
        with self.log.open("rb") as output:
            output.seek(self.log_start)
            if b"Uvicorn running on" not in output.read():
                return False
        try:
            answer = httpx.get(f"{self.url}/health/ready", timeout=2, trust_env=False)
        except httpx.HTTPError:
            return False
        return answer.status_code == 200

    def stop(self) -> int:
        """SIGTERM, as Kubernetes stops a pod; its exit status once it has stopped."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=STOP_TIMEOUT_SECONDS)

    def kill(self) -> None:
        """SIGKILL, as a crash or an evicted node."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=STOP_TIMEOUT_SECONDS)


@dataclass
class ReplicaSuite:
    databases: dict[str, str]
    balancers: dict[str, Balancer]
    replicas: dict[str, list[Replica]]
    admin_password: str
    _cleanup: list[Callable[[], None]] = field(default_factory=list)

    def url(self, part_name: str) -> str:
        """The part as its clients reach it: through its balancer."""
        return self.balancers[part_name].url

    def of(self, part_name: str) -> list[Replica]:
        return self.replicas[part_name]

    def all(self) -> list[Replica]:
        return [replica for replicas in self.replicas.values() for replica in replicas]

    def wait_ready(self, replicas: Sequence[Replica] | None = None) -> None:
        pending = list(replicas or self.all())
        wait_until(
            lambda: all(r.ready() for r in pending),
            START_TIMEOUT_SECONDS,
            "every replica is ready",
        )

    def restart(self, replicas: Sequence[Replica]) -> list[int]:
        """Restart `replicas` as a rolling update does, each in turn of its part: out of
        its balancer, SIGTERM (in-flight requests finish), started again with the schema
        already migrated, ready, back in. Their exit statuses."""
        statuses = []
        for replica in replicas:
            balancer = self.balancers[replica.part.name]
            balancer.drain(replica.url)
        for replica in replicas:
            statuses.append(replica.stop())
            replica.start(migrate=False)
        self.wait_ready(replicas)
        for replica in replicas:
            self.balancers[replica.part.name].restore(replica.url)
        return statuses

    def close(self) -> None:
        for replica in self.all():
            if replica.alive:
                assert replica.process is not None
                replica.process.kill()
                replica.process.wait()
        for cleanup in reversed(self._cleanup):
            cleanup()


def _signing_key_pem() -> str:
    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def start_replicas(
    workdir: Path,
    *,
    count: int = 2,
    settings: Mapping[str, str] | None = None,
) -> ReplicaSuite:
    """`count` replicas of every part, each part on its own new PostgreSQL database, all
    started at once and ready; `settings` adds environment variables every replica gets."""
    cleanup: list[Callable[[], None]] = []
    databases: dict[str, str] = {}
    for part in PARTS:
        url, drop = empty_pg_database(f"replicas_{part.name}")
        databases[part.name] = url
        cleanup.append(drop)
    balancers = Balancers()
    cleanup.append(balancers.close)
    ports = iter(free_ports(count * len(PARTS)))
    backend_ports = {p.name: [next(ports) for _ in range(count)] for p in PARTS}
    balancer = {
        p.name: balancers.balancer([f"http://{HOST}:{port}" for port in backend_ports[p.name]])
        for p in PARTS
    }
    urls = {name: b.url for name, b in balancer.items()}
    admin_password = base64.urlsafe_b64encode(os.urandom(18)).decode()
    shared = {
        INTERNAL_SECRET_KEY: base64.b64encode(os.urandom(24)).decode(),
        "service_urls": json.dumps(urls),
        "subscriptions": json.dumps(subscriptions()),
    }
    # What a deployment gives every replica of a part alike (a Secret, a ConfigMap).
    per_part: dict[str, dict[str, str]] = {
        p.name: {**shared, "database_url": databases[p.name]} for p in PARTS
    }
    per_part[GATEWAY.name] |= {
        "signing_key_pem": _signing_key_pem(),
        "bootstrap_admin_password": admin_password,
    }
    for part in PARTS:
        per_part[part.name] |= {key: _key() for key in part.keys}
        if part != GATEWAY:
            per_part[part.name]["jwks_url"] = urls[GATEWAY.name] + JWKS_PATH
    inherited = {k: v for k, v in os.environ.items() if k != ADMIN_PASSWORD_VARIABLE}
    replicas: dict[str, list[Replica]] = {}
    for part in PARTS:
        names = env_names(part.settings_class())
        replicas[part.name] = []
        for index, port in enumerate(backend_ports[part.name]):
            values = dict(per_part[part.name])
            if part == GATEWAY:
                # Each replica its own folder: nothing may depend on a shared disk.
                values["data_dir"] = str(workdir / f"gateway-{index}")
            environment = {
                **inherited,
                **{names[name]: value for name, value in values.items()},
                **(settings or {}),
            }
            log = workdir / f"{part.name}-{index}.log"
            replicas[part.name].append(Replica(part, index, port, environment, log))
    suite = ReplicaSuite(databases, balancer, replicas, admin_password, cleanup)
    try:
        for replica in suite.all():
            replica.start(migrate=True)
        suite.wait_ready()
    except BaseException:
        suite.close()
        raise
    return suite
