"""The front door's check on every authenticated request, the gateway's own and forwarded.

After the signature and claims (`shared.auth`), the gateway looks at the account as it is
now — one primary-key lookup, remembered for at most a second (`identity/account_states.
py`) — so a token of a disabled account, or one issued before a password or roles change,
is refused at once rather than when it expires. Then the request is counted against the
principal's rate limit, when one is set.

A request is admitted once: the first check (the idempotency layer's, or the route's) is
the answer to every later one, so it is looked up and counted once.
"""

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from gateway.identity.repository import AccountState, IdentityRepository
from gateway.ratelimit.repository import RateWindowRepository
from gateway.state import gateway_state
from shared.auth.deps import current_principal
from shared.auth.principal import Principal
from shared.db import Database, utcnow
from shared.errors import Problem, Unauthenticated

_WINDOW_SECONDS = 60


async def authenticate(request: Request) -> Principal:
    outcome: Principal | Problem | None = getattr(request.state, "admission", None)
    if outcome is None:
        try:
            outcome = await _admit(request)
        except Problem as refusal:
            outcome = refusal
        request.state.admission = outcome
    if isinstance(outcome, Problem):
        raise outcome
    return outcome


async def _admit(request: Request) -> Principal:
    principal = await current_principal(request)
    state = gateway_state(request)
    database: Database = request.app.state.database
    if state.own_tokens:

        async def load() -> AccountState | None:
            # A short session of its own: a forwarded request must not hold a connection
            # while the service answers.
            async with database.sessions() as session:
                return await IdentityRepository(session).account_state(
                    principal.kind, principal.subject_id
                )

        account = await state.accounts.get(principal.kind, principal.subject_id, load)
        if account is None or not account.active:
            raise Unauthenticated("The token's account is disabled or no longer exists.")
        if principal.issued_at < account.tokens_not_before.timestamp():
            raise Unauthenticated("The token was revoked by a change to its account.")
    limit = state.settings.rate_limit
    if limit:
        now = utcnow()
        async with database.sessions() as session:
            requests = await RateWindowRepository(session).count(
                principal.subject_id, _window_start(now)
            )
            await session.commit()
        if requests > limit:
            retry_after = _WINDOW_SECONDS - int(now.timestamp()) % _WINDOW_SECONDS
            raise Problem(
                f"More than {limit} requests in a minute.",
                slug="rate-limited",
                headers={"Retry-After": str(retry_after)},
            )
    return principal


def _window_start(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


Authenticated = Annotated[Principal, Depends(authenticate)]
