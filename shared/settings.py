"""Settings common to every service, read from the environment with pydantic-settings.

Each part subclasses `ServiceSettings` with its own prefix (`NIRM_IDENTIFICATION_`, ...),
so one environment can configure the whole suite without one part reading another's values.
"""

from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.db import is_sqlite

# Shipped so that a part started alone on a development machine works; a deployment must
# set its own (anyone who knows this one can forge events between the parts).
DEFAULT_INTERNAL_SECRET = "change-me-internal-secret"


class ServiceSettings(BaseSettings):
    """What every service needs: its database, how to verify tokens, how to reach others."""

    model_config = SettingsConfigDict(env_prefix="NIRM_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./.nirm-data/service.db"
    # Token verification: the gateway's JWKS, inline (the runner writes it) or by URL.
    jwks_json: str | None = None
    jwks_url: str | None = None
    jwt_issuer: str = "nirm-gateway"
    jwt_audience: str = "nirm"
    # Shared secret that signs event deliveries between the parts (HMAC-SHA256).
    internal_secret: str = Field(default=DEFAULT_INTERNAL_SECRET, min_length=16)
    # Base URLs of the other parts, by service name (identification, risk, referral, gateway).
    service_urls: dict[str, str] = Field(default_factory=dict)
    # Which event topics go to which parts: {"case.opened": ["risk", "referral"]}.
    subscriptions: dict[str, list[str]] = Field(default_factory=dict)
    call_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    relay_interval_seconds: float = Field(default=0.5, gt=0)
    # How long a relay's claim on the events it is delivering holds: what a replica that
    # died mid-delivery leaves waits this long for another (one stopped gracefully hands
    # them back at once); longer than a delivery can take (`call_timeout_seconds`).
    relay_lease_seconds: float = Field(default=30.0, ge=5, le=3600)
    run_relay: bool = True
    # Periodic jobs (`ServiceParts.jobs`); tests turn them off and call the job themselves.
    run_jobs: bool = True
    log_level: str = "INFO"
    # The bearer token a Prometheus scraper sends for `/metrics`; unset, `/metrics` is off.
    metrics_token: str | None = Field(default=None, min_length=16)

    @model_validator(mode="after")
    def _own_secret_outside_the_embedded_default(self) -> Self:
        """The default secret only with a SQLite database: the embedded suite on one
        machine. On PostgreSQL (containers, replicas, production) it is refused."""
        if self.internal_secret == DEFAULT_INTERNAL_SECRET and not is_sqlite(self.database_url):
            variable = f"{self.model_config.get('env_prefix', '')}INTERNAL_SECRET"
            raise ValueError(
                f"{variable} is the shipped default; set a secret of your own "
                "(the default is accepted only with a SQLite database)"
            )
        return self
