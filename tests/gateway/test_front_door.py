"""The gateway's check on every call: a valid token of its own key, of an account that is
still as it was when the token was issued, with the permission the route needs, within
the rate limit. Refusals are problem+json and happen at the gateway."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway import gatekeeper
from gateway.tokens.keys import load_signing_key
from shared.db import utcnow
from tests.gateway.conftest import ADMIN_PASSWORD, Gateway, bearer, gateway_alone
from tests.support.auth import TokenIssuer

# A gateway's own path and one it forwards: both are guarded at the gateway.
GUARDED = ["/api/v1/me", "/api/v1/cases"]


def assert_unauthenticated(response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/unauthenticated"
    assert response.headers["www-authenticate"].startswith("Bearer")


def bad_tokens(gateway: Gateway) -> dict[str, str]:
    key = load_signing_key(gateway.settings)
    own = TokenIssuer(kid=key.kid, private_key=key.private_key)
    stranger = TokenIssuer(kid=key.kid, private_key=Ed25519PrivateKey.generate())
    header, payload, signature = own.token("admin").split(".")
    return {
        "missing": "",
        "empty bearer": "Bearer ",
        "other scheme": "Basic YWRtaW46eA==",
        "not a jwt": "Bearer abc.def",
        "garbage": "Bearer " + "A" * 5000,
        "wrongly signed": f"Bearer {stranger.token('admin')}",
        "unknown key": f"Bearer {TokenIssuer().token('admin')}",
        "expired": f"Bearer {own.token('admin', expires_in=-60)}",
        "other issuer": f"Bearer {own.token('admin', issuer='evil')}",
        "other audience": f"Bearer {own.token('admin', audience='elsewhere')}",
        "refresh typ": f"Bearer {own.token('admin', typ='refresh')}",
        "tampered": f"Bearer {header}.{payload[:-4]}AAAA.{signature}",
        "alg none": f"Bearer eyJhbGciOiJub25lIiwia2lkIjoidGVzdC1rZXkifQ.{payload}.",
        # Well signed and well formed, but for an account the gateway never had.
        "no such account": f"Bearer {own.token('admin')}",
        "no such client": f"Bearer {own.token('admin', kind='client')}",
        "unknown kind": f"Bearer {own.token('admin', kind='robot')}",
    }


@pytest.mark.parametrize("path", GUARDED)
async def test_bad_tokens_are_refused_at_the_gateway(gateway: Gateway, path: str) -> None:
    for name, authorization in bad_tokens(gateway).items():
        headers = {"Authorization": authorization} if authorization else {}
        response = await gateway.http.get(path, headers=headers)
        assert response.status_code == 401, name
        assert_unauthenticated(response)


async def test_a_refresh_token_is_not_a_bearer_token(gateway: Gateway) -> None:
    login = (await gateway.login("admin", ADMIN_PASSWORD)).json()
    for path in GUARDED:
        assert_unauthenticated(await gateway.http.get(path, headers=bearer(login["refresh_token"])))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/organisations"),
        ("GET", "/api/v1/organisations"),
        ("GET", "/api/v1/users"),
        ("POST", "/api/v1/users"),
        ("PATCH", "/api/v1/users/05e70000-0000-4000-8000-000000000001"),
        ("POST", "/api/v1/clients"),
        ("GET", "/api/v1/clients"),
    ],
)
async def test_a_role_outside_the_policy_is_forbidden(
    gateway: Gateway, method: str, path: str
) -> None:
    _, token = await gateway.user_token("police", "coordinator")
    response = await gateway.http.request(
        method, path, json={"name": "x", "kind": "police", "county": "RO-CJ"}, headers=bearer(token)
    )
    assert response.status_code == 403
    assert response.json()["type"] == "/problems/forbidden"


async def test_disabling_a_user_makes_its_existing_token_fail(gateway: Gateway) -> None:
    user, token = await gateway.user_token("police")
    assert (await gateway.http.get("/api/v1/me", headers=bearer(token))).status_code == 200
    disabled = await gateway.http.patch(
        f"/api/v1/users/{user['id']}", json={"active": False}, headers=await gateway.admin()
    )
    assert disabled.json()["active"] is False
    for path in GUARDED:
        assert_unauthenticated(await gateway.http.get(path, headers=bearer(token)))


async def test_a_roles_change_retires_tokens_with_the_old_roles(gateway: Gateway) -> None:
    user, old = await gateway.user_token("police")
    await gateway.http.patch(
        f"/api/v1/users/{user['id']}",
        json={"roles": ["police", "coordinator"]},
        headers=await gateway.admin(),
    )
    assert_unauthenticated(await gateway.http.get("/api/v1/me", headers=bearer(old)))
    new = await gateway.token(user["username"])  # issued in the same second as the change
    me = await gateway.http.get("/api/v1/me", headers=bearer(new))
    assert me.json()["roles"] == ["coordinator", "police"]


async def test_a_password_change_retires_existing_tokens(gateway: Gateway) -> None:
    user, old = await gateway.user_token("prosecutor")
    await gateway.http.patch(
        f"/api/v1/users/{user['id']}",
        json={"password": "a-brand-new-password"},
        headers=await gateway.admin(),
    )
    assert_unauthenticated(await gateway.http.get("/api/v1/me", headers=bearer(old)))
    new = await gateway.token(user["username"], "a-brand-new-password")
    assert (await gateway.http.get("/api/v1/me", headers=bearer(new))).status_code == 200


async def test_a_name_change_leaves_tokens_valid(gateway: Gateway) -> None:
    user, token = await gateway.user_token("auditor")
    await gateway.http.patch(
        f"/api/v1/users/{user['id']}",
        json={"full_name": "Dana Rusu"},
        headers=await gateway.admin(),
    )
    assert (await gateway.http.get("/api/v1/me", headers=bearer(token))).status_code == 200


async def test_disabling_a_client_makes_its_token_fail(gateway: Gateway) -> None:
    organisation = await gateway.organisation()
    admin = await gateway.admin()
    created = (
        await gateway.http.post(
            "/api/v1/clients",
            json={"name": "sync", "organisation_id": organisation["id"], "roles": ["police"]},
            headers=admin,
        )
    ).json()
    token = (
        await gateway.http.post(
            "/api/v1/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": created["client_id"],
                "client_secret": created["client_secret"],
            },
        )
    ).json()["access_token"]
    assert (await gateway.http.get("/api/v1/me", headers=bearer(token))).status_code == 200
    patched = await gateway.http.patch(
        f"/api/v1/clients/{created['client_id']}", json={"active": False}, headers=admin
    )
    assert patched.json()["active"] is False
    assert_unauthenticated(await gateway.http.get("/api/v1/me", headers=bearer(token)))


async def test_requests_over_the_rate_limit_are_429_per_principal(
    gateway_settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Half a minute into a window that does not end while the test runs, however slowly.
    moment = utcnow().replace(second=30, microsecond=0)
    monkeypatch.setattr(gatekeeper, "utcnow", lambda: moment)
    settings = gateway_settings.model_copy(update={"rate_limit": 3})
    async with gateway_alone(settings) as gateway:
        other = await gateway.user("police")  # the admin's first two requests
        admin = await gateway.admin()
        assert (await gateway.http.get("/api/v1/me", headers=admin)).status_code == 200
        limited = await gateway.http.get("/api/v1/me", headers=admin)
        assert limited.status_code == 429
        assert limited.json()["type"] == "/problems/rate-limited"
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        # Forwarded calls count too, and are refused before reaching any service.
        assert (await gateway.http.get("/api/v1/cases", headers=admin)).status_code == 429
        token = await gateway.token(other["username"])
        assert (await gateway.http.get("/api/v1/me", headers=bearer(token))).status_code == 200
