"""Fixtures of the gateway's tests: a gateway on a fresh database with its bootstrap admin,
and the suite behind it (the real services, each on its own fresh database), wired
in-process through `SuiteTransport`."""

import base64
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI

from gateway.app import create_app
from gateway.identity import credentials
from gateway.settings import Settings
from gateway.tokens.keys import load_signing_key
from identification_svc.app import create_app as create_identification_app
from identification_svc.settings import Settings as IdentificationSettings
from referral_svc.app import create_app as create_referral_app
from referral_svc.settings import Settings as ReferralSettings
from risk_svc.app import create_app as create_risk_app
from risk_svc.settings import Settings as RiskSettings
from tests.support.apps import SuiteTransport, client_for, running
from tests.support.databases import DatabaseFactory

ADMIN_PASSWORD = "bootstrap-admin-secret"
USER_PASSWORD = "a-long-enough-password"
SERVICE_URLS = {
    "gateway": "http://gateway",
    "identification": "http://identification",
    "risk": "http://risk",
    "referral": "http://referral",
}


class RecordingTransport(httpx.AsyncBaseTransport):
    """The gateway's view of the suite: keeps each request the gateway sent to a service, so
    tests can see what it forwarded (calls between the services are not the gateway's)."""

    def __init__(self, suite: SuiteTransport) -> None:
        self.suite = suite
        self.forwarded: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != "gateway":
            self.forwarded.append(request)
        return await self.suite.handle_async_request(request)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Gateway:
    """A running gateway and the calls its tests keep making."""

    http: httpx.AsyncClient
    app: FastAPI
    settings: Settings
    transport: SuiteTransport
    forwarded: list[httpx.Request]
    _admin: dict[str, str] = field(default_factory=dict)

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

    async def user_token(self, *roles: str) -> tuple[dict[str, Any], str]:
        user = await self.user(*roles)
        return user, await self.token(user["username"])


@pytest.fixture
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its production cost takes ~0.1 s a hash; tests hash hundreds of times.
    (`test_password_storage.py` checks the production parameters.)"""
    monkeypatch.setattr(
        credentials, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def gateway_settings(
    fresh_databases: DatabaseFactory, tmp_path: Path, cheap_password_hashing: None
) -> Settings:
    return Settings(
        database_url=fresh_databases.new("gateway"),
        data_dir=tmp_path / "gateway-data",
        bootstrap_admin_password=ADMIN_PASSWORD,
        service_urls=SERVICE_URLS,
        forward_timeout_seconds=2.0,
    )


@asynccontextmanager
async def gateway_alone(
    settings: Settings, services: SuiteTransport | None = None
) -> AsyncIterator[Gateway]:
    """A running gateway whose services are all unreachable (unless `services` says else)."""
    suite = services or SuiteTransport()
    recorder = RecordingTransport(suite)
    app = create_app(settings, transport=recorder)
    async with client_for(app, base_url="http://gateway") as http:
        yield Gateway(http, app, settings, suite, recorder.forwarded)


@pytest.fixture
async def gateway(gateway_settings: Settings) -> AsyncIterator[Gateway]:
    async with gateway_alone(gateway_settings) as running_gateway:
        yield running_gateway


@pytest.fixture
async def suite(
    fresh_databases: DatabaseFactory, gateway_settings: Settings
) -> AsyncIterator[Gateway]:
    """The gateway in front of the real identification, risk and referral services, which
    verify its tokens with its published key."""
    suite = SuiteTransport()
    recorder = RecordingTransport(suite)
    app = create_app(gateway_settings, transport=recorder)
    common: dict[str, Any] = {
        "jwks_json": load_signing_key(gateway_settings).jwks_json,
        "service_urls": SERVICE_URLS,
        "run_relay": False,
    }
    services = {
        "identification": create_identification_app(
            IdentificationSettings(
                database_url=fresh_databases.new("identification"),
                data_key=base64.b64encode(os.urandom(32)).decode(),
                index_key=base64.b64encode(os.urandom(32)).decode(),
                **common,
            ),
            transport=suite,
        ),
        "risk": create_risk_app(
            RiskSettings(database_url=fresh_databases.new("risk"), **common), transport=suite
        ),
        "referral": create_referral_app(
            ReferralSettings(database_url=fresh_databases.new("referral"), **common),
            transport=suite,
        ),
    }
    for name, service in {"gateway": app, **services}.items():
        suite.add(name, service)
    async with running(*services.values()), client_for(app, base_url="http://gateway") as http:
        yield Gateway(http, app, gateway_settings, suite, recorder.forwarded)
