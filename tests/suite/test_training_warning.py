"""Through the gateway: with `NIRM_IDENTIFICATION_TRAINING_WARNING` on, a screening by a
user with no completed training on the current catalogue version carries a warning in its
answer and its audit event — and is made all the same. Off (the default), nothing changes.
"""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.gateway.test_audit_log import sql, without_append_only_triggers
from tests.support.databases import DatabaseFactory
from tests.support.suite import Suite, bearer, gateway_settings, running_suite
from tests.support.training import audit_events, national_coordinator, participant, record_session

PRESUMED = ["DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04"]
SCREENING = {"answers": [{"indicator": code, "answer": "yes"} for code in PRESUMED]}


@pytest.fixture
async def warning_suite(
    fresh_databases: DatabaseFactory, tmp_path: Path, cheap_password_hashing: None
) -> AsyncIterator[Suite]:
    settings = gateway_settings(fresh_databases, tmp_path / "gateway-data")
    overrides = {"identification": {"training_warning": True}}
    async with running_suite(settings, fresh_databases, service_overrides=overrides) as running:
        yield running


async def screen(suite: Suite, token: str) -> dict:
    response = await suite.http.post("/api/v1/screenings", json=SCREENING, headers=bearer(token))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_an_untrained_screener_is_warned_and_the_screening_is_made(
    warning_suite: Suite,
) -> None:
    suite = warning_suite
    _, token = await suite.user_token("police")
    answer = await screen(suite, token)
    assert answer["warnings"] == [
        {
            "code": "screener_not_trained",
            "detail": answer["warnings"][0]["detail"],
            "catalogue_version": 1,
        }
    ]
    assert answer["case_id"] is not None  # never a refusal
    stored = await suite.http.get(f"/api/v1/screenings/{answer['id']}", headers=bearer(token))
    assert "warnings" not in stored.json()
    [event] = await audit_events(suite, action="screening.create")
    assert event["warnings"] == ["screener_not_trained"]
    assert event["resource_id"] == answer["id"]

    # The warning is part of the event's hash: the chain holds, and dropping it shows.
    coordinator = await national_coordinator(suite)
    verify = "/api/v1/audit-events/verify"
    assert (await suite.http.get(verify, headers=coordinator)).json()["valid"] is True
    await without_append_only_triggers(suite)
    await sql(suite, "UPDATE audit_events SET warnings = NULL")
    report = (await suite.http.get(verify, headers=coordinator)).json()
    assert (report["valid"], report["problem"]) == (False, "altered")


async def test_a_screener_trained_on_the_current_version_is_not_warned(
    warning_suite: Suite,
) -> None:
    suite = warning_suite
    coordinator = await national_coordinator(suite)
    user, token = await suite.user_token("police")
    await record_session(suite, coordinator, participant(user_id=user["id"], completed=False))
    assert "warnings" in await screen(suite, token)  # attended, not completed

    [record] = (await suite.http.get("/api/v1/me/training", headers=bearer(token))).json()[
        "records"
    ]
    done = await suite.http.patch(
        f"/api/v1/training-sessions/{record['session']['id']}/participants/"
        f"{record['participant_id']}",
        json={"completed": True},
        headers=coordinator,
    )
    assert done.status_code == 200, done.text
    assert "warnings" not in await screen(suite, token)

    # A new catalogue version: training on the retired one no longer counts.
    assert (await suite.http.post("/api/v1/indicator-catalogues", headers=coordinator)).is_success
    published = await suite.http.post("/api/v1/indicator-catalogues/2/publish", headers=coordinator)
    assert published.status_code == 200
    assert "warnings" in await screen(suite, token)
    events = await audit_events(suite, action="screening.create")
    assert [e["warnings"] for e in reversed(events)] == [
        ["screener_not_trained"],
        None,
        ["screener_not_trained"],
    ]


async def test_with_the_setting_off_nobody_is_warned(suite: Suite) -> None:
    _, token = await suite.user_token("police")
    assert "warnings" not in await screen(suite, token)
    [event] = await audit_events(suite, action="screening.create")
    assert event["warnings"] is None
