"""`/metrics` of every part, scraped with Prometheus's own text parser: the counters and
gauges move as a flow goes through the suite, and only a scraper with the token reads them
— never through the gateway's public paths."""

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Response
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from referral_svc.referrals.expiry import expire_overdue_referrals
from referral_svc.referrals.models import Referral
from shared.db import utcnow
from tests.support.apps import SuiteTransport
from tests.support.databases import DatabaseFactory
from tests.support.referral import provider_body
from tests.support.suite import Suite, gateway_settings, running_suite

TOKEN = "a-scraper-token-of-the-operations-team"
SCRAPER = {"Authorization": f"Bearer {TOKEN}"}
HOOK_HOST = "hooks.ngo"
PARTS = ("gateway", "identification", "risk", "referral")
ADULT = ["DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04"]

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def flaky_webhook() -> FastAPI:
    """A provider's server that fails its first delivery and takes the rest."""
    app = FastAPI()
    calls: list[int] = []

    @app.post("/nirm")
    async def receive() -> Response:
        calls.append(1)
        return Response(status_code=503 if len(calls) == 1 else 204)

    return app


@pytest.fixture
async def suite(
    fresh_databases: DatabaseFactory, tmp_path: Path, cheap_password_hashing: None
) -> AsyncIterator[Suite]:
    settings = gateway_settings(fresh_databases, tmp_path / "gateway-data")
    settings.metrics_token = TOKEN
    own: dict[str, Any] = {"metrics_token": TOKEN}
    overrides: dict[str, dict[str, Any]] = {
        "identification": own,
        "risk": own,
        "referral": {**own, "webhook_allowed_hosts": [HOOK_HOST]},
    }
    transport = SuiteTransport({HOOK_HOST: flaky_webhook()})
    async with running_suite(
        settings, fresh_databases, transport=transport, service_overrides=overrides
    ) as running:
        yield running


async def scrape(suite: Suite) -> dict[str, Samples]:
    """Every part's samples, by name and labels."""
    scraped = {}
    for part in PARTS:
        async with suite.direct(part) as client:
            response = await client.get("/metrics", headers=SCRAPER)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/plain")
        samples: Samples = {}
        for family in text_string_to_metric_families(response.text):
            for sample in family.samples:
                assert sample.labels.get("part") == part, sample
                samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
        scraped[part] = samples
    return scraped


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def requests(samples: Samples, part: str, method: str, route: str, status: int) -> float:
    labels = {"part": part, "method": method, "route": route, "status": str(status)}
    return value(samples, "nirm_http_requests_total", **labels)


async def test_counters_and_gauges_move_as_a_referral_flow_goes_through(suite: Suite) -> None:
    before = await scrape(suite)
    social_worker = await suite.headers_for("social_worker", kind="social_services")
    coordinator = await suite.headers_for("coordinator", kind="national_agency", county="national")
    screening = await suite.http.post(
        "/api/v1/screenings",
        json={
            "subject": {"age": 29, "gender": "female", "citizenship": "RO"},
            "context": {"county": "RO-IS", "setting": "social_services"},
            "answers": [{"indicator": code, "answer": "yes"} for code in ADULT],
        },
        headers=social_worker,
    )
    assert screening.status_code == 201, screening.text
    case_id = screening.json()["case_id"]
    await suite.settle()
    consent = await suite.http.post(
        f"/api/v1/cases/{case_id}/consents",
        json={"scope": "referral", "given": True, "method": "written"},
        headers=social_worker,
    )
    assert consent.status_code == 201, consent.text
    shelter = await suite.http.post(
        "/api/v1/providers",
        json=provider_body(
            uuid.uuid4(), webhook_url=f"http://{HOOK_HOST}/nirm", webhook_secret="s" * 24
        ),
        headers=coordinator,
    )
    assert shelter.status_code == 201, shelter.text
    referral = await suite.http.post(
        "/api/v1/referrals",
        json={"case_id": case_id, "provider_id": shelter.json()["id"], "services": ["shelter"]},
        headers=social_worker,
    )
    assert referral.status_code == 201, referral.text
    await suite.settle()
    after = await scrape(suite)

    gateway, identification = after["gateway"], after["identification"]
    for samples, part, route in [
        (gateway, "gateway", "/api/v1/screenings"),
        (identification, "identification", "/api/v1/screenings"),
    ]:
        moved = requests(samples, part, "POST", route, 201)
        assert moved - requests(before[part], part, "POST", route, 201) == 1
    consents = "/api/v1/cases/{case_id}/consents"
    assert requests(identification, "identification", "POST", consents, 201) == 1
    latency = {"part": "identification", "method": "POST", "route": consents}
    assert value(identification, "nirm_http_request_duration_seconds_count", **latency) == 1
    assert value(identification, "nirm_http_request_duration_seconds_sum", **latency) > 0
    assert requests(gateway, "gateway", "POST", "/api/v1/referrals", 201) == 1

    referral_samples = after["referral"]
    webhook = {"part": "referral"}
    assert (
        value(referral_samples, "nirm_webhook_deliveries_total", **webhook, outcome="failed") == 1
    )
    failures = "nirm_relay_failures_total"
    assert value(referral_samples, failures, **webhook, destination="webhook") == 1
    # The failed delivery waits for its retry: the outbox has a backlog.
    assert value(referral_samples, "nirm_outbox_pending_events", **webhook) == 1
    assert value(referral_samples, "nirm_outbox_oldest_pending_age_seconds", **webhook) > 0
    assert value(identification, "nirm_outbox_pending_events", part="identification") == 0

    async with suite.services["referral"].state.database.sessions.begin() as session:
        await session.execute(
            update(Referral)
            .where(Referral.id == uuid.UUID(referral.json()["id"]))
            .values(respond_by=utcnow() - timedelta(days=1))
        )
    overdue = (await scrape(suite))["referral"]
    assert value(overdue, "nirm_referrals_past_deadline", **webhook) == 1
    state = suite.services["referral"].state
    assert (
        await expire_overdue_referrals(
            state.database, state.outbox, state.directory_snapshot, utcnow()
        )
        == 1
    )
    expired = (await scrape(suite))["referral"]
    assert value(expired, "nirm_referrals_past_deadline", **webhook) == 0
    assert value(expired, "nirm_referrals_expired", **webhook) == 1


async def test_only_a_scraper_with_the_token_reads_metrics_and_never_through_the_gateway(
    suite: Suite,
) -> None:
    for part in PARTS:
        async with suite.direct(part) as client:
            assert (await client.get("/metrics")).status_code == 401
            wrong = {"Authorization": "Bearer not-the-token"}
            assert (await client.get("/metrics", headers=wrong)).status_code == 401
    for path in ("/api/v1/metrics", "/api/v1/referrals/metrics", "/api/v1/../metrics"):
        response = await suite.http.get(path, headers=SCRAPER)
        assert response.status_code in (401, 404), (path, response.status_code)
        assert "nirm_http_requests" not in response.text
