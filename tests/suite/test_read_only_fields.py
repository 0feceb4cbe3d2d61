"""Property-level authorisation (OWASP API3): a client cannot set what the suite sets.

Every request body of every part refuses fields it does not declare (422 naming the
field), so a read-only field of the answer — `id`, `organisation_id`, `status`,
`created_at`, `recorded_by`, `referrer_organisation_id`, `roles`, … — sent on a create
or an update is refused, never applied. Checked statically on each part's OpenAPI
document (every body object closed, nested ones too) and live on every write route, as a
caller the route admits, through the gateway and directly. And `limit` out of range is a
422 on every list.
"""

import itertools
import uuid
from contextlib import AsyncExitStack
from typing import Any

import httpx

from shared.auth.policy import Permission
from tests.suite.test_authorisation_matrix import ANYONE, Route, table
from tests.suite.test_repatriation_flow import World
from tests.support.suite import Suite

READ_ONLY = (
    "id",
    "organisation_id",
    "status",
    "created_at",
    "updated_at",
    "recorded_by",
    "referrer_organisation_id",
    "roles",
    "version",
    "case_id",
)


async def existing(suite: Suite) -> tuple[dict[str, str], dict[str, str]]:
    """A resource of each kind a write route names in its path, so that the body is what
    the route judges (a missing resource is a 404 before the body is read); and the
    national coordinator's headers, who may see them all."""
    world = await World(suite).build()
    case_id = await world.presumed_case()
    other_case_id = await world.presumed_case()
    consent = await world.consent(case_id, "referral")
    referral_id = await world.reception_accepted(case_id, world.coordinator)
    repatriation = await world.register(case_id)
    user = await suite.user("police")
    client = await suite.http.post(
        "/api/v1/clients",
        json={
            "name": "case system",
            "organisation_id": user["organisation_id"],
            "roles": ["police"],
        },
        headers=await suite.admin(),
    )
    values = {
        "case_id": case_id,
        "other_case_id": other_case_id,
        "consent_id": consent["id"],
        "provider_id": world.reception["id"],
        "referral_id": referral_id,
        "repatriation_id": repatriation["id"],
        "user_id": user["id"],
        "client_id": client.json()["client_id"],
    }
    return values, world.coordinator


LIMITS = ["0", "-1", "201", "1000000000000", "ten", ""]


def documents(suite: Suite) -> dict[str, dict[str, Any]]:
    return {"gateway": suite.app.openapi(), **{n: a.openapi() for n, a in suite.services.items()}}


def body_schema(document: dict[str, Any], path: str, method: str) -> dict[str, Any] | None:
    operation = document["paths"][path][method.lower()]
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return None if schema is None else resolve(document, schema)


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The object schema a body schema stands for (following `$ref`, skipping `null`)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return resolve(document, document["components"]["schemas"][name])
    for key in ("anyOf", "oneOf"):
        for option in schema.get(key, []):
            if option.get("type") != "null":
                return resolve(document, option)
    return schema


def open_objects(document: dict[str, Any], schema: dict[str, Any], seen: set[str]) -> list[str]:
    """Object schemas reachable from `schema` that accept properties they do not name."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        return [
            f"{name}.{p}" if p else name
            for p in open_objects(document, document["components"]["schemas"][name], seen)
        ]
    found = []
    closed = schema.get("additionalProperties") is False
    if schema.get("type") == "object" and "properties" in schema and not closed:
        found.append("")
    for child in schema.get("properties", {}).values():
        found += open_objects(document, child, seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            found += open_objects(document, schema[key], seen)
    for key in ("anyOf", "oneOf", "allOf"):
        for child in schema.get(key, []):
            found += open_objects(document, child, seen)
    return found


def write_routes() -> list[Route]:
    return [r for r in table() if r.method in ("POST", "PUT", "PATCH") and r.permission != ANYONE]


async def test_every_request_body_is_a_closed_object(suite: Suite) -> None:
    open_bodies = []
    for route in write_routes():
        document = documents(suite)[route.part]
        operation = document["paths"][route.path][route.method.lower()]
        schema = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if schema is not None:
            for name in open_objects(document, schema["schema"], set()):
                open_bodies.append(f"{route.method} {route.path}: {name}")
    assert open_bodies == []


async def test_read_only_fields_are_refused_on_every_create_and_update(suite: Suite) -> None:
    values, coordinator = await existing(suite)
    admin = await suite.admin()
    refused_late = []
    async with AsyncExitStack() as stack:
        clients = {"gateway": suite.http}
        for part in suite.services:
            clients[part] = await stack.enter_async_context(suite.direct(part))
        for route in write_routes():
            headers = admin if route.permission == Permission.MANAGE_ACCOUNTS else coordinator
            refused_late += await refusals(suite, clients, route, values, headers)
    assert refused_late == [], "\n".join(refused_late)


async def refusals(
    suite: Suite,
    clients: dict[str, httpx.AsyncClient],
    route: Route,
    values: dict[str, str],
    headers: dict[str, str],
) -> list[str]:
    """Each read-only field the route's body does not declare, sent alone, that is not
    refused with a 422 naming it."""
    refused_late: list[str] = []
    schema = body_schema(documents(suite)[route.part], route.path, route.method)
    if schema is None:
        return []
    declared = set(schema.get("properties", {}))
    ways = ["gateway"] if route.part == "gateway" else ["gateway", route.part]
    for field in (f for f in READ_ONLY if f not in declared):
        value = str(uuid.uuid4()) if field.endswith("id") else "accepted"
        for way in ways:
            response = await clients[way].request(
                route.method, route.url(values), json={field: value}, headers=headers
            )
            named = [e["field"] for e in response.json().get("errors", [])]
            if response.status_code != 422 or field not in named:
                refused_late.append(
                    f"{route.method} {route.path} via {way} with {field}: "
                    f"{response.status_code} {named}"
                )
    return refused_late


async def test_limit_out_of_range_is_a_422_on_every_list(suite: Suite) -> None:
    values, coordinator = await existing(suite)
    admin = await suite.admin()
    lists = []
    for part, document in documents(suite).items():
        for path, item in document["paths"].items():
            parameters = item.get("get", {}).get("parameters", [])
            if any(p["name"] == "limit" for p in parameters):
                lists.append((part, path))
    assert len(lists) >= 10
    for (part, path), limit in itertools.product(lists, LIMITS):
        accounts = part == "gateway" and path.split("/")[3] in {"organisations", "users", "clients"}
        headers = admin if accounts else coordinator
        url = path.replace("{case_id}", values["case_id"]).replace(
            "{organisation_id}", str(uuid.uuid4())
        )
        response = await suite.http.get(url, params={"limit": limit}, headers=headers)
        assert response.status_code == 422, (part, path, response.text)
        assert [e["field"] for e in response.json()["errors"]] == ["limit"], (path, response.text)
