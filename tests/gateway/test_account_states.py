"""The gateway's short memory of account states: at most a second, forgotten at once by
the replica that changes an account, so a revocation reaches every replica within it."""

import uuid

import pytest

from gateway.identity.account_states import AccountStates
from gateway.identity.repository import AccountState
from gateway.settings import Settings
from shared.db import utcnow
from tests.gateway.conftest import Gateway, bearer, gateway_alone

ACTIVE = AccountState(active=True, tokens_not_before=utcnow())


class Clock:
    """The account states' clock in a test: time passes only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


class Loader:
    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self) -> AccountState | None:
        self.calls += 1
        return ACTIVE


async def test_a_state_is_remembered_for_its_ttl_then_loaded_again(clock: Clock) -> None:
    states, load, account = AccountStates(ttl=0.2, clock=clock.monotonic), Loader(), uuid.uuid4()
    for _ in range(3):
        assert await states.get("user", account, load) == ACTIVE
    clock.now += 0.19
    assert await states.get("user", account, load) == ACTIVE
    assert load.calls == 1
    clock.now += 0.02
    await states.get("user", account, load)
    assert load.calls == 2


async def test_forgetting_an_account_loads_it_at_the_next_request() -> None:
    states, load, account = AccountStates(ttl=1.0), Loader(), uuid.uuid4()
    await states.get("user", account, load)
    states.forget("user", account)
    await states.get("user", account, load)
    # A client with the same id is another account.
    await states.get("client", account, load)
    assert load.calls == 3


async def test_a_ttl_of_zero_remembers_nothing() -> None:
    states, load, account = AccountStates(ttl=0), Loader(), uuid.uuid4()
    for _ in range(3):
        await states.get("user", account, load)
    assert load.calls == 3


async def test_a_disabled_account_is_refused_by_another_replica_within_a_second(
    gateway: Gateway, gateway_settings: Settings, clock: Clock
) -> None:
    user, token = await gateway.user_token("police")
    async with gateway_alone(gateway_settings) as replica:
        for each in (gateway, replica):
            each.app.state.gateway.accounts.clock = clock.monotonic
            assert (await each.http.get("/api/v1/me", headers=bearer(token))).status_code == 200
        disabled = await gateway.http.patch(
            f"/api/v1/users/{user['id']}", json={"active": False}, headers=await gateway.admin()
        )
        assert disabled.status_code == 200
        # The replica that made the change refuses at once; the other within the second.
        assert (await gateway.http.get("/api/v1/me", headers=bearer(token))).status_code == 401
        clock.now += gateway_settings.account_cache_seconds - 0.05
        assert (await replica.http.get("/api/v1/me", headers=bearer(token))).status_code == 200
        clock.now += 0.1
        assert (await replica.http.get("/api/v1/me", headers=bearer(token))).status_code == 401
