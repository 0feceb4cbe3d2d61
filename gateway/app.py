"""The gateway: `create_app(settings)` builds it, doing no work at import time.

The suite's one public entry: it issues and checks tokens, manages accounts, documents the
whole API, and forwards every other `/api/v1` path to the service that owns it. Around
every route, two layers: the audit trail (outer, so it records replays too) and
idempotency keys.
"""

from collections.abc import Mapping

import httpx
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from sqlalchemy.exc import IntegrityError

from gateway.audit.middleware import AuditTrail
from gateway.audit.router import router as audit_router
from gateway.audit.service import AuditLog
from gateway.docs.router import router as docs_router
from gateway.docs.service import OpenApiCatalogue
from gateway.forwarding.forwarder import Forwarder
from gateway.forwarding.router import GATEWAY_PART, ForwardedDirectly, readiness
from gateway.forwarding.router import router as forwarding_router
from gateway.forwarding.routes import API_PREFIX, RouteTable
from gateway.idempotency.middleware import IdempotentPosts
from gateway.idempotency.service import IdempotencyStore
from gateway.identity.account_states import AccountStates
from gateway.identity.router import routers as identity_routers
from gateway.identity.service import AccountService
from gateway.lockout.service import SignInGuard
from gateway.settings import Settings
from gateway.state import GatewayState
from gateway.timeline.router import router as timeline_router
from gateway.tokens.issuer import AccessTokenIssuer
from gateway.tokens.keys import load_signing_key
from gateway.tokens.router import jwks_router
from gateway.tokens.router import router as token_router
from shared.app import ServiceParts, create_service_app
from shared.db import Database, utcnow

_TAGS = [
    {"name": "auth", "description": "Tokens (OAuth2)"},
    {"name": "me", "description": "The caller"},
    {"name": "organisations", "description": "Organisations taking part in the mechanism"},
    {"name": "users", "description": "User accounts"},
    {"name": "clients", "description": "API clients of other systems (machine to machine)"},
    {"name": "audit", "description": "The audit log of access to personal data and decisions"},
]
# Expired idempotency records and sign-in counts are deleted this often, in every replica
# (deleting what has expired is safe to repeat).
_PURGE_INTERVAL_SECONDS = 600.0
# An in-flight idempotency record outlives the longest a forwarded request can take.
_IN_FLIGHT_MARGIN_SECONDS = 30.0


def create_app(
    settings: Settings | None = None, *, transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    settings = settings or Settings()
    if settings.oidc_jwks_url:
        signing_key = None
        issuer = None
        verification = {
            "jwks_json": None,
            "jwks_url": settings.oidc_jwks_url,
            "jwt_issuer": settings.oidc_issuer or settings.jwt_issuer,
        }
    else:
        signing_key = load_signing_key(settings)
        issuer = AccessTokenIssuer(
            signing_key,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl_seconds=settings.access_token_ttl_seconds,
        )
        verification = {"jwks_json": signing_key.jwks_json, "jwks_url": None}
    # The shared verifier checks the gateway's own key (or the external issuer's).
    settings = settings.model_copy(update=verification)
    routes = RouteTable(settings.routes)

    async def on_startup(app: FastAPI) -> None:
        if settings.bootstrap_admin_password is not None and state.own_tokens:
            await _ensure_bootstrap_admin(
                app.state.database, settings.bootstrap_admin_password.get_secret_value()
            )

    own_routers = [
        token_router,
        jwks_router,
        *identity_routers,
        audit_router,
        docs_router,
        timeline_router,
    ]
    parts = ServiceParts(
        name="gateway",
        title="NIRM gateway",
        routers=[*own_routers, forwarding_router],
        openapi_tags=_TAGS,
        readiness=readiness,
        jobs=[(_PURGE_INTERVAL_SECONDS, _purge_expired)],
        middleware=[AuditTrail, IdempotentPosts, ForwardedDirectly],
        http_client=settings.forwarder,
    )
    app = create_service_app(parts, settings, transport=transport, on_startup=on_startup)
    database: Database = app.state.database
    forwarder = Forwarder(
        app.state.http, settings.service_urls, timeout=settings.forward_timeout_seconds
    )
    state = GatewayState(
        settings=settings,
        routes=routes,
        dispatch=_dispatch(settings.routes, own_routers),
        forwarder=forwarder,
        openapi=OpenApiCatalogue(sorted(routes.parts)),
        signing_key=signing_key,
        issuer=issuer,
        accounts=AccountStates(settings.account_cache_seconds),
        audit=AuditLog(database),
        idempotency=IdempotencyStore(
            database,
            lease_seconds=settings.forward_timeout_seconds + _IN_FLIGHT_MARGIN_SECONDS,
        ),
        sign_in_guard=SignInGuard(
            database,
            max_per_username=settings.sign_in_max_failures,
            max_per_address=settings.sign_in_max_failures_per_address,
            lockout_seconds=settings.sign_in_lockout_seconds,
        ),
    )
    app.state.gateway = state
    return app


def _dispatch(routes: Mapping[str, str], routers: list[APIRouter]) -> RouteTable:
    """The services' prefixes and the public paths the gateway serves itself."""
    own = {
        route.path: GATEWAY_PART
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute) and route.path.startswith(API_PREFIX + "/")
    }
    return RouteTable({**routes, **own})


async def _purge_expired(app: FastAPI) -> None:
    state: GatewayState = app.state.gateway
    now = utcnow()
    await state.idempotency.purge(now)
    await state.sign_in_guard.purge(now)


async def _ensure_bootstrap_admin(database: Database, password: str) -> None:
    try:
        async with database.sessions() as session, session.begin():
            await AccountService(session).ensure_bootstrap_admin(password, utcnow())
    except IntegrityError:
        pass  # another replica, starting at the same moment, made it first
