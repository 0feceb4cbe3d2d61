"""Settings common to every service, read from the environment with pydantic-settings.

Each part subclasses `ServiceSettings` with its own prefix (`NIRM_IDENTIFICATION_`, ...),
so one environment can configure the whole suite without one part reading another's values.
"""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    internal_secret: str = Field(default="change-me-internal-secret", min_length=16)
    # Base URLs of the other parts, by service name (identification, risk, referral, gateway).
    service_urls: dict[str, str] = Field(default_factory=dict)
    # Which event topics go to which parts: {"case.opened": ["risk", "referral"]}.
    subscriptions: dict[str, list[str]] = Field(default_factory=dict)
    call_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    relay_interval_seconds: float = Field(default=0.5, gt=0)
    run_relay: bool = True
    # Periodic jobs (`ServiceParts.jobs`); tests turn them off and call the job themselves.
    run_jobs: bool = True
    log_level: str = "INFO"
