"""The authorisation matrix: every public route of every part, as every role and as every
kind of token that must be refused, through the gateway and at each service directly,
against the permission table in `docs/permissions.md`.

The routes come from each part's own OpenAPI document, so a route added without a row in
the table (or a row left for a route that is gone) fails here. One test calls the whole
matrix (about two thousand requests) and reports every cell that differs at once.
"""

import asyncio
import re
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from gateway.tokens.keys import load_signing_key
from services.registry import PARTS
from shared.auth.policy import POLICY, Permission, Role
from tests.support.auth import TokenIssuer
from tests.support.suite import Suite, bearer

TABLE = Path(__file__).parents[2] / "docs" / "permissions.md"
ANYONE = "anyone"
ANY_TOKEN = "any token"
_ROUTE_ROW = re.compile(r"^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`]+)` \| (\w+) \| (.+?) \|$")
_POLICY_ROW = re.compile(r"^\| `(\w+)` \| (.+?) \|$")
# Values for path parameters that are not ids: an existing catalogue version, instrument
# and repatriation step, so that only the permission decides the answer.
_PATH_VALUES = {"version": "1", "code": "initial", "step": "consent_to_return"}
_READ = {
    "identification": "/api/v1/cases",
    "risk": "/api/v1/risk-instruments",
    "referral": "/api/v1/referrals",
}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    part: str
    permission: str  # a Permission's value, ANYONE or ANY_TOKEN

    def url(self, values: Mapping[str, str] | None = None) -> str:
        """The path with its parameters filled in from `values`, or else with ids nothing
        has (and the catalogue version, instrument and step that exist)."""
        given = {**_PATH_VALUES, **(values or {})}
        return re.sub(r"\{(\w+)\}", lambda m: given.get(m.group(1), str(uuid.uuid4())), self.path)


def table() -> list[Route]:
    routes = []
    for line in TABLE.read_text().splitlines():
        if match := _ROUTE_ROW.match(line):
            method, path, part, permission = match.groups()
            routes.append(Route(method, path, part, permission.strip("`")))
    return routes


def documented_policy() -> dict[str, set[str]]:
    policy = {}
    for line in TABLE.read_text().splitlines():
        if match := _POLICY_ROW.match(line):
            policy[match.group(1)] = {role.strip() for role in match.group(2).split(",")}
    return policy


def served_routes(suite: Suite) -> set[tuple[str, str, str]]:
    """(method, path, part) of every route in each part's own OpenAPI document."""
    served = set()
    apps = {"gateway": suite.app, **suite.services}
    for part, app in apps.items():
        for path, item in app.openapi()["paths"].items():
            served |= {(method.upper(), path, part) for method in item}
    return served


def test_the_table_names_real_permissions_and_the_policys_roles() -> None:
    routes = table()
    assert len(routes) > 60
    known = {p.value for p in Permission} | {ANYONE, ANY_TOKEN}
    assert {r.permission for r in routes} <= known
    assert {r.part for r in routes} == {p.name for p in PARTS}
    assert documented_policy() == {
        permission.value: {role.value for role in roles} for permission, roles in POLICY.items()
    }


async def test_every_served_route_has_a_row_and_every_row_a_route(suite: Suite) -> None:
    documented = {(r.method, r.path, r.part) for r in table()}
    served = served_routes(suite)
    assert served - documented == set(), "routes without a row in docs/permissions.md"
    assert documented - served == set(), "rows in docs/permissions.md without a route"


@dataclass(frozen=True)
class Principal:
    name: str
    token: str | None
    roles: frozenset[str]
    valid: bool


async def principals(suite: Suite) -> list[Principal]:
    """A real user of each role; an API client; and tokens each part must refuse."""
    found = []
    organisation = (await suite.organisation())["id"]
    for role in Role:
        user = await suite.user(role.value, organisation_id=organisation)
        token = await suite.token(user["username"])
        found.append(Principal(role.value, token, frozenset({role.value}), True))
    client = await suite.http.post(
        "/api/v1/clients",
        json={"name": "case system", "organisation_id": organisation, "roles": ["coordinator"]},
        headers=await suite.admin(),
    )
    assert client.status_code == 201, client.text
    grant = await suite.http.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client.json()["client_id"],
            "client_secret": client.json()["client_secret"],
        },
    )
    assert grant.status_code == 200, grant.text
    found.append(
        Principal("api client", grant.json()["access_token"], frozenset({"coordinator"}), True)
    )

    disabled = await suite.user("coordinator", organisation_id=organisation)
    disabled_token = await suite.token(disabled["username"])
    off = await suite.http.patch(
        f"/api/v1/users/{disabled['id']}", json={"active": False}, headers=await suite.admin()
    )
    assert off.status_code == 200, off.text
    key = load_signing_key(suite.settings)
    ours = TokenIssuer(kid=key.kid, private_key=key.private_key)
    refused = {
        "no token": None,
        "expired token": ours.token("coordinator", expires_in=-120),
        "another audience": ours.token("coordinator", audience="another-system"),
        "disabled user": disabled_token,
    }
    found += [Principal(name, token, frozenset(), False) for name, token in refused.items()]
    await until_every_service_refuses(suite, disabled_token)
    return found


async def until_every_service_refuses(suite: Suite, token: str) -> None:
    """The services learn of the disabled account within a second (tests/suite/
    test_revocation_everywhere.py); the matrix starts once they have."""
    deadline = time.monotonic() + 15
    for part, path in _READ.items():
        async with suite.direct(part) as client:
            while (await client.get(path, headers=bearer(token))).status_code != 401:
                assert time.monotonic() < deadline, f"{part} still admits the disabled user"
                await asyncio.sleep(0.05)


def expected(route: Route, principal: Principal) -> str:
    if route.permission == ANYONE:
        return "admitted"
    if not principal.valid:
        return "401"
    if route.permission == ANY_TOKEN:
        return "admitted"
    allowed = POLICY[Permission(route.permission)]
    return "admitted" if any(role in allowed for role in principal.roles) else "403"


def outcome(response: httpx.Response) -> str:
    if response.status_code in (401, 403):
        return str(response.status_code)
    if response.status_code >= 500:
        return f"server error {response.status_code}: {response.text[:200]}"
    return "admitted"


def calls(routes: list[Route], who: list[Principal]) -> Iterator[tuple[Route, Principal]]:
    for route in routes:
        for principal in who:
            yield route, principal


async def call(client: httpx.AsyncClient, route: Route, principal: Principal) -> httpx.Response:
    headers = bearer(principal.token) if principal.token else {}
    request: dict[str, Any] = {"headers": headers}
    if route.method in ("POST", "PUT", "PATCH"):
        request["json"] = {}
    return await client.request(route.method, route.url(), **request)


async def test_every_route_answers_every_principal_as_the_table_says(suite: Suite) -> None:
    routes = table()
    who = await principals(suite)
    differences = []
    for route, principal in calls(routes, who):
        ways = ["gateway"] if route.part == "gateway" else ["gateway", route.part]
        for way in ways:
            if way == "gateway":
                response = await call(suite.http, route, principal)
            else:
                async with suite.direct(way) as client:
                    response = await call(client, route, principal)
            got, wanted = outcome(response), expected(route, principal)
            if got != wanted:
                differences.append(
                    f"{route.method} {route.path} via {way} as {principal.name}: "
                    f"{got}, expected {wanted} ({route.permission})"
                )
            elif got != "admitted":
                assert response.headers["content-type"] == "application/problem+json"
                assert response.json()["status"] == response.status_code
    assert differences == [], "\n".join(differences)
