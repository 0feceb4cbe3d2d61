"""`case.updated`: a correction of the case, or the person's data, that changes a fact other
parts keep publishes the case's whole state with its new version (docs/events.md)."""

from datetime import datetime
from typing import Any

import pytest

from tests.support.identification import PRESUMED, Caller, Service
from tests.support.problems import CHANGED_SINCE_READ, assert_problem

CASE_OPENED_KEYS = {
    "case_id",
    "version",
    "status",
    "is_child",
    "county",
    "gender",
    "exploitation_forms",
    "organisation_id",
    "is_foreign",
    "opened_at",
}


def instant(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


async def patch(service: Service, caller: Caller, case: dict[str, Any], body: dict[str, Any]):
    response = await service.send("PATCH", f"/api/v1/cases/{case['id']}", caller, body)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_new_county_publishes_case_updated_with_the_whole_state_and_version(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police, PRESUMED, forms=["labour"])
    after = await patch(service, police, case, {"county": "RO-CJ"})

    [event] = await service.events("case.updated")
    assert event["source"] == "identification"
    assert {**event["payload"], "opened_at": instant(event["payload"]["opened_at"])} == {
        "case_id": case["id"],
        "version": after["version"],
        "status": "presumed",
        "is_child": False,
        "county": "RO-CJ",
        "gender": "female",
        "exploitation_forms": ["labour"],
        "organisation_id": str(police.organisation_id),
        "is_foreign": False,
        "opened_at": instant(case["created_at"]),
    }
    [opened] = await service.events("case.opened")
    assert set(event["payload"]) == set(opened["payload"]) == CASE_OPENED_KEYS
    assert event["payload"]["version"] > opened["payload"]["version"]


@pytest.mark.parametrize(
    "change",
    [
        {"is_child": True},
        {"gender": "male"},
        {"exploitation_forms": ["begging"]},
        {"citizenship": "MD"},
    ],
    ids=["child", "gender", "forms", "foreign"],
)
async def test_each_fact_other_parts_keep_publishes_case_updated(
    service: Service, police: Caller, change: dict[str, Any]
) -> None:
    case = await service.open_case(police, PRESUMED)
    await patch(service, police, case, change)
    [event] = await service.events("case.updated")
    field = "is_foreign" if "citizenship" in change else next(iter(change))
    assert event["payload"][field] == (True if field == "is_foreign" else change[field])


async def test_a_correction_that_changes_nothing_kept_elsewhere_publishes_nothing(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police, PRESUMED, citizenship="MD")
    await patch(service, police, case, {"county": "RO-IS", "citizenship": "IT"})
    await patch(service, police, case, {})
    assert await service.events("case.updated") == []


async def test_each_update_carries_a_newer_version_than_the_last(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police, PRESUMED)
    for county in ("RO-CJ", "RO-B", "RO-TM"):
        await patch(service, police, case, {"county": county})
    events = await service.events("case.updated")
    versions = [event["payload"]["version"] for event in events]
    assert [event["payload"]["county"] for event in events] == ["RO-CJ", "RO-B", "RO-TM"]
    assert versions == sorted(set(versions))


async def test_the_persons_data_correcting_the_case_publishes_case_updated(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police, PRESUMED, gender="unknown")
    path = f"/api/v1/cases/{case['id']}/person"
    await service.send("PUT", path, police, {"given_name": "Ioana", "gender": "female"})
    [event] = await service.events("case.updated")
    assert event["payload"]["gender"] == "female"
    assert event["payload"]["version"] == (await service.case(police, case["id"]))["version"]
    assert "Ioana" not in repr(event)

    # The same facts again, only the name changed: nothing new for other parts.
    await service.send("PUT", path, police, {"given_name": "Ioana M.", "gender": "female"})
    assert len(await service.events("case.updated")) == 1


async def test_a_refused_correction_publishes_nothing(service: Service, police: Caller) -> None:
    case = await service.open_case(police, PRESUMED)
    response = await service.send(
        "PATCH", f"/api/v1/cases/{case['id']}", police, {"county": "RO-XX"}
    )
    assert_problem(response, 422, "county", slug="validation")
    stale = await service.send(
        "PATCH",
        f"/api/v1/cases/{case['id']}",
        police,
        {"county": "RO-CJ"},
        **{"If-Match": f'"{case["id"]}-999"'},
    )
    assert_problem(stale, 412, slug="precondition-failed", detail=CHANGED_SINCE_READ)
    assert await service.events("case.updated") == []
