"""`python -m services seed-demo`: demo organisations and one user per role.

Everything is made through the running gateway's public admin API, logged in as the
bootstrap admin, so no part's internals are imported and it works against any running
suite. Running it again makes nothing twice.

The seeders run in the order of `SEEDERS`, each an async function of `Demo`; a later one
may use what an earlier one made (`demo.organisations`, by kind). More demo data is one
more function appended to `SEEDERS`.
"""

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from referral_svc.providers.demo import ORGANISATION_KIND, demo_directory
from shared.auth.policy import Role


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: str
    county: str


ORGANISATIONS = (
    DemoOrganisation("Inspectoratul de Poliție Județean Iași (demo)", "police", "RO-IS"),
    DemoOrganisation("DIICOT — Biroul Teritorial Iași (demo)", "prosecution", "RO-IS"),
    DemoOrganisation(
        "Inspectoratul Teritorial de Muncă Iași (demo)", "labour_inspectorate", "RO-IS"
    ),
    DemoOrganisation("DGASPC Iași (demo)", "child_protection", "RO-IS"),
    DemoOrganisation("Asociația Sprijin pentru Victime (demo)", "ngo", "RO-IS"),
    DemoOrganisation("Centrul de Primire și Asistență Iași (demo)", "provider", "RO-IS"),
    DemoOrganisation(
        "Agenția Națională împotriva Traficului de Persoane (demo)", "national_agency", "national"
    ),
    DemoOrganisation("Consulatul General al României la Torino (demo)", "consulate", "national"),
)

# The kind of organisation each demo user works for; the admin is the bootstrap admin.
USERS: dict[Role, str] = {
    Role.POLICE: "police",
    Role.PROSECUTOR: "prosecution",
    Role.LABOUR_INSPECTOR: "labour_inspectorate",
    Role.SOCIAL_WORKER: "child_protection",
    Role.NGO_WORKER: "ngo",
    Role.PROVIDER: "provider",
    Role.COORDINATOR: "national_agency",
    Role.AUDITOR: "national_agency",
    Role.CONSULAR_OFFICER: "consulate",
    # The head of the demo police unit: reads its training records.
    Role.MANAGER: "police",
}


class DemoFailed(Exception):
    pass


@dataclass
class Demo:
    client: httpx.AsyncClient  # the gateway, logged in as the bootstrap admin
    organisations: dict[str, str] = field(default_factory=dict)  # kind -> id
    report: list[str] = field(default_factory=list)


Seeder = Callable[[Demo], Awaitable[None]]


def username(role: Role) -> str:
    return f"demo.{role.value}"


async def seed_organisations(demo: Demo) -> None:
    existing = {o["name"]: o["id"] async for o in _all(demo.client, "/api/v1/organisations")}
    demo.report.append("Organisations:")
    for organisation in ORGANISATIONS:
        organisation_id = existing.get(organisation.name)
        if organisation_id is None:
            body = {
                "name": organisation.name,
                "kind": organisation.kind,
                "county": organisation.county,
            }
            created = await _send(demo.client, "POST", "/api/v1/organisations", json=body)
            organisation_id = created["id"]
        demo.organisations[organisation.kind] = organisation_id
        demo.report.append(f"  {organisation.name} ({organisation.kind}, {organisation.county})")


async def seed_users(demo: Demo) -> None:
    existing = {u["username"] async for u in _all(demo.client, "/api/v1/users")}
    demo.report.append("Users (one per role):")
    for role, kind in USERS.items():
        name = username(role)
        if name in existing:
            demo.report.append(f"  {name:<24} already there, its password unchanged")
            continue
        password = secrets.token_urlsafe(12)
        body = {
            "username": name,
            "password": password,
            "full_name": f"Demo {role.value.replace('_', ' ').title()}",
            "organisation_id": demo.organisations[kind],
            "roles": [role.value],
        }
        await _send(demo.client, "POST", "/api/v1/users", json=body)
        demo.report.append(f"  {name:<24} password {password}")


async def seed_providers(demo: Demo) -> None:
    """The demo directory, each provider acting through an organisation of its own."""
    existing = {p["name"] async for p in _all(demo.client, "/api/v1/providers")}
    organisations = {o["name"]: o["id"] async for o in _all(demo.client, "/api/v1/organisations")}
    made = 0
    for provider in demo_directory():
        if provider["name"] in existing:
            continue
        organisation_id = organisations.get(provider["name"])
        if organisation_id is None:
            counties = provider.get("counties") or ["national"]
            body = {
                "name": provider["name"],
                "kind": ORGANISATION_KIND[provider["kind"]],
                "county": counties[0] if len(counties) == 1 else "national",
            }
            created = await _send(demo.client, "POST", "/api/v1/organisations", json=body)
            organisation_id = created["id"]
        await _send(
            demo.client,
            "POST",
            "/api/v1/providers",
            json={**provider, "organisation_id": organisation_id},
        )
        made += 1
    demo.report.append(f"Providers: {made} added to the directory ({len(existing)} were there)")


SEEDERS: list[Seeder] = [seed_organisations, seed_users, seed_providers]


async def seed(
    gateway_url: str,
    admin_password: str,
    seeders: list[Seeder] = SEEDERS,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[str]:
    """Run the seeders against the gateway; the lines to show the person who ran it."""
    async with httpx.AsyncClient(base_url=gateway_url, timeout=30.0, transport=transport) as client:
        response = await _request(
            client,
            "POST",
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": "admin", "password": admin_password},
        )
        if response.status_code != 200:
            raise DemoFailed(f"The bootstrap admin cannot log in: {response.text}")
        client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        demo = Demo(client)
        for seeder in seeders:
            await seeder(demo)
    return demo.report


async def _request(
    client: httpx.AsyncClient, method: str, path: str, **kwargs: Any
) -> httpx.Response:
    try:
        return await client.request(method, path, **kwargs)
    except httpx.HTTPError as error:
        raise DemoFailed(
            f"The gateway at {client.base_url} does not answer ({error}); is the suite up?"
        ) from error


async def _send(client: httpx.AsyncClient, method: str, path: str, **kwargs: Any) -> Any:
    response = await _request(client, method, path, **kwargs)
    if response.is_error:
        raise DemoFailed(f"{method} {path} answered {response.status_code}: {response.text}")
    return response.json()


async def _all(client: httpx.AsyncClient, path: str) -> AsyncIterator[dict[str, Any]]:
    """Every item of a paginated list."""
    cursor = None
    while True:
        params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        page = await _send(client, "GET", path, params=params)
        for item in page["items"]:
            yield item
        cursor = page["next_cursor"]
        if not cursor:
            return
