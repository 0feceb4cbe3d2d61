"""The one description of the suite's topology.

Which parts exist, their port offsets, their databases, their apps and migrations, and
which events each publishes and consumes. The runner, the gateway's routing table, the
event subscriptions and docker-compose.yml all follow from this table (the compose file is
checked against it by a test).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

# The gateway's port; each service listens at this plus its offset (`--base-port` moves all).
BASE_PORT = 8000


@dataclass(frozen=True)
class Part:
    name: str
    package: str
    port_offset: int
    # Public path prefixes the gateway forwards to this part (the gateway serves its own).
    routes: tuple[str, ...] = ()
    publishes: tuple[str, ...] = ()
    consumes: tuple[str, ...] = ()
    env_prefix: str = field(default="")
    # Settings that are keys with no default (base64 of 32 random bytes): `up` makes them
    # once per data folder; a deployment passes its own (docker-compose.yml).
    keys: tuple[str, ...] = ()

    @property
    def database_name(self) -> str:
        return f"nirm_{self.name}"

    @property
    def migrations(self) -> Path:
        module = import_module(self.package)
        assert module.__file__ is not None
        return Path(module.__file__).parent / "migrations"

    def port(self, base_port: int = BASE_PORT) -> int:
        return base_port + self.port_offset

    def settings_class(self) -> Any:
        return import_module(f"{self.package}.settings").Settings

    def create_app(self, settings: Any, **kwargs: Any) -> Any:
        return import_module(f"{self.package}.app").create_app(settings, **kwargs)


GATEWAY = Part("gateway", "gateway", 0, env_prefix="NIRM_GATEWAY_")
IDENTIFICATION = Part(
    "identification",
    "identification_svc",
    1,
    routes=(
        "/api/v1/indicator-catalogues",
        "/api/v1/screenings",
        "/api/v1/cases",
        "/api/v1/statistics/cases",
        "/api/v1/statistics/training",
        "/api/v1/training-sessions",
        "/api/v1/training-vignettes",
        "/api/v1/practice-screenings",
        # Below the gateway's own `/api/v1/me` and `/api/v1/organisations/{id}`.
        "/api/v1/me/training",
        "/api/v1/organisations/{organisation_id}/training",
    ),
    publishes=(
        "case.opened",
        "case.status_changed",
        "case.updated",
        "consent.recorded",
        "consent.withdrawn",
    ),
    consumes=("referral.created", "referral.status_changed", "repatriation.created"),
    env_prefix="NIRM_IDENTIFICATION_",
    keys=("data_key", "index_key"),
)
RISK = Part(
    "risk",
    "risk_svc",
    2,
    routes=("/api/v1/risk-instruments", "/api/v1/risk-assessments"),
    publishes=("risk.assessed",),
    consumes=("case.opened", "case.status_changed", "case.updated", "referral.created"),
    env_prefix="NIRM_RISK_",
)
REFERRAL = Part(
    "referral",
    "referral_svc",
    3,
    routes=(
        "/api/v1/providers",
        "/api/v1/referrals",
        "/api/v1/repatriations",
        "/api/v1/alerts",
        "/api/v1/statistics/referrals",
    ),
    publishes=(
        "referral.created",
        "referral.status_changed",
        "repatriation.created",
        "repatriation.step_completed",
        "repatriation.step_overdue",
        "alert.raised",
    ),
    consumes=(
        "case.opened",
        "case.status_changed",
        "case.updated",
        "consent.withdrawn",
        "risk.assessed",
    ),
    env_prefix="NIRM_REFERRAL_",
)

PARTS: tuple[Part, ...] = (GATEWAY, IDENTIFICATION, RISK, REFERRAL)
SERVICES: tuple[Part, ...] = (IDENTIFICATION, RISK, REFERRAL)

# Case sub-resources that live in another part than the case itself.
CASE_SUBRESOURCES: Mapping[str, str] = {
    "risk-assessments": "risk",
    "provider-matches": "referral",
}


def part(name: str) -> Part:
    return next(p for p in PARTS if p.name == name)


def subscriptions() -> dict[str, list[str]]:
    """Topic -> the parts that consume it."""
    table: dict[str, list[str]] = {}
    for consumer in PARTS:
        for topic in consumer.consumes:
            table.setdefault(topic, []).append(consumer.name)
    return table


def service_urls(host: str, base_port: int = BASE_PORT) -> dict[str, str]:
    return {p.name: f"http://{host}:{p.port(base_port)}" for p in PARTS}
