"""Verification of the suite's bearer tokens against the issuer's published keys (JWKS).

The gateway signs with a private key only it holds; every part verifies with the public
half, given inline (the runner writes it) or fetched from a JWKS URL (the gateway's, or an
external OpenID Connect issuer's) and refreshed when an unknown key id shows up.
"""

import json
import time
import uuid
from typing import Any

import httpx
import jwt

from shared.auth.principal import Principal
from shared.errors import ServiceUnavailable, Unauthenticated

_ALGORITHMS = {"EdDSA", "ES256", "RS256", "PS256"}
_REFRESH_AT_MOST_EVERY = 30.0
_CACHE_FOR = 300.0
_LEEWAY_SECONDS = 10
# Far more tokens than are in use at once; past it, the memory starts over.
_MAX_VERIFIED = 10_000


class IssuerKeysUnavailable(ServiceUnavailable):
    def __init__(self) -> None:
        super().__init__("The token issuer's keys cannot be fetched.")


class UnknownSigningKey(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("The token is signed with an unknown key.")


class TokenExpired(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("The bearer token has expired.")


class MalformedToken(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("The bearer token is malformed.")


class InvalidToken(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("The bearer token is not valid.")


class TokenVerifier:
    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        jwks: dict[str, Any] | None = None,
        jwks_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 5.0,
    ) -> None:
        if jwks is None and jwks_url is None:
            raise ValueError("a JWKS or a JWKS URL is needed to verify tokens")
        self.issuer = issuer
        self.audience = audience
        self._jwks_url = jwks_url
        self._transport = transport
        self._timeout = timeout
        self._keys: dict[str, jwt.PyJWK] = self._parse(jwks) if jwks else {}
        self._static = jwks is not None
        self._fetched_at = 0.0
        # Tokens verified so far, with their expiry: a client sends the same token with
        # every request until it expires, and checking its signature again would cost more
        # than most requests do. Forgotten whenever the keys change.
        self._verified: dict[str, tuple[int, Principal]] = {}

    @staticmethod
    def _parse(jwks: dict[str, Any]) -> dict[str, jwt.PyJWK]:
        keys = {}
        for entry in jwks.get("keys", []):
            key = jwt.PyJWK(entry)
            if key.algorithm_name in _ALGORITHMS and entry.get("use", "sig") == "sig":
                keys[str(entry.get("kid", ""))] = key
        return keys

    async def _refresh(self) -> None:
        if self._jwks_url is None:
            return
        now = time.monotonic()
        if now - self._fetched_at < _REFRESH_AT_MOST_EVERY and self._keys:
            return
        try:
            async with httpx.AsyncClient(transport=self._transport, timeout=self._timeout) as c:
                response = await c.get(self._jwks_url)
                response.raise_for_status()
                self._keys = self._parse(response.json())
                self._verified.clear()
        except (httpx.HTTPError, ValueError, jwt.PyJWTError) as exc:
            raise IssuerKeysUnavailable() from exc
        self._fetched_at = now

    async def _key_for(self, kid: str) -> jwt.PyJWK:
        stale = not self._static and time.monotonic() - self._fetched_at > _CACHE_FOR
        if kid not in self._keys or stale:
            await self._refresh()
        key = self._keys.get(kid)
        if key is None:
            raise UnknownSigningKey()
        return key

    async def verify(self, token: str) -> Principal:
        remembered = self._verified.get(token)
        if remembered is not None:
            expires, principal = remembered
            if time.time() < expires + _LEEWAY_SECONDS:
                return principal
            raise TokenExpired()
        principal, expires = await self._verify(token)
        if len(self._verified) >= _MAX_VERIFIED:
            self._verified.clear()
        self._verified[token] = (expires, principal)
        return principal

    async def _verify(self, token: str) -> tuple[Principal, int]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise MalformedToken() from exc
        key = await self._key_for(str(header.get("kid", "")))
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[key.algorithm_name],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
                leeway=_LEEWAY_SECONDS,
            )
            return _principal(claims, token), int(claims["exp"])
        except jwt.ExpiredSignatureError as exc:
            raise TokenExpired() from exc
        except (jwt.PyJWTError, KeyError, ValueError, TypeError) as exc:
            raise InvalidToken() from exc


def _principal(claims: dict[str, Any], token: str) -> Principal:
    if claims.get("typ") == "refresh":
        raise ValueError("a refresh token is not an access token")
    roles = claims["roles"]
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise ValueError("roles must be a list of strings")
    return Principal(
        subject_id=uuid.UUID(str(claims["sub"])),
        username=str(claims.get("name", "")),
        organisation_id=uuid.UUID(str(claims["org"])),
        organisation_kind=str(claims.get("org_kind", "")),
        county=str(claims.get("county", "")),
        roles=frozenset(roles),
        kind=str(claims.get("kind", "user")),
        token=token,
        issued_at=int(claims["iat"]),
    )


def verifier_from_settings(
    jwks_json: str | None,
    jwks_url: str | None,
    issuer: str,
    audience: str,
    timeout: float,
    transport: httpx.AsyncBaseTransport | None = None,
) -> TokenVerifier:
    jwks = json.loads(jwks_json) if jwks_json else None
    return TokenVerifier(
        issuer=issuer,
        audience=audience,
        jwks=jwks,
        jwks_url=jwks_url,
        transport=transport,
        timeout=timeout,
    )
