"""Forwarding through the gateway to the real services: the owning part by path prefix,
what goes along and what comes back, and a dead or slow service answered with a quick 503."""

import asyncio
import json
import time
import uuid

import httpx
import pytest

from gateway.forwarding.routes import DEFAULT_ROUTES
from tests.gateway.conftest import Gateway, bearer, gateway_alone
from tests.support.apps import SuiteTransport


@pytest.mark.parametrize(
    ("path", "part"),
    [
        ("/api/v1/indicator-catalogues", "identification"),
        ("/api/v1/screenings?case_id=x", "identification"),
        ("/api/v1/cases", "identification"),
        ("/api/v1/cases/{id}", "identification"),
        ("/api/v1/cases/{id}/person", "identification"),
        ("/api/v1/cases/{id}/risk-assessments", "risk"),
        ("/api/v1/cases/{id}/provider-matches?service=shelter", "referral"),
        ("/api/v1/risk-instruments", "risk"),
        ("/api/v1/risk-assessments/{id}", "risk"),
        ("/api/v1/providers", "referral"),
        ("/api/v1/referrals/{id}/accept", "referral"),
        ("/api/v1/repatriations", "referral"),
    ],
)
async def test_each_path_goes_to_the_part_that_owns_it(
    suite: Gateway, path: str, part: str
) -> None:
    _, token = await suite.user_token("coordinator")
    target = path.replace("{id}", str(uuid.uuid4()))
    await suite.http.get(target, headers=bearer(token))
    [forwarded] = suite.forwarded
    assert forwarded.url.host == part
    assert forwarded.url.raw_path.decode() == target


async def test_the_answer_and_the_request_context_travel_both_ways(suite: Gateway) -> None:
    _, token = await suite.user_token("social_worker")
    response = await suite.http.get(
        "/api/v1/risk-instruments/initial/1",
        headers={
            **bearer(token),
            "Accept-Language": "en",
            "X-Request-ID": "trace-42",
            "X-Purpose": "assistance planning",
            "Cookie": "session=should-not-travel",
            "X-Forwarded-Host": "evil.example",
            "X-Forwarded-For": "203.0.113.7",
        },
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["etag"]
    assert response.headers["x-request-id"] == "trace-42"
    async with httpx.AsyncClient(transport=suite.transport, base_url="http://risk") as risk:
        direct = await risk.get(
            "/api/v1/risk-instruments/initial/1",
            headers={**bearer(token), "Accept-Language": "en"},
        )
    assert response.content == direct.content
    assert response.headers["etag"] == direct.headers["etag"]
    forwarded = suite.forwarded[0]
    assert forwarded.headers["authorization"] == f"Bearer {token}"
    assert forwarded.headers["accept-language"] == "en"
    assert forwarded.headers["x-request-id"] == "trace-42"
    assert forwarded.headers["x-purpose"] == "assistance planning"
    assert "cookie" not in forwarded.headers
    assert "x-forwarded-host" not in forwarded.headers
    assert forwarded.headers["x-forwarded-for"] == "203.0.113.7, 127.0.0.1"


async def test_conditional_and_idempotency_headers_are_forwarded(suite: Gateway) -> None:
    _, token = await suite.user_token("coordinator")
    body = {"case_id": str(uuid.uuid4()), "note": "ț" * 3}
    await suite.http.post(
        "/api/v1/referrals",
        json=body,
        headers={**bearer(token), "If-Match": '"v1"', "Idempotency-Key": "k-1"},
    )
    [forwarded] = suite.forwarded
    assert forwarded.method == "POST"
    assert forwarded.headers["if-match"] == '"v1"'
    assert forwarded.headers["idempotency-key"] == "k-1"
    assert forwarded.headers["content-type"] == "application/json"
    assert json.loads(forwarded.read()) == body


async def test_an_unknown_case_path_answers_the_services_problem_with_the_same_request_id(
    suite: Gateway,
) -> None:
    _, token = await suite.user_token("police")
    path = f"/api/v1/cases/{uuid.uuid4()}/no-such-thing"
    response = await suite.http.get(path, headers={**bearer(token), "X-Request-ID": "req-7"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-request-id"] == "req-7"
    assert response.json()["request_id"] == "req-7"
    assert response.json()["instance"] == path
    assert [r.url.host for r in suite.forwarded] == ["identification"]


async def test_a_request_id_is_made_when_the_client_sends_none(suite: Gateway) -> None:
    _, token = await suite.user_token("police")
    response = await suite.http.get("/api/v1/risk-instruments", headers=bearer(token))
    [forwarded] = suite.forwarded
    assert response.headers["x-request-id"] == forwarded.headers["x-request-id"]


async def test_the_services_verify_the_gateways_tokens_themselves(suite: Gateway) -> None:
    _, token = await suite.user_token("police")
    assert (
        await suite.http.get("/api/v1/risk-instruments", headers=bearer(token))
    ).status_code == 200
    # An admin passes the gateway but lacks the permission at the service (a 403 from it).
    response = await suite.http.post(
        "/api/v1/risk-instruments/initial/drafts", json={}, headers=await suite.admin()
    )
    assert response.status_code in {403, 404, 405}
    assert [r.url.host for r in suite.forwarded] == ["risk", "risk"]


@pytest.mark.parametrize(
    "path",
    [
        "/internal/events",
        "/api/v1/internal/events",
        "/api/v1/no-such-resource",
        "/api/v1/cases/%2e%2e/%2e%2e/internal/events",
        "/api/v1/",
    ],
)
async def test_paths_no_part_owns_are_404_at_the_gateway(suite: Gateway, path: str) -> None:
    response = await suite.http.get(path, headers=await suite.admin())
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert suite.forwarded == []


async def test_an_unauthenticated_request_never_reaches_a_service(suite: Gateway) -> None:
    response = await suite.http.get("/api/v1/risk-instruments")
    assert response.status_code == 401
    assert suite.forwarded == []


async def test_an_unreachable_service_is_a_quick_503(gateway: Gateway) -> None:
    admin = await gateway.admin()
    started = time.monotonic()
    response = await gateway.http.get("/api/v1/cases", headers=admin)
    # Generous for a loaded machine: the point is that no timeout is waited for.
    assert time.monotonic() - started < 2.0
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/service-unavailable"
    assert "http://" not in response.text
    assert response.headers["retry-after"]


async def test_a_refused_connection_is_a_quick_503(gateway_settings) -> None:
    # A real socket: nothing listens on the discard port of the loopback address.
    settings = gateway_settings.model_copy(
        update={"service_urls": {"identification": "http://127.0.0.1:9"}}
    )
    async with gateway_alone(settings) as gateway:
        admin = await gateway.admin()
        started = time.monotonic()
        response = await gateway.http.get("/api/v1/cases", headers=admin)
    assert response.status_code == 503
    assert time.monotonic() - started < 2.0
    assert "127.0.0.1" not in response.text


class HangingServices(SuiteTransport):
    """Services that accept each request and never answer."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await asyncio.Event().wait()
        raise AssertionError("never reached")


async def test_a_slow_service_is_a_503_within_the_forward_timeout(gateway_settings) -> None:
    settings = gateway_settings.model_copy(update={"forward_timeout_seconds": 0.5})
    async with gateway_alone(settings, HangingServices()) as gateway:
        started = time.monotonic()
        response = await gateway.http.get("/api/v1/cases", headers=await gateway.admin())
    assert response.status_code == 503
    assert response.json()["type"] == "/problems/service-unavailable"
    assert 0.5 <= time.monotonic() - started < 1.5


async def test_the_gateway_is_ready_when_every_service_is(suite: Gateway) -> None:
    response = await suite.http.get("/health/ready")
    assert response.status_code == 200
    assert {r.url.host for r in suite.forwarded} == set(DEFAULT_ROUTES.values())


async def test_the_gateway_is_not_ready_when_a_service_is_down(suite: Gateway) -> None:
    del suite.transport.apps["risk"]
    response = await suite.http.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["parts"] == {
        "identification": "ok",
        "referral": "ok",
        "risk": "unavailable",
    }
    assert "risk" in response.json()["detail"]
    assert (await suite.http.get("/health/live")).status_code == 200


async def test_a_location_on_the_services_own_address_comes_back_relative(suite: Gateway) -> None:
    _, token = await suite.user_token("police")
    # The service redirects the trailing slash away, naming its own (internal) address.
    response = await suite.http.get("/api/v1/risk-instruments/?limit=5", headers=bearer(token))
    assert response.status_code == 307
    assert response.headers["location"] == "/api/v1/risk-instruments?limit=5"
    assert "http://risk" not in response.text
