"""The whole suite in one process: the real gateway in front of the real services.

Each part has its own fresh, migrated database; the parts reach each other through
`SuiteTransport` at `http://<part>`; events go where `services/registry.py` subscribes
them. Relays do not run in the background: `settle()` drives them until no event is left,
so a test says exactly when events have been delivered.
"""

import base64
import os
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from gateway.app import create_app as create_gateway_app
from gateway.settings import Settings as GatewaySettings
from gateway.tokens.keys import load_signing_key
from services.registry import SERVICES, subscriptions
from tests.support.apps import SuiteTransport, client_for, running
from tests.support.databases import DatabaseFactory

ADMIN_PASSWORD = "bootstrap-admin-secret"
USER_PASSWORD = "a-long-enough-password"
# The parts' shared secret (the shipped default is refused on PostgreSQL).
INTERNAL_SECRET = "suite-test-internal-secret"
SERVICE_URLS = {
    name: f"http://{name}" for name in ("gateway", "identification", "risk", "referral")
}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


class RecordingTransport(httpx.AsyncBaseTransport):
    """The gateway's view of the suite: keeps each request it sent to a service."""

    def __init__(self, suite: SuiteTransport) -> None:
        self.suite = suite
        self.forwarded: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != "gateway":
            self.forwarded.append(request)
        return await self.suite.handle_async_request(request)


@dataclass
class Suite:
    """A running suite and the calls its tests keep making, all through the gateway."""

    http: httpx.AsyncClient
    app: FastAPI
    settings: GatewaySettings
    transport: SuiteTransport
    forwarded: list[httpx.Request]
    services: dict[str, FastAPI] = field(default_factory=dict)
    _admin: dict[str, str] = field(default_factory=dict)

    async def settle(self, rounds: int = 20) -> None:
        """Deliver every pending event, including those the deliveries cause."""
        for _ in range(rounds):
            delivered = 0
            for service in self.services.values():
                relay = service.state.relay
                if relay is not None:
                    delivered += await relay.run_once()
            if not delivered:
                return
        raise AssertionError(f"events kept flowing after {rounds} rounds")

    def direct(self, part: str) -> httpx.AsyncClient:
        """A client of one part called directly, not through the gateway."""
        app = self.app if part == "gateway" else self.services[part]
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{part}")

    async def login(self, username: str, password: str) -> httpx.Response:
        return await self.http.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": password},
        )

    async def token(self, username: str, password: str = USER_PASSWORD) -> str:
        response = await self.login(username, password)
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    async def admin(self) -> dict[str, str]:
        if not self._admin:
            self._admin = bearer(await self.token("admin", ADMIN_PASSWORD))
        return self._admin

    async def organisation(self, **fields: Any) -> dict[str, Any]:
        body = {"name": "IPJ Iași", "kind": "police", "county": "RO-IS", **fields}
        response = await self.http.post(
            "/api/v1/organisations", json=body, headers=await self.admin()
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def user(
        self, *roles: str, username: str | None = None, organisation_id: str | None = None
    ) -> dict[str, Any]:
        organisation_id = organisation_id or (await self.organisation())["id"]
        body = {
            "username": username or f"user-{uuid.uuid4().hex[:8]}",
            "password": USER_PASSWORD,
            "full_name": "Ana Popescu",
            "organisation_id": organisation_id,
            "roles": list(roles or ("police",)),
        }
        response = await self.http.post("/api/v1/users", json=body, headers=await self.admin())
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def user_token(self, *roles: str, **organisation: Any) -> tuple[dict[str, Any], str]:
        """A new user with `roles` in a new organisation (fields from `organisation`)."""
        org_id = (await self.organisation(**organisation))["id"] if organisation else None
        user = await self.user(*roles, organisation_id=org_id)
        return user, await self.token(user["username"])

    async def headers_for(self, *roles: str, **organisation: Any) -> dict[str, str]:
        return bearer((await self.user_token(*roles, **organisation))[1])


def gateway_settings(databases: DatabaseFactory, data_dir: Path) -> GatewaySettings:
    return GatewaySettings(
        database_url=databases.new("gateway"),
        data_dir=data_dir,
        bootstrap_admin_password=ADMIN_PASSWORD,
        service_urls=SERVICE_URLS,
        internal_secret=INTERNAL_SECRET,
        # Generous: a loaded CI machine must not turn a slow answer into a 503. The tests of
        # the timeout itself set their own (tests/gateway).
        forward_timeout_seconds=30.0,
    )


def service_settings(
    name: str, databases: DatabaseFactory, jwks_json: str, **overrides: Any
) -> Any:
    """Settings of service `name` as the runner would give them, on a fresh database
    (`overrides` set the part's own settings)."""
    part = next(p for p in SERVICES if p.name == name)
    extra = {key: new_key() for key in part.keys}
    return part.settings_class()(
        database_url=databases.new(name),
        jwks_json=jwks_json,
        service_urls=SERVICE_URLS,
        subscriptions=subscriptions(),
        internal_secret=INTERNAL_SECRET,
        run_relay=False,
        **{**extra, **overrides},
    )


@asynccontextmanager
async def running_suite(
    settings: GatewaySettings,
    databases: DatabaseFactory | None = None,
    *,
    transport: SuiteTransport | None = None,
    service_overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> AsyncIterator[Suite]:
    """The gateway, and with `databases` the real services behind it; without them the
    gateway reaches only what `transport` holds (by default, nothing). `service_overrides`
    gives a service settings of its own, by part name."""
    transport = transport or SuiteTransport()
    recorder = RecordingTransport(transport)
    app = create_gateway_app(settings, transport=recorder)
    jwks_json = load_signing_key(settings).jwks_json
    services: dict[str, FastAPI] = {}
    if databases is not None:
        for part in SERVICES:
            own = (service_overrides or {}).get(part.name, {})
            services[part.name] = part.create_app(
                service_settings(part.name, databases, jwks_json, **own), transport=transport
            )
    transport.add("gateway", app)
    for name, service in services.items():
        transport.add(name, service)
    async with running(*services.values()), client_for(app, base_url="http://gateway") as http:
        yield Suite(http, app, settings, transport, recorder.forwarded, services)
