"""Sending a case to a provider and the provider's answer: who may do what, in which
state, and what each answer shows."""

import uuid
from datetime import datetime, timedelta

import pytest

from referral_svc.referrals.models import Referral as ReferralRow
from referral_svc.referrals.service import ReferralService
from referral_svc.referrals.states import ReferralAction
from shared.db import utcnow
from shared.errors import ChangedMeanwhile
from tests.support.identification import Caller, Callers
from tests.support.problems import CHANGED_SINCE_READ, assert_problem, needs
from tests.support.referral import NO_CASE, NO_REFERRAL, Referral


@pytest.fixture
async def shelter(service: Referral) -> dict:
    return await service.provider(uuid.uuid4())


@pytest.fixture
def staff(callers: Callers, shelter: dict) -> Caller:
    """A user of the shelter's organisation."""
    return callers(
        "provider", organisation_id=uuid.UUID(shelter["organisation_id"]), organisation_kind="ngo"
    )


def hours_between(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)) / timedelta(hours=1)


async def test_a_referral_is_sent_with_a_deadline_from_its_urgency(
    service: Referral, police: Caller, shelter: dict
) -> None:
    case_id = await service.adult_with_consent(police)
    response = await service.refer(
        police, case_id, shelter["id"], services=["shelter", "psychological"], note="Tonight."
    )
    assert response.status_code == 201, response.text
    referral = response.json()
    assert referral["status"] == "sent"
    assert referral["case_id"] == str(case_id)
    assert referral["provider_id"] == shelter["id"]
    assert referral["services"] == ["psychological", "shelter"]
    assert referral["urgency"] == "normal"
    assert hours_between(referral["created_at"], referral["respond_by"]) == 72
    assert referral["referrer_organisation_id"] == str(police.organisation_id)
    assert referral["origin"] == "practitioner"
    assert response.headers["Location"] == f"/api/v1/referrals/{referral['id']}"
    [event] = await service.events("referral.created")
    assert event["payload"] == {
        "referral_id": referral["id"],
        "case_id": str(case_id),
        "provider_id": shelter["id"],
        "provider_organisation_id": shelter["organisation_id"],
        "services": ["psychological", "shelter"],
        "status": "sent",
        "urgency": "normal",
        "respond_by": event["payload"]["respond_by"],
    }


@pytest.mark.parametrize(
    ("requested", "risk", "expected", "hours"),
    [
        (None, None, "normal", 72),
        ("emergency", None, "emergency", 2),
        (None, "high", "high", 24),
        ("normal", "high", "high", 24),
        ("emergency", "high", "emergency", 2),
    ],
)
async def test_urgency_defaults_from_the_case_and_never_falls_below_its_floor(
    service: Referral,
    police: Caller,
    shelter: dict,
    requested: str | None,
    risk: str | None,
    expected: str,
    hours: int,
) -> None:
    case_id = await service.adult_with_consent(police)
    if risk is not None:
        await service.risk(case_id, level=risk)
    fields = {"urgency": requested} if requested else {}
    referral = await service.referral(police, case_id, shelter["id"], **fields)
    assert referral["urgency"] == expected
    assert hours_between(referral["created_at"], referral["respond_by"]) == hours


async def test_a_childs_referral_is_at_least_high_and_needs_no_consent(
    service: Referral, police: Caller
) -> None:
    children = await service.provider(accepts_children=True, accepts_adults=False)
    case_id = await service.case(organisation_id=police.organisation_id, is_child=True)
    referral = await service.referral(police, case_id, children["id"], urgency="normal")
    assert referral["urgency"] == "high"
    assert not [q for q in service.identification.asked if q.startswith("consents")]


@pytest.mark.parametrize(
    ("entry", "services", "field", "reason"),
    [
        ({"active": False}, ["shelter"], "provider_id", "inactive"),
        (
            {"accreditation": {"number": "A-1", "valid_until": "2020-01-01"}},
            ["shelter"],
            "provider_id",
            "not_accredited",
        ),
        ({"accreditation": None}, ["shelter"], "provider_id", "not_accredited"),
        ({}, ["medical"], "services", "service_not_offered:medical"),
        (
            {"accepts_adults": False, "accepts_children": True},
            ["shelter"],
            "provider_id",
            "age_group_not_accepted",
        ),
    ],
)
async def test_a_provider_that_cannot_take_the_referral_is_a_422(
    service: Referral, police: Caller, entry: dict, services: list[str], field: str, reason: str
) -> None:
    provider = await service.provider(**entry)
    case_id = await service.adult_with_consent(police)
    response = await service.refer(police, case_id, provider["id"], services=services)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert field in [e["field"] for e in problem["errors"]]
    assert reason in problem["reasons"]


async def test_coverage_is_advice_a_provider_elsewhere_may_be_referred(
    service: Referral, police: Caller
) -> None:
    far = await service.provider(counties=["RO-TM"])
    case_id = await service.adult_with_consent(police, county="RO-IS")
    referral = await service.referral(police, case_id, far["id"])
    assert (referral["case_id"], referral["provider_id"]) == (str(case_id), far["id"])
    assert referral["status"] == "sent"


async def test_an_adult_without_consent_gets_no_referral(
    service: Referral, police: Caller, shelter: dict
) -> None:
    case_id = await service.case(organisation_id=police.organisation_id)
    response = await service.refer(police, case_id, shelter["id"])
    assert response.status_code == 409
    assert response.json()["type"] == "/problems/consent-required"
    assert await service.count("referrals") == 0


async def test_a_case_not_heard_of_is_asked_of_identification_with_the_callers_token(
    service: Referral, police: Caller, shelter: dict
) -> None:
    case_id = uuid.uuid4()
    service.identification.hold(
        case_id, organisation_id=police.organisation_id, gender="male", forms=("labour",), version=3
    )
    service.identification.consenting.add(str(case_id))
    male_shelter = await service.provider(genders=["male"])
    referral = await service.referral(police, case_id, male_shelter["id"])
    assert referral["case"]["gender"] == "male"
    missing = await service.refer(police, uuid.uuid4(), shelter["id"])
    assert_problem(missing, 404, slug="not-found", detail=NO_CASE)


async def test_a_case_outside_the_callers_scope_is_404(
    service: Referral, police: Caller, callers: Callers, shelter: dict
) -> None:
    case_id = await service.adult_with_consent(police)
    stranger = callers("police", county="RO-CJ")
    refused = await service.refer(stranger, case_id, shelter["id"])
    assert_problem(refused, 404, slug="not-found", detail=NO_CASE)
    cluj = callers("coordinator", county="RO-CJ", organisation_kind="national_agency")
    refused = await service.refer(cluj, case_id, shelter["id"])
    assert_problem(refused, 404, slug="not-found", detail=NO_CASE)
    iasi = callers("coordinator", county="RO-IS", organisation_kind="national_agency")
    referral = await service.referral(iasi, case_id, shelter["id"])
    assert referral["referrer_organisation_id"] == str(iasi.organisation_id)


async def test_the_providers_staff_accept_and_another_providers_staff_do_not_see_it(
    service: Referral, police: Caller, callers: Callers, shelter: dict, staff: Caller
) -> None:
    case_id = await service.adult_with_consent(police)
    referral = await service.referral(police, case_id, shelter["id"])
    rival = callers("provider", organisation_kind="ngo")
    refused = await service.act(rival, referral["id"], "accept")
    assert_problem(refused, 404, slug="not-found", detail=NO_REFERRAL)
    seen = await service.client.get(f"/api/v1/referrals/{referral['id']}", headers=rival.headers)
    assert_problem(seen, 404, slug="not-found", detail=NO_REFERRAL)

    accepted = await service.act(staff, referral["id"], "accept", {"note": "Room 4."})
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["status"] == "accepted"
    assert body["status_note"] == "Room 4."
    assert body["accepted_at"] is not None
    assert await service.free_places(shelter["id"]) == 2
    [changed] = await service.events("referral.status_changed")
    assert changed["payload"]["status"] == "accepted"
    assert changed["payload"]["previous_status"] == "sent"


async def test_only_the_provider_answers_and_only_the_referrer_or_a_coordinator_withdraws(
    service: Referral, police: Caller, callers: Callers, shelter: dict, staff: Caller
) -> None:
    case_id = await service.adult_with_consent(police)
    referral = await service.referral(police, case_id, shelter["id"])
    colleague = callers("police", organisation_id=police.organisation_id)
    answer = await service.act(colleague, referral["id"], "accept")
    assert_problem(answer, 403, slug="forbidden", detail=needs("answer_referral"))
    withdraw = await service.act(staff, referral["id"], "withdraw")
    assert_problem(withdraw, 403, slug="forbidden", detail=needs("create_referral"))
    # A coordinator of another county sees nothing of the case.
    far = callers("coordinator", county="RO-TM", organisation_kind="national_agency")
    withdraw = await service.act(far, referral["id"], "withdraw")
    assert_problem(withdraw, 404, slug="not-found", detail=NO_REFERRAL)
    withdrawn = await service.act(colleague, referral["id"], "withdraw")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["closed_at"] is not None


async def test_an_illegal_transition_is_409(
    service: Referral, police: Caller, shelter: dict, staff: Caller
) -> None:
    case_id = await service.adult_with_consent(police)
    referral = await service.referral(police, case_id, shelter["id"])
    complete = await service.act(staff, referral["id"], "complete")
    assert_problem(
        complete, 409, slug="illegal-transition", detail="cannot complete a sent referral"
    )
    assert (await service.act(staff, referral["id"], "accept")).status_code == 200
    again = await service.act(staff, referral["id"], "accept")
    assert again.json()["type"] == "/problems/illegal-transition"
    declined_late = await service.act(staff, referral["id"], "decline", {"reason": "no_capacity"})
    assert_problem(
        declined_late, 409, slug="illegal-transition", detail="cannot decline a accepted referral"
    )


async def test_an_answer_to_a_referral_moved_since_it_was_read_is_a_409_conflict(
    service: Referral, police: Caller, shelter: dict, staff: Caller
) -> None:
    """The conditional update finds the referral moved on: "changed meanwhile" is the
    suite's one `conflict`, not an illegal transition (the state machine allowed it)."""
    case_id = await service.adult_with_consent(police)
    referral = await service.referral(police, case_id, shelter["id"])
    state = service.app.state
    async with state.database.sessions() as session:
        read = await session.get(ReferralRow, uuid.UUID(referral["id"]))
        assert read is not None
        session.expunge(read)
    declined = await service.act(staff, referral["id"], "decline", {"reason": "no_capacity"})
    assert declined.status_code == 200

    principal = await state.verifier.verify(staff.token)
    async with state.database.sessions() as session:
        referrals = ReferralService(session, state.outbox, state.directory_snapshot)
        with pytest.raises(ChangedMeanwhile) as raised:
            await referrals.act(principal, read, ReferralAction.ACCEPT, utcnow())
    assert (raised.value.status, raised.value.slug) == (409, "conflict")
    assert raised.value.detail == "The referral changed meanwhile; read it again."


async def test_completing_or_discontinuing_gives_the_place_back(
    service: Referral, police: Caller, shelter: dict, staff: Caller
) -> None:
    ends = []
    for action in ("complete", "discontinue"):
        case_id = await service.adult_with_consent(police)
        referral = await service.referral(police, case_id, shelter["id"])
        await service.act(staff, referral["id"], "accept")
        assert await service.free_places(shelter["id"]) == 2
        ended = await service.act(staff, referral["id"], action)
        ends.append(ended.json()["status"])
        assert await service.free_places(shelter["id"]) == 3
    assert ends == ["completed", "discontinued"]


async def test_accepting_with_no_free_place_is_409_and_changes_nothing(
    service: Referral, police: Caller, callers: Callers
) -> None:
    organisation = uuid.uuid4()
    full = await service.provider(organisation, capacity={"shelter": {"total": 5, "free": 0}})
    staff = callers("provider", organisation_id=organisation)
    case_id = await service.adult_with_consent(police)
    referral = await service.referral(police, case_id, full["id"])
    response = await service.act(staff, referral["id"], "accept")
    assert response.status_code == 409
    assert response.json()["type"] == "/problems/no-capacity"
    read = await service.client.get(f"/api/v1/referrals/{referral['id']}", headers=staff.headers)
    assert read.json()["status"] == "sent"
    assert await service.events("referral.status_changed") == []


async def test_if_match_guards_a_transition(
    service: Referral, police: Caller, shelter: dict, staff: Caller
) -> None:
    case_id = await service.adult_with_consent(police)
    referral = await service.referral(police, case_id, shelter["id"])
    read = await service.client.get(f"/api/v1/referrals/{referral['id']}", headers=staff.headers)
    etag = read.headers["ETag"]
    stale = await service.act(staff, referral["id"], "accept", **{"If-Match": '"other-1"'})
    assert_problem(stale, 412, slug="precondition-failed", detail=CHANGED_SINCE_READ)
    fresh = await service.act(staff, referral["id"], "accept", **{"If-Match": etag})
    assert fresh.status_code == 200
    assert fresh.headers["ETag"] != etag


async def test_a_decline_needs_a_reason_and_proposes_the_next_best_match(
    service: Referral, police: Caller, callers: Callers, shelter: dict, staff: Caller
) -> None:
    second = await service.provider(name="Second shelter", counties=["RO-IS", "RO-VS"])
    await service.provider(name="Cluj shelter", counties=["RO-CJ"])
    case_id = await service.adult_with_consent(police)
    referral = await service.referral(police, case_id, shelter["id"])

    no_reason = await service.act(staff, referral["id"], "decline", {})
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "reason"
    other_bare = await service.act(staff, referral["id"], "decline", {"reason": "other"})
    assert other_bare.status_code == 422
    assert other_bare.json()["errors"][0]["field"] == "note"

    declined = await service.act(
        staff, referral["id"], "decline", {"reason": "other", "note": "Closed for repairs."}
    )
    assert declined.status_code == 200, declined.text
    body = declined.json()
    assert body["status"] == "declined"
    assert body["decline_reason"] == "other"
    assert body["status_note"] == "Closed for repairs."
    assert body["next_best"]["provider_id"] == second["id"]
    assert body["next_best"]["name"] == "Second shelter"
    assert "same_region" in body["next_best"]["reasons"]
    # The referrer sees the proposal too.
    read = await service.client.get(f"/api/v1/referrals/{referral['id']}", headers=police.headers)
    assert read.json()["next_best"] == body["next_best"]

    # Declined by the second as well: nobody is left in reach.
    again = await service.referral(police, case_id, second["id"])
    second_staff = callers("provider", organisation_id=uuid.UUID(second["organisation_id"]))
    last = await service.act(second_staff, again["id"], "decline", {"reason": "no_capacity"})
    assert last.json()["next_best"] is None


async def test_the_list_shows_each_caller_its_own_and_filters(
    service: Referral, police: Caller, callers: Callers, shelter: dict, staff: Caller
) -> None:
    other_shelter = await service.provider()
    mine = await service.adult_with_consent(police)
    theirs_police = callers("police", county="RO-CJ")
    theirs = await service.adult_with_consent(theirs_police, county="RO-CJ")
    a = await service.referral(police, mine, shelter["id"])
    b = await service.referral(police, mine, other_shelter["id"])
    c = await service.referral(theirs_police, theirs, shelter["id"])
    await service.act(staff, c["id"], "accept")

    async def ids(caller: Caller, **params: str) -> set[str]:
        response = await service.client.get(
            "/api/v1/referrals", params=params, headers=caller.headers
        )
        assert response.status_code == 200, response.text
        return {r["id"] for r in response.json()["items"]}

    assert await ids(police) == {a["id"], b["id"]}
    assert await ids(theirs_police) == {c["id"]}
    assert await ids(staff) == {a["id"], c["id"]}
    assert await ids(staff, status="sent") == {a["id"]}
    assert await ids(staff, provider_id=shelter["id"], status="sent") == {a["id"]}
    assert await ids(service.coordinator) == {a["id"], b["id"], c["id"]}
    assert await ids(service.coordinator, case_id=str(mine)) == {a["id"], b["id"]}
    iasi = callers("coordinator", county="RO-IS", organisation_kind="national_agency")
    assert await ids(iasi) == {a["id"], b["id"]}
    auditor = await service.client.get("/api/v1/referrals", headers=callers("auditor").headers)
    assert auditor.status_code == 403


async def test_a_provider_sees_only_the_case_facts_its_services_need(
    service: Referral, police: Caller, callers: Callers
) -> None:
    organisation = uuid.uuid4()
    legal = await service.provider(
        organisation, kind="legal_aid", services=["legal"], capacity={}, counties=["national"]
    )
    staff = callers("provider", organisation_id=organisation)
    case_id = await service.adult_with_consent(police, forms=("labour",))
    await service.risk(case_id, level="high", safety="high")
    referral = await service.referral(police, case_id, legal["id"], services=["legal"])
    assert referral["case"] == {
        "is_child": False,
        "gender": "female",
        "county": "RO-IS",
        "exploitation_forms": ["labour"],
        "risk_level": "high",
        "safety_level": "high",
    }
    seen = await service.client.get(f"/api/v1/referrals/{referral['id']}", headers=staff.headers)
    assert seen.json()["case"] == {
        "is_child": False,
        "gender": "female",
        "county": "RO-IS",
        "exploitation_forms": ["labour"],
        "risk_level": None,
        "safety_level": None,
    }


async def test_an_unknown_referral_is_404(service: Referral, police: Caller) -> None:
    response = await service.client.get(f"/api/v1/referrals/{uuid.uuid4()}", headers=police.headers)
    assert_problem(response, 404, slug="not-found", detail=NO_REFERRAL)


async def test_updated_since_lists_what_changed_in_sync_order(
    service: Referral, police: Caller, shelter: dict, staff: Caller
) -> None:
    first = await service.referral(police, await service.adult_with_consent(police), shelter["id"])
    second = await service.referral(police, await service.adult_with_consent(police), shelter["id"])
    assert (await service.act(staff, first["id"], "accept")).status_code == 200

    async def synced(since: str) -> list[str]:
        response = await service.client.get(
            "/api/v1/referrals", params={"updated_since": since}, headers=police.headers
        )
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    # The one accepted last comes last; a client holding it syncs from its `updated_at`.
    assert await synced(first["created_at"]) == [second["id"], first["id"]]
    accepted = await service.send("GET", f"/api/v1/referrals/{first['id']}", police)
    assert await synced(accepted.json()["updated_at"]) == [first["id"]]
    assert await synced("2999-01-01T00:00:00+00:00") == []
