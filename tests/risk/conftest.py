"""The risk service under test: the real app over ASGI on a fresh, migrated database,
callers with gateway-format tokens, and case facts delivered as signed events."""

import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from risk_svc.app import create_app
from risk_svc.instruments import v1
from risk_svc.settings import Settings
from shared.db import utcnow
from tests.support.apps import SuiteTransport, client_for
from tests.support.auth import TokenIssuer
from tests.support.databases import DatabaseFactory
from tests.support.events import deliver, envelope

SECRET = "risk-tests-internal-secret"
IDENTIFICATION_URL = "http://identification"


@dataclass(frozen=True)
class Actor:
    """A caller: one role in one organisation."""

    role: str
    organisation_id: uuid.UUID
    county: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class RiskService:
    http: httpx.AsyncClient
    app: FastAPI
    issuer: TokenIssuer
    transport: SuiteTransport
    database_url: str

    def actor(
        self, role: str, *, organisation_id: uuid.UUID | None = None, county: str = "RO-IS"
    ) -> Actor:
        organisation_id = organisation_id or uuid.uuid4()
        token = self.issuer.token(role, organisation_id=organisation_id, county=county)
        return Actor(role, organisation_id, county, token)

    async def deliver(
        self, topic: str, payload: dict[str, Any], event_id: uuid.UUID | None = None
    ) -> httpx.Response:
        """POST one signed event envelope to the service's inbox."""
        source = "identification" if topic.startswith("case.") else "referral"
        return await deliver(
            self.http, SECRET, envelope(topic, payload, source=source, event_id=event_id)
        )

    async def open_case(
        self,
        opener: Actor,
        *,
        is_child: bool = False,
        county: str | None = "RO-IS",
        case_id: uuid.UUID | None = None,
        version: int = 1,
        status: str = "presumed",
        topic: str = "case.opened",
    ) -> uuid.UUID:
        """Tell the service of a case opened by `opener`'s organisation, as identification
        would (the whole `case.opened` payload of docs/events.md)."""
        case_id = case_id or uuid.uuid4()
        payload = case_payload(
            case_id,
            opener.organisation_id,
            is_child=is_child,
            county=county,
            version=version,
            status=status,
        )
        response = await self.deliver(topic, payload)
        assert response.json() == {"status": "processed"}, response.text
        return case_id

    async def refer(self, case_id: uuid.UUID, provider: Actor) -> None:
        payload = {
            "referral_id": str(uuid.uuid4()),
            "case_id": str(case_id),
            "provider_id": str(uuid.uuid4()),
            "provider_organisation_id": str(provider.organisation_id),
            "services": ["shelter"],
            "status": "sent",
            "urgency": "normal",
            "respond_by": utcnow().isoformat(),
        }
        response = await self.deliver("referral.created", payload)
        assert response.json() == {"status": "processed"}, response.text

    async def assess(
        self, actor: Actor, case_id: uuid.UUID, body: dict[str, Any]
    ) -> httpx.Response:
        return await self.http.post(
            f"/api/v1/cases/{case_id}/risk-assessments", json=body, headers=actor.headers
        )


def case_payload(
    case_id: uuid.UUID,
    organisation_id: uuid.UUID,
    *,
    is_child: bool = False,
    county: str | None = "RO-IS",
    version: int = 1,
    status: str = "presumed",
) -> dict[str, Any]:
    return {
        "case_id": str(case_id),
        "version": version,
        "status": status,
        "is_child": is_child,
        "county": county,
        "gender": "female",
        "exploitation_forms": ["labour"],
        "organisation_id": str(organisation_id),
        "is_foreign": False,
    }


def answers(
    yes: Iterable[str] = (),
    *,
    unknown: Iterable[str] = (),
    instrument: v1.InstrumentDefinition = v1.INITIAL,
    child: bool = False,
) -> list[dict[str, str]]:
    """Every applicable item of `instrument` answered "no" but those named."""
    yes, unknown = set(yes), set(unknown)
    return [
        {
            "item": item.code,
            "answer": "yes" if item.code in yes else "unknown" if item.code in unknown else "no",
        }
        for item in instrument.items
        if child or not item.child_only
    ]


def initial(yes: Iterable[str] = (), **extra: Any) -> dict[str, Any]:
    """A request body for the `initial` instrument; `extra` adds or overrides fields."""
    child = bool(extra.pop("child", False))
    return {"instrument": "initial", "answers": answers(yes, child=child), **extra}


@pytest.fixture
def transport() -> SuiteTransport:
    """Where the risk service's calls to other parts go; empty: nobody answers."""
    return SuiteTransport()


@pytest.fixture
async def risk(
    fresh_databases: DatabaseFactory, issuer: TokenIssuer, transport: SuiteTransport
) -> AsyncIterator[RiskService]:
    url = fresh_databases.new("risk")
    settings = Settings(
        database_url=url,
        jwks_json=issuer.jwks_json,
        internal_secret=SECRET,
        service_urls={"identification": IDENTIFICATION_URL},
        subscriptions={"risk.assessed": ["referral"]},
        run_relay=False,
    )
    app = create_app(settings, transport=transport)
    async with client_for(app) as http:
        yield RiskService(http, app, issuer, transport, url)


@pytest.fixture
def police(risk: RiskService) -> Actor:
    return risk.actor("police")


@pytest.fixture
def coordinator(risk: RiskService) -> Actor:
    return risk.actor("coordinator", county="national")
