"""Settings of the identification service (environment prefix `NIRM_IDENTIFICATION_`).

The two keys that protect personal data have no default: a default key would be the same
in every installation and silently protect nothing, so `create_app` refuses to build the
service until both are set (tests pass freshly generated keys).
"""

import base64
import binascii

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings

KEY_BYTES = 32


def decode_key(value: SecretStr) -> bytes:
    """The raw bytes of a key given as base64 (standard or URL-safe alphabet)."""
    text = value.get_secret_value().strip()
    try:
        return base64.b64decode(text.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("a key must be base64") from exc


def _check_key(value: SecretStr | None) -> SecretStr | None:
    if value is not None and len(decode_key(value)) != KEY_BYTES:
        raise ValueError(f"a key must be base64 of exactly {KEY_BYTES} bytes")
    return value


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NIRM_IDENTIFICATION_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./.nirm-data/identification.db"
    data_key: SecretStr | None = Field(
        default=None,
        description=(
            "Required. Base64 of 32 random bytes: the AES-256-GCM key that encrypts persons' "
            "names, birth dates, documents, phone numbers and addresses, and practitioners' "
            "free-text notes (which may name people). Each stored value "
            "records the id of the key that sealed it, so the key can be rotated: move the "
            "old key to `retired_data_keys` and set a new one here."
        ),
    )
    retired_data_keys: list[SecretStr] = Field(
        default_factory=list,
        description=(
            "Earlier data keys (base64 of 32 bytes each), kept only to decrypt values they "
            "sealed; every value written again is sealed with `data_key`."
        ),
    )
    index_key: SecretStr | None = Field(
        default=None,
        description=(
            "Required. Base64 of 32 random bytes, different from `data_key`: the HMAC-SHA256 "
            "key of the blind indexes (document numbers; full name and birth date) that find "
            "possible duplicate persons without decrypting anyone. Changing it needs the "
            "indexes recomputed."
        ),
    )
    reflection_period_days: int = Field(
        default=90,
        ge=30,
        le=365,
        description=(
            "Length in days of the recovery and reflection period a foreign presumed victim "
            "is given (Romania: up to 90; Council of Europe minimum: 30)."
        ),
    )

    training_warning: bool = Field(
        default=False,
        description=(
            "Whether a screening by a user who has completed no training on the current "
            "catalogue version carries a warning (`screener_not_trained`) in its answer and "
            "its audit event. Never a refusal. Off: the screening path does not look."
        ),
    )

    @field_validator("data_key", "index_key")
    @classmethod
    def _a_32_byte_key(cls, value: SecretStr | None) -> SecretStr | None:
        return _check_key(value)

    @field_validator("retired_data_keys")
    @classmethod
    def _32_byte_keys(cls, values: list[SecretStr]) -> list[SecretStr]:
        for value in values:
            _check_key(value)
        return values

    @model_validator(mode="after")
    def _distinct_keys(self) -> "Settings":
        if (
            self.data_key is not None
            and self.index_key is not None
            and decode_key(self.data_key) == decode_key(self.index_key)
        ):
            raise ValueError("index_key must differ from data_key")
        return self
