"""Settings of the risk service (environment prefix `NIRM_RISK_`)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NIRM_RISK_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./.nirm-data/risk.db"
