"""What every service knows of revoked tokens: the gateway's list of changed accounts.

The gateway owns the accounts. Disabling one, a new password, new roles, or a refresh
token used twice move the account's `tokens_not_before` to the next whole second; a token
whose `iat` is earlier is revoked. The gateway answers `GET /internal/revocations` (signed
with the internal secret, like event deliveries) with every account whose
`tokens_not_before` lies within the last `HORIZON` — longer than any access token lives,
so an account not listed has no revoked token that has not expired anyway.

Each replica of each service fetches that list in the background every `POLL_SECONDS`
and keeps it in memory, so checking a token costs a dictionary lookup, no database or
HTTP round trip. A list older than `MAX_AGE_SECONDS` (the gateway's own one-second
account memory) is fetched again before a token is admitted; when the gateway cannot be
asked, tokens are refused (503) rather than admitted unchecked. Every replica fetches for
itself, so what one replica learned is never the only copy.
"""

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from pydantic import BaseModel, ValidationError

from shared.auth.principal import Principal
from shared.errors import ServiceUnavailable, Unauthenticated
from shared.http import HttpClient, InvalidTarget, Unreachable
from shared.signing import SIGNATURE_HEADER, sign, verify

REVOCATIONS_PATH = "/internal/revocations"
POLL_SECONDS = 0.5
MAX_AGE_SECONDS = 1.0
# The longest access-token lifetime the gateway allows (24 h), and a margin for the
# verifiers' leeway on `exp`.
HORIZON = timedelta(hours=24, minutes=1)
# What the request's signature covers: a GET has no body, so its request line.
_SIGNED = f"GET {REVOCATIONS_PATH}".encode()
logger = logging.getLogger("nirm.revocations")


class RevokedAccount(BaseModel):
    kind: str
    id: uuid.UUID
    active: bool
    tokens_not_before: datetime


class RevocationList(BaseModel):
    """Accounts whose tokens issued before `tokens_not_before` are no longer valid."""

    accounts: list[RevokedAccount]


class AccountDisabled(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("The token's account is disabled.")


class TokenRevoked(Unauthenticated):
    """A token issued before a change to its account (a password, roles, disabling)."""

    def __init__(self) -> None:
        super().__init__("The token was revoked by a change to its account.")


class RevocationsUnknown(ServiceUnavailable):
    def __init__(self) -> None:
        super().__init__("The gateway cannot be asked which tokens are revoked.")


def request_signature(secret: str, now: int) -> str:
    return sign(secret, _SIGNED, now)


def signature_valid(secret: str, header: str, now: int) -> bool:
    return verify(secret, _SIGNED, header, now)


class Revocations:
    """One replica's copy of the gateway's revocation list."""

    def __init__(
        self,
        gateway_url: str,
        secret: str,
        client: HttpClient,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = gateway_url.rstrip("/") + REVOCATIONS_PATH
        self._secret = secret
        self._client = client
        self._clock = clock
        # (kind, account id) -> (active, tokens valid from, seconds since the epoch)
        self._accounts: dict[tuple[str, uuid.UUID], tuple[bool, float]] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def check(self, principal: Principal) -> None:
        """Refuse the principal's token if its account revoked it (401), or if whether it
        did cannot be known (503)."""
        fetched_at = self._fetched_at
        if fetched_at is None or self._clock() - fetched_at > MAX_AGE_SECONDS:
            await self._refresh_now()
        state = self._accounts.get((principal.kind, principal.subject_id))
        if state is None:
            return
        active, not_before = state
        if not active:
            raise AccountDisabled()
        if principal.issued_at < not_before:
            raise TokenRevoked()

    async def _refresh_now(self) -> None:
        async with self._lock:
            fetched_at = self._fetched_at
            if fetched_at is not None and self._clock() - fetched_at <= MAX_AGE_SECONDS:
                return  # fetched while this request waited for the lock
            try:
                await self.refresh()
            except (Unreachable, InvalidTarget, ValidationError, ValueError) as exc:
                raise RevocationsUnknown() from exc

    async def refresh(self) -> None:
        """Fetch the list from the gateway and replace this replica's copy."""
        asked_at = self._clock()
        signature = request_signature(self._secret, int(time.time()))
        answer = await self._client.send(
            "GET", self._url, [(SIGNATURE_HEADER.lower().encode(), signature.encode())]
        )
        if answer.status != 200:
            raise ValueError(f"the gateway answered {answer.status}")
        listed = RevocationList.model_validate_json(answer.body)
        self._accounts = {
            (a.kind, a.id): (a.active, a.tokens_not_before.timestamp()) for a in listed.accounts
        }
        self._fetched_at = asked_at

    async def run_forever(self) -> None:
        while True:
            try:
                async with self._lock:
                    await self.refresh()
            except Exception as exc:  # the next request fetches again, or answers 503
                logger.warning("revocation list not fetched", extra={"status": repr(exc)})
            await asyncio.sleep(POLL_SECONDS)
