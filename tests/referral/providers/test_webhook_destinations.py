"""A provider's webhook may not make the suite call itself or its network (OWASP API7).

Refused when written (422 naming `webhook_url`), whether the host is an address or a name
that resolves to one; checked again before each delivery, which then connects to the very
address it checked; redirects are never followed. `NIRM_REFERRAL_WEBHOOK_ALLOWED_HOSTS`
lets named hosts through. Nothing here leaves the process: the receivers are in-process
apps, and names are resolved by a stand-in resolver where the test says so.
"""

import uuid

import pytest
from fastapi import FastAPI, Request, Response

from referral_svc.app import create_app
from referral_svc.db import EVENTS
from shared.events.relay import Relay
from shared.http import HttpxClient
from shared.outbound import OutboundPolicy, UnsafeDestination
from tests.support.apps import SuiteTransport, client_for
from tests.support.auth import TokenIssuer
from tests.support.databases import DatabaseFactory
from tests.support.identification import Caller, Callers
from tests.support.problems import assert_problem
from tests.support.referral import Referral, StandInIdentification, provider_body, settings_for

SECRET = "a-webhook-secret-of-the-ngo"
REFUSED = [
    "http://127.0.0.1/hook",
    "http://127.1/hook",
    "http://2130706433/hook",
    "http://0.0.0.0:8001/internal/events",
    "http://localhost:8003/internal/events",
    "http://api.localhost/hook",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fe80::1]/hook",
    "http://10.0.0.5/hook",
    "http://172.16.3.4/hook",
    "http://192.168.1.1/hook",
    "http://100.64.0.1/hook",
    "http://224.0.0.1/hook",
    "http://[fd00::1]/hook",
    "https://identification/internal/events",
    "http://RISK./internal/events",
]
PUBLIC = "93.184.215.14"


def webhook(url: str) -> dict[str, str]:
    return {"webhook_url": url, "webhook_secret": SECRET}


def stand_in_dns(table: dict[str, list[str]]):
    async def resolver(host: str, _port: int) -> list[str]:
        return table.get(host, [])

    return resolver


@pytest.mark.parametrize("url", REFUSED)
async def test_a_webhook_to_this_machine_the_suite_or_a_private_network_is_refused(
    service: Referral, url: str
) -> None:
    created = await service.send(
        "POST",
        "/api/v1/providers",
        service.coordinator,
        provider_body(uuid.uuid4(), **webhook(url)),
    )
    assert created.status_code == 422, (url, created.text)
    assert created.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in created.json()["errors"]] == ["webhook_url"]

    entry = await service.provider()
    changed = await service.send(
        "PATCH", f"/api/v1/providers/{entry['id']}", service.coordinator, webhook(url)
    )
    assert changed.status_code == 422, (url, changed.text)
    assert [e["field"] for e in changed.json()["errors"]] == ["webhook_url"]
    stored = await service.send("GET", f"/api/v1/providers/{entry['id']}", service.coordinator)
    assert stored.json()["has_webhook"] is False
    assert stored.json()["updated_at"] == entry["updated_at"]


async def test_a_public_host_and_an_allowed_private_one_are_accepted(
    fresh_databases: DatabaseFactory, issuer: TokenIssuer, callers: Callers
) -> None:
    settings = settings_for(
        fresh_databases.new("referral"), issuer, webhook_allowed_hosts=["hooks.ngo.vpn"]
    )
    app = create_app(settings, transport=SuiteTransport())
    async with client_for(app) as client:
        service = Referral(app, client, callers, StandInIdentification())
        for url in (f"https://{PUBLIC}/nirm", "https://hooks.ngo.vpn:8443/nirm"):
            entry = await service.provider(uuid.uuid4(), **webhook(url))
            assert entry["has_webhook"] is True
        refused = await service.send(
            "POST",
            "/api/v1/providers",
            service.coordinator,
            provider_body(uuid.uuid4(), **webhook("http://10.0.0.5/nirm")),
        )
        assert_problem(
            refused,
            422,
            "webhook_url",
            slug="validation",
            detail="10.0.0.5 is a non-public address.",
        )


async def test_a_name_resolving_to_a_private_address_is_refused_when_written() -> None:
    policy = OutboundPolicy(resolver=stand_in_dns({"rebind.example": ["10.9.8.7"]}))
    with pytest.raises(UnsafeDestination, match=r"10\.9\.8\.7"):
        await policy.check("https://rebind.example/hook")
    # A name that does not resolve yet is accepted; each delivery resolves it again.
    await policy.check("https://not-yet.example/hook")
    with pytest.raises(UnsafeDestination, match="does not resolve"):
        await policy.target("https://not-yet.example/hook")


async def test_a_delivery_goes_to_the_address_it_checked_and_never_follows_a_redirect(
    service: Referral, police: Caller, callers: Callers
) -> None:
    received: list[tuple[str, str]] = []
    redirected: list[str] = []

    def receiver() -> FastAPI:
        app = FastAPI()

        @app.post("/nirm")
        async def hook(request: Request) -> Response:
            received.append((request.scope["server"][0], request.headers["host"]))
            return Response(status_code=307, headers={"Location": "http://metadata/steal"})

        return app

    metadata = FastAPI()

    @metadata.post("/steal")
    async def steal() -> Response:
        redirected.append("followed")
        return Response(status_code=204)

    organisation = uuid.uuid4()
    shelter = await service.provider(organisation, **webhook("https://hooks.ngo.example/nirm"))
    case_id = await service.adult_with_consent(police)
    await service.referral(police, case_id, shelter["id"])

    dns = {"hooks.ngo.example": [PUBLIC]}
    transport = SuiteTransport({PUBLIC: receiver(), "metadata": metadata})
    relay = Relay(
        service.app.state.database,
        EVENTS,
        internal_secret="not-used-for-webhooks-0000",
        service_urls={},
        secret_resolver=service.app.state.relay.secret_resolver,
        outbound=OutboundPolicy(resolver=stand_in_dns(dns)),
        client=HttpxClient(5.0, transport),
    )
    try:
        assert await relay.run_once() == 0  # answered 307: not delivered, not followed
        assert received == [(PUBLIC, "hooks.ngo.example")]
        assert redirected == []

        # The name now points inside (DNS rebinding): the next try sends nothing.
        dns["hooks.ngo.example"] = ["10.0.0.8"]
        async with service.app.state.database.sessions.begin() as session:
            await session.execute(
                EVENTS.outbox.update().values(available_at=EVENTS.outbox.c.created_at)
            )
        assert await relay.run_once() == 0
        assert received == [(PUBLIC, "hooks.ngo.example")]
        rows = await service.sql("SELECT last_error FROM outbox WHERE destination LIKE 'https:%'")
        assert rows
        assert all("refused" in str(error) for (error,) in rows), rows
    finally:
        await relay.client.aclose()


async def test_pinning_keeps_the_host_for_the_request_and_for_tls() -> None:
    policy = OutboundPolicy(
        resolver=stand_in_dns({"hooks.example": [PUBLIC], "v6.example": ["2606:2800:220:1::"]})
    )
    target = await policy.target("https://hooks.example:8443/nirm?x=1")
    assert target.url == f"https://{PUBLIC}:8443/nirm?x=1"
    assert target.headers == {"Host": "hooks.example:8443"}
    assert target.server_name == "hooks.example"
    six = await policy.target("http://v6.example/nirm")
    assert six.url == "http://[2606:2800:220:1::]/nirm"
    with pytest.raises(UnsafeDestination, match="credentials"):
        await policy.target("https://user:pw@hooks.example/nirm")
