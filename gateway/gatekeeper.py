"""The front door's check on every authenticated request, the gateway's own and forwarded.

After the signature and claims (`shared.auth`), the gateway looks at the account as it is
now — one primary-key lookup, remembered for at most a second (`identity/account_states.
py`) — so a token of a disabled account, or one issued before a password or roles change,
is refused at once rather than when it expires. Then the request is counted against the
principal's rate limit, when one is set.

A request is admitted once: the first check (the idempotency layer's, or the route's) is
the answer to every later one, so it is looked up and counted once.
"""

from typing import Annotated

from fastapi import Depends, Request

from gateway.identity.exceptions import AccountNotActive
from gateway.identity.repository import AccountState
from gateway.identity.service import AccountService
from gateway.ratelimit.service import RateLimit
from gateway.state import gateway_state
from shared.auth.deps import current_principal
from shared.auth.principal import Principal
from shared.auth.revocations import TokenRevoked
from shared.db import Database, utcnow
from shared.errors import Problem


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
                return await AccountService(session).state(principal.kind, principal.subject_id)

        account = await state.accounts.get(principal.kind, principal.subject_id, load)
        if account is None or not account.active:
            raise AccountNotActive()
        if principal.issued_at < account.tokens_not_before.timestamp():
            raise TokenRevoked()
    if state.settings.rate_limit:
        await RateLimit(database, state.settings.rate_limit).count(principal.subject_id, utcnow())
    return principal


Authenticated = Annotated[Principal, Depends(authenticate)]
