"""What the referral service learns from other parts' events, and what it does about it:
case facts kept at their newest, a child's case referred to child protection when it
becomes presumed, open referrals withdrawn when an adult withdraws consent."""

import uuid

import pytest
from sqlalchemy import select

from referral_svc.cases.models import CaseFacts, CaseRisk
from tests.support.identification import Caller, Callers
from tests.support.problems import assert_problem
from tests.support.referral import Referral, child_protection_body


async def facts(service: Referral, case_id: uuid.UUID) -> CaseFacts | None:
    async with service.app.state.database.sessions() as session:
        return await session.scalar(select(CaseFacts).where(CaseFacts.case_id == case_id))


async def referrals_of(service: Referral, case_id: uuid.UUID) -> list[dict]:
    response = await service.client.get(
        "/api/v1/referrals",
        params={"case_id": str(case_id)},
        headers=service.coordinator.headers,
    )
    assert response.status_code == 200
    items: list[dict] = response.json()["items"]
    return items


async def test_the_newest_case_version_wins_whatever_the_order(
    service: Referral, police: Caller
) -> None:
    case_id = await service.case(
        organisation_id=police.organisation_id, version=3, county="RO-CJ", status="identified"
    )
    await service.case(
        organisation_id=police.organisation_id,
        case_id=case_id,
        version=2,
        county="RO-IS",
        status="potential",
        topic="case.status_changed",
    )
    kept = await facts(service, case_id)
    assert kept is not None
    assert (kept.version, kept.county, kept.status) == (3, "RO-CJ", "identified")
    await service.case(
        organisation_id=police.organisation_id, case_id=case_id, version=4, county="RO-B"
    )
    kept = await facts(service, case_id)
    assert kept is not None
    assert (kept.version, kept.county) == (4, "RO-B")


async def test_the_latest_assessment_of_each_instrument_is_kept(
    service: Referral, police: Caller
) -> None:
    case_id = await service.case(organisation_id=police.organisation_id)
    await service.risk(case_id, level="high", assessed_at="2026-11-28T12:00:00+00:00")
    await service.risk(case_id, level="low", assessed_at="2026-11-28T09:00:00+00:00")
    async with service.app.state.database.sessions() as session:
        risk = await session.scalar(select(CaseRisk).where(CaseRisk.case_id == case_id))
    assert risk is not None
    assert risk.level == "high"


async def test_a_childs_case_becoming_presumed_is_referred_to_its_countys_child_protection(
    service: Referral, police: Caller
) -> None:
    dgaspc_iasi = await service.provider(**child_protection_body(uuid.uuid4(), "RO-IS"))
    await service.provider(**child_protection_body(uuid.uuid4(), "RO-VS"))
    case_id = await service.case(
        organisation_id=police.organisation_id, is_child=True, status="potential"
    )
    assert await referrals_of(service, case_id) == []

    await service.case(
        organisation_id=police.organisation_id,
        case_id=case_id,
        is_child=True,
        status="presumed",
        version=2,
        topic="case.status_changed",
    )
    [referral] = await referrals_of(service, case_id)
    assert referral["provider_id"] == dgaspc_iasi["id"]
    assert referral["services"] == ["child_protection"]
    assert referral["urgency"] == "high"
    assert referral["origin"] == "mechanism"
    assert referral["referrer_organisation_id"] is None
    # The opening organisation sees what the mechanism did for its case.
    listed = await service.client.get(
        "/api/v1/referrals", params={"case_id": str(case_id)}, headers=police.headers
    )
    assert [r["id"] for r in listed.json()["items"]] == [referral["id"]]

    # Told again (another version, a redelivery): nothing twice.
    await service.case(
        organisation_id=police.organisation_id,
        case_id=case_id,
        is_child=True,
        status="presumed",
        version=3,
        topic="case.status_changed",
    )
    assert len(await referrals_of(service, case_id)) == 1
    assert len(await service.events("referral.created")) == 1


async def test_a_child_already_referred_to_child_protection_is_not_referred_again(
    service: Referral, police: Caller
) -> None:
    dgaspc = await service.provider(**child_protection_body(uuid.uuid4(), "RO-IS"))
    case_id = await service.case(
        organisation_id=police.organisation_id, is_child=True, status="potential"
    )
    await service.referral(police, case_id, dgaspc["id"], services=["child_protection"])
    await service.case(
        organisation_id=police.organisation_id,
        case_id=case_id,
        is_child=True,
        status="presumed",
        version=2,
        topic="case.status_changed",
    )
    assert len(await referrals_of(service, case_id)) == 1


async def test_with_no_child_protection_service_the_coordinators_are_alerted_and_nothing_fails(
    service: Referral, police: Caller
) -> None:
    await service.provider(**child_protection_body(uuid.uuid4(), "RO-CJ"))
    inactive = child_protection_body(uuid.uuid4(), "RO-IS")
    await service.provider(**{**inactive, "active": False})
    case_id = await service.case(organisation_id=police.organisation_id, is_child=True)
    assert await referrals_of(service, case_id) == []
    [alert] = await service.events("alert.raised")
    assert alert["payload"]["kind"] == "no_child_protection_service"
    assert alert["payload"]["case_id"] == str(case_id)
    assert alert["payload"]["county"] == "RO-IS"
    assert (await facts(service, case_id)) is not None


@pytest.mark.parametrize("status", ["potential", "not_identified"])
async def test_only_a_presumed_childs_case_is_referred_by_the_mechanism(
    service: Referral, police: Caller, status: str
) -> None:
    await service.provider(**child_protection_body(uuid.uuid4(), "RO-IS"))
    case_id = await service.case(
        organisation_id=police.organisation_id, is_child=True, status=status
    )
    assert await referrals_of(service, case_id) == []


async def test_a_withdrawn_consent_withdraws_the_cases_open_referrals_at_once(
    service: Referral, police: Caller, callers: Callers
) -> None:
    organisation = uuid.uuid4()
    shelter = await service.provider(organisation)
    legal = await service.provider(services=["legal"], capacity={})
    staff = callers("provider", organisation_id=organisation)
    case_id = await service.adult_with_consent(police)
    accepted = await service.referral(police, case_id, shelter["id"])
    await service.act(staff, accepted["id"], "accept")
    sent = await service.referral(police, case_id, legal["id"], services=["legal"])
    other_case = await service.adult_with_consent(police)
    untouched = await service.referral(police, other_case, legal["id"], services=["legal"])
    assert await service.free_places(shelter["id"]) == 2

    response = await service.deliver(
        "consent.withdrawn",
        {"case_id": str(case_id), "consent_id": str(uuid.uuid4()), "scope": "referral"},
    )
    assert response.status_code == 200, response.text

    statuses = {r["id"]: r["status"] for r in await referrals_of(service, case_id)}
    assert statuses == {accepted["id"]: "withdrawn", sent["id"]: "withdrawn"}
    assert [r["status"] for r in await referrals_of(service, other_case)] == ["sent"]
    assert untouched["status"] == "sent"
    assert await service.free_places(shelter["id"]) == 3  # the accepted one's place is back
    changed = await service.events("referral.status_changed")
    withdrawn = [e["payload"] for e in changed if e["payload"]["status"] == "withdrawn"]
    assert {p["previous_status"] for p in withdrawn} == {"accepted", "sent"}


async def test_a_withdrawal_of_another_scope_or_older_than_the_referral_withdraws_nothing(
    service: Referral, police: Caller
) -> None:
    shelter = await service.provider()
    case_id = await service.adult_with_consent(police)
    referral = await service.referral(police, case_id, shelter["id"])
    await service.deliver(
        "consent.withdrawn",
        {"case_id": str(case_id), "consent_id": str(uuid.uuid4()), "scope": "data_sharing"},
    )
    # A withdrawal that happened before this referral was made (delivered late): the
    # referral rests on a consent given again since.
    await service.deliver(
        "consent.withdrawn",
        {"case_id": str(case_id), "consent_id": str(uuid.uuid4()), "scope": "referral"},
        occurred_at="2020-01-01T00:00:00+00:00",
    )
    [still] = await referrals_of(service, case_id)
    assert still["id"] == referral["id"]
    assert still["status"] == "sent"


async def test_a_childs_referrals_stand_when_a_consent_is_withdrawn(
    service: Referral, police: Caller
) -> None:
    dgaspc = await service.provider(**child_protection_body(uuid.uuid4(), "RO-IS"))
    case_id = await service.case(organisation_id=police.organisation_id, is_child=True)
    [referral] = await referrals_of(service, case_id)
    assert referral["provider_id"] == dgaspc["id"]
    await service.deliver(
        "consent.withdrawn",
        {"case_id": str(case_id), "consent_id": str(uuid.uuid4()), "scope": "referral"},
    )
    assert [r["status"] for r in await referrals_of(service, case_id)] == ["sent"]


async def test_a_malformed_event_is_refused_and_changes_nothing(service: Referral) -> None:
    response = await service.deliver("case.opened", {"case_id": "nope"})
    assert_problem(response, 422, "payload", slug="validation", detail="Not a case.opened payload.")
    assert await service.count("referral_case_facts") == 0
