"""The coordinators' alerts: every alert the referral service raises is kept, listed to the
coordinators it concerns (national: all; regional: its county) and acknowledged once."""

import uuid

import pytest

from tests.support.identification import Caller, Callers
from tests.support.problems import CHANGED_SINCE_READ, assert_problem
from tests.support.referral import Referral


async def child_without_protection(service: Referral, police: Caller, county: str) -> uuid.UUID:
    """A presumed child's case in a county with no child-protection service: an alert."""
    return await service.case(organisation_id=police.organisation_id, is_child=True, county=county)


async def listed(service: Referral, caller: Caller, **query: str) -> list[dict]:
    response = await service.client.get("/api/v1/alerts", params=query, headers=caller.headers)
    assert response.status_code == 200, response.text
    items: list[dict] = response.json()["items"]
    return items


async def test_a_national_coordinator_sees_every_alert_newest_first(
    service: Referral, police: Caller
) -> None:
    first = await child_without_protection(service, police, "RO-IS")
    second = await child_without_protection(service, police, "RO-CJ")
    alerts = await listed(service, service.coordinator)
    assert [a["case_id"] for a in alerts] == [str(second), str(first)]
    assert alerts[0]["kind"] == "no_child_protection_service"
    assert alerts[0]["county"] == "RO-CJ"
    assert alerts[0]["acknowledged_at"] is None
    [published] = [
        e for e in await service.events("alert.raised") if e["payload"]["case_id"] == str(second)
    ]
    assert published["payload"]["alert_id"] == alerts[0]["id"]


async def test_a_regional_coordinator_sees_its_countys_alerts_only(
    service: Referral, police: Caller, callers: Callers
) -> None:
    await child_without_protection(service, police, "RO-IS")
    cluj = await child_without_protection(service, police, "RO-CJ")
    regional = callers("coordinator", county="RO-CJ", organisation_kind="national_agency")
    assert [a["case_id"] for a in await listed(service, regional)] == [str(cluj)]
    assert await listed(service, regional, county="RO-IS") == []
    iasi = await listed(service, service.coordinator, county="RO-IS")
    assert [a["county"] for a in iasi] == ["RO-IS"]
    acknowledge = await service.send(
        "POST", f"/api/v1/alerts/{iasi[0]['id']}/acknowledge", regional
    )
    assert_problem(
        acknowledge,
        404,
        slug="not-found",
        detail="The alert does not exist or lies outside your scope.",
    )


async def test_acknowledging_closes_an_alert_once(service: Referral, police: Caller) -> None:
    await child_without_protection(service, police, "RO-IS")
    [alert] = await listed(service, service.coordinator, open="true")
    path = f"/api/v1/alerts/{alert['id']}/acknowledge"
    response = await service.send("POST", path, service.coordinator)
    assert response.status_code == 200, response.text
    acknowledged = response.json()
    assert acknowledged["acknowledged_by"] == str(service.coordinator.subject_id)
    assert response.headers["ETag"] == f'"{alert["id"]}-2"'

    other = service.callers("coordinator", county="national")
    again = await service.send("POST", path, other)
    assert again.status_code == 200
    assert again.json()["acknowledged_at"] == acknowledged["acknowledged_at"]
    assert again.json()["acknowledged_by"] == str(service.coordinator.subject_id)
    assert await listed(service, service.coordinator, open="true") == []
    assert [a["id"] for a in await listed(service, service.coordinator, open="false")] == [
        alert["id"]
    ]
    stale = await service.send("POST", path, other, **{"If-Match": f'"{alert["id"]}-1"'})
    assert_problem(stale, 412, slug="precondition-failed", detail=CHANGED_SINCE_READ)


async def test_the_list_filters_by_kind_and_pages(service: Referral, police: Caller) -> None:
    for _ in range(3):
        await child_without_protection(service, police, "RO-IS")
    assert await listed(service, service.coordinator, kind="referral_expired") == []
    assert len(await listed(service, service.coordinator, kind="no_child_protection_service")) == 3
    first = await service.client.get(
        "/api/v1/alerts", params={"limit": 2}, headers=service.coordinator.headers
    )
    cursor = first.json()["next_cursor"]
    second = await service.client.get(
        "/api/v1/alerts", params={"limit": 2, "cursor": cursor}, headers=service.coordinator.headers
    )
    ids = [a["id"] for a in first.json()["items"] + second.json()["items"]]
    assert len(set(ids)) == 3
    assert second.json()["next_cursor"] is None


@pytest.mark.parametrize("role", ["police", "social_worker", "provider", "consular_officer"])
async def test_alerts_are_for_coordinators(
    service: Referral, police: Caller, callers: Callers, role: str
) -> None:
    await child_without_protection(service, police, "RO-IS")
    [alert] = await listed(service, service.coordinator)
    caller = callers(role, county="national")
    assert (await service.send("GET", "/api/v1/alerts", caller)).status_code == 403
    path = f"/api/v1/alerts/{alert['id']}/acknowledge"
    assert (await service.send("POST", path, caller)).status_code == 403


@pytest.mark.parametrize(
    "query",
    ["county=XX", "kind=everything", "open=perhaps", "cursor=garbage", "limit=0"],
)
async def test_a_wrong_filter_is_422(service: Referral, query: str) -> None:
    response = await service.client.get(
        f"/api/v1/alerts?{query}", headers=service.coordinator.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == query.split("=")[0]
