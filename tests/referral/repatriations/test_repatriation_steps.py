"""Completing repatriation steps: each by its performers, in order, on evidence the part
that owns it holds — never on the client's word — and travel only when the pre-return
risk does not block it."""

import uuid
from datetime import datetime, timedelta

import pytest

from shared.db import utcnow
from tests.support.problems import CHANGED_SINCE_READ, assert_problem, needs
from tests.support.referral import NO_REPATRIATION, RepatriationWorld, consent_id


def not_theirs(kind: str) -> str:
    return f"A {kind} determination is not yours to make."


def step(repatriation: dict, name: str) -> dict:
    [found] = [s for s in repatriation["steps"] if s["step"] == name]
    return found


async def test_an_adults_return_goes_step_by_step_to_completed(world: RepatriationWorld) -> None:
    service = world.service
    case_id = await world.adult_case()
    repatriation = await world.register(case_id)
    rid = repatriation["id"]

    documents = await world.done(rid, "identity_documents", world.consul, note="Passport issued.")
    assert documents["status"] == "in_progress"
    assert step(documents, "identity_documents")["completed_by_organisation_id"] == str(
        world.consul.organisation_id
    )

    consent = await world.done(rid, "consent_to_return", world.coordinator)
    assert step(consent, "consent_to_return")["evidence"]["consent_id"] == consent_id(
        str(case_id), "repatriation"
    )
    assert f"consents {case_id} repatriation true" in service.identification.asked

    assessment_id = await service.risk(case_id, instrument="pre_return", level="medium")
    assessed = await world.done(rid, "pre_return_risk_assessment", world.coordinator)
    assert step(assessed, "pre_return_risk_assessment")["evidence"]["risk_assessment_id"] == (
        assessment_id
    )
    assert assessed["travel_block"] is None

    referral_id = await world.accepted_reception(case_id)
    reception = await world.done(
        rid, "reception_arranged", world.coordinator, referral_id=referral_id
    )
    assert step(reception, "reception_arranged")["evidence"]["referral_id"] == referral_id

    travel = await world.done(rid, "travel_arranged", world.iom_staff, note="Bus, 12 March.")
    assert step(travel, "travel_arranged")["escort"] is None
    await world.done(rid, "handover_completed", world.reception_staff)
    completed = await world.done(rid, "follow_up", world.reception_staff, note="Back at school.")

    assert completed["status"] == "completed"
    assert all(s["status"] == "done" for s in completed["steps"])
    assert completed["version"] == 8
    announced = [e["payload"] for e in await service.events("repatriation.step_completed")]
    assert [e["step"] for e in announced] == [s["step"] for s in completed["steps"]]
    assert announced[-1]["status"] == "completed"
    assert {str(world.reception_staff.organisation_id)} <= set(completed["organisation_ids"])


async def test_travel_asked_first_names_every_step_missing(world: RepatriationWorld) -> None:
    repatriation = await world.register(await world.adult_case())
    response = await world.service.complete(
        world.coordinator, repatriation["id"], "travel_arranged"
    )
    assert response.status_code == 409
    problem = response.json()
    assert problem["type"] == "/problems/unmet-steps"
    assert problem["unmet_steps"] == [
        "identity_documents",
        "consent_to_return",
        "pre_return_risk_assessment",
        "reception_arranged",
    ]
    assert "identity_documents" in problem["detail"]


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("identity_documents", "iom_staff"),
        ("consent_to_return", "consul"),
        ("reception_arranged", "iom_staff"),
    ],
)
async def test_a_step_is_for_its_performers_only(
    world: RepatriationWorld, name: str, role: str
) -> None:
    repatriation = await world.register(await world.adult_case())
    response = await world.service.complete(getattr(world, role), repatriation["id"], name)
    assert response.status_code == 403
    assert response.json()["type"] == "/problems/forbidden"


async def test_the_role_is_checked_before_the_order(world: RepatriationWorld) -> None:
    repatriation = await world.register(await world.adult_case())
    response = await world.service.complete(world.consul, repatriation["id"], "follow_up")
    assert response.status_code == 403


async def test_handover_is_for_the_provider_that_received_the_person(
    world: RepatriationWorld,
) -> None:
    case_id = await world.adult_case()
    rid = (await world.register(case_id))["id"]
    await world.up_to_travel(case_id, rid)
    await world.done(rid, "travel_arranged", world.coordinator)
    iom = await world.service.complete(world.iom_staff, rid, "handover_completed")
    assert iom.status_code == 403
    await world.done(rid, "handover_completed", world.reception_staff)


async def test_a_step_done_is_not_done_again(world: RepatriationWorld) -> None:
    repatriation = await world.register(await world.adult_case())
    again = await world.service.complete(
        world.coordinator, repatriation["id"], "request_registered"
    )
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/conflict"


async def test_an_adult_returns_only_with_a_current_consent_to_repatriation(
    world: RepatriationWorld,
) -> None:
    service = world.service
    case_id = await world.adult_case()
    service.identification.consenting_to_return.discard(str(case_id))
    rid = (await world.register(case_id))["id"]
    await world.done(rid, "identity_documents", world.consul)

    missing = await service.complete(world.coordinator, rid, "consent_to_return")
    assert_problem(
        missing,
        409,
        slug="consent-required",
        detail="The adult's current consent to repatriation is not on record; record it first.",
    )

    service.identification.consenting_to_return.add(str(case_id))
    other = await service.complete(
        world.coordinator, rid, "consent_to_return", {"consent_id": str(uuid.uuid4())}
    )
    assert_problem(
        other,
        409,
        slug="consent-required",
        detail="The consent named is not the current one of its scope.",
    )
    named = {"consent_id": consent_id(str(case_id), "repatriation")}
    assert (await service.complete(world.coordinator, rid, "consent_to_return", named)).is_success


async def test_a_childs_consent_step_rests_on_a_best_interests_determination(
    world: RepatriationWorld,
) -> None:
    service = world.service
    case_id = await world.child_case()
    rid = (await world.register(case_id))["id"]
    await world.done(rid, "identity_documents", world.consul)

    without = await service.complete(world.child_protection, rid, "consent_to_return")
    assert without.status_code == 409
    assert without.json()["type"] == "/problems/evidence-required"
    assert without.json()["requirement"] == "best_interests_determination"
    consent = await service.complete(
        world.child_protection, rid, "consent_to_return", {"consent_id": str(uuid.uuid4())}
    )
    assert_problem(
        consent,
        422,
        "consent_id",
        slug="validation",
        detail="A child's return rests on a best-interests determination, not consent.",
    )

    against = await service.determine(world.child_protection, rid, "best_interests", False)
    assert against.status_code == 200, against.text
    refused = await service.complete(world.coordinator, rid, "consent_to_return")
    body = assert_problem(refused, 409, slug="evidence-required")
    assert body["requirement"] == "best_interests_determination"
    favour = await service.determine(world.child_protection, rid, "best_interests", True)
    determination_id = favour.json()["determinations"][-1]["id"]

    done = await world.done(rid, "consent_to_return", world.child_protection)
    assert step(done, "consent_to_return")["evidence"]["determination_id"] == determination_id


async def test_a_social_worker_outside_child_protection_does_not_decide_for_a_child(
    world: RepatriationWorld,
) -> None:
    case_id = await world.child_case()
    rid = (await world.register(case_id))["id"]
    await world.done(rid, "identity_documents", world.consul)
    await world.service.determine(world.child_protection, rid, "best_interests", True)
    social_services = world.service.callers(
        "social_worker",
        organisation_id=world.police.organisation_id,
        organisation_kind="social_services",
    )
    response = await world.service.complete(social_services, rid, "consent_to_return")
    assert response.status_code == 403


async def test_the_pre_return_assessment_is_asked_of_risk_when_its_event_is_late(
    world: RepatriationWorld,
) -> None:
    service = world.service
    case_id = await world.adult_case()
    rid = (await world.register(case_id))["id"]
    await world.done(rid, "identity_documents", world.consul)
    await world.done(rid, "consent_to_return", world.coordinator)

    none = await service.complete(world.coordinator, rid, "pre_return_risk_assessment")
    assert none.status_code == 409
    assert none.json()["requirement"] == "pre_return_assessment"
    for wrong in (str(uuid.uuid4()), service.risk_service.add(case_id, instrument="initial")):
        body = {"risk_assessment_id": wrong}
        refused = await service.complete(world.coordinator, rid, "pre_return_risk_assessment", body)
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "risk_assessment_id"
    elsewhere = service.risk_service.add(uuid.uuid4())
    body = {"risk_assessment_id": elsewhere}
    other_case = await service.complete(world.coordinator, rid, "pre_return_risk_assessment", body)
    assert_problem(
        other_case,
        422,
        "risk_assessment_id",
        slug="validation",
        detail="No assessment of this case has this id.",
    )

    late = service.risk_service.add(case_id, level="high")
    done = await world.done(rid, "pre_return_risk_assessment", world.coordinator,
                            risk_assessment_id=late)  # fmt: skip
    assert step(done, "pre_return_risk_assessment")["evidence"]["risk_assessment_id"] == late
    assert late in service.risk_service.asked
    # Kept as the event would: the high level now blocks travel.
    assert done["travel_block"] == "mitigation_plan_required"


async def test_reception_rests_on_an_accepted_referral_to_the_destination(
    world: RepatriationWorld,
) -> None:
    service = world.service
    case_id = await world.adult_case()
    rid = (await world.register(case_id))["id"]
    await world.done(rid, "identity_documents", world.consul)
    await world.done(rid, "consent_to_return", world.coordinator)
    await service.risk(case_id, instrument="pre_return", level="low")
    await world.done(rid, "pre_return_risk_assessment", world.coordinator)

    async def arrange(body: dict | None) -> dict:
        response = await service.complete(world.coordinator, rid, "reception_arranged", body)
        assert response.is_client_error, response.text
        return {"status": response.status_code, **response.json()}

    missing = await arrange(None)
    assert (missing["status"], missing["errors"][0]["field"]) == (422, "referral_id")
    unknown = await arrange({"referral_id": str(uuid.uuid4())})
    assert unknown["status"] == 422
    sent = await service.referral(
        world.police, case_id, world.reception["id"], services=["psychological"]
    )
    not_accepted = await arrange({"referral_id": sent["id"]})
    assert (not_accepted["status"], not_accepted["requirement"]) == (409, "accepted_referral")

    at_home = await service.provider(uuid.uuid4(), services=["psychological"], capacity={})
    home = await service.referral(world.police, case_id, at_home["id"], services=["psychological"])
    staff = service.callers("provider", organisation_id=uuid.UUID(at_home["organisation_id"]))
    assert (await service.act(staff, home["id"], "accept")).status_code == 200
    wrong_country = await arrange({"referral_id": home["id"]})
    assert wrong_country["status"] == 422
    assert "MD" in wrong_country["errors"][0]["message"]

    other_case = await world.adult_case()
    elsewhere = await world.accepted_reception(other_case)
    assert (await arrange({"referral_id": elsewhere}))["status"] == 422


async def test_evidence_of_another_step_is_refused(world: RepatriationWorld) -> None:
    repatriation = await world.register(await world.adult_case())
    response = await world.service.complete(
        world.consul, repatriation["id"], "identity_documents", {"referral_id": str(uuid.uuid4())}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "referral_id"


async def test_a_high_pre_return_risk_blocks_an_adults_travel_until_a_later_mitigation_plan(
    world: RepatriationWorld,
) -> None:
    service = world.service
    case_id = await world.adult_case()
    rid = (await world.register(case_id))["id"]
    # A plan made before the assessment did not weigh it.
    assert (await service.determine(world.coordinator, rid, "mitigation_plan")).is_success
    await world.up_to_travel(case_id, rid, level="high")

    blocked = await service.complete(world.coordinator, rid, "travel_arranged")
    assert blocked.status_code == 409
    assert blocked.json()["type"] == "/problems/travel-blocked"
    assert blocked.json()["travel_block"] == "mitigation_plan_required"

    plan = await service.determine(world.coordinator, rid, "mitigation_plan")
    assert plan.json()["travel_block"] is None
    travel = await world.done(rid, "travel_arranged", world.coordinator)
    assert travel["travel_block"] is None


async def test_a_childs_high_risk_is_lifted_only_by_a_later_best_interests_determination(
    world: RepatriationWorld,
) -> None:
    service = world.service
    case_id = await world.child_case()
    rid = (await world.register(case_id))["id"]
    await world.done(rid, "identity_documents", world.consul)
    await service.determine(world.child_protection, rid, "best_interests", True)
    await world.done(rid, "consent_to_return", world.child_protection)
    # Assessed after the determination the consent step rested on, which thus did not weigh it.
    await service.risk(
        case_id, instrument="pre_return", level="high", assessed_at=utcnow().isoformat()
    )
    await world.done(rid, "pre_return_risk_assessment", world.child_protection)
    referral_id = await world.accepted_reception(case_id)
    await world.done(rid, "reception_arranged", world.coordinator, referral_id=referral_id)

    escort = {"escort": {"name": "Ioana Marin", "organisation": "IOM Moldova"}}
    plan = await service.determine(world.coordinator, rid, "mitigation_plan")
    assert plan.json()["travel_block"] == "best_interests_determination_required"
    blocked = await service.complete(world.iom_staff, rid, "travel_arranged", escort)
    assert blocked.status_code == 409
    assert blocked.json()["travel_block"] == "best_interests_determination_required"

    await service.determine(world.child_protection, rid, "best_interests", True)
    no_escort = await service.complete(world.iom_staff, rid, "travel_arranged")
    assert no_escort.status_code == 422
    assert no_escort.json()["errors"][0]["field"] == "escort"
    travel = await world.done(rid, "travel_arranged", world.iom_staff, **escort)
    assert step(travel, "travel_arranged")["escort"] == {**escort["escort"], "phone": None}


async def test_determinations_are_made_by_their_makers_only(world: RepatriationWorld) -> None:
    service = world.service
    adult = (await world.register(await world.adult_case()))["id"]
    child = (await world.register(await world.child_case()))["id"]
    coordinator = await service.determine(world.coordinator, child, "best_interests")
    assert_problem(coordinator, 403, slug="forbidden", detail=not_theirs("best_interests"))
    child_protection = await service.determine(world.child_protection, child, "mitigation_plan")
    assert_problem(child_protection, 403, slug="forbidden", detail=not_theirs("mitigation_plan"))
    for_adult = await service.determine(world.child_protection, adult, "best_interests")
    # The child-protection service does not see the adult's case at all.
    assert_problem(for_adult, 404, slug="not-found", detail=NO_REPATRIATION)
    social_services = service.callers("social_worker", organisation_id=world.police.organisation_id)
    social_worker = await service.determine(social_services, child, "best_interests")
    assert_problem(social_worker, 403, slug="forbidden", detail=not_theirs("best_interests"))
    police = await service.determine(world.police, child, "mitigation_plan")
    assert_problem(police, 403, slug="forbidden", detail=needs("work_repatriation"))


async def test_completing_a_step_counts_the_next_due_dates_from_it(
    world: RepatriationWorld,
) -> None:
    repatriation = await world.register(await world.adult_case())
    before = datetime.fromisoformat(step(repatriation, "consent_to_return")["due_at"])
    done = await world.done(repatriation["id"], "identity_documents", world.consul)
    completed = datetime.fromisoformat(step(done, "identity_documents")["completed_at"])
    after = datetime.fromisoformat(step(done, "consent_to_return")["due_at"])
    assert after == completed + timedelta(days=3)
    assert after < before  # done well before its five working days


async def test_a_stale_if_match_is_412(world: RepatriationWorld) -> None:
    repatriation = await world.register(await world.adult_case())
    response = await world.service.complete(
        world.consul,
        repatriation["id"],
        "identity_documents",
        None,
        **{"If-Match": f'"{repatriation["id"]}-0"'},
    )
    assert_problem(response, 412, slug="precondition-failed", detail=CHANGED_SINCE_READ)
    current = await world.service.read_repatriation(world.consul, repatriation["id"])
    fresh = await world.service.complete(
        world.consul,
        repatriation["id"],
        "identity_documents",
        None,
        **{"If-Match": current.headers["ETag"]},
    )
    assert fresh.status_code == 200
    assert fresh.headers["ETag"] == f'"{repatriation["id"]}-2"'


async def test_travel_rests_on_the_consent_as_it_stands_then(world: RepatriationWorld) -> None:
    service = world.service
    case_id = await world.adult_case()
    rid = (await world.register(case_id))["id"]
    await world.up_to_travel(case_id, rid)
    service.identification.consenting_to_return.discard(str(case_id))  # withdrawn meanwhile
    withdrawn = await service.complete(world.coordinator, rid, "travel_arranged")
    assert withdrawn.status_code == 409
    assert withdrawn.json()["type"] == "/problems/consent-required"
    service.identification.consenting_to_return.add(str(case_id))
    travel = await world.done(rid, "travel_arranged", world.coordinator)
    assert step(travel, "travel_arranged")["evidence"]["consent_id"] == consent_id(
        str(case_id), "repatriation"
    )


async def test_a_child_does_not_travel_once_child_protection_decides_against_return(
    world: RepatriationWorld,
) -> None:
    service = world.service
    case_id = await world.child_case()
    rid = (await world.register(case_id))["id"]
    await world.done(rid, "identity_documents", world.consul)
    await service.determine(world.child_protection, rid, "best_interests", True)
    await world.done(rid, "consent_to_return", world.child_protection)
    await service.risk(case_id, instrument="pre_return", level="low")
    await world.done(rid, "pre_return_risk_assessment", world.child_protection)
    referral_id = await world.accepted_reception(case_id)
    await world.done(rid, "reception_arranged", world.coordinator, referral_id=referral_id)
    await service.determine(world.child_protection, rid, "best_interests", False)

    escort = {"escort": {"name": "Ioana Marin", "organisation": "IOM Moldova"}}
    against = await service.complete(world.iom_staff, rid, "travel_arranged", escort)
    assert against.status_code == 409
    assert against.json()["requirement"] == "best_interests_determination"
