"""Consents through the real app: record, list, the current consent, withdrawal, events."""

from typing import Any

import pytest

from services.registry import subscriptions
from tests.support.auth import TokenIssuer
from tests.support.databases import DatabaseFactory
from tests.support.identification import NO_CASE, Caller, Callers, Service, running_service
from tests.support.problems import CHANGED_SINCE_READ, assert_problem

CHILD = ("EX.14", "EX.02")


def consents_path(case: dict[str, Any]) -> str:
    return f"/api/v1/cases/{case['id']}/consents"


async def record(
    service: Service, caller: Caller, case: dict[str, Any], scope: str, given: bool = True
) -> dict[str, Any]:
    response = await service.send(
        "POST",
        consents_path(case),
        caller,
        {"scope": scope, "given": given, "method": "verbal", "note": "explained in Romanian"},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def current(
    service: Service, caller: Caller, case: dict[str, Any], scope: str | None = None
) -> list[dict[str, Any]]:
    params = {"current": "true", **({"scope": scope} if scope else {})}
    response = await service.client.get(consents_path(case), params=params, headers=caller.headers)
    assert response.status_code == 200
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_a_consent_records_who_when_and_how(service: Service, police: Caller) -> None:
    case = await service.open_case(police)
    consent = await record(service, police, case, "referral")
    assert consent["case_id"] == case["id"]
    assert (consent["scope"], consent["given"], consent["method"]) == ("referral", True, "verbal")
    assert consent["recorded_by"] == str(police.subject_id)
    assert consent["organisation_id"] == str(police.organisation_id)
    assert consent["recorded_at"]
    assert consent["withdrawn_at"] is None
    assert consent["childs_views"] is False


async def test_the_current_consent_is_the_newest_given_and_not_withdrawn_per_scope(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police)
    assert await current(service, police, case, "referral") == []
    first = await record(service, police, case, "referral")
    assert [c["id"] for c in await current(service, police, case, "referral")] == [first["id"]]

    refusal = await record(service, police, case, "referral", given=False)
    assert await current(service, police, case, "referral") == []
    again = await record(service, police, case, "referral")
    sharing = await record(service, police, case, "data_sharing")
    assert {c["id"] for c in await current(service, police, case)} == {again["id"], sharing["id"]}

    listed = await service.client.get(consents_path(case), headers=police.headers)
    assert [c["id"] for c in listed.json()["items"]] == [
        sharing["id"],
        again["id"],
        refusal["id"],
        first["id"],
    ]


async def test_withdrawal_takes_effect_at_once_and_only_once(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police)
    consent = await record(service, police, case, "referral")
    path = f"{consents_path(case)}/{consent['id']}/withdraw"
    withdrawn = await service.send("POST", path, police, {"note": "changed her mind"})
    assert withdrawn.status_code == 200
    body = withdrawn.json()
    assert body["withdrawn_at"] is not None
    assert body["withdrawn_by"] == str(police.subject_id)
    assert body["withdrawal_note"] == "changed her mind"
    assert await current(service, police, case, "referral") == []
    twice = await service.client.post(path, headers=police.headers)
    assert_problem(twice, 409, slug="conflict", detail="This consent is already withdrawn.")


async def test_an_older_consent_does_not_revive_when_the_newest_is_withdrawn(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police)
    await record(service, police, case, "referral")
    newest = await record(service, police, case, "referral")
    await service.client.post(
        f"{consents_path(case)}/{newest['id']}/withdraw", headers=police.headers
    )
    assert await current(service, police, case, "referral") == []


async def test_a_refusal_cannot_be_withdrawn(service: Service, police: Caller) -> None:
    case = await service.open_case(police)
    refusal = await record(service, police, case, "assistance", given=False)
    response = await service.client.post(
        f"{consents_path(case)}/{refusal['id']}/withdraw", headers=police.headers
    )
    assert_problem(
        response,
        409,
        slug="conflict",
        detail="A refusal has nothing to withdraw; record a new consent instead.",
    )


async def test_withdrawal_honours_if_match(service: Service, police: Caller) -> None:
    case = await service.open_case(police)
    consent = await record(service, police, case, "referral")
    response = await service.client.post(
        f"{consents_path(case)}/{consent['id']}/withdraw",
        headers={**police.headers, "If-Match": '"stale-1"'},
    )
    assert_problem(response, 412, slug="precondition-failed", detail=CHANGED_SINCE_READ)
    assert len(await current(service, police, case, "referral")) == 1


async def test_on_a_childs_case_a_consent_records_the_childs_views(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police, CHILD, age=14, act_recorded=True)
    consent = await record(service, police, case, "referral", given=False)
    assert consent["childs_views"] is True


async def test_consent_events_carry_ids_and_scope_only(
    fresh_databases: DatabaseFactory, issuer: TokenIssuer, police: Caller
) -> None:
    # No part consumes `consent.recorded` yet; subscribe one so the outbox holds it.
    topics = {**subscriptions(), "consent.recorded": ["referral"]}
    async with running_service(fresh_databases, issuer, subscriptions=topics) as service:
        await _record_and_withdraw_then_check_events(service, police)


async def _record_and_withdraw_then_check_events(service: Service, police: Caller) -> None:
    case = await service.open_case(police)
    consent = await record(service, police, case, "repatriation")
    await service.client.post(
        f"{consents_path(case)}/{consent['id']}/withdraw", headers=police.headers
    )
    [recorded] = await service.events("consent.recorded")
    assert recorded["payload"] == {
        "case_id": case["id"],
        "consent_id": consent["id"],
        "scope": "repatriation",
        "given": True,
    }
    [withdrawn] = await service.events("consent.withdrawn")
    assert withdrawn["payload"] == {
        "case_id": case["id"],
        "consent_id": consent["id"],
        "scope": "repatriation",
    }
    assert withdrawn["source"] == "identification"


async def test_another_organisation_can_neither_see_nor_record_nor_withdraw(
    service: Service, police: Caller, other_police: Caller
) -> None:
    case = await service.open_case(police)
    consent = await record(service, police, case, "referral")
    body = {"scope": "referral", "given": True, "method": "verbal"}
    recorded = await service.send("POST", consents_path(case), other_police, body)
    assert_problem(recorded, 404, slug="not-found", detail=NO_CASE)
    withdraw = await service.client.post(
        f"{consents_path(case)}/{consent['id']}/withdraw", headers=other_police.headers
    )
    assert_problem(withdraw, 404, slug="not-found", detail=NO_CASE)
    assert len(await current(service, police, case, "referral")) == 1


async def test_a_consent_of_another_case_is_not_found_under_this_one(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police)
    other = await service.open_case(police)
    consent = await record(service, police, other, "referral")
    response = await service.client.post(
        f"{consents_path(case)}/{consent['id']}/withdraw", headers=police.headers
    )
    assert_problem(
        response, 404, slug="not-found", detail="There is no consent with this id on this case."
    )


@pytest.mark.parametrize("roles", [("provider",), ("auditor",), ("admin",)])
async def test_roles_that_do_not_record_consent_are_refused(
    service: Service, police: Caller, callers: Callers, roles: tuple[str, ...]
) -> None:
    case = await service.open_case(police)
    caller = callers(*roles, organisation_id=police.organisation_id)
    body = {"scope": "referral", "given": True, "method": "verbal"}
    assert (await service.send("POST", consents_path(case), caller, body)).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scope": "marketing", "given": True, "method": "verbal"}, "scope"),
        ({"scope": "referral", "given": "yes", "method": "verbal"}, "given"),
        ({"scope": "referral", "given": True, "method": "telepathy"}, "method"),
        ({"scope": "referral", "given": True}, "method"),
        ({"scope": "referral", "given": True, "method": "verbal", "note": "x" * 2001}, "note"),
    ],
)
async def test_hostile_consents_are_422_and_store_nothing(
    service: Service, police: Caller, body: dict[str, Any], field: str
) -> None:
    case = await service.open_case(police)
    response = await service.send("POST", consents_path(case), police, body)
    assert response.status_code == 422
    assert field in {error["field"] for error in response.json()["errors"]}
    assert await service.count("consents") == 0
