"""What the gateway's routes and middleware share, built once per app by `create_app`."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from gateway.audit.service import AuditLog
from gateway.docs.service import OpenApiCatalogue
from gateway.forwarding.forwarder import Forwarder
from gateway.forwarding.routes import RouteTable
from gateway.idempotency.service import IdempotencyStore
from gateway.identity.account_states import AccountStates
from gateway.lockout.service import SignInGuard
from gateway.settings import Settings
from gateway.tokens.issuer import AccessTokenIssuer
from gateway.tokens.keys import SigningKey


@dataclass(frozen=True)
class GatewayState:
    settings: Settings
    routes: RouteTable
    # `routes` and the gateway's own public paths (as the part "gateway"): the longest
    # match says who serves a path (a case's timeline is the gateway's, under `/cases`).
    dispatch: RouteTable
    forwarder: Forwarder
    openapi: OpenApiCatalogue
    # Both None when an external OpenID Connect issuer signs the tokens.
    signing_key: SigningKey | None
    issuer: AccessTokenIssuer | None
    accounts: AccountStates
    audit: AuditLog
    idempotency: IdempotencyStore
    sign_in_guard: SignInGuard

    @property
    def own_tokens(self) -> bool:
        """Whether the tokens are the gateway's, so accounts are in its database."""
        return self.issuer is not None


def gateway_state(request: Request) -> GatewayState:
    state: GatewayState = request.app.state.gateway
    return state


async def _state_dependency(request: Request) -> GatewayState:
    return gateway_state(request)


# For a route's signature (an async dependency: a plain one would cost a thread hop).
State = Annotated[GatewayState, Depends(_state_dependency)]
