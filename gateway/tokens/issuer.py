"""Access tokens: EdDSA JWTs whose claims every service reads with `shared.auth.tokens`.

The claims are exactly those of `tests/support/auth.py`, which the services' tests use.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

import jwt

from gateway.tokens.keys import ALGORITHM, SigningKey


@dataclass(frozen=True)
class Subject:
    """Whom a token speaks for: a user or an API client, as its account stands now."""

    id: uuid.UUID
    name: str
    kind: str  # "user" or "client"
    organisation_id: uuid.UUID
    organisation_kind: str
    county: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_in: int


class AccessTokenIssuer:
    def __init__(self, key: SigningKey, *, issuer: str, audience: str, ttl_seconds: int) -> None:
        self._key = key
        self._issuer = issuer
        self._audience = audience
        self._ttl = ttl_seconds

    def issue(self, subject: Subject, now: datetime) -> AccessToken:
        issued_at = int(now.timestamp())
        expires_at = issued_at + self._ttl
        claims = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": str(subject.id),
            "name": subject.name,
            "org": str(subject.organisation_id),
            "org_kind": subject.organisation_kind,
            "county": subject.county,
            "roles": list(subject.roles),
            "kind": subject.kind,
            "typ": "access",
            "iat": issued_at,
            "exp": expires_at,
            "jti": uuid.uuid4().hex,
        }
        token = jwt.encode(
            claims, self._key.private_key, algorithm=ALGORITHM, headers={"kid": self._key.kid}
        )
        return AccessToken(token=token, expires_in=self._ttl)
