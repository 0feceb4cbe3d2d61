"""Settings of the identification service (environment prefix `NIRM_IDENTIFICATION_`)."""

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NIRM_IDENTIFICATION_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./.nirm-data/identification.db"
