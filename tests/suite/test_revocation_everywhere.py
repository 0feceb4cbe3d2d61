"""A revoked token is refused by every part, not only the gateway: a service called directly
learns from the gateway's revocation list (`shared/auth/revocations.py`) within a second.

Findings of issue 11: a disabled user's token still answered 200/201 directly at the
identification service (also after re-enabling, for a token issued before); an access
token of a session whose refresh token was reused still answered at `/api/v1/me`.
"""

import asyncio
import time
import uuid
from typing import Any

import httpx
import pytest

from identification_svc.app import create_app
from shared.auth.revocations import REVOCATIONS_PATH, request_signature
from shared.signing import SIGNATURE_HEADER
from tests.support.apps import SuiteTransport, client_for
from tests.support.auth import TokenIssuer
from tests.support.databases import DatabaseFactory
from tests.support.identification import screening, settings_for
from tests.support.suite import INTERNAL_SECRET, USER_PASSWORD, Suite, bearer

# A route of each service that a police officer may call.
READ = {
    "identification": "/api/v1/cases",
    "risk": "/api/v1/risk-instruments",
    "referral": "/api/v1/referrals",
}
# The services learn within a second; a loaded machine gets far more before a test fails.
LEARNING_BOUND_SECONDS = 15.0


async def status_of(client: httpx.AsyncClient, path: str, token: str, **request: Any) -> int:
    method = "POST" if "json" in request else "GET"
    response = await client.request(method, path, headers=bearer(token), **request)
    return response.status_code


async def refused_everywhere(suite: Suite, token: str) -> None:
    """Each service refuses the token within the bound; the gateway does at once."""
    assert (await suite.http.get("/api/v1/me", headers=bearer(token))).status_code == 401
    for part, path in READ.items():
        async with suite.direct(part) as client:
            deadline = time.monotonic() + LEARNING_BOUND_SECONDS
            while (status := await status_of(client, path, token)) != 401:
                assert status == 200, (part, status)
                assert time.monotonic() < deadline, f"{part} still admits the revoked token"
                await asyncio.sleep(0.1)


async def set_active(suite: Suite, user_id: str, active: bool) -> None:
    response = await suite.http.patch(
        f"/api/v1/users/{user_id}", json={"active": active}, headers=await suite.admin()
    )
    assert response.status_code == 200, response.text


async def test_a_disabled_users_token_is_refused_by_every_service_called_directly(
    suite: Suite,
) -> None:
    user, token = await suite.user_token("police")
    for part, path in READ.items():
        async with suite.direct(part) as client:
            assert await status_of(client, path, token) == 200, part

    await set_active(suite, user["id"], False)
    await refused_everywhere(suite, token)
    async with suite.direct("identification") as client:
        assert await status_of(client, "/api/v1/screenings", token, json=screening()) == 401

    # Enabled again: the token issued before stays revoked; a new one works everywhere.
    await set_active(suite, user["id"], True)
    await refused_everywhere(suite, token)
    fresh = await suite.token(user["username"])
    for part, path in READ.items():
        # Enabling again reaches the services as disabling does: within a second.
        async with suite.direct(part) as client:
            deadline = time.monotonic() + LEARNING_BOUND_SECONDS
            while (status := await status_of(client, path, fresh)) != 200:
                assert status == 401, (part, status)
                assert time.monotonic() < deadline, f"{part} still refuses the new token"
                await asyncio.sleep(0.1)
    async with suite.direct("identification") as client:
        assert await status_of(client, "/api/v1/screenings", fresh, json=screening()) == 201


async def test_reusing_a_refresh_token_revokes_the_sessions_access_tokens_everywhere(
    suite: Suite,
) -> None:
    user = await suite.user("police")
    login = await suite.login(user["username"], USER_PASSWORD)
    first_refresh = login.json()["refresh_token"]
    rotated = await suite.http.post(
        "/api/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": first_refresh}
    )
    assert rotated.status_code == 200, rotated.text
    access = rotated.json()["access_token"]
    assert (await suite.http.get("/api/v1/me", headers=bearer(access))).status_code == 200

    reused = await suite.http.post(
        "/api/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": first_refresh}
    )
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    await refused_everywhere(suite, access)
    for refresh in (first_refresh, rotated.json()["refresh_token"]):
        again = await suite.http.post(
            "/api/v1/auth/token", data={"grant_type": "refresh_token", "refresh_token": refresh}
        )
        assert again.status_code == 400, "the session's refresh tokens are revoked too"
    # Signing in again opens a new session that works.
    fresh = await suite.token(user["username"])
    assert (await suite.http.get("/api/v1/me", headers=bearer(fresh))).status_code == 200


async def test_the_revocation_list_answers_only_requests_signed_with_the_internal_secret(
    suite: Suite,
) -> None:
    user, _token = await suite.user_token("police")
    await set_active(suite, user["id"], False)
    now = int(time.time())
    for headers in (
        {},
        {SIGNATURE_HEADER: request_signature("another-secret-of-16-chars", now)},
        {SIGNATURE_HEADER: request_signature(INTERNAL_SECRET, now - 3600)},
    ):
        refused = await suite.http.get(REVOCATIONS_PATH, headers=headers)
        assert refused.status_code == 401, headers
        assert refused.headers["content-type"] == "application/problem+json"
    listed = await suite.http.get(
        REVOCATIONS_PATH, headers={SIGNATURE_HEADER: request_signature(INTERNAL_SECRET, now)}
    )
    assert listed.status_code == 200
    accounts = {entry["id"]: entry for entry in listed.json()["accounts"]}
    assert accounts[user["id"]]["active"] is False
    assert accounts[user["id"]]["kind"] == "user"
    # Accounts never changed since they were made are not listed.
    admin_id = (await suite.http.get("/api/v1/me", headers=await suite.admin())).json()["user_id"]
    assert admin_id not in accounts


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_service_that_cannot_ask_the_gateway_refuses_tokens_with_503(
    fresh_databases: DatabaseFactory, issuer: TokenIssuer, method: str
) -> None:
    settings = settings_for(
        fresh_databases.new("identification"),
        issuer,
        service_urls={"gateway": "http://gateway"},
    )
    app = create_app(settings, transport=SuiteTransport())  # no gateway answers
    token = issuer.token("police", subject_id=uuid.uuid4())
    async with client_for(app) as client:
        response = await client.request(
            method,
            "/api/v1/screenings" if method == "POST" else "/api/v1/cases",
            json=screening() if method == "POST" else None,
            headers=bearer(token),
        )
        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == "application/problem+json"
        # Nothing was written meanwhile.
        assert (await client.get("/health/ready")).status_code == 200
