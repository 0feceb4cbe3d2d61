"""Settings of the gateway (environment prefix `NIRM_GATEWAY_`).

Besides what every part has (`service_urls` names the base URL of each service), the
gateway holds the token-signing key, token lifetimes, the bootstrap administrator's
password, an optional external OpenID Connect issuer, the rate limit, the sign-in guard's
limits, the routing table and how it forwards.
"""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from gateway.forwarding.routes import DEFAULT_ROUTES
from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    # `populate_by_name` lets code pass `bootstrap_admin_password=` although its
    # environment name is the suite-wide `NIRM_BOOTSTRAP_ADMIN_PASSWORD`.
    model_config = SettingsConfigDict(
        env_prefix="NIRM_GATEWAY_", extra="ignore", populate_by_name=True
    )

    database_url: str = "sqlite+aiosqlite:///./.nirm-data/gateway.db"
    # Where the signing key pair is made on first start (`signing_key.pem`, mode 0600).
    data_dir: Path = Path(".nirm-data")
    # An Ed25519 private key in PEM; replicas of the gateway must all be given the same one.
    signing_key_pem: SecretStr | None = None
    access_token_ttl_seconds: int = Field(default=900, ge=30, le=24 * 3600)
    refresh_token_ttl_seconds: int = Field(default=8 * 3600, ge=60, le=30 * 24 * 3600)
    bootstrap_admin_password: SecretStr | None = Field(
        default=None, validation_alias="NIRM_BOOTSTRAP_ADMIN_PASSWORD"
    )
    # An external OpenID Connect issuer whose tokens are accepted instead of the gateway's.
    oidc_jwks_url: str | None = None
    oidc_issuer: str | None = None
    # Requests per minute per principal; 0 turns the limit off.
    rate_limit: int = Field(default=0, ge=0)
    # Failed sign-ins allowed per username, and per client address, within the lockout
    # window before further attempts are refused for that long; 0 turns a count off.
    sign_in_max_failures: int = Field(default=5, ge=0)
    sign_in_max_failures_per_address: int = Field(default=50, ge=0)
    sign_in_lockout_seconds: int = Field(default=900, ge=1, le=24 * 3600)
    # How long an account's state (active, tokens valid since) is remembered between
    # requests; at most a second, so a revocation reaches every replica within it; 0: never.
    account_cache_seconds: float = Field(default=1.0, ge=0, le=1)
    forward_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    # The HTTP client that forwards to the services (`forwarding/forwarder.py`).
    forwarder: Literal["aiohttp", "httpx"] = "aiohttp"
    # Public path prefix -> the part that serves it; `{name}` matches one path segment.
    routes: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_ROUTES))
