"""What the gateway's routes and middleware share, built once per app by `create_app`."""

from dataclasses import dataclass

from fastapi import Request

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
