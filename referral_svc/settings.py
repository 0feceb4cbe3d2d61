"""Settings of the referral service (environment prefix `NIRM_REFERRAL_`)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NIRM_REFERRAL_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./.nirm-data/referral.db"
    # How often each replica looks for referrals past their deadline.
    expiry_interval_seconds: float = Field(default=60.0, gt=0)
