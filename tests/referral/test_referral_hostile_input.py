"""Hostile input on every endpoint of the referral service is a 4xx problem+json naming
what failed — never a 500, never a stack trace, SQL or an internal host."""

import json
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.identification import Caller, Callers
from tests.support.referral import Referral, provider_body

HOSTILE_VALUES: list[Any] = [
    None,
    True,
    -1,
    10**40,
    1.5e308,
    "",
    " ",
    "x" * 5000,
    "nul\x00byte",
    "lone \ud800 surrogate",
    "'; DROP TABLE referrals; --",
    "../../etc/passwd",
    "RO-IS\n",
    [],
    [None],
    {},
    {"$ne": 1},
    [[[[[[[[[[]]]]]]]]]],
]

HOSTILE_BODIES: list[Any] = [
    None,
    [],
    "a string",
    12,
    {"nested": {"deeper": ["x" * 100] * 100}},
]

RAW_BODIES = [b"{", b"not json", b"\xff\xfe\x00", b'{"a": 1}' * 1000, b"[" * 5000 + b"]" * 5000]


@pytest.fixture
async def world(service: Referral, police: Caller, callers: Callers) -> dict[str, Any]:
    organisation = uuid.uuid4()
    shelter = await service.provider(organisation)
    case_id = await service.adult_with_consent(police)
    referral = await service.referral(police, case_id, shelter["id"])
    repatriation = await service.repatriation(service.coordinator, case_id)
    return {
        "provider": shelter,
        "case_id": str(case_id),
        "referral": referral,
        "repatriation": repatriation,
        "staff": callers("provider", organisation_id=organisation),
    }


def endpoints(world: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, a valid body) of every endpoint taking a body."""
    provider = world["provider"]["id"]
    referral = world["referral"]["id"]
    repatriation = world["repatriation"]["id"]
    return [
        (
            "POST",
            "/api/v1/providers",
            provider_body(
                uuid.uuid4(), webhook_url="https://x.example/hook", webhook_secret="s" * 20
            ),
        ),
        ("PATCH", f"/api/v1/providers/{provider}", {"name": "Renamed"}),
        ("PUT", f"/api/v1/providers/{provider}/capacity", {"service": "shelter", "free": 1}),
        (
            "POST",
            "/api/v1/referrals",
            {"case_id": world["case_id"], "provider_id": provider, "services": ["shelter"]},
        ),
        ("POST", f"/api/v1/referrals/{referral}/decline", {"reason": "no_capacity"}),
        ("POST", f"/api/v1/referrals/{referral}/accept", {"note": "ok"}),
        ("POST", f"/api/v1/referrals/{referral}/withdraw", {"note": "ok"}),
        (
            "POST",
            "/api/v1/repatriations",
            {
                "case_id": world["case_id"],
                "direction": "from_romania",
                "country": "MD",
                "departure_place": "Iași",
                "return_place": "Chișinău",
                "partners": [],
                "note": "ok",
            },
        ),
        (
            "POST",
            f"/api/v1/repatriations/{repatriation}/steps/identity_documents/complete",
            {"note": "ok"},
        ),
        (
            "POST",
            f"/api/v1/repatriations/{repatriation}/steps/travel_arranged/complete",
            {"note": "ok", "escort": {"name": "Ioana Marin", "organisation": "IOM"}},
        ),
        (
            "POST",
            f"/api/v1/repatriations/{repatriation}/determinations",
            {"kind": "mitigation_plan", "in_favour": True, "note": "ok"},
        ),
        ("POST", f"/api/v1/repatriations/{repatriation}/cancel", {"reason": "ok"}),
    ]


def assert_a_client_error(response: Any) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    text = response.text.lower()
    for leak in (
        "traceback",
        "sqlalchemy",
        "asyncpg",
        "sqlite",
        "select ",
        "http://identification",
    ):
        assert leak not in text


async def test_every_field_refuses_hostile_values(service: Referral, world: dict[str, Any]) -> None:
    for method, path, valid in endpoints(world):
        caller = world["staff"] if path.endswith("/capacity") else service.coordinator
        for field in valid:
            for value in HOSTILE_VALUES:
                body = {**valid, field: value}
                response = await service.send(method, path, caller, body)
                if response.status_code < 400:
                    continue  # the value happened to be valid for this field
                assert_a_client_error(response)


async def test_hostile_bodies_and_raw_bytes_are_refused(
    service: Referral, world: dict[str, Any]
) -> None:
    for method, path, _valid in endpoints(world):
        for body in HOSTILE_BODIES:
            response = await service.send(method, path, service.coordinator, body)
            if response.status_code < 400:
                continue  # an optional body left out
            assert_a_client_error(response)
        for raw in RAW_BODIES:
            response = await service.client.request(
                method,
                path,
                content=raw,
                headers={**service.coordinator.headers, "Content-Type": "application/json"},
            )
            assert_a_client_error(response)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/providers/not-a-uuid",
        "/api/v1/providers/00000000-0000-0000-0000-00000000000g",
        "/api/v1/referrals/%00",
        "/api/v1/referrals/" + "9" * 3000,
        "/api/v1/cases/not-a-case/provider-matches?service=shelter",
        "/api/v1/providers?limit=0",
        "/api/v1/providers?limit=100000000000000000000000",
        "/api/v1/providers?cursor=garbage",
        "/api/v1/providers?cursor=WyJub3QgYSBkYXRlIiwgMV0",
        "/api/v1/providers?cursor=" + "A" * 600,
        "/api/v1/providers?county=%27%20OR%201%3D1%20--",
        "/api/v1/providers?accepts_children=maybe",
        "/api/v1/providers?service=" + "x" * 10000,
        "/api/v1/providers?kind=%00",
        "/api/v1/referrals?status=lost",
        "/api/v1/referrals?case_id=1",
        "/api/v1/referrals?provider_id=%ud800",
        "/api/v1/referrals?cursor=eyJhIjogMX0",
        "/api/v1/referrals?updated_since=yesterday",
        "/api/v1/referrals?updated_since=2026-01-01T00:00:00",
        "/api/v1/referrals?updated_since=9999-12-31T23:59:59-14:00",
        "/api/v1/referrals?updated_since=0001-01-01T00:00:00%2B14:00",
        "/api/v1/repatriations/not-a-uuid",
        "/api/v1/repatriations/%00",
        "/api/v1/repatriations?status=lost",
        "/api/v1/repatriations?overdue=maybe",
        "/api/v1/repatriations?case_id=1",
        "/api/v1/repatriations?cursor=garbage",
        "/api/v1/repatriations?limit=-1",
        "/api/v1/alerts?county=%27%20OR%201%3D1%20--",
        "/api/v1/alerts?kind=%00",
        "/api/v1/alerts?open=" + "x" * 10000,
        "/api/v1/alerts?cursor=" + "A" * 600,
    ],
)
async def test_hostile_paths_and_queries_are_refused(
    service: Referral, world: dict[str, Any], path: str
) -> None:
    response = await service.client.get(path, headers=service.coordinator.headers)
    assert_a_client_error(response)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/repatriations/{id}/steps/boarding/complete",
        "/api/v1/repatriations/{id}/steps/%00/complete",
        "/api/v1/repatriations/{id}/steps/" + "x" * 3000 + "/complete",
        "/api/v1/repatriations/not-a-uuid/steps/follow_up/complete",
        "/api/v1/repatriations/not-a-uuid/cancel",
        "/api/v1/alerts/not-a-uuid/acknowledge",
        "/api/v1/alerts/00000000-0000-0000-0000-000000000000/acknowledge",
    ],
)
async def test_hostile_action_paths_are_refused(
    service: Referral, world: dict[str, Any], path: str
) -> None:
    path = path.replace("{id}", world["repatriation"]["id"])
    response = await service.send("POST", path, service.coordinator, {"reason": "x"})
    assert_a_client_error(response)


async def test_a_hostile_service_list_on_matching_is_refused(
    service: Referral, world: dict[str, Any]
) -> None:
    path = f"/api/v1/cases/{world['case_id']}/provider-matches"
    response = await service.client.get(
        path, params={"service": ["shelter"] * 50}, headers=service.coordinator.headers
    )
    assert_a_client_error(response)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": "Basic YWRtaW46YWRtaW4="},
        {"Authorization": "Bearer " + "a" * 10000},
    ],
)
async def test_without_a_valid_token_every_endpoint_is_401(
    service: Referral, world: dict[str, Any], headers: dict[str, str]
) -> None:
    for method, path, body in endpoints(world):
        response = await service.client.request(method, path, json=body, headers=headers)
        assert response.status_code == 401
        assert_a_client_error(response)


async def test_if_match_garbage_is_a_412_not_a_crash(
    service: Referral, world: dict[str, Any]
) -> None:
    response = await service.act(
        world["staff"], world["referral"]["id"], "accept", **{"If-Match": "\x01" * 10}
    )
    assert response.status_code in (400, 412, 422)


async def test_forged_or_malformed_events_are_refused(service: Referral) -> None:
    unsigned = await service.client.post("/internal/events", content=b"{}")
    assert unsigned.status_code == 401
    for payload in HOSTILE_VALUES:
        response = await service.deliver("case.opened", {"case_id": payload})
        assert_a_client_error(response)
    response = await service.deliver("risk.assessed", {"case_id": str(uuid.uuid4())})
    assert_a_client_error(response)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    field=st.sampled_from(["case_id", "provider_id", "services", "urgency", "note", "extra"]),
    value=json_values,
)
async def test_any_json_in_a_referral_is_answered_without_a_server_error(
    service: Referral, world: dict[str, Any], field: str, value: Any
) -> None:
    body = {
        "case_id": world["case_id"],
        "provider_id": world["provider"]["id"],
        "services": ["shelter"],
        field: value,
    }
    response = await service.client.post(
        "/api/v1/referrals",
        content=json.dumps(body).encode(),
        headers={**service.coordinator.headers, "Content-Type": "application/json"},
    )
    assert response.status_code < 500, response.text


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    field=st.sampled_from(
        [
            "name",
            "kind",
            "services",
            "counties",
            "countries",
            "capacity",
            "accreditation",
            "contact",
            "genders",
            "languages",
            "webhook_url",
            "webhook_secret",
            "organisation_id",
        ]
    ),
    value=json_values,
)
async def test_any_json_in_a_provider_is_answered_without_a_server_error(
    service: Referral, field: str, value: Any
) -> None:
    body = {**provider_body(uuid.uuid4()), field: value}
    response = await service.client.post(
        "/api/v1/providers",
        content=json.dumps(body).encode(),
        headers={**service.coordinator.headers, "Content-Type": "application/json"},
    )
    assert response.status_code < 500, response.text


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    field=st.sampled_from(
        ["note", "consent_id", "risk_assessment_id", "referral_id", "escort", "extra"]
    ),
    value=json_values,
    step=st.sampled_from(
        ["identity_documents", "consent_to_return", "pre_return_risk_assessment",
         "reception_arranged", "travel_arranged"]
    ),
)  # fmt: skip
async def test_any_json_in_a_step_completion_is_answered_without_a_server_error(
    service: Referral, world: dict[str, Any], field: str, value: Any, step: str
) -> None:
    path = f"/api/v1/repatriations/{world['repatriation']['id']}/steps/{step}/complete"
    response = await service.client.post(
        path,
        content=json.dumps({field: value}).encode(),
        headers={**service.coordinator.headers, "Content-Type": "application/json"},
    )
    assert response.status_code < 500, response.text


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    field=st.sampled_from(
        ["case_id", "direction", "country", "departure_place", "return_place", "partners"]
    ),
    value=json_values,
)
async def test_any_json_in_a_repatriation_is_answered_without_a_server_error(
    service: Referral, world: dict[str, Any], field: str, value: Any
) -> None:
    body = {
        "case_id": world["case_id"],
        "direction": "to_romania",
        "country": "IT",
        "departure_place": "Roma",
        "return_place": "Iași",
        field: value,
    }
    response = await service.client.post(
        "/api/v1/repatriations",
        content=json.dumps(body).encode(),
        headers={**service.coordinator.headers, "Content-Type": "application/json"},
    )
    assert response.status_code < 500, response.text
