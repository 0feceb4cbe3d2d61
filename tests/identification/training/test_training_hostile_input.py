"""Every training endpoint, fed hostile input, answers a 4xx problem+json, never a 500, and
stores nothing half-written; what it does store comes back verbatim."""

from typing import Any

import pytest

from tests.identification.test_identification_hostile_input import (
    BAD_BODIES,
    BAD_IDS,
    BAD_QUERIES,
    assert_problem,
)
from tests.support.identification import Caller, Callers, Service
from tests.support.training import participant, session_body

ENDPOINTS = [
    ("POST", "/api/v1/training-sessions"),
    ("GET", "/api/v1/training-sessions/{id}"),
    ("PATCH", "/api/v1/training-sessions/{id}"),
    ("POST", "/api/v1/training-sessions/{id}/participants"),
    ("PATCH", "/api/v1/training-sessions/{id}/participants/{other}"),
    ("GET", "/api/v1/training-sessions/{id}/participants/{other}/certificate"),
    ("GET", "/api/v1/organisations/{id}/training"),
    ("GET", "/api/v1/training-vignettes/{id}"),
    ("POST", "/api/v1/practice-screenings"),
    ("GET", "/api/v1/statistics/training/{id}"),
]
QUERY_PATHS = [
    "/api/v1/training-sessions",
    "/api/v1/training-vignettes",
    "/api/v1/me/training",
    "/api/v1/statistics/training/trained_workers",
]
TRAINING_BODIES: list[Any] = [
    session_body(trainers=[]),
    session_body(trainers=["x" * 201]),
    session_body(held_on="2026-02-30"),
    session_body(online="yes", county=None),
    session_body(catalogue_version="1"),
    session_body(catalogue_version=10**12),
    session_body(instrument_versions=[{"instrument": "../../admin", "version": 1}]),
    session_body(instrument_versions=[{"instrument": "initial", "version": 10**9}]),
    session_body(categories=["police' OR 1=1 --"]),
    session_body(participant("\x00Ana")),
    session_body(participant("Ana\nPop")),
    session_body(participant("\ud800")),
    session_body(participant(kind="secret_service")),
    session_body(participant(county="RO-XX")),
    session_body(participant(score=101)),
    session_body(participant(score=-1)),
    session_body(participant(user_id="not-a-uuid")),
    session_body(*[participant()] * 501),
    {**session_body(), "id": "6b1d3c1e-2b0f-4f0a-9d5e-0c2b1a3f4e5d"},
    {**session_body(), "recorded_by": "6b1d3c1e-2b0f-4f0a-9d5e-0c2b1a3f4e5d"},
    {"completed": "true"},
    {"score": 50.5},
    {"organisation": {"kind": "police"}},
    {"vignette": "V1-01; DROP TABLE screenings"},
    {"vignette": "V1-01", "answers": [{"indicator": "DR.01", "answer": "maybe"}]},
]


@pytest.fixture
def coordinator(callers: Callers) -> Caller:
    """Holds every permission the training endpoints ask for."""
    return callers("coordinator", county="national", organisation_kind="national_agency")


async def a_session(service: Service, coordinator: Caller) -> dict[str, Any]:
    body = session_body(participant("Ana Pop"), instrument_versions=[])
    response = await service.send("POST", "/api/v1/training-sessions", coordinator, body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_bad_ids_in_paths_are_4xx_problems(service: Service, coordinator: Caller) -> None:
    for method, template in ENDPOINTS:
        if "{" not in template:
            continue
        for bad in BAD_IDS:
            path = template.format(id=bad, other=bad)
            response = await service.client.request(
                method,
                path,
                content=b"{}",
                headers={**coordinator.headers, "Content-Type": "application/json"},
            )
            assert_problem(response)


async def test_hostile_bodies_are_4xx_problems_and_store_nothing(
    service: Service, coordinator: Caller
) -> None:
    session = await a_session(service, coordinator)
    ids = {"id": session["id"], "other": session["participants"][0]["id"]}
    before = await service.counts("training_sessions", "training_participants")
    for method, template in ENDPOINTS:
        if method == "GET":
            continue
        path = template.format(**ids)
        for body in [*BAD_BODIES, *TRAINING_BODIES]:
            response = await service.send(method, path, coordinator, body)
            if response.status_code < 400:
                # A partial correction or a practice may be valid: never a new session.
                assert method == "PATCH" or template.endswith("practice-screenings"), (path, body)
                continue
            assert_problem(response)
    after = await service.counts("training_sessions", "training_participants")
    assert after == before


async def test_malformed_payloads_are_4xx_problems(service: Service, coordinator: Caller) -> None:
    session = await a_session(service, coordinator)
    ids = {"id": session["id"], "other": session["participants"][0]["id"]}
    for method, template in ENDPOINTS:
        if method == "GET":
            continue
        for content, content_type in [
            (b"{not json", "application/json"),
            (b"\xff\xfe\x00", "application/json"),
            (b"", "application/json"),
            (b"<xml/>", "application/xml"),
        ]:
            response = await service.client.request(
                method,
                template.format(**ids),
                content=content,
                headers={**coordinator.headers, "Content-Type": content_type},
            )
            assert_problem(response)


async def test_hostile_query_strings_are_4xx_problems_or_ignored(
    service: Service, coordinator: Caller
) -> None:
    extra = [{"catalogue_version": "1 OR 1=1"}, {"catalogue_version": "0"}, {"county": "RO-XX"}]
    for path in QUERY_PATHS:
        for params in [*BAD_QUERIES, *extra]:
            response = await service.client.get(path, params=params, headers=coordinator.headers)
            if response.status_code == 200:
                assert next(iter(params)) not in _TAKES[path], (path, params)
                continue
            assert_problem(response)


_TAKES = {
    "/api/v1/training-sessions": {"catalogue_version", "county", "limit", "cursor"},
    "/api/v1/training-vignettes": {"catalogue_version"},
    "/api/v1/me/training": set(),
    "/api/v1/statistics/training/trained_workers": {"group_by", "from", "to"},
}


async def test_injection_strings_are_stored_and_returned_verbatim(
    service: Service, coordinator: Caller
) -> None:
    names = ["Robert'); DROP TABLE training_sessions; --", "<img src=x onerror=alert(1)>", "Ștefan"]
    body = session_body(
        *(participant(name) for name in names), trainers=names, instrument_versions=[]
    )
    created = await service.send("POST", "/api/v1/training-sessions", coordinator, body)
    assert created.status_code == 201, created.text
    read = await service.client.get(
        f"/api/v1/training-sessions/{created.json()['id']}", headers=coordinator.headers
    )
    assert sorted(p["name"] for p in read.json()["participants"]) == sorted(names)
    assert read.json()["trainers"] == names
