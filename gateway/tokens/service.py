"""The grants of the token endpoint: password, client credentials and refresh token.

Every refusal is an `OAuthError` (RFC 6749 §5.2). A refused refresh may still have
written (a reused token revokes its family), so the router answers it without raising
and the request's transaction commits.

Password and client-credentials attempts go through the sign-in guard (`gateway/lockout`)
before the credentials are checked: a locked username or address is refused with 429 and
`Retry-After`, in the OAuth2 format (`invalid_grant`, or `invalid_client` for a client).
"""

import asyncio
import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.identity import credentials
from gateway.identity.account_states import AccountStates
from gateway.identity.models import ApiClient, User
from gateway.identity.repository import ApiClientRepository, UserRepository
from gateway.identity.service import tokens_valid_after_change
from gateway.lockout.exceptions import Locked
from gateway.lockout.service import Counter, SignInGuard
from gateway.tokens.exceptions import OAuthError
from gateway.tokens.issuer import AccessToken, AccessTokenIssuer, Subject
from gateway.tokens.models import RefreshToken
from gateway.tokens.repository import RefreshTokenRepository
from gateway.tokens.schemas import OAuthErrorCode, TokenRequest, TokenResponse
from shared.db import utcnow


def _invalid_grant(description: str) -> OAuthError:
    return OAuthError(OAuthErrorCode.INVALID_GRANT, description)


def _require(value: str | None, name: str) -> str:
    if not value:
        raise OAuthError(OAuthErrorCode.INVALID_REQUEST, f"The '{name}' parameter is required.")
    return value


def _subject(account: User | ApiClient) -> Subject:
    if isinstance(account, User):
        name, kind = account.username, "user"
    else:
        name, kind = account.name, "client"
    return Subject(
        id=account.id,
        name=name,
        kind=kind,
        organisation_id=account.organisation.id,
        organisation_kind=account.organisation.kind,
        county=account.organisation.county,
        roles=tuple(account.roles),
    )


class TokenService:
    def __init__(
        self,
        session: AsyncSession,
        issuer: AccessTokenIssuer | None,
        refresh_ttl_seconds: int,
        guard: SignInGuard,
        states: AccountStates | None = None,
    ) -> None:
        self.session = session
        # This replica's memory of account states, told at once of a revocation here.
        self.states = states
        self.users = UserRepository(session)
        self.clients = ApiClientRepository(session)
        self.refresh_tokens = RefreshTokenRepository(session)
        # None when an external OpenID Connect provider issues the tokens.
        self.issuer = issuer
        self.refresh_ttl = timedelta(seconds=refresh_ttl_seconds)
        self.guard = guard

    def ensure_issuing(self) -> AccessTokenIssuer:
        """The issuer; refused in the OAuth2 format when the gateway issues no tokens."""
        if self.issuer is None:
            raise OAuthError(
                OAuthErrorCode.UNSUPPORTED_GRANT_TYPE,
                "Tokens are issued by the suite's OpenID Connect provider, not the gateway.",
            )
        return self.issuer

    async def grant(
        self,
        form: TokenRequest,
        basic_client: tuple[str, str] | None,
        address: str | None,
        now: datetime,
    ) -> TokenResponse:
        """Answer the form; `basic_client` is the client id and secret of a Basic header,
        `address` the caller's address, counted by the sign-in guard with the username."""
        if form.grant_type == "password":
            username = _require(form.username, "username")
            password = _require(form.password, "password")
            counters = self.guard.counters(username, address)
            await self._attempt(counters, OAuthErrorCode.INVALID_GRANT, now)
            answer = await self._password(username, password, now)
        elif form.grant_type == "client_credentials":
            client_id, secret = basic_client or (
                _require(form.client_id, "client_id"),
                _require(form.client_secret, "client_secret"),
            )
            counters = self.guard.counters(None, address)
            await self._attempt(counters, OAuthErrorCode.INVALID_CLIENT, now)
            answer = await self._client_credentials(client_id, secret, now)
        elif form.grant_type == "refresh_token":
            return await self._refresh(_require(form.refresh_token, "refresh_token"), now)
        else:
            raise OAuthError(
                OAuthErrorCode.UNSUPPORTED_GRANT_TYPE,
                "grant_type must be password, client_credentials or refresh_token.",
            )
        # A failed attempt stays counted; a successful one is given back.
        await self.guard.succeeded(self.session, counters)
        return answer

    async def _attempt(self, counters: list[Counter], error: OAuthErrorCode, now: datetime) -> None:
        try:
            await self.guard.attempt(counters, now)
        except Locked as locked:
            raise OAuthError(
                error,
                "Too many failed sign-ins for this account or from this address; "
                f"try again in {locked.retry_after} seconds.",
                retry_after=locked.retry_after,
            ) from locked

    async def _password(self, username: str, password: str, now: datetime) -> TokenResponse:
        found = await self.users.named(username)
        user = found if found is not None and found.active else None
        # Verified even for an unknown or disabled user, so timing tells nothing.
        valid = await credentials.verify_password(user.password_hash if user else None, password)
        if user is None or not valid:
            raise _invalid_grant("The username or password is wrong, or the account is disabled.")
        if credentials.needs_rehash(user.password_hash):
            user.password_hash = await credentials.hash_password(password)
        # A family lives `refresh_token_ttl_seconds` from the login, however often rotated.
        return await self._tokens_for(user, uuid.uuid4(), now + self.refresh_ttl, now)

    async def _client_credentials(
        self, client_id: str, secret: str, now: datetime
    ) -> TokenResponse:
        try:
            client = await self.clients.with_organisation(uuid.UUID(client_id))
        except ValueError:
            client = None
        if (
            client is None
            or not client.active
            or not credentials.matches_digest(secret, client.secret_hash)
        ):
            raise OAuthError(
                OAuthErrorCode.INVALID_CLIENT,
                "The client is unknown, disabled or its secret wrong.",
            )
        access = await self._access_token(client, now)
        # No refresh token for a client (RFC 6749 §4.4.3): it asks again with its secret.
        return TokenResponse(access_token=access.token, expires_in=access.expires_in)

    async def _refresh(self, presented: str, now: datetime) -> TokenResponse:
        token = await self.refresh_tokens.by_hash(credentials.digest(presented))
        if token is None:
            raise _invalid_grant("The refresh token is not valid.")
        if token.revoked_at is not None:
            raise _invalid_grant("The refresh token has been revoked.")
        if token.expires_at <= now:
            raise _invalid_grant("The refresh token has expired.")
        if not await self.refresh_tokens.rotate(token.id, now):
            # A used token presented again: someone holds a copy. End the whole family and
            # every access token of the account, the session's among them (the account's
            # other sessions get new ones with their own refresh tokens).
            await self.refresh_tokens.revoke_family(token.family_id, now)
            await self._revoke_access_tokens(token.user_id, now)
            raise _invalid_grant("The refresh token was already used; its session is revoked.")
        user = await self.users.with_organisation(token.user_id)
        if user is None or not user.active:
            raise _invalid_grant("The account is disabled.")
        return await self._tokens_for(user, token.family_id, token.expires_at, now)

    async def _revoke_access_tokens(self, user_id: uuid.UUID, now: datetime) -> None:
        user = await self.users.by_id(user_id)
        if user is None:
            return
        user.tokens_not_before = tokens_valid_after_change(now)
        await self.users.flush()
        if self.states is not None:
            self.states.forget("user", user.id)

    async def _access_token(self, account: User | ApiClient, now: datetime) -> AccessToken:
        wait = (account.tokens_not_before - now).total_seconds()
        if wait > 0:
            # The account changed within this second; `iat` is in whole seconds, so a token
            # dated now would be refused as older than the change. It is dated next second
            # (with a margin, so `iat` is never ahead of a strict verifier's clock).
            await asyncio.sleep(wait + 0.01)
            now = utcnow()
        return self.ensure_issuing().issue(_subject(account), now)

    async def _tokens_for(
        self, user: User, family_id: uuid.UUID, expires_at: datetime, now: datetime
    ) -> TokenResponse:
        access = await self._access_token(user, now)
        refresh = credentials.new_secret()
        self.refresh_tokens.add(
            RefreshToken(
                token_hash=credentials.digest(refresh),
                family_id=family_id,
                user_id=user.id,
                issued_at=now,
                expires_at=expires_at,
            )
        )
        await self.refresh_tokens.flush()
        return TokenResponse(
            access_token=access.token, expires_in=access.expires_in, refresh_token=refresh
        )
