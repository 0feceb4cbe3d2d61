"""seed-demo against the real suite in-process: the gateway's admin API and the referral
service's directory, reached as `python -m services seed-demo` reaches them."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from referral_svc.providers.demo import demo_directory
from services.demo import ORGANISATIONS, USERS, DemoFailed, seed, username
from shared.auth.policy import Role
from tests.support.databases import DatabaseFactory
from tests.support.suite import ADMIN_PASSWORD, Suite, gateway_settings, running_suite


@pytest.fixture
async def suite(
    fresh_databases: DatabaseFactory, tmp_path: Path, cheap_password_hashing: None
) -> AsyncIterator[Suite]:
    settings = gateway_settings(fresh_databases, tmp_path / "gateway-data")
    async with running_suite(settings, fresh_databases) as running:
        yield running


async def run(suite: Suite, password: str = ADMIN_PASSWORD) -> list[str]:
    return await seed("http://gateway", password, transport=suite.transport)


async def everything(suite: Suite, path: str) -> list[dict]:
    items: list[dict] = []
    cursor = None
    while True:
        params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        page = (await suite.http.get(path, params=params, headers=await suite.admin())).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def test_every_role_but_admin_and_system_gets_a_demo_user_in_a_demo_organisation() -> None:
    assert set(USERS) == set(Role) - {Role.ADMIN, Role.SYSTEM}
    assert set(USERS.values()) <= {o.kind for o in ORGANISATIONS}


async def test_seeding_makes_organisations_users_who_can_log_in_and_the_directory(
    suite: Suite,
) -> None:
    report = "\n".join(await run(suite))

    organisations = {o["name"]: o for o in await everything(suite, "/api/v1/organisations")}
    assert {o.name for o in ORGANISATIONS} <= set(organisations)
    users = {u["username"]: u for u in await everything(suite, "/api/v1/users")}
    for role in USERS:
        assert users[username(role)]["roles"] == [role.value]
        password = report.split(f"{username(role)}")[1].split("password ")[1].split()[0]
        assert (await suite.login(username(role), password)).status_code == 200

    providers = await everything(suite, "/api/v1/providers")
    assert sorted(p["name"] for p in providers) == sorted(p["name"] for p in demo_directory())
    child_protection = [p for p in providers if p["kind"] == "child_protection"]
    assert len(child_protection) == 42
    assert all(organisations[p["name"]]["id"] == p["organisation_id"] for p in providers)


async def test_seeding_again_makes_nothing_twice(suite: Suite) -> None:
    await run(suite)
    counts = [
        len(await everything(suite, path))
        for path in ("/api/v1/organisations", "/api/v1/users", "/api/v1/providers")
    ]
    report = await run(suite)
    again = [
        len(await everything(suite, path))
        for path in ("/api/v1/organisations", "/api/v1/users", "/api/v1/providers")
    ]
    assert again == counts
    assert sum("already there" in line for line in report) == len(USERS)


async def test_a_wrong_admin_password_stops_seeding(suite: Suite) -> None:
    with pytest.raises(DemoFailed, match="cannot log in"):
        await run(suite, password="wrong-password-here")


async def test_no_running_gateway_stops_seeding_with_a_hint() -> None:
    with pytest.raises(DemoFailed, match="is the suite up"):
        await seed("http://127.0.0.1:9", "any", transport=httpx.AsyncHTTPTransport(retries=0))
