"""Every identification endpoint, fed hostile input, answers a 4xx problem+json, never a
500: wrong types, huge strings, control characters and unpaired surrogates, bad UUIDs in
paths, SQL-looking strings in queries."""

import json
from typing import Any

import pytest

from tests.support.identification import PRESUMED, Caller, Callers, Service

ENDPOINTS = [
    ("GET", "/api/v1/indicator-catalogues/{version}"),
    ("PATCH", "/api/v1/indicator-catalogues/{version}"),
    ("POST", "/api/v1/indicator-catalogues/{version}/publish"),
    ("POST", "/api/v1/screenings"),
    ("GET", "/api/v1/screenings/{id}"),
    ("POST", "/api/v1/cases"),
    ("GET", "/api/v1/cases/{id}"),
    ("PATCH", "/api/v1/cases/{id}"),
    ("POST", "/api/v1/cases/{id}/decisions"),
    ("POST", "/api/v1/cases/{id}/duplicates/{consent}"),
    ("GET", "/api/v1/cases/{id}/person"),
    ("PUT", "/api/v1/cases/{id}/person"),
    ("POST", "/api/v1/cases/{id}/consents"),
    ("GET", "/api/v1/cases/{id}/consents"),
    ("POST", "/api/v1/cases/{id}/consents/{consent}/withdraw"),
]
BAD_IDS = [
    "not-a-uuid",
    "1' OR '1'='1",
    "%00",
    "..%2F..%2Fetc%2Fpasswd",
    "9" * 5000,
    "-1",
    "%F0%9F%92%A3",
    "%ff%fe",
]
BAD_BODIES: list[Any] = [
    [],
    "text",
    12,
    None,
    {"\ud800": 1},
    {"x" * 100_000: 1},
    {"status": {"$ne": None}},
    {"basis": "\x00" * 10, "status": "closed", "closing_reason": "duplicate"},
    {"answers": [{"indicator": "DR.01", "answer": "yes"}] * 10_000},
    {"given_name": ["Ana"], "documents": "AB123"},
    {"scope": "referral", "given": 1, "method": "verbal", "note": "\ud83d"},
    {"indicators": [{"code": "DR.01"}] * 500},
    {"county": "RO-CJ' --", "subject": {"age": 10**40}},
    json.loads('{"a":' * 50 + "1" + "}" * 50),
]
QUERY_PATHS = [
    "/api/v1/cases",
    "/api/v1/screenings",
    "/api/v1/indicator-catalogues",
    "/api/v1/statistics/cases",
]
BAD_QUERIES = [
    {"status": "presumed' OR 1=1 --"},
    {"county": "RO-IS; DROP TABLE cases"},
    {"updated_since": "1970-01-01T00:00:00+99:00"},
    {"updated_since": "9999-99-99"},
    {"case_id": "'; SELECT pg_sleep(10); --"},
    {"limit": "-1"},
    {"limit": "1e9"},
    {"cursor": "x" * 600},
    {"cursor": "W1wiMjAyNi0wMS0wMVQwMDowMDowMCswMDowMFwiLCAiMVwiXQ"},
    {"current": "maybe"},
    {"group_by": "year; DROP TABLE cases"},
    {"group_by": "\u0000"},
    {"from": "1970-01-01T00:00:00+99:00"},
    {"to": "9999-99-99"},
]


@pytest.fixture
def coordinator(callers: Callers) -> Caller:
    """Holds every permission the identification endpoints ask for."""
    return callers("coordinator", county="national", organisation_kind="national_agency")


def assert_problem(response: Any) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body)
    assert "Traceback" not in response.text
    assert "sqlalchemy" not in response.text.lower()


async def test_bad_ids_in_paths_are_4xx_problems(service: Service, coordinator: Caller) -> None:
    for method, template in ENDPOINTS:
        if "{" not in template:
            continue
        for bad in BAD_IDS:
            path = template.format(version=bad, id=bad, consent=bad)
            response = await service.client.request(
                method,
                path,
                content=b"{}",
                headers={**coordinator.headers, "Content-Type": "application/json"},
            )
            assert_problem(response)


async def test_hostile_bodies_are_4xx_problems(service: Service, coordinator: Caller) -> None:
    case = await service.open_case(coordinator, PRESUMED)
    consent = await service.send(
        "POST",
        f"/api/v1/cases/{case['id']}/consents",
        coordinator,
        {"scope": "referral", "given": True, "method": "verbal"},
    )
    await service.client.post("/api/v1/indicator-catalogues", headers=coordinator.headers)
    ids = {"version": "2", "id": case["id"], "consent": consent.json()["id"]}
    for method, template in ENDPOINTS:
        if method == "GET":
            continue
        path = template.format(**ids)
        for body in BAD_BODIES:
            if template.endswith("/screenings/{id}"):
                continue
            response = await service.send(method, path, coordinator, body)
            if response.status_code < 400:
                # Publishing and withdrawing take no body: they may go ahead, once.
                assert template.endswith(("/publish", "/withdraw")), (path, body)
                continue
            assert_problem(response)


async def test_malformed_payloads_are_4xx_problems(service: Service, coordinator: Caller) -> None:
    case = await service.open_case(coordinator, PRESUMED)
    for method, template in ENDPOINTS:
        if method == "GET":
            continue
        path = template.format(version="1", id=case["id"], consent=case["id"])
        for content, content_type in [
            (b"{not json", "application/json"),
            (b"\xff\xfe\x00", "application/json"),
            (b"", "application/json"),
            (b"a=1", "application/x-www-form-urlencoded"),
            (b"<xml/>", "application/xml"),
        ]:
            response = await service.client.request(
                method,
                path,
                content=content,
                headers={**coordinator.headers, "Content-Type": content_type},
            )
            if response.status_code < 400:
                assert template.endswith("/withdraw") is False, (path, content)
                continue
            assert_problem(response)


async def test_hostile_query_strings_are_4xx_problems(
    service: Service, coordinator: Caller
) -> None:
    for path in QUERY_PATHS:
        for params in BAD_QUERIES:
            response = await service.client.get(path, params=params, headers=coordinator.headers)
            if response.status_code == 200:
                # A parameter this list does not take is ignored, as HTTP has it.
                assert next(iter(params)) not in _TAKES[path], (path, params)
                continue
            assert_problem(response)


_TAKES = {
    "/api/v1/cases": {"status", "county", "updated_since", "limit", "cursor"},
    "/api/v1/screenings": {"case_id", "limit", "cursor"},
    "/api/v1/indicator-catalogues": {"limit", "cursor"},
    "/api/v1/statistics/cases": {"group_by", "from", "to"},
}


async def test_hostile_headers_are_4xx_problems_or_ignored(
    service: Service, coordinator: Caller
) -> None:
    case = await service.open_case(coordinator, PRESUMED)
    for value in ("x" * 600, '"a", W/"b", *garbage', "\t"):
        response = await service.send(
            "PATCH", f"/api/v1/cases/{case['id']}", coordinator, {}, **{"If-Match": value}
        )
        assert response.status_code in (200, 412, 422)
        if response.status_code != 200:
            assert_problem(response)
