"""seed-demo against a stand-in for the gateway's admin API (the real one: tests/e2e)."""

import json
import uuid
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from services.demo import ORGANISATIONS, SEEDERS, USERS, Demo, DemoFailed, seed, username
from shared.auth.policy import Role

URL = "http://gateway.test"
PASSWORD = "bootstrap-password"
PAGE = 3  # smaller than the demo lists, so that seeding has to follow the cursor


class FakeGateway:
    """The contract's token endpoint and admin lists, in memory."""

    def __init__(self) -> None:
        self.organisations: list[dict[str, Any]] = []
        self.users: list[dict[str, Any]] = []
        self.created = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/auth/token":
            form = parse_qs(request.content.decode())
            if form.get("password") != [PASSWORD]:
                return httpx.Response(400, json={"error": "invalid_grant"})
            return httpx.Response(200, json={"access_token": "admin-token"})
        if request.headers.get("Authorization") != "Bearer admin-token":
            return httpx.Response(401)
        collection = {
            "/api/v1/organisations": self.organisations,
            "/api/v1/users": self.users,
        }[request.url.path]
        if request.method == "POST":
            self.created += 1
            item = {"id": str(uuid.uuid4()), **json.loads(request.content)}
            collection.append(item)
            return httpx.Response(201, json=item)
        start = int(request.url.params.get("cursor", 0))
        following = start + PAGE if start + PAGE < len(collection) else None
        return httpx.Response(
            200,
            json={
                "items": collection[start : start + PAGE],
                "next_cursor": str(following) if following else None,
            },
        )


@pytest.fixture
def gateway() -> FakeGateway:
    return FakeGateway()


def run(gateway: FakeGateway, **kwargs: Any) -> list[str]:
    return seed(URL, PASSWORD, transport=httpx.MockTransport(gateway), **kwargs)


def test_every_role_but_admin_and_system_gets_a_demo_user_in_a_demo_organisation() -> None:
    assert set(USERS) == set(Role) - {Role.ADMIN, Role.SYSTEM}
    assert set(USERS.values()) <= {o.kind for o in ORGANISATIONS}


def test_seeding_makes_the_organisations_and_a_user_per_role(gateway: FakeGateway) -> None:
    report = "\n".join(run(gateway))
    assert [o["name"] for o in gateway.organisations] == [o.name for o in ORGANISATIONS]
    organisation_kinds = {o["id"]: o["kind"] for o in gateway.organisations}
    for role, kind in USERS.items():
        (user,) = [u for u in gateway.users if u["username"] == username(role)]
        assert user["roles"] == [role.value]
        assert organisation_kinds[user["organisation_id"]] == kind
        assert f"password {user['password']}" in report


def test_seeding_again_makes_nothing_twice(gateway: FakeGateway) -> None:
    run(gateway)
    made = gateway.created
    report = run(gateway)
    assert gateway.created == made
    assert sum("already there" in line for line in report) == len(USERS)


def test_a_seeder_appended_to_the_list_finds_the_demo_organisations(
    gateway: FakeGateway,
) -> None:
    seen: dict[str, str] = {}

    def seed_providers(demo: Demo) -> None:
        seen.update(demo.organisations)

    run(gateway, seeders=[*SEEDERS, seed_providers])
    assert seen["provider"] == next(
        o["id"] for o in gateway.organisations if o["kind"] == "provider"
    )


def test_a_wrong_admin_password_stops_seeding(gateway: FakeGateway) -> None:
    with pytest.raises(DemoFailed, match="cannot log in"):
        seed(URL, "wrong", transport=httpx.MockTransport(gateway))


def test_no_running_gateway_stops_seeding_with_a_hint() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(DemoFailed, match="is the suite up"):
        seed(URL, PASSWORD, transport=httpx.MockTransport(refuse))
