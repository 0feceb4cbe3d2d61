"""Resolving a possible-duplicate flag: a person who may see both cases links them or says
they are not duplicates; either way the pair is never flagged again, nothing is merged,
and who resolved it, when and why is on both cases."""

from typing import Any

import pytest

from tests.support.identification import NO_CASE, PRESUMED, Caller, Callers, Service
from tests.support.problems import CHANGED_SINCE_READ, assert_problem

PERSON = {
    "given_name": "Elena",
    "family_name": "Rusu",
    "birth_date": "1998-02-03",
    "documents": [{"type": "passport", "number": "MD 998877", "country": "MD"}],
}


async def flagged_pair(
    service: Service, first_caller: Caller, second_caller: Caller | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two cases whose persons match, each flagged with the other."""
    second_caller = second_caller or first_caller
    first = await service.open_case(first_caller, PRESUMED)
    second = await service.open_case(second_caller, PRESUMED)
    for caller, case in ((first_caller, first), (second_caller, second)):
        response = await service.send("PUT", f"/api/v1/cases/{case['id']}/person", caller, PERSON)
        assert response.status_code == 201, response.text
    first = await service.case(first_caller, first["id"])
    assert [flag["case_id"] for flag in first["possible_duplicates"]] == [second["id"]]
    return first, second


async def resolve(
    service: Service,
    caller: Caller,
    case_id: str,
    other_id: str,
    resolution: str = "linked",
    **headers: str,
) -> Any:
    return await service.send(
        "POST",
        f"/api/v1/cases/{case_id}/duplicates/{other_id}",
        caller,
        {"resolution": resolution, "note": "Same passport; confirmed by Elena at the interview."},
        **headers,
    )


async def test_linking_shows_each_case_on_the_other_and_merges_nothing(
    service: Service, police: Caller
) -> None:
    first, second = await flagged_pair(service, police)
    response = await resolve(service, police, first["id"], second["id"])
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"] == first["id"]
    assert body["possible_duplicates"] == []
    [link] = body["linked_cases"]
    assert link["case_id"] == second["id"]
    assert link["note"] == "Same passport; confirmed by Elena at the interview."
    assert link["linked_by"] == str(police.subject_id)
    assert link["organisation_id"] == str(police.organisation_id)
    assert link["roles"] == ["police"]
    assert body["version"] > first["version"]
    assert response.headers["etag"] == f'"{first["id"]}-{body["version"]}"'

    other = await service.case(police, second["id"])
    assert other["possible_duplicates"] == []
    assert [linked["case_id"] for linked in other["linked_cases"]] == [first["id"]]
    assert other["version"] > second["version"]
    assert await service.counts("cases", "persons") == {"cases": 2, "persons": 2}


async def test_not_a_duplicate_dismisses_the_flag_on_both_cases_for_good(
    service: Service, police: Caller
) -> None:
    first, second = await flagged_pair(service, police)
    response = await resolve(service, police, second["id"], first["id"], "not_duplicate")
    assert response.status_code == 201, response.text
    assert response.json()["possible_duplicates"] == []
    assert response.json()["linked_cases"] == []

    # The person's data written again still matches: the pair is not flagged again.
    again = await service.send("PUT", f"/api/v1/cases/{first['id']}/person", police, PERSON)
    assert again.status_code == 200
    for case in (first, second):
        body = await service.case(police, case["id"])
        assert body["possible_duplicates"] == []
        assert body["linked_cases"] == []


async def test_a_resolved_pair_stays_resolved_but_a_third_match_is_flagged(
    service: Service, police: Caller
) -> None:
    first, second = await flagged_pair(service, police)
    assert (await resolve(service, police, first["id"], second["id"])).status_code == 201
    third = await service.open_case(police, PRESUMED)
    await service.send("PUT", f"/api/v1/cases/{third['id']}/person", police, PERSON)
    flags = (await service.case(police, first["id"]))["possible_duplicates"]
    assert [flag["case_id"] for flag in flags] == [third["id"]]
    assert [c["case_id"] for c in (await service.case(police, first["id"]))["linked_cases"]] == [
        second["id"]
    ]


async def test_a_pair_is_resolved_once(service: Service, police: Caller) -> None:
    first, second = await flagged_pair(service, police)
    assert (await resolve(service, police, first["id"], second["id"])).status_code == 201
    for one, other, resolution in (
        (first, second, "not_duplicate"),
        (second, first, "linked"),
    ):
        response = await resolve(service, police, one["id"], other["id"], resolution)
        body = assert_problem(
            response, 409, slug="conflict", detail="These cases were already resolved as 'linked'."
        )
        assert body["resolution"] == "linked"


async def test_both_cases_must_be_in_the_callers_scope(
    service: Service, police: Caller, other_police: Caller
) -> None:
    first, second = await flagged_pair(service, police, other_police)
    for caller, case, other in ((police, first, second), (other_police, second, first)):
        response = await resolve(service, caller, case["id"], other["id"])
        assert_problem(response, 404, slug="not-found", detail=NO_CASE)
    assert (await service.case(police, first["id"]))["linked_cases"] == []


async def test_a_national_coordinator_resolves_across_organisations(
    service: Service, police: Caller, other_police: Caller, national_coordinator: Caller
) -> None:
    first, second = await flagged_pair(service, police, other_police)
    response = await resolve(service, national_coordinator, first["id"], second["id"])
    assert response.status_code == 201
    assert [link["case_id"] for link in response.json()["linked_cases"]] == [second["id"]]
    theirs = await service.case(other_police, second["id"])
    assert [link["case_id"] for link in theirs["linked_cases"]] == [first["id"]]


async def test_cases_not_flagged_together_are_404(service: Service, police: Caller) -> None:
    first = await service.open_case(police, PRESUMED)
    second = await service.open_case(police, PRESUMED)
    response = await resolve(service, police, first["id"], second["id"])
    assert_problem(
        response,
        404,
        slug="not-found",
        detail="These two cases are not flagged as possible duplicates.",
    )
    assert await service.count("duplicate_resolutions") == 0


async def test_a_case_is_no_duplicate_of_itself(service: Service, police: Caller) -> None:
    case = await service.open_case(police, PRESUMED)
    response = await resolve(service, police, case["id"], case["id"])
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["other_case_id"]


@pytest.mark.parametrize("roles", [("provider",), ("auditor",), ("admin",)])
async def test_roles_that_may_not_update_cases_are_403(
    service: Service, police: Caller, callers: Callers, roles: tuple[str, ...]
) -> None:
    first, second = await flagged_pair(service, police)
    caller = callers(*roles, organisation_id=police.organisation_id)
    response = await resolve(service, caller, first["id"], second["id"])
    assert response.status_code == 403


async def test_if_match_guards_the_first_case(service: Service, police: Caller) -> None:
    first, second = await flagged_pair(service, police)
    stale = await resolve(
        service, police, first["id"], second["id"], **{"If-Match": f'"{first["id"]}-1"'}
    )
    assert_problem(stale, 412, slug="precondition-failed", detail=CHANGED_SINCE_READ)
    current = f'"{first["id"]}-{first["version"]}"'
    fresh = await resolve(service, police, first["id"], second["id"], **{"If-Match": current})
    assert fresh.status_code == 201
    assert [link["case_id"] for link in fresh.json()["linked_cases"]] == [second["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"resolution": "merged"}, "resolution"),
        ({}, "resolution"),
        ({"resolution": "linked", "note": "a\x00b"}, "note"),
        ({"resolution": "linked", "note": "x" * 2001}, "note"),
        ({"resolution": "linked", "merge": True}, "merge"),
    ],
)
async def test_a_bad_resolution_is_a_422_naming_the_field_and_records_nothing(
    service: Service, police: Caller, body: dict[str, Any], field: str
) -> None:
    first, second = await flagged_pair(service, police)
    response = await service.send(
        "POST", f"/api/v1/cases/{first['id']}/duplicates/{second['id']}", police, body
    )
    assert response.status_code == 422
    assert field in {error["field"] for error in response.json()["errors"]}
    assert await service.count("duplicate_resolutions") == 0
