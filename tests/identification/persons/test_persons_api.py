"""A case's person through the real app: encrypted at rest, matched for duplicates, and
seen by each caller only as far as they may."""

from typing import Any

import pytest

from tests.support.identification import NO_CASE, POTENTIAL, PRESUMED, Caller, Callers, Service
from tests.support.problems import CHANGED_SINCE_READ, assert_problem

NO_DATA_SHARING = "The adult's current consent to share data (data_sharing) is not on record."

ANA = {
    "given_name": "Ana-Maria",
    "family_name": "Ștefănescu",
    "birth_date": "2001-04-17",
    "estimated_age": 24,
    "gender": "female",
    "citizenships": ["MD"],
    "languages": ["ro", "ru"],
    "documents": [{"type": "passport", "number": "AB 123456", "country": "MD"}],
    "phone": "+373 69 123 456",
    "address": "Str. Mihai Eminescu 7, Chișinău",
}
PLAINTEXT = (
    "Ana-Maria",
    "Ștefănescu",
    "Stefanescu",
    "2001-04-17",
    "AB 123456",
    "AB123456",
    "69 123 456",
    "Eminescu",
)


def person_path(case: dict[str, Any]) -> str:
    return f"/api/v1/cases/{case['id']}/person"


async def put_person(
    service: Service, caller: Caller, case: dict[str, Any], body: dict[str, Any], **headers: str
) -> Any:
    return await service.send("PUT", person_path(case), caller, body, **headers)


async def test_the_person_is_recorded_then_replaced_and_reads_back_whole(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police)
    nothing = await service.client.get(person_path(case), headers=police.headers)
    assert_problem(
        nothing, 404, slug="not-found", detail="No personal data is recorded for this case."
    )
    blind = await put_person(service, police, case, ANA, **{"If-Match": '"x-1"'})
    assert_problem(
        blind,
        412,
        slug="precondition-failed",
        detail="No personal data is recorded yet to match If-Match.",
    )
    created = await put_person(service, police, case, ANA)
    assert created.status_code == 201
    read = await service.client.get(person_path(case), headers=police.headers)
    assert read.status_code == 200
    body = read.json()
    assert body["view"] == "full"
    assert {k: body[k] for k in ANA} == ANA
    assert read.headers["etag"] == created.headers["etag"]

    replaced = await put_person(
        service, police, case, {"given_name": "Ana"}, **{"If-Match": read.headers["etag"]}
    )
    assert replaced.status_code == 200
    assert replaced.json()["family_name"] is None
    assert replaced.json()["documents"] == []
    stale = await put_person(
        service, police, case, {"given_name": "X"}, **{"If-Match": read.headers["etag"]}
    )
    assert_problem(stale, 412, slug="precondition-failed", detail=CHANGED_SINCE_READ)


async def test_no_plaintext_name_birth_date_document_phone_or_address_is_stored(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police)
    await put_person(service, police, case, ANA)
    rows = await service.sql("SELECT * FROM persons")
    rows += await service.sql("SELECT * FROM person_match_keys")
    rows += await service.sql("SELECT body FROM outbox")
    rows += await service.sql("SELECT * FROM cases")
    dump = repr(rows)
    for secret in PLAINTEXT:
        assert secret not in dump, secret
    [person] = await service.sql(
        "SELECT given_name_sealed, birth_date_sealed, documents_sealed, phone_sealed FROM persons"
    )
    assert all(str(value).startswith("v1.") for value in person)


async def test_the_person_is_never_part_of_the_case_body(service: Service, police: Caller) -> None:
    case = await service.open_case(police)
    await put_person(service, police, case, ANA)
    body = repr(await service.case(police, case["id"]))
    assert "Ana" not in body
    assert "AB 123456" not in body


async def test_the_persons_facts_correct_the_case(service: Service, police: Caller) -> None:
    case = await service.open_case(police, POTENTIAL, gender="unknown", citizenship=None)
    await put_person(service, police, case, {**ANA, "birth_date": "2012-01-01"})
    after = await service.case(police, case["id"])
    assert (after["gender"], after["is_foreign"], after["is_child"]) == ("female", True, True)


async def test_a_matching_person_flags_both_cases_and_merges_nothing(
    service: Service, police: Caller, other_police: Caller
) -> None:
    first = await service.open_case(police)
    second = await service.open_case(other_police)
    third = await service.open_case(police)
    await put_person(service, police, first, ANA)
    await put_person(
        service,
        other_police,
        second,
        {
            "given_name": "Stefanescu",
            "family_name": "ANA MARIA",
            "birth_date": "2001-04-17",
            "documents": [{"type": "passport", "number": "ab123456", "country": "MD"}],
        },
    )
    await put_person(service, police, third, {"given_name": "Ion", "birth_date": "1990-01-01"})

    mine = await service.case(police, first["id"])
    theirs = await service.case(other_police, second["id"])
    assert mine["possible_duplicates"] == [
        {"case_id": second["id"], "matched_on": sorted(["document", "name_and_birth_date"])}
    ]
    assert theirs["possible_duplicates"] == [
        {"case_id": first["id"], "matched_on": sorted(["document", "name_and_birth_date"])}
    ]
    assert (await service.case(police, third["id"]))["possible_duplicates"] == []
    assert mine["version"] > first["version"]
    assert (await service.count("persons")) == 3


async def test_a_correction_that_no_longer_matches_clears_the_flags_on_both_cases(
    service: Service, police: Caller
) -> None:
    first = await service.open_case(police)
    second = await service.open_case(police)
    await put_person(service, police, first, ANA)
    await put_person(service, police, second, ANA)
    assert (await service.case(police, first["id"]))["possible_duplicates"]
    await put_person(service, police, second, {"given_name": "Someone", "family_name": "Else"})
    for case in (first, second):
        assert (await service.case(police, case["id"]))["possible_duplicates"] == []


async def test_a_provider_sees_what_its_services_need_with_the_adults_consent(
    service: Service, police: Caller, provider: Caller
) -> None:
    case = await service.open_case(police)
    await put_person(service, police, case, ANA)
    await service.deliver(
        "referral.created",
        {
            "referral_id": "6f1c2e9a-1111-4a4a-9b9b-123456789abc",
            "case_id": case["id"],
            "provider_id": "6f1c2e9a-2222-4a4a-9b9b-123456789abc",
            "provider_organisation_id": str(provider.organisation_id),
            "services": ["shelter"],
            "status": "sent",
            "urgency": "high",
            "respond_by": "2026-11-30T10:00:00+00:00",
        },
    )
    without = await service.client.get(person_path(case), headers=provider.headers)
    assert_problem(without, 409, slug="consent-required", detail=NO_DATA_SHARING)

    consent = await service.send(
        "POST",
        f"/api/v1/cases/{case['id']}/consents",
        police,
        {"scope": "data_sharing", "given": True, "method": "written"},
    )
    view = await service.client.get(person_path(case), headers=provider.headers)
    assert view.status_code == 200
    body = view.json()
    assert body["view"] == "provider"
    assert (body["given_name"], body["family_name"], body["phone"]) == (
        "Ana-Maria",
        "Ștefănescu",
        "+373 69 123 456",
    )
    assert body["languages"] == ["ro", "ru"]
    assert body["documents"] == []
    assert body["birth_date"] is None
    assert body["address"] is None
    assert body["citizenships"] == []

    await service.client.post(
        f"/api/v1/cases/{case['id']}/consents/{consent.json()['id']}/withdraw",
        headers=police.headers,
    )
    after = await service.client.get(person_path(case), headers=provider.headers)
    assert_problem(after, 409, slug="consent-required", detail=NO_DATA_SHARING)


async def test_a_provider_needs_no_consent_for_a_child(
    service: Service, police: Caller, provider: Caller
) -> None:
    case = await service.open_case(police, ["EX.14", "EX.02"], age=15, act_recorded=True)
    await put_person(service, police, case, {"given_name": "Ioana", "estimated_age": 15})
    await service.deliver(
        "referral.created",
        {
            "referral_id": "6f1c2e9a-3333-4a4a-9b9b-123456789abc",
            "case_id": case["id"],
            "provider_organisation_id": str(provider.organisation_id),
            "status": "sent",
        },
    )
    view = await service.client.get(person_path(case), headers=provider.headers)
    assert view.status_code == 200
    assert view.json()["given_name"] == "Ioana"


async def test_a_provider_not_referred_the_case_sees_nothing(
    service: Service, police: Caller, provider: Caller
) -> None:
    case = await service.open_case(police)
    await put_person(service, police, case, ANA)
    response = await service.client.get(person_path(case), headers=provider.headers)
    assert_problem(response, 404, slug="not-found", detail=NO_CASE)


@pytest.mark.parametrize("roles", [("auditor",), ("admin",), ("consular_officer",)])
async def test_roles_without_the_right_to_personal_data_are_refused(
    service: Service, police: Caller, callers: Callers, roles: tuple[str, ...]
) -> None:
    case = await service.open_case(police)
    caller = callers(*roles, organisation_id=police.organisation_id)
    assert (await service.client.get(person_path(case), headers=caller.headers)).status_code == 403


async def test_a_provider_may_not_write_the_person(
    service: Service, police: Caller, callers: Callers
) -> None:
    case = await service.open_case(police, PRESUMED)
    staff = callers("provider", organisation_id=police.organisation_id)
    assert (await put_person(service, staff, case, ANA)).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"given_name": "x" * 201}, "given_name"),
        ({"given_name": "Ana\x00"}, "given_name"),
        ({"given_name": "   "}, "given_name"),
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"birth_date": 0}, "birth_date"),
        ({"birth_date": "17.04.2001"}, "birth_date"),
        ({"estimated_age": 121}, "estimated_age"),
        ({"gender": "x"}, "gender"),
        ({"citizenships": ["XX"]}, "citizenships.0"),
        ({"citizenships": ["RO"] * 6}, "citizenships"),
        ({"languages": ["Romanian"]}, "languages.0"),
        (
            {"documents": [{"type": "passport", "number": "", "country": "RO"}]},
            "documents.0.number",
        ),
        ({"documents": [{"type": "visa", "number": "1", "country": "RO"}]}, "documents.0.type"),
        ({"documents": [{"type": "passport", "number": "1"}]}, "documents.0.country"),
        ({"phone": "call me"}, "phone"),
        ({"address": "a" * 501}, "address"),
        ({"nickname": "Ana"}, "nickname"),
    ],
)
async def test_hostile_person_data_is_a_422_naming_the_field_and_stores_nothing(
    service: Service, police: Caller, change: dict[str, Any], field: str
) -> None:
    case = await service.open_case(police)
    response = await put_person(service, police, case, {**ANA, **change})
    assert response.status_code == 422
    assert field in {error["field"] for error in response.json()["errors"]}
    assert await service.count("persons") == 0
