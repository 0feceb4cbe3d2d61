"""The errors of tokens: the token endpoint's OAuth2 refusals (RFC 6749 §5.2), which are
not problem+json, and the problem of a gateway that issues no tokens."""

from dataclasses import dataclass

from gateway.tokens.schemas import OAuthErrorCode
from shared.errors import NotFound


@dataclass
class OAuthError(Exception):
    error: OAuthErrorCode
    description: str
    # Set when the sign-in guard refuses the attempt: answered 429 with `Retry-After`.
    retry_after: int | None = None

    @property
    def status(self) -> int:
        if self.retry_after is not None:
            return 429
        return 401 if self.error is OAuthErrorCode.INVALID_CLIENT else 400


class NoTokensIssued(NotFound):
    """The JWKS of a gateway whose tokens an external OpenID Connect provider issues."""

    def __init__(self) -> None:
        super().__init__("The gateway issues no tokens; the OpenID Connect provider does.")
