"""The token endpoint's form and answers (RFC 6749 §4.3, §4.4, §6; errors §5.2)."""

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

# Generous bounds: enough for any real credential, small enough that hostile input costs
# nothing (argon2 would otherwise hash a megabyte password). No NUL: PostgreSQL can neither
# store nor compare it, and no real credential has one.
_Credential = Annotated[str | None, Field(default=None, max_length=1024, pattern=r"^[^\x00]*$")]


class TokenRequest(BaseModel):
    """The form body of `POST /api/v1/auth/token` (`application/x-www-form-urlencoded`)."""

    model_config = ConfigDict(extra="ignore")

    grant_type: str = Field(
        max_length=64, examples=["password", "client_credentials", "refresh_token"]
    )
    username: _Credential
    password: _Credential
    client_id: _Credential
    client_secret: _Credential
    refresh_token: _Credential
    # Accepted for OAuth2 clients that always send it; a token carries its account's roles.
    scope: _Credential


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires")
    refresh_token: str | None = Field(
        default=None, description="Single use: each use answers a new one (rotation)"
    )


class OAuthErrorCode(StrEnum):
    INVALID_REQUEST = "invalid_request"
    INVALID_CLIENT = "invalid_client"
    INVALID_GRANT = "invalid_grant"
    UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type"


class OAuthErrorBody(BaseModel):
    """An error of the token endpoint, in the OAuth2 format rather than problem+json."""

    error: OAuthErrorCode
    error_description: str
