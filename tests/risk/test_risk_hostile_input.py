"""Hostile input on every risk endpoint: wrong types, huge strings, bad ids, SQL-looking
strings, forged cursors and headers. Always a 4xx problem+json, never a 500, and the
service keeps working afterwards."""

import base64
import json
import uuid
from typing import Any

import pytest

from tests.risk.conftest import Actor, RiskService, initial

SQL = "1' OR '1'='1'; DROP TABLE risk_assessments; --"
HUGE = "x" * 200_000
FORGED_CURSORS = [
    base64.urlsafe_b64encode(json.dumps(value).encode()).decode()
    for value in (
        ["2026-01-01T00:00:00", str(uuid.uuid4())],
        ["0001-01-01T00:00:00+05:00", str(uuid.uuid4())],
        ["2026-01-01T00:00:00+00:00", 7],
        ["2026-01-01T00:00:00+00:00", [1]],
        {"a": 1},
        [1, 2, 3],
    )
]
BAD_IDS = ["not-a-uuid", SQL, "00000000-0000-0000-0000-00000000000g", "%00", "1" * 5000]
BAD_CODES = [SQL, "INITIAL", "x" * 5000, "in itial", "initial%00"]
BAD_VERSIONS = ["0", "-1", "1.5", "99999999999999999999", "one", SQL]


def bodies() -> list[Any]:
    valid = initial(["SAF-02"])
    return [
        None,
        [],
        "initial",
        12,
        {},
        {**valid, "instrument": 5},
        {**valid, "instrument": SQL},
        {**valid, "instrument": HUGE},
        {**valid, "version": "1"},
        {**valid, "version": 2**63},
        {**valid, "version": -(2**63)},
        {**valid, "version": 1.5},
        {**valid, "answers": None},
        {**valid, "answers": "yes"},
        {**valid, "answers": [1, 2]},
        {**valid, "answers": [[]]},
        {**valid, "answers": [{"item": SQL, "answer": "yes"}]},
        {**valid, "answers": [{"item": HUGE, "answer": "yes"}]},
        {**valid, "answers": [{"item": "SAF-01", "answer": SQL}]},
        {**valid, "answers": [{"item": None, "answer": "yes"}]},
        {**valid, "answers": [{"item": "SAF-01", "answer": "yes"}] * 5000},
        {**valid, "judgement": "high"},
        {**valid, "judgement": {"level": "high", "reason": HUGE}},
        {**valid, "judgement": {"level": SQL, "reason": "x"}},
        {**valid, "judgement": {"level": None, "reason": None}},
        {**valid, "extra": {"nested": [{"deep": True}]}},
    ]


def draft_changes() -> list[Any]:
    return [
        None,
        [],
        "label",
        {"label": "x"},
        {"label": {"ro": HUGE, "en": "x"}},
        {"label": {"ro": 1, "en": 2}},
        {"domains": "safety"},
        {"domains": [{"code": SQL, "label": {"ro": "a", "en": "b"}}]},
        {"items": [{"code": SQL}]},
        {"items": [{"code": "A-1", "domain": "x", "weight": 2**40, "label": {"ro": "a"}}]},
        {"items": [{}] * 1000},
        {"measures": [{"code": "x", "label": None}]},
        {"measure_rules": [{"measure": "x", "when": {"kind": SQL}}]},
        {"measure_rules": [{"measure": "x", "when": {"kind": "any_item_yes", "items": []}}]},
        {"measure_rules": [{"measure": "x", "when": "always"}]},
    ]


# Characters no database should be asked to store: NUL, and an unpaired surrogate (not
# UTF-8). `json.dumps` escapes them, as a hostile client's JSON may.
UNSTORABLE = ["a\x00b", "a\ud800b"]


def unstorable_bodies() -> list[Any]:
    valid = initial(["SAF-02"])
    return [
        variant
        for text in UNSTORABLE
        for variant in (
            {**valid, "judgement": {"level": "high", "reason": text}},
            {**valid, "answers": [{"item": text, "answer": "yes"}]},
            {**valid, "answers": [{"item": "SAF-01", "answer": text}]},
            {**valid, "instrument": text},
        )
    ]


async def send_json(risk: RiskService, method: str, url: str, actor: Actor, body: Any) -> Any:
    return await risk.http.request(
        method,
        url,
        content=json.dumps(body).encode(),
        headers={**actor.headers, "Content-Type": "application/json"},
    )


def assert_client_error(response: Any) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == response.status_code
    text = response.text.lower()
    assert "traceback" not in text
    assert "sqlalchemy" not in text
    assert "select " not in text


@pytest.fixture
async def case_id(risk: RiskService, police: Actor) -> uuid.UUID:
    return await risk.open_case(police)


async def test_hostile_assessment_bodies_are_refused(
    risk: RiskService, police: Actor, case_id: uuid.UUID
) -> None:
    url = f"/api/v1/cases/{case_id}/risk-assessments"
    for body in bodies():
        assert_client_error(await risk.http.post(url, json=body, headers=police.headers))
    for raw in (b"{not json", b"\xff\xfe", b'{"instrument": "initial", "answers": [', b""):
        response = await risk.http.post(
            url, content=raw, headers={**police.headers, "Content-Type": "application/json"}
        )
        assert_client_error(response)
    for body in unstorable_bodies():
        assert_client_error(await send_json(risk, "POST", url, police, body))
    still = await risk.assess(police, case_id, initial(["SAF-02"]))
    assert still.status_code == 201
    assert (still.json()["instrument"], still.json()["critical_items"]) == ("initial", ["SAF-02"])
    history = await risk.http.get(url, headers=police.headers)
    assert [item["id"] for item in history.json()["items"]] == [still.json()["id"]]


async def test_hostile_draft_changes_are_refused(risk: RiskService, coordinator: Actor) -> None:
    assert (
        await risk.http.post("/api/v1/risk-instruments/initial", headers=coordinator.headers)
    ).status_code == 201
    url = "/api/v1/risk-instruments/initial/2"
    for change in draft_changes():
        assert_client_error(await risk.http.patch(url, json=change, headers=coordinator.headers))
    for text in UNSTORABLE:
        for label in ({"ro": text, "en": "x"}, {"ro": "x", "en": text}):
            response = await send_json(risk, "PATCH", url, coordinator, {"label": label})
            assert_client_error(response)


async def test_hostile_paths_are_refused(
    risk: RiskService, police: Actor, coordinator: Actor
) -> None:
    for bad in BAD_IDS:
        for url in (
            f"/api/v1/cases/{bad}/risk-assessments",
            f"/api/v1/risk-assessments/{bad}",
        ):
            assert_client_error(await risk.http.get(url, headers=police.headers))
        response = await risk.http.post(
            f"/api/v1/cases/{bad}/risk-assessments", json=initial(), headers=police.headers
        )
        assert_client_error(response)
    for code in BAD_CODES:
        assert_client_error(
            await risk.http.get(f"/api/v1/risk-instruments/{code}/1", headers=police.headers)
        )
        assert_client_error(
            await risk.http.post(f"/api/v1/risk-instruments/{code}", headers=coordinator.headers)
        )
    for version in BAD_VERSIONS:
        base = f"/api/v1/risk-instruments/initial/{version}"
        assert_client_error(await risk.http.get(base, headers=police.headers))
        assert_client_error(await risk.http.patch(base, json={}, headers=coordinator.headers))
        assert_client_error(await risk.http.post(f"{base}/publish", headers=coordinator.headers))


async def test_hostile_queries_and_headers_are_refused_or_ignored(
    risk: RiskService, police: Actor, case_id: uuid.UUID
) -> None:
    lists = [
        "/api/v1/risk-instruments",
        "/api/v1/risk-assessments",
        f"/api/v1/cases/{case_id}/risk-assessments",
    ]
    queries: list[dict[str, str]] = [
        {"limit": "-1"},
        {"limit": "10" * 30},
        {"limit": SQL},
        {"cursor": SQL},
        {"cursor": "x" * 600},
        *({"cursor": cursor} for cursor in FORGED_CURSORS),
    ]
    for url in lists:
        for query in queries:
            assert_client_error(await risk.http.get(url, params=query, headers=police.headers))
    for query in (
        {"due_before": SQL},
        {"due_before": "9999-12-31T23:59:59-23:59"},
        {"due_before": "2026-13-45T99:99:99Z"},
        {"county": SQL},
        {"county": HUGE[:5000]},
    ):
        response = await risk.http.get(
            "/api/v1/risk-assessments", params=query, headers=police.headers
        )
        assert_client_error(response)
    for query in ({"code": SQL}, {"status": "deleted"}):
        response = await risk.http.get(
            "/api/v1/risk-instruments", params=query, headers=police.headers
        )
        assert_client_error(response)

    odd_language = {**police.headers, "Accept-Language": "q=;;,,," + "zz-" * 2000}
    response = await risk.http.get("/api/v1/risk-instruments/initial/1", headers=odd_language)
    assert response.status_code == 200
    assert response.headers["content-language"] == "ro"


async def test_bad_tokens_are_refused_on_every_endpoint(risk: RiskService) -> None:
    endpoints = [
        ("GET", "/api/v1/risk-instruments"),
        ("GET", "/api/v1/risk-instruments/initial/1"),
        ("POST", "/api/v1/risk-instruments/initial"),
        ("PATCH", "/api/v1/risk-instruments/initial/1"),
        ("POST", "/api/v1/risk-instruments/initial/1/publish"),
        ("POST", f"/api/v1/cases/{uuid.uuid4()}/risk-assessments"),
        ("GET", f"/api/v1/cases/{uuid.uuid4()}/risk-assessments"),
        ("GET", "/api/v1/risk-assessments"),
        ("GET", f"/api/v1/risk-assessments/{uuid.uuid4()}"),
    ]
    for authorization in ("", "Bearer", f"Bearer {SQL}", "Bearer a.b.c", f"Bearer {HUGE}"):
        for method, url in endpoints:
            response = await risk.http.request(
                method, url, json={}, headers={"Authorization": authorization}
            )
            assert response.status_code == 401, (method, url, response.text[:200])
            assert_client_error(response)


async def test_a_hostile_if_match_is_a_precondition_failure(
    risk: RiskService, coordinator: Actor
) -> None:
    await risk.http.post("/api/v1/risk-instruments/initial", headers=coordinator.headers)
    for value in (SQL, "*x", '"' * 400, "W/"):
        response = await risk.http.post(
            "/api/v1/risk-instruments/initial/2/publish",
            headers={**coordinator.headers, "If-Match": value},
        )
        assert_client_error(response)
