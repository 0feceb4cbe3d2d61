"""Round trips: what a client reads of a resource, less its read-only fields, is accepted
back as the resource's update (or, where it has none, create) body — as a generated SDK's
model of the answer is sent back. The read-only fields of each resource are listed here:
a field the answer gains that no body declares fails its test until it is listed (or the
body takes it). An update that sends back what was read changes nothing a client sees.

Not here: the drafts of indicator catalogues and risk instruments, which answer their
labels in the caller's language and take them in every language at once.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from risk_svc.instruments.v1 import INITIAL
from tests.suite.test_repatriation_flow import World
from tests.support.suite import Suite
from tests.support.training import national_coordinator, participant, record_session

# What changes whenever a resource is written, whatever was sent.
_STAMPS = {"updated_at", "version", "row_version"}


@dataclass(frozen=True)
class Trip:
    read: str  # the resource's path
    method: str  # how it is written back
    write: str  # where
    headers: dict[str, str]
    answer: dict[str, Any] | None = None  # what was read, when not read at `read`


Setup = Callable[[Suite], Awaitable[Trip]]
RESOURCES: dict[str, tuple[Setup, set[str]]] = {}


def resource(name: str, read_only: set[str]) -> Callable[[Setup], Setup]:
    def register(setup: Setup) -> Setup:
        RESOURCES[name] = (setup, read_only)
        return setup

    return register


async def body_properties(suite: Suite, method: str, path: str) -> set[str]:
    """The properties the merged public document declares for the write's JSON body."""
    document = (await suite.http.get("/api/v1/openapi.json")).json()
    template = next(p for p in document["paths"] if _matches(p, path))
    operation = document["paths"][template][method.lower()]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return set(schema["properties"])


def _matches(template: str, path: str) -> bool:
    expected, given = template.split("/"), path.split("/")
    return len(expected) == len(given) and all(
        e == g or e.startswith("{") for e, g in zip(expected, given, strict=True)
    )


# --- the gateway's accounts


@resource("organisation", {"id", "created_at"})
async def organisation(suite: Suite) -> Trip:
    made = await suite.organisation(name="DGASPC Cluj", kind="child_protection", county="RO-CJ")
    return Trip(
        f"/api/v1/organisations/{made['id']}", "POST", "/api/v1/organisations", await suite.admin()
    )


@resource("user", {"id", "username", "organisation_id", "created_at", "updated_at"})
async def user(suite: Suite) -> Trip:
    made = await suite.user("police")
    path = f"/api/v1/users/{made['id']}"
    return Trip(path, "PATCH", path, await suite.admin())


@resource("client", {"client_id", "organisation_id", "created_at", "updated_at"})
async def client(suite: Suite) -> Trip:
    organisation = await suite.organisation()
    made = await suite.http.post(
        "/api/v1/clients",
        json={"name": "case system", "organisation_id": organisation["id"], "roles": ["police"]},
        headers=await suite.admin(),
    )
    assert made.status_code == 201, made.text
    path = f"/api/v1/clients/{made.json()['client_id']}"
    return Trip(path, "PATCH", path, await suite.admin())


# --- identification


@dataclass
class Screener:
    """A social worker of Iași alone: what the identification and risk resources need."""

    social_worker: dict[str, str]


async def presumed_case(suite: Suite) -> tuple[Screener, str]:
    screener = Screener(
        await suite.headers_for("social_worker", kind="social_services", county="RO-IS")
    )
    case_id = await World(suite).screened(screener.social_worker)
    return screener, case_id


@resource(
    "case",
    {
        "id",
        "status",
        "is_foreign",
        "opened_by_organisation_id",
        "reflection_period",
        "decisions",
        "linked_cases",
        "possible_duplicates",
        "version",
        "created_at",
        "updated_at",
    },
)
async def case(suite: Suite) -> Trip:
    screener, case_id = await presumed_case(suite)
    path = f"/api/v1/cases/{case_id}"
    return Trip(path, "PATCH", path, screener.social_worker)


@resource(
    "person",
    {"id", "view", "version", "updated_at"},
)
async def person(suite: Suite) -> Trip:
    screener, case_id = await presumed_case(suite)
    path = f"/api/v1/cases/{case_id}/person"
    given = {
        "given_name": "Elena",
        "family_name": "Rusu",
        "birth_date": "1997-04-02",
        "gender": "female",
        "citizenships": ["MD"],
        "languages": ["ro", "ru"],
        "documents": [{"type": "passport", "number": "B1234567", "country": "MD"}],
        "phone": "+373 600 00000",
    }
    put = await suite.http.put(path, json=given, headers=screener.social_worker)
    assert put.status_code in (200, 201), put.text
    return Trip(path, "PUT", path, screener.social_worker)


@resource(
    "screening",
    {
        "id",
        "organisation_id",
        "outcome",
        "population",
        "decisive_profile",
        "profiles",
        "rule_set_version",
        "created_at",
    },
)
async def screening(suite: Suite) -> Trip:
    screener, case_id = await presumed_case(suite)
    listed = await suite.http.get(
        "/api/v1/screenings", params={"case_id": case_id}, headers=screener.social_worker
    )
    [first] = listed.json()["items"]
    path = f"/api/v1/screenings/{first['id']}"
    return Trip(path, "POST", "/api/v1/screenings", screener.social_worker)


@resource(
    "consent",
    {
        "id",
        "case_id",
        "organisation_id",
        "recorded_by",
        "recorded_at",
        "childs_views",
        "withdrawn_at",
        "withdrawn_by",
        "withdrawal_note",
    },
)
async def consent(suite: Suite) -> Trip:
    screener, case_id = await presumed_case(suite)
    path = f"/api/v1/cases/{case_id}/consents"
    given = await suite.http.post(
        path,
        json={"scope": "referral", "given": True, "method": "written"},
        headers=screener.social_worker,
    )
    assert given.status_code == 201, given.text
    return Trip(path, "POST", path, screener.social_worker, answer=given.json())


@resource(
    "training session",
    {"id", "organisation_id", "participants", "recorded_by", "created_at", "updated_at"},
)
async def training_session(suite: Suite) -> Trip:
    coordinator = await national_coordinator(suite)
    made = await record_session(suite, coordinator, participant())
    path = f"/api/v1/training-sessions/{made['id']}"
    return Trip(path, "PATCH", path, coordinator)


# --- risk


@resource(
    "risk assessment",
    {
        "id",
        "case_id",
        "is_child",
        "assessor_id",
        "assessor_organisation_id",
        "domains",
        "computed_level",
        "level",
        "critical_items",
        "unknown_items",
        "incomplete",
        "measures",
        "reassess_by",
        "assessed_at",
        "created_at",
    },
)
async def risk_assessment(suite: Suite) -> Trip:
    screener, case_id = await presumed_case(suite)
    path = f"/api/v1/cases/{case_id}/risk-assessments"
    made = await suite.http.post(
        path,
        json={
            "instrument": "initial",
            "answers": [{"item": INITIAL.items[0].code, "answer": "no"}],
        },
        headers=screener.social_worker,
    )
    assert made.status_code == 201, made.text
    return Trip(
        f"/api/v1/risk-assessments/{made.json()['id']}", "POST", path, screener.social_worker
    )


# --- referral


@resource(
    "provider in Romania",
    {"id", "has_webhook", "created_at", "updated_at"},
)
async def provider_in_romania(suite: Suite) -> Trip:
    world = await World(suite).build()
    listed = await suite.http.get(
        "/api/v1/providers", params={"kind": "child_protection"}, headers=world.coordinator
    )
    [entry] = listed.json()["items"]
    path = f"/api/v1/providers/{entry['id']}"
    return Trip(path, "PATCH", path, world.coordinator)


@resource(
    "provider abroad",
    {"id", "has_webhook", "created_at", "updated_at"},
)
async def provider_abroad(suite: Suite) -> Trip:
    world = await World(suite).build()
    path = f"/api/v1/providers/{world.reception['id']}"
    return Trip(path, "PATCH", path, world.coordinator)


@resource(
    "new provider abroad",
    {"id", "has_webhook", "created_at", "updated_at"},
)
async def new_provider_abroad(suite: Suite) -> Trip:
    world = await World(suite).build()
    path = f"/api/v1/providers/{world.iom['id']}"
    return Trip(path, "POST", "/api/v1/providers", world.coordinator)


@resource(
    "referral",
    {
        "id",
        "status",
        "case",
        "origin",
        "provider_organisation_id",
        "referrer_organisation_id",
        "respond_by",
        "accepted_at",
        "decline_reason",
        "status_note",
        "next_best",
        "closed_at",
        "created_at",
        "updated_at",
    },
)
async def referral(suite: Suite) -> Trip:
    world = await World(suite).build()
    case_id = await world.presumed_case()
    await world.consent(case_id, "referral")
    referral_id = await world.reception_accepted(case_id, world.social_worker)
    await suite.http.post(
        f"/api/v1/referrals/{referral_id}/complete", headers=world.reception_staff
    )
    return Trip(
        f"/api/v1/referrals/{referral_id}", "POST", "/api/v1/referrals", world.social_worker
    )


@resource(
    "repatriation",
    {
        "id",
        "status",
        "registered_by_organisation_id",
        "organisation_ids",
        "steps",
        "determinations",
        "travel_block",
        "cancel_reason",
        "version",
        "created_at",
        "updated_at",
    },
)
async def repatriation(suite: Suite) -> Trip:
    world = await World(suite).build()
    case_id = await world.presumed_case()
    made = await world.register(case_id)
    cancelled = await suite.http.post(
        f"/api/v1/repatriations/{made['id']}/cancel",
        json={"reason": "Registered twice."},
        headers=world.coordinator,
    )
    assert cancelled.status_code == 200, cancelled.text
    return Trip(
        f"/api/v1/repatriations/{made['id']}", "POST", "/api/v1/repatriations", world.coordinator
    )


@pytest.mark.parametrize("name", sorted(RESOURCES))
async def test_an_answer_less_its_read_only_fields_is_accepted_back(
    suite: Suite, name: str
) -> None:
    setup, read_only = RESOURCES[name]
    trip = await setup(suite)
    answer = trip.answer
    if answer is None:
        read = await suite.http.get(trip.read, headers=trip.headers)
        assert read.status_code == 200, read.text
        answer = read.json()
    declared = await body_properties(suite, trip.method, trip.write)
    assert set(answer) - declared == read_only
    body = {field: value for field, value in answer.items() if field not in read_only}
    written = await suite.http.request(trip.method, trip.write, json=body, headers=trip.headers)
    assert written.status_code in (200, 201), written.text
    if trip.method in ("PATCH", "PUT"):
        after = await suite.http.get(trip.read, headers=trip.headers)
        unchanged = {k: v for k, v in answer.items() if k not in _STAMPS}
        assert {k: v for k, v in after.json().items() if k not in _STAMPS} == unchanged
