"""The token endpoint against password guessing: failures counted per username and per
address in the database, a lockout answered 429 with `Retry-After` in the OAuth2 format."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from gateway.lockout.models import SignInFailures
from gateway.settings import Settings
from gateway.state import GatewayState
from shared.db import utcnow
from tests.gateway.conftest import USER_PASSWORD, Gateway, gateway_alone


def assert_refused(response) -> None:
    """A failed sign-in, in the OAuth2 format: one answer for every reason."""
    assert response.status_code == 400, response.text
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "The username or password is wrong, or the account is disabled.",
    }


def assert_locked(response, error: str = "invalid_grant") -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    assert 1 <= int(response.headers["retry-after"]) <= 900
    assert response.json()["error"] == error
    assert "try again in" in response.json()["error_description"]


async def end_every_lock(gateway: Gateway) -> None:
    async with gateway.app.state.database.sessions() as session, session.begin():
        past = utcnow() - timedelta(seconds=1)
        await session.execute(update(SignInFailures).values(locked_until=past, window_start=past))


async def test_five_failures_lock_the_username_even_against_the_right_password(
    gateway: Gateway,
) -> None:
    user = await gateway.user("police")
    for _ in range(5):
        assert_refused(await gateway.login(user["username"], "wrong password!"))
    assert_locked(await gateway.login(user["username"], USER_PASSWORD))
    # The lock ignores case, as usernames do.
    assert_locked(await gateway.login(user["username"].upper(), USER_PASSWORD))
    other = await gateway.user("police")
    assert (await gateway.login(other["username"], USER_PASSWORD)).status_code == 200


async def test_a_success_clears_the_usernames_count(gateway: Gateway) -> None:
    user = await gateway.user("police")
    for _ in range(2):
        for _ in range(4):
            await gateway.login(user["username"], "wrong password!")
        assert (await gateway.login(user["username"], USER_PASSWORD)).status_code == 200


async def test_the_lock_ends_and_the_count_starts_over(gateway: Gateway) -> None:
    user = await gateway.user("police")
    for _ in range(6):
        await gateway.login(user["username"], "wrong password!")
    assert_locked(await gateway.login(user["username"], USER_PASSWORD))
    await end_every_lock(gateway)
    assert (await gateway.login(user["username"], USER_PASSWORD)).status_code == 200


async def test_an_unknown_username_is_locked_like_a_known_one(gateway: Gateway) -> None:
    for _ in range(5):
        assert_refused(await gateway.login("nobody.here", "wrong password!"))
    assert_locked(await gateway.login("nobody.here", "wrong password!"))


async def test_concurrent_guesses_cannot_pass_the_limit(gateway: Gateway) -> None:
    user = await gateway.user("police")
    answers = await asyncio.gather(
        *(gateway.login(user["username"], f"guess number {i}") for i in range(12))
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [400] * 5 + [429] * 7


@pytest.fixture
def strict_address(gateway_settings: Settings) -> Settings:
    return gateway_settings.model_copy(update={"sign_in_max_failures_per_address": 3})


async def test_failures_from_one_address_lock_it_for_every_username(
    strict_address: Settings,
) -> None:
    async with gateway_alone(strict_address) as gateway:
        user = await gateway.user("police")
        organisation = await gateway.organisation()
        client = (
            await gateway.http.post(
                "/api/v1/clients",
                json={"name": "sync", "organisation_id": organisation["id"], "roles": ["police"]},
                headers=await gateway.admin(),
            )
        ).json()
        for name in ("ana", "dan", "ion"):
            assert_refused(await gateway.login(name, "wrong password!"))
        assert_locked(await gateway.login(user["username"], USER_PASSWORD))
        by_client = await gateway.http.post(
            "/api/v1/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client["client_id"],
                "client_secret": client["client_secret"],
            },
        )
        assert_locked(by_client, "invalid_client")
        assert "www-authenticate" not in by_client.headers


async def test_successful_sign_ins_do_not_use_up_the_address(strict_address: Settings) -> None:
    async with gateway_alone(strict_address) as gateway:
        user = await gateway.user("police")
        for _ in range(6):
            assert (await gateway.login(user["username"], USER_PASSWORD)).status_code == 200


async def test_a_limit_of_zero_turns_the_count_off(gateway_settings: Settings) -> None:
    settings = gateway_settings.model_copy(
        update={"sign_in_max_failures": 0, "sign_in_max_failures_per_address": 0}
    )
    async with gateway_alone(settings) as gateway:
        user = await gateway.user("police")
        for _ in range(8):
            await gateway.login(user["username"], "wrong password!")
        assert (await gateway.login(user["username"], USER_PASSWORD)).status_code == 200


async def test_refused_and_locked_sign_ins_are_in_the_audit_log(gateway: Gateway) -> None:
    for _ in range(6):
        await gateway.login("mallory", "wrong password!")
    _, token = await gateway.user_token("coordinator")
    events = (
        await gateway.http.get(
            "/api/v1/audit-events",
            params={"actor": "mallory"},
            headers={"Authorization": f"Bearer {token}"},
        )
    ).json()["items"]
    assert [e["status"] for e in events] == [429] + [400] * 5
    assert {e["action"] for e in events} == {"auth.token.refused"}


async def test_spent_counts_are_purged(gateway: Gateway) -> None:
    await gateway.login("nobody.here", "wrong password!")
    state: GatewayState = gateway.app.state.gateway
    database = gateway.app.state.database

    async def rows() -> int:
        async with database.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(SignInFailures)))

    assert await rows() == 2  # the username and the address
    assert await state.sign_in_guard.purge(utcnow()) == 0
    assert await state.sign_in_guard.purge(utcnow() + timedelta(seconds=901)) == 2
    assert await rows() == 0


@pytest.mark.parametrize(
    "form",
    [
        {"grant_type": "password", "username": "u" * 5000, "password": "x"},
        {"grant_type": "password", "username": "ana\x00", "password": "x" * 1024},
        {"grant_type": "password", "username": "ăâîșț" * 100, "password": "x"},
    ],
)
async def test_hostile_credentials_are_oauth_errors_never_500(gateway: Gateway, form) -> None:
    response = await gateway.http.post("/api/v1/auth/token", data=form)
    assert response.status_code == 400
    assert response.json()["error"] in {"invalid_request", "invalid_grant"}
