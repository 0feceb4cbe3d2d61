"""`POST /api/v1/auth/token`: the three grants, refresh rotation with reuse detection, and
errors in the OAuth2 format (RFC 6749 §5.2) — never problem+json — whatever is sent."""

import base64
from datetime import timedelta

import jwt
import pytest
from sqlalchemy import update

from gateway.tokens.models import RefreshToken
from shared.db import utcnow
from tests.gateway.conftest import ADMIN_PASSWORD, USER_PASSWORD, Gateway, bearer

TOKEN = "/api/v1/auth/token"
ACCESS_CLAIMS = {
    "iss", "aud", "sub", "name", "org", "org_kind", "county", "roles", "kind", "typ", "iat",
    "exp", "jti",
}  # fmt: skip


def assert_oauth_error(response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["error"] == error
    assert set(response.json()) == {"error", "error_description"}


async def test_a_password_grant_answers_an_access_and_a_refresh_token(gateway: Gateway) -> None:
    user, _ = await gateway.user_token("police")
    response = await gateway.login(user["username"], USER_PASSWORD)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    answer = response.json()
    assert set(answer) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert answer["token_type"] == "bearer"
    assert answer["expires_in"] == pytest.approx(gateway.settings.access_token_ttl_seconds, abs=2)

    header = jwt.get_unverified_header(answer["access_token"])
    claims = jwt.decode(answer["access_token"], options={"verify_signature": False})
    assert header["alg"] == "EdDSA"
    assert header["kid"]
    assert set(claims) == ACCESS_CLAIMS
    assert claims["iss"] == "nirm-gateway"
    assert claims["aud"] == "nirm"
    assert claims["sub"] == user["id"]
    assert claims["name"] == user["username"]
    assert claims["org"] == user["organisation_id"]
    assert (claims["org_kind"], claims["county"]) == ("police", "RO-IS")
    assert claims["roles"] == ["police"]
    assert (claims["kind"], claims["typ"]) == ("user", "access")


async def test_the_access_token_verifies_against_the_published_jwks(gateway: Gateway) -> None:
    token = await gateway.token("admin", ADMIN_PASSWORD)
    jwks = (await gateway.http.get("/.well-known/jwks.json")).json()
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(token)["kid"]]
    claims = jwt.decode(token, key.key, algorithms=["EdDSA"], audience="nirm")
    assert claims["name"] == "admin"
    assert all("d" not in entry for entry in jwks["keys"])  # no private part, ever


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("admin", "wrong-password"),
        ("nobody", ADMIN_PASSWORD),
        ("admin", ""),
        ("admin", "x" * 2000),
        ("' OR 1=1 --", "' OR 1=1 --"),
    ],
)
async def test_a_wrong_username_or_password_is_invalid_grant(
    gateway: Gateway, username: str, password: str
) -> None:
    response = await gateway.login(username, password)
    assert response.status_code == 400
    assert response.json()["error"] in {"invalid_grant", "invalid_request"}
    assert response.headers["content-type"] == "application/json"


async def test_a_password_grant_ignores_other_credentials_a_browser_sends(gateway: Gateway) -> None:
    response = await gateway.http.post(
        TOKEN,
        data={"grant_type": "password", "username": "admin", "password": ADMIN_PASSWORD},
        headers={"Authorization": "Basic not-base64!"},
    )
    assert response.status_code == 200


async def test_a_disabled_user_cannot_log_in(gateway: Gateway) -> None:
    user = await gateway.user("police")
    await gateway.http.patch(
        f"/api/v1/users/{user['id']}", json={"active": False}, headers=await gateway.admin()
    )
    assert_oauth_error(await gateway.login(user["username"], USER_PASSWORD), 400, "invalid_grant")


async def test_client_credentials_in_the_form_or_a_basic_header(gateway: Gateway) -> None:
    organisation = await gateway.organisation(name="ITM Iași", kind="labour_inspectorate")
    created = (
        await gateway.http.post(
            "/api/v1/clients",
            json={
                "name": "ITM system",
                "organisation_id": organisation["id"],
                "roles": ["labour_inspector"],
            },
            headers=await gateway.admin(),
        )
    ).json()
    client_id, secret = created["client_id"], created["client_secret"]

    in_form = await gateway.http.post(
        TOKEN,
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert in_form.status_code == 200
    assert "refresh_token" not in in_form.json()
    claims = jwt.decode(in_form.json()["access_token"], options={"verify_signature": False})
    assert (claims["kind"], claims["sub"], claims["roles"]) == (
        "client",
        client_id,
        ["labour_inspector"],
    )
    assert claims["org_kind"] == "labour_inspectorate"

    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    in_header = await gateway.http.post(
        TOKEN,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert in_header.status_code == 200
    me = await gateway.http.get("/api/v1/me", headers=bearer(in_header.json()["access_token"]))
    assert me.json()["kind"] == "client"
    assert me.json()["username"] == "ITM system"


@pytest.mark.parametrize(
    "credentials",
    [
        {"client_id": "00000000-0000-0000-0000-000000000000", "client_secret": "x"},
        {"client_id": "not-a-uuid", "client_secret": "x"},
        {"client_id": "'; DROP TABLE api_clients; --", "client_secret": "x"},
    ],
)
async def test_unknown_client_credentials_are_invalid_client(
    gateway: Gateway, credentials: dict
) -> None:
    response = await gateway.http.post(
        TOKEN, data={"grant_type": "client_credentials", **credentials}
    )
    assert_oauth_error(response, 401, "invalid_client")


async def test_a_malformed_basic_header_is_invalid_client(gateway: Gateway) -> None:
    response = await gateway.http.post(
        TOKEN, data={"grant_type": "client_credentials"}, headers={"Authorization": "Basic %%%"}
    )
    assert_oauth_error(response, 401, "invalid_client")


async def test_a_refresh_token_is_rotated_on_use(gateway: Gateway) -> None:
    first = (await gateway.login("admin", ADMIN_PASSWORD)).json()
    second = await gateway.http.post(
        TOKEN, data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert second.status_code == 200
    assert second.json()["refresh_token"] != first["refresh_token"]
    me = await gateway.http.get("/api/v1/me", headers=bearer(second.json()["access_token"]))
    assert me.json()["username"] == "admin"
    third = await gateway.http.post(
        TOKEN, data={"grant_type": "refresh_token", "refresh_token": second.json()["refresh_token"]}
    )
    assert third.status_code == 200


async def test_reusing_a_rotated_refresh_token_revokes_its_whole_family(gateway: Gateway) -> None:
    first = (await gateway.login("admin", ADMIN_PASSWORD)).json()
    other_session = (await gateway.login("admin", ADMIN_PASSWORD)).json()
    second = (
        await gateway.http.post(
            TOKEN, data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
        )
    ).json()

    replayed = await gateway.http.post(
        TOKEN, data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert_oauth_error(replayed, 400, "invalid_grant")
    # The legitimate holder's newer token dies with the family...
    after = await gateway.http.post(
        TOKEN, data={"grant_type": "refresh_token", "refresh_token": second["refresh_token"]}
    )
    assert_oauth_error(after, 400, "invalid_grant")
    # ...but another login's family is untouched.
    other = await gateway.http.post(
        TOKEN, data={"grant_type": "refresh_token", "refresh_token": other_session["refresh_token"]}
    )
    assert other.status_code == 200


async def test_a_refresh_token_dies_with_a_password_change(gateway: Gateway) -> None:
    user = await gateway.user("ngo_worker")
    login = (await gateway.login(user["username"], USER_PASSWORD)).json()
    await gateway.http.patch(
        f"/api/v1/users/{user['id']}",
        json={"password": "another-long-password"},
        headers=await gateway.admin(),
    )
    response = await gateway.http.post(
        TOKEN, data={"grant_type": "refresh_token", "refresh_token": login["refresh_token"]}
    )
    assert_oauth_error(response, 400, "invalid_grant")
    assert_oauth_error(await gateway.login(user["username"], USER_PASSWORD), 400, "invalid_grant")
    assert (await gateway.login(user["username"], "another-long-password")).status_code == 200


async def test_an_access_token_is_not_a_refresh_token(gateway: Gateway) -> None:
    access = await gateway.token("admin", ADMIN_PASSWORD)
    response = await gateway.http.post(
        TOKEN, data={"grant_type": "refresh_token", "refresh_token": access}
    )
    assert_oauth_error(response, 400, "invalid_grant")


async def test_an_expired_refresh_token_is_refused(gateway: Gateway) -> None:
    login = (await gateway.login("admin", ADMIN_PASSWORD)).json()
    async with gateway.app.state.database.sessions() as session, session.begin():
        await session.execute(
            update(RefreshToken).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    response = await gateway.http.post(
        TOKEN, data={"grant_type": "refresh_token", "refresh_token": login["refresh_token"]}
    )
    assert_oauth_error(response, 400, "invalid_grant")
    assert "expired" in response.json()["error_description"]


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({}, 400, "invalid_request"),
        ({"grant_type": "authorization_code", "code": "x"}, 400, "unsupported_grant_type"),
        ({"grant_type": "x" * 5000}, 400, "invalid_request"),
        ({"grant_type": "password", "username": "admin"}, 400, "invalid_request"),
        ({"grant_type": "password", "password": "x"}, 400, "invalid_request"),
        (
            {"grant_type": "password", "username": "a" * 5000, "password": "x"},
            400,
            "invalid_request",
        ),
        ({"grant_type": "client_credentials", "client_id": "x"}, 400, "invalid_request"),
        ({"grant_type": "refresh_token"}, 400, "invalid_request"),
        ({"grant_type": "refresh_token", "refresh_token": "forged"}, 400, "invalid_grant"),
    ],
)
async def test_a_bad_token_request_answers_in_the_oauth2_format(
    gateway: Gateway, form: dict, status: int, error: str
) -> None:
    assert_oauth_error(await gateway.http.post(TOKEN, data=form), status, error)


async def test_a_json_body_is_not_a_token_request(gateway: Gateway) -> None:
    response = await gateway.http.post(
        TOKEN, json={"grant_type": "password", "username": "admin", "password": ADMIN_PASSWORD}
    )
    assert_oauth_error(response, 400, "invalid_request")
