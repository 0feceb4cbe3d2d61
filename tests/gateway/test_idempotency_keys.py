"""`Idempotency-Key` on POSTs through the real suite: one effect, the first answer
replayed, another body refused, a duplicate in flight told to wait, keys per principal."""

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text, update

from gateway.idempotency.models import IdempotencyRecord
from gateway.state import GatewayState
from shared.db import utcnow
from tests.gateway.conftest import Gateway, bearer
from tests.support.problems import assert_problem

CASE = {"county": "RO-CJ", "basis": "Referred by the school; to be screened on Monday."}


def keyed(token: str, key: str | bytes = "case-2026-0001") -> dict[str, Any]:
    return {**bearer(token), "Idempotency-Key": key}


def posts_to(suite: Gateway, part: str) -> list[httpx.Request]:
    return [r for r in suite.forwarded if r.url.host == part and r.method == "POST"]


async def cases_seen_by(suite: Gateway, token: str) -> list[str]:
    response = await suite.http.get("/api/v1/cases", headers=bearer(token))
    return [case["id"] for case in response.json()["items"]]


def state_of(suite: Gateway) -> GatewayState:
    state: GatewayState = suite.app.state.gateway
    return state


async def test_a_post_repeated_with_its_key_makes_one_case_and_replays_the_answer(
    suite: Gateway,
) -> None:
    _, token = await suite.user_token("police")
    first = await suite.http.post("/api/v1/cases", json=CASE, headers=keyed(token))
    again = await suite.http.post("/api/v1/cases", json=CASE, headers=keyed(token))
    assert first.status_code == again.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content
    for header in ("content-type", "etag"):
        assert again.headers[header] == first.headers[header]
    assert again.headers["x-request-id"] != first.headers["x-request-id"]
    assert len(posts_to(suite, "identification")) == 1
    assert await cases_seen_by(suite, token) == [first.json()["id"]]


async def test_the_key_with_another_body_or_path_is_422(suite: Gateway) -> None:
    _, token = await suite.user_token("police")
    assert (await suite.http.post("/api/v1/cases", json=CASE, headers=keyed(token))).is_success
    for path, body in (
        ("/api/v1/cases", {**CASE, "county": "RO-IS"}),
        ("/api/v1/screenings", CASE),
        ("/api/v1/cases?x=1", CASE),
    ):
        response = await suite.http.post(path, json=body, headers=keyed(token))
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "/problems/idempotency-key-reused"
        assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert len(posts_to(suite, "identification")) == 1


async def test_keys_belong_to_their_principal(suite: Gateway) -> None:
    _, one = await suite.user_token("police")
    _, other = await suite.user_token("police")
    for token in (one, other):
        response = await suite.http.post("/api/v1/cases", json=CASE, headers=keyed(token))
        assert response.status_code == 201
        assert "idempotent-replayed" not in response.headers
    assert len(posts_to(suite, "identification")) == 2


async def test_an_error_is_not_kept_so_the_corrected_request_may_use_the_key(
    suite: Gateway,
) -> None:
    _, token = await suite.user_token("police")
    wrong = await suite.http.post(
        "/api/v1/cases", json={**CASE, "county": "RO-XX"}, headers=keyed(token)
    )
    assert_problem(wrong, 422, "county", slug="validation")
    right = await suite.http.post("/api/v1/cases", json=CASE, headers=keyed(token))
    assert right.status_code == 201
    assert right.json()["county"] == "RO-CJ"
    assert "idempotent-replayed" not in right.headers


class Gate(httpx.AsyncBaseTransport):
    """Holds each request to a service until opened."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.entered = asyncio.Event()
        self.opened = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.entered.set()
        await self.opened.wait()
        return await self.inner.handle_async_request(request)


async def test_a_duplicate_while_the_first_runs_is_409_then_the_answer_is_replayed(
    suite: Gateway,
) -> None:
    _, token = await suite.user_token("police")
    gate = Gate(suite.transport.apps["identification"])
    suite.transport.apps["identification"] = gate  # type: ignore[assignment]
    first = asyncio.create_task(suite.http.post("/api/v1/cases", json=CASE, headers=keyed(token)))
    await asyncio.wait_for(gate.entered.wait(), 5)
    duplicate = await suite.http.post("/api/v1/cases", json=CASE, headers=keyed(token))
    assert duplicate.status_code == 409
    assert duplicate.json()["type"] == "/problems/idempotency-key-in-use"
    assert duplicate.headers["retry-after"] == "1"
    gate.opened.set()
    assert (await first).status_code == 201
    replayed = await suite.http.post("/api/v1/cases", json=CASE, headers=keyed(token))
    assert replayed.headers["idempotent-replayed"] == "true"
    assert replayed.json()["id"] == (await first).json()["id"]


async def test_concurrent_duplicates_make_one_case(suite: Gateway) -> None:
    _, token = await suite.user_token("police")
    answers = await asyncio.gather(
        *(suite.http.post("/api/v1/cases", json=CASE, headers=keyed(token)) for _ in range(8))
    )
    done = [a for a in answers if a.status_code == 201]
    assert {a.status_code for a in answers} <= {201, 409}
    assert len([a for a in done if "idempotent-replayed" not in a.headers]) == 1
    assert len({a.json()["id"] for a in done}) == 1
    assert len(posts_to(suite, "identification")) == 1


@pytest.mark.parametrize(
    "key",
    ["", " ", "k" * 256, "tab\tin it", "ключ".encode(), b"nul\x00", b"\x7f"],
)
async def test_a_malformed_key_is_422_naming_the_header(suite: Gateway, key: Any) -> None:
    _, token = await suite.user_token("police")
    response = await suite.http.post("/api/v1/cases", json=CASE, headers=keyed(token, key))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert posts_to(suite, "identification") == []


async def test_two_key_headers_are_422(suite: Gateway) -> None:
    _, token = await suite.user_token("police")
    headers = [*bearer(token).items(), ("Idempotency-Key", "a"), ("Idempotency-Key", "b")]
    response = await suite.http.post("/api/v1/cases", json=CASE, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_a_key_of_255_printable_characters_is_accepted(suite: Gateway) -> None:
    _, token = await suite.user_token("police")
    key = ("~ !Az09" * 40)[:255]
    response = await suite.http.post("/api/v1/cases", json=CASE, headers=keyed(token, key))
    assert response.status_code == 201
    assert (response.json()["county"], response.json()["status"]) == ("RO-CJ", "potential")
    replayed = await suite.http.post("/api/v1/cases", json=CASE, headers=keyed(token, key))
    assert replayed.headers["idempotent-replayed"] == "true"
    assert replayed.json()["id"] == response.json()["id"]


async def test_a_request_refused_at_the_door_leaves_the_key_unused(suite: Gateway) -> None:
    refused = await suite.http.post(
        "/api/v1/cases", json=CASE, headers={"Idempotency-Key": "k", "Authorization": "Bearer x"}
    )
    assert refused.status_code == 401
    _, token = await suite.user_token("police")
    response = await suite.http.post("/api/v1/cases", json=CASE, headers=keyed(token, "k"))
    assert response.status_code == 201
    assert "idempotent-replayed" not in response.headers


async def test_the_token_endpoint_takes_no_key(suite: Gateway) -> None:
    form = {"grant_type": "password", "username": "admin", "password": "bootstrap-admin-secret"}
    answers = [
        await suite.http.post("/api/v1/auth/token", data=form, headers={"Idempotency-Key": "t"})
        for _ in range(2)
    ]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json()["refresh_token"] != answers[1].json()["refresh_token"]
    assert all("idempotent-replayed" not in a.headers for a in answers)


async def test_the_gateways_own_posts_are_keyed_too(suite: Gateway) -> None:
    admin = {**await suite.admin(), "Idempotency-Key": "org-1"}
    body = {"name": "DGASPC Cluj", "kind": "child_protection", "county": "RO-CJ"}
    first = await suite.http.post("/api/v1/organisations", json=body, headers=admin)
    again = await suite.http.post("/api/v1/organisations", json=body, headers=admin)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == first.headers["location"]
    listed = await suite.http.get("/api/v1/organisations", headers=await suite.admin())
    assert [o["name"] for o in listed.json()["items"]].count("DGASPC Cluj") == 1


async def test_an_answer_showing_a_secret_is_not_kept_nor_done_again(suite: Gateway) -> None:
    admin = await suite.admin()
    organisation = await suite.organisation()
    body = {"name": "sync", "organisation_id": organisation["id"], "roles": ["police"]}
    headers = {**admin, "Idempotency-Key": "client-1"}
    first = await suite.http.post("/api/v1/clients", json=body, headers=headers)
    assert first.status_code == 201
    again = await suite.http.post("/api/v1/clients", json=body, headers=headers)
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/conflict"
    assert first.json()["client_secret"] not in again.text
    listed = await suite.http.get("/api/v1/clients", headers=admin)
    assert len(listed.json()["items"]) == 1
    async with suite.app.state.database.sessions() as session:
        bodies = (await session.execute(text("SELECT body FROM idempotency_records"))).all()
    assert [row.body for row in bodies] == [None]


async def test_a_day_old_record_is_purged_and_its_key_usable_again(suite: Gateway) -> None:
    _, token = await suite.user_token("police")
    assert (await suite.http.post("/api/v1/cases", json=CASE, headers=keyed(token))).is_success
    store = state_of(suite).idempotency
    assert await store.purge(utcnow() + timedelta(hours=23)) == 0
    assert await store.purge(utcnow() + timedelta(hours=24, seconds=1)) == 1
    again = await suite.http.post("/api/v1/cases", json=CASE, headers=keyed(token))
    assert again.status_code == 201
    assert "idempotent-replayed" not in again.headers
    assert len(posts_to(suite, "identification")) == 2


async def test_an_expired_or_abandoned_record_is_taken_over(suite: Gateway) -> None:
    police, token = await suite.user_token("police")
    await suite.http.post("/api/v1/cases", json=CASE, headers=keyed(token, "old"))
    # A gateway that stopped mid-request leaves its record in flight.
    store = state_of(suite).idempotency
    await store.begin(uuid.UUID(police["id"]), "stuck", "h" * 64, utcnow())
    async with suite.app.state.database.sessions() as session, session.begin():
        past = utcnow() - timedelta(hours=25)
        await session.execute(update(IdempotencyRecord).values(created_at=past, locked_until=past))
    for key in ("old", "stuck"):
        response = await suite.http.post("/api/v1/cases", json=CASE, headers=keyed(token, key))
        assert response.status_code == 201, key
        assert "idempotent-replayed" not in response.headers
    assert len(posts_to(suite, "identification")) == 3


async def test_a_keyed_body_over_the_limit_is_413_and_leaves_no_record(suite: Gateway) -> None:
    _, token = await suite.user_token("police")
    response = await suite.http.post(
        "/api/v1/cases", content=b"x" * (4 * 1024 * 1024 + 1), headers=keyed(token)
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    async with suite.app.state.database.sessions() as session:
        assert (await session.execute(text("SELECT id FROM idempotency_records"))).all() == []
