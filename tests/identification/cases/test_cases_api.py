"""Cases through the real app: opening, reading, correcting, the decision ladder, ETags,
organisation scope, sync, and the reflection period."""

from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.support.auth import TokenIssuer
from tests.support.databases import DatabaseFactory
from tests.support.identification import (
    NO_CASE,
    POTENTIAL,
    PRESUMED,
    Caller,
    Callers,
    Service,
    running_service,
    screening,
)
from tests.support.problems import CHANGED_SINCE_READ, assert_problem

NEW_CASE = {
    "county": "RO-CJ",
    "exploitation_forms": ["begging", "begging", "labour"],
    "subject": {"age": None, "possibly_minor": True, "gender": "male", "citizenship": "MD"},
    "basis": "Referred by the school.",
}


async def decide(
    service: Service,
    caller: Caller,
    case_id: str,
    status: str,
    *,
    if_match: str | None = None,
    **fields: Any,
) -> Any:
    body = {"status": status, "basis": f"grounds for {status}", **fields}
    headers = {"If-Match": if_match} if if_match else {}
    return await service.send("POST", f"/api/v1/cases/{case_id}/decisions", caller, body, **headers)


async def test_a_case_opened_by_hand_is_potential_with_its_opening_record(
    service: Service, police: Caller
) -> None:
    response = await service.send("POST", "/api/v1/cases", police, NEW_CASE)
    assert response.status_code == 201
    case = response.json()
    assert case["status"] == "potential"
    assert case["is_child"] is True
    assert case["county"] == "RO-CJ"
    assert case["exploitation_forms"] == ["labour", "begging"]
    assert case["gender"] == "male"
    assert case["is_foreign"] is True
    assert case["reflection_period"] is None
    assert case["possible_duplicates"] == []
    [opening] = case["decisions"]
    assert opening["decision"] == "opened"
    assert opening["basis"] == "Referred by the school."
    assert response.headers["etag"] == f'"{case["id"]}-{case["version"]}"'
    assert "given_name" not in case


async def test_a_single_case_carries_an_etag_that_changes_with_it(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police, POTENTIAL)
    first = await service.client.get(f"/api/v1/cases/{case['id']}", headers=police.headers)
    tag = first.headers["etag"]
    patched = await service.send(
        "PATCH", f"/api/v1/cases/{case['id']}", police, {"county": "RO-B"}, **{"If-Match": tag}
    )
    assert patched.status_code == 200
    assert patched.json()["county"] == "RO-B"
    assert patched.headers["etag"] != tag
    stale = await service.send(
        "PATCH", f"/api/v1/cases/{case['id']}", police, {"county": "RO-CJ"}, **{"If-Match": tag}
    )
    assert stale.status_code == 412
    assert stale.json()["type"] == "/problems/precondition-failed"
    stale_decision = await decide(service, police, case["id"], "presumed", if_match=tag)
    assert_problem(stale_decision, 412, slug="precondition-failed", detail=CHANGED_SINCE_READ)
    assert (await service.case(police, case["id"]))["status"] == "potential"


async def test_patch_corrects_facts_but_never_the_status(service: Service, police: Caller) -> None:
    case = await service.open_case(police, POTENTIAL)
    path = f"/api/v1/cases/{case['id']}"
    refused = await service.send("PATCH", path, police, {"status": "identified"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "status"
    null_child = await service.send("PATCH", path, police, {"is_child": None})
    assert_problem(null_child, 422, "is_child", slug="validation")
    changed = await service.send(
        "PATCH", path, police, {"is_child": True, "citizenship": "UA", "county": None}
    )
    assert changed.status_code == 200
    body = changed.json()
    assert (body["is_child"], body["is_foreign"], body["county"]) == (True, True, None)


async def test_the_ladder_moves_with_a_decision_record_per_change(
    service: Service, callers: Callers
) -> None:
    organisation = callers("police").organisation_id
    ngo = callers("ngo_worker", organisation_id=organisation)
    prosecutor = callers("prosecutor", organisation_id=organisation)
    case = await service.open_case(ngo, POTENTIAL)

    presumed = await decide(service, ngo, case["id"], "presumed", note="shelter requested")
    assert presumed.status_code == 201
    assert presumed.json()["status"] == "presumed"

    identified = await decide(
        service, prosecutor, case["id"], "identified", authority="Parchetul de pe lângă ÎCCJ"
    )
    assert identified.status_code == 201
    record = identified.json()["decisions"][-1]
    assert record["decision"] == "identified"
    assert (record["from_status"], record["to_status"]) == ("presumed", "identified")
    assert record["authority"] == "Parchetul de pe lângă ÎCCJ"
    assert record["roles"] == ["prosecutor"]
    assert record["decided_by"] == str(prosecutor.subject_id)
    assert record["organisation_id"] == str(organisation)

    closed = await decide(service, ngo, case["id"], "closed", closing_reason="person_unreachable")
    assert closed.json()["status"] == "closed"
    assert closed.json()["decisions"][-1]["closing_reason"] == "person_unreachable"

    reopened = await decide(service, ngo, case["id"], "reopened")
    assert reopened.json()["status"] == "identified"
    assert [d["to_status"] for d in reopened.json()["decisions"]] == [
        "potential",
        "presumed",
        "identified",
        "closed",
        "identified",
    ]


@pytest.mark.parametrize("role", ["labour_inspector", "social_worker", "ngo_worker"])
async def test_a_formal_identification_by_another_role_is_403(
    service: Service, callers: Callers, role: str
) -> None:
    caller = callers(role)
    case = await service.open_case(caller, POTENTIAL)
    response = await decide(service, caller, case["id"], "identified", authority="Police")
    assert response.status_code == 403
    assert response.json()["type"] == "/problems/forbidden"


@pytest.mark.parametrize("roles", [("provider",), ("auditor",), ("admin",)])
async def test_roles_without_case_rights_cannot_decide(
    service: Service, police: Caller, callers: Callers, roles: tuple[str, ...]
) -> None:
    case = await service.open_case(police)
    caller = callers(*roles, organisation_id=police.organisation_id)
    response = await decide(service, caller, case["id"], "closed", closing_reason="duplicate")
    assert response.status_code == 403


async def test_a_decision_the_status_does_not_allow_is_409_illegal_transition(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police)  # presumed
    again = await decide(service, police, case["id"], "presumed")
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/illegal-transition"
    reopen = await decide(service, police, case["id"], "reopened")
    assert_problem(
        reopen,
        409,
        slug="illegal-transition",
        detail="A case that is 'presumed' cannot take the decision 'reopened'.",
    )
    assert len((await service.case(police, case["id"]))["decisions"]) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"status": "closed"}, "closing_reason"),
        ({"status": "closed", "closing_reason": "bored"}, "closing_reason"),
        ({"status": "presumed", "closing_reason": "duplicate"}, "closing_reason"),
        ({"status": "identified"}, "authority"),
        ({"status": "identified", "authority": "line\nbreak"}, "authority"),
        ({"status": "merged"}, "status"),
        ({"status": "presumed", "basis": ""}, "basis"),
        ({"status": "presumed", "basis": "x" * 2001}, "basis"),
        ({"status": "presumed", "basis": 42}, "basis"),
    ],
)
async def test_decision_payload_rules_are_422_naming_the_field(
    service: Service, police: Caller, fields: dict[str, Any], field: str
) -> None:
    case = await service.open_case(police, POTENTIAL)
    body = {"basis": "grounds", **fields}
    response = await service.send("POST", f"/api/v1/cases/{case['id']}/decisions", police, body)
    assert response.status_code == 422
    assert field in {error["field"] for error in response.json()["errors"]}


async def test_another_organisation_gets_404_and_does_not_see_the_case_in_lists(
    service: Service, police: Caller, other_police: Caller
) -> None:
    case = await service.open_case(police)
    for path in ("", "/person", "/consents"):
        response = await service.client.get(
            f"/api/v1/cases/{case['id']}{path}", headers=other_police.headers
        )
        assert response.status_code == 404, path
        assert response.json()["type"] == "/problems/not-found"
    patch = await service.send("PATCH", f"/api/v1/cases/{case['id']}", other_police, {})
    assert_problem(patch, 404, slug="not-found", detail=NO_CASE)
    decision = await decide(service, other_police, case["id"], "closed", closing_reason="duplicate")
    assert_problem(decision, 404, slug="not-found", detail=NO_CASE)
    listed = await service.client.get("/api/v1/cases", headers=other_police.headers)
    assert listed.json()["items"] == []


async def test_coordinators_see_all_cases_or_those_of_their_county(
    service: Service, callers: Callers, national_coordinator: Caller
) -> None:
    iasi = await service.open_case(callers("police"), county="RO-IS")
    cluj = await service.open_case(callers("police"), county="RO-CJ")
    regional = callers("coordinator", county="RO-IS", organisation_kind="national_agency")

    every = await service.client.get("/api/v1/cases", headers=national_coordinator.headers)
    assert {c["id"] for c in every.json()["items"]} == {iasi["id"], cluj["id"]}
    own_county = await service.client.get("/api/v1/cases", headers=regional.headers)
    assert [c["id"] for c in own_county.json()["items"]] == [iasi["id"]]
    other_county = await service.client.get(f"/api/v1/cases/{cluj['id']}", headers=regional.headers)
    assert_problem(other_county, 404, slug="not-found", detail=NO_CASE)


@pytest.mark.parametrize("roles", [("auditor",), ("admin",), ("system",)])
async def test_roles_that_read_no_cases_are_403(
    service: Service, callers: Callers, roles: tuple[str, ...]
) -> None:
    response = await service.client.get("/api/v1/cases", headers=callers(*roles).headers)
    assert response.status_code == 403


async def test_lists_filter_by_status_and_county(service: Service, police: Caller) -> None:
    presumed = await service.open_case(police, PRESUMED, county="RO-IS")
    potential = await service.open_case(police, POTENTIAL, county="RO-CJ")

    async def ids(**params: str) -> list[str]:
        response = await service.client.get("/api/v1/cases", params=params, headers=police.headers)
        assert response.status_code == 200
        return [c["id"] for c in response.json()["items"]]

    assert await ids(status="presumed") == [presumed["id"]]
    assert await ids(county="RO-CJ") == [potential["id"]]
    assert await ids(status="closed") == []
    for bad in ({"status": "open'; --"}, {"county": "Cluj"}, {"updated_since": "yesterday"}):
        response = await service.client.get("/api/v1/cases", params=bad, headers=police.headers)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == next(iter(bad))


async def test_updated_since_syncs_what_changed_in_order_page_by_page(
    service: Service, police: Caller
) -> None:
    cases = [await service.open_case(police, POTENTIAL) for _ in range(4)]
    listed = await service.client.get("/api/v1/cases", headers=police.headers)
    mark = max(c["updated_at"] for c in listed.json()["items"])

    changed = cases[1]
    await decide(service, police, changed["id"], "presumed")
    since = await service.client.get(
        "/api/v1/cases", params={"updated_since": mark}, headers=police.headers
    )
    synced = since.json()["items"]
    assert changed["id"] in {c["id"] for c in synced}
    assert len(synced) <= 2  # the change, and at most the case last seen at the mark
    [fresh] = [c for c in synced if c["id"] == changed["id"]]
    assert fresh["status"] == "presumed"
    assert fresh["updated_at"] > mark

    pages, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (
            await service.client.get("/api/v1/cases", params=params, headers=police.headers)
        ).json()
        pages += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    order = [(c["updated_at"], c["id"]) for c in pages]
    assert order == sorted(order)
    assert len(order) == 4
    assert pages[-1]["id"] == changed["id"]

    naive = await service.client.get(
        "/api/v1/cases", params={"updated_since": "2026-01-01T00:00:00"}, headers=police.headers
    )
    assert_problem(naive, 422, "updated_since", slug="validation")


async def test_a_foreign_presumed_victim_gets_a_reflection_period_a_national_none(
    service: Service, police: Caller
) -> None:
    foreign = await service.open_case(police, PRESUMED, citizenship="MD")
    period = foreign["reflection_period"]
    start = datetime.fromisoformat(period["start"])
    assert datetime.fromisoformat(period["end"]) - start == timedelta(days=90)
    assert start == datetime.fromisoformat(foreign["decisions"][0]["decided_at"])

    national = await service.open_case(police, PRESUMED, citizenship="RO")
    assert national["reflection_period"] is None
    unknown = await service.open_case(police, PRESUMED, citizenship=None)
    assert unknown["reflection_period"] is None


async def test_the_period_starts_when_a_foreign_case_becomes_presumed_and_then_stays(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police, POTENTIAL, citizenship="UA")
    assert case["reflection_period"] is None
    presumed = (await decide(service, police, case["id"], "presumed")).json()
    period = presumed["reflection_period"]
    assert period["start"] == presumed["decisions"][-1]["decided_at"]
    await decide(service, police, case["id"], "closed", closing_reason="moved_abroad_and_referred")
    reopened = (await decide(service, police, case["id"], "reopened")).json()
    assert reopened["reflection_period"] == period


async def test_the_period_length_is_configuration(
    fresh_databases: DatabaseFactory, issuer: TokenIssuer, callers: Callers
) -> None:
    police = callers("police")
    async with running_service(fresh_databases, issuer, reflection_period_days=30) as service:
        case = await service.open_case(police, PRESUMED, citizenship="IT")
    period = case["reflection_period"]
    length = datetime.fromisoformat(period["end"]) - datetime.fromisoformat(period["start"])
    assert length == timedelta(days=30)


async def test_foreign_citizenship_learned_from_the_person_grants_the_period(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police, PRESUMED, citizenship=None)
    assert case["reflection_period"] is None
    response = await service.send(
        "PUT", f"/api/v1/cases/{case['id']}/person", police, {"citizenships": ["NG"]}
    )
    assert response.status_code == 201
    assert response.json()["citizenships"] == ["NG"]
    after = await service.case(police, case["id"])
    assert after["is_foreign"] is True
    assert after["reflection_period"] is not None


async def test_a_screening_with_a_case_id_is_not_counted_as_a_new_case(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police, POTENTIAL)
    await service.screen(police, screening(POTENTIAL, case_id=case["id"]))
    listed = await service.client.get("/api/v1/cases", headers=police.headers)
    assert [c["id"] for c in listed.json()["items"]] == [case["id"]]
