"""Registering a repatriation, reading and listing repatriations, who sees which, and
cancelling one."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import update

from referral_svc.app import create_app
from referral_svc.repatriations.models import RepatriationStep
from referral_svc.repatriations.procedure import DEFAULT_TARGETS, Step, Target, TargetUnit
from referral_svc.settings import Settings
from tests.support.apps import SuiteTransport, client_for
from tests.support.auth import TokenIssuer
from tests.support.databases import DatabaseFactory
from tests.support.identification import Callers
from tests.support.problems import assert_problem, needs
from tests.support.referral import (
    IDENTIFICATION_HOST,
    NO_CASE,
    NO_REPATRIATION,
    Referral,
    RepatriationWorld,
    StandInIdentification,
    due,
    settings_for,
)


async def overdue_since(service: Referral, rid: str, step: str, moment: datetime) -> None:
    """Move a step's due date back in time, as if the repatriation were older."""
    async with service.app.state.database.sessions.begin() as session:
        await session.execute(
            update(RepatriationStep)
            .where(
                RepatriationStep.repatriation_id == uuid.UUID(rid), RepatriationStep.step == step
            )
            .values(due_at=moment)
        )


async def test_registering_completes_the_first_step_and_sets_every_due_date(
    world: RepatriationWorld,
) -> None:
    case_id = await world.adult_case()
    response = await world.service.repatriate(
        world.coordinator, case_id, partners=[world.consulate["id"]], note="Asked at intake."
    )
    assert response.status_code == 201, response.text
    repatriation = response.json()
    assert response.headers["Location"] == f"/api/v1/repatriations/{repatriation['id']}"
    assert response.headers["ETag"] == f'"{repatriation["id"]}-1"'
    assert repatriation["status"] == "open"
    assert (repatriation["direction"], repatriation["country"]) == ("from_romania", "MD")
    [first, *rest] = repatriation["steps"]
    assert (first["step"], first["status"]) == ("request_registered", "done")
    assert first["completed_by"] == str(world.coordinator.subject_id)
    assert [s["status"] for s in rest] == ["pending"] * 7
    created = datetime.fromisoformat(repatriation["created_at"])
    assert due(repatriation, "request_registered") == created
    assert timedelta(days=5) <= due(repatriation, "identity_documents") - created
    assert due(repatriation, "consent_to_return") - due(repatriation, "identity_documents") == (
        timedelta(days=3)
    )
    assert repatriation["travel_block"] == "pre_return_assessment_required"
    assert set(repatriation["organisation_ids"]) == {
        str(world.coordinator.organisation_id),
        world.consulate["organisation_id"],
    }

    [event] = await world.service.events("repatriation.created")
    assert event["payload"] == {
        "repatriation_id": repatriation["id"],
        "case_id": str(case_id),
        "direction": "from_romania",
        "country": "MD",
        "organisation_ids": sorted(repatriation["organisation_ids"]),
    }
    [step_event] = await world.service.events("repatriation.step_completed")
    assert step_event["payload"]["step"] == "request_registered"


async def test_an_international_organisation_registers_a_case_referred_to_it(
    world: RepatriationWorld,
) -> None:
    service = world.service
    case_id = await world.adult_case()
    referral = await service.referral(
        world.police, case_id, world.iom["id"], services=["repatriation"]
    )
    response = await service.repatriate(world.iom_staff, case_id)
    assert response.status_code == 201, response.text
    assert response.json()["registered_by_organisation_id"] == str(world.iom_staff.organisation_id)
    assert referral["status"] == "sent"


async def test_a_provider_that_is_no_international_organisation_does_not_register(
    world: RepatriationWorld,
) -> None:
    case_id = await world.adult_case()
    await world.accepted_reception(case_id)
    response = await world.service.repatriate(world.reception_staff, case_id)
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["police", "social_worker", "auditor"])
async def test_roles_outside_the_first_step_do_not_register(
    world: RepatriationWorld, role: str
) -> None:
    case_id = await world.adult_case()
    caller = world.service.callers(role, organisation_id=world.police.organisation_id)
    response = await world.service.repatriate(caller, case_id)
    assert response.status_code == 403


async def test_a_case_the_caller_does_not_see_is_404(world: RepatriationWorld) -> None:
    case_id = await world.adult_case()
    stranger = world.service.callers("coordinator", county="RO-CJ")
    for caller, case in ((world.consul, case_id), (stranger, case_id), (world.coordinator, None)):
        refused = await world.service.repatriate(caller, case or uuid.uuid4())
        assert_problem(refused, 404, slug="not-found", detail=NO_CASE)


async def test_partners_are_consulates_or_international_organisations_of_the_directory(
    world: RepatriationWorld,
) -> None:
    case_id = await world.adult_case()
    for partners in ([str(uuid.uuid4())], [world.reception["id"]]):
        response = await world.service.repatriate(world.coordinator, case_id, partners=partners)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "partners"


@pytest.mark.parametrize(
    ("field", "value"),
    [("country", "RO"), ("country", "XX"), ("direction", "sideways"), ("return_place", " ")],
)
async def test_the_request_is_validated(world: RepatriationWorld, field: str, value: str) -> None:
    case_id = await world.adult_case()
    response = await world.service.repatriate(world.coordinator, case_id, **{field: value})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


async def test_one_repatriation_under_way_per_case(world: RepatriationWorld) -> None:
    case_id = await world.adult_case()
    first = await world.register(case_id)
    again = await world.service.repatriate(world.coordinator, case_id)
    assert_problem(
        again, 409, slug="conflict", detail="The case already has a repatriation under way."
    )
    cancelled = await world.service.send(
        "POST",
        f"/api/v1/repatriations/{first['id']}/cancel",
        world.coordinator,
        {"reason": "Registered twice."},
    )
    assert cancelled.status_code == 200, cancelled.text
    second = await world.service.repatriation(world.coordinator, case_id)
    assert (second["case_id"], second["status"]) == (str(case_id), "open")
    assert second["id"] != first["id"]


async def test_who_sees_a_repatriation(world: RepatriationWorld) -> None:
    service = world.service
    case_id = await world.adult_case()
    rid = (await world.register(case_id))["id"]
    seeing = [world.police, world.coordinator, world.consul, world.iom_staff]
    seeing.append(service.callers("coordinator", county="RO-IS"))
    for caller in seeing:
        assert (await service.read_repatriation(caller, rid)).status_code == 200, caller.roles
    not_seeing = [
        world.reception_staff,  # not referred the case (yet)
        world.child_protection,
        service.callers("police"),
        service.callers("coordinator", county="RO-CJ"),
        service.callers("consular_officer", organisation_kind="consulate"),
    ]
    for caller in not_seeing:
        hidden = await service.read_repatriation(caller, rid)
        assert_problem(hidden, 404, slug="not-found", detail=NO_REPATRIATION)
        listed = await service.send("GET", "/api/v1/repatriations", caller)
        assert listed.json()["items"] == []
    # A provider the case is referred to sees it from then on.
    await world.accepted_reception(case_id)
    assert (await service.read_repatriation(world.reception_staff, rid)).status_code == 200
    auditor = service.callers("auditor", county="national")
    refused = await service.read_repatriation(auditor, rid)
    assert_problem(refused, 403, slug="forbidden", detail=needs("read_repatriations"))


async def test_the_list_filters_by_case_status_and_overdue(world: RepatriationWorld) -> None:
    service = world.service
    first_case, second_case = await world.adult_case(), await world.adult_case()
    first = await world.register(first_case)
    second = await world.register(second_case)
    await world.done(second["id"], "identity_documents", world.consul)

    async def listed(**query: str) -> list[str]:
        response = await service.client.get(
            "/api/v1/repatriations", params=query, headers=world.coordinator.headers
        )
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await listed() == [first["id"], second["id"]]
    assert await listed(case_id=str(second_case)) == [second["id"]]
    assert await listed(status="in_progress") == [second["id"]]
    assert await listed(status="open") == [first["id"]]
    assert await listed(overdue="true") == []
    await overdue_since(
        service, first["id"], "identity_documents", datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert await listed(overdue="true") == [first["id"]]
    assert await listed(overdue="false") == [second["id"]]
    page = await service.client.get(
        "/api/v1/repatriations", params={"limit": 1}, headers=world.coordinator.headers
    )
    assert page.json()["next_cursor"]


async def test_a_coordinator_cancels_with_a_reason_and_the_steps_stop(
    world: RepatriationWorld,
) -> None:
    service = world.service
    rid = (await world.register(await world.adult_case()))["id"]
    path = f"/api/v1/repatriations/{rid}/cancel"
    by_consul = await service.send("POST", path, world.consul, {"reason": "No."})
    assert_problem(by_consul, 403, slug="forbidden", detail=needs("cancel_repatriation"))
    no_reason = await service.send("POST", path, world.coordinator, {})
    assert_problem(no_reason, 422, "reason", slug="validation")

    response = await service.send("POST", path, world.coordinator, {"reason": "She stays."})
    assert response.status_code == 200, response.text
    cancelled = response.json()
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "She stays.")
    assert cancelled["travel_block"] is None
    assert not any(s["overdue"] for s in cancelled["steps"])
    step = await service.complete(world.consul, rid, "identity_documents")
    assert_problem(step, 409, slug="illegal-transition", detail="The repatriation is cancelled.")
    again = await service.send("POST", path, world.coordinator, {"reason": "Twice."})
    assert_problem(again, 409, slug="illegal-transition", detail="The repatriation is cancelled.")


async def test_configured_targets_set_the_due_dates(
    fresh_databases: DatabaseFactory, issuer: TokenIssuer, callers: Callers
) -> None:
    settings = settings_for(
        fresh_databases.new("referral"),
        issuer,
        repatriation_targets={"identity_documents": {"amount": 2, "unit": "days"}},
    )
    identification = StandInIdentification()
    app = create_app(
        settings, transport=SuiteTransport({IDENTIFICATION_HOST: identification.app()})
    )
    async with client_for(app) as client:
        service = Referral(app, client, callers, identification)
        police = callers("police")
        case_id = await service.case(organisation_id=police.organisation_id)
        repatriation = await service.repatriation(service.coordinator, case_id)
    created = datetime.fromisoformat(repatriation["created_at"])
    assert due(repatriation, "identity_documents") - created == timedelta(days=2)
    assert due(repatriation, "consent_to_return") - created == timedelta(days=5)


def test_the_targets_default_to_referral_mds() -> None:
    assert Settings().step_targets() == DEFAULT_TARGETS
    changed = Settings(repatriation_targets={"follow_up": {"amount": 30}}).step_targets()
    assert changed == {**DEFAULT_TARGETS, Step.FOLLOW_UP: Target(30, TargetUnit.DAYS)}


@pytest.mark.parametrize(
    "targets",
    [{"boarding": {"amount": 1}}, {"follow_up": {"amount": -1}}, {"follow_up": {"unit": "weeks"}}],
)
def test_a_wrong_target_is_refused_at_start(targets: dict) -> None:
    with pytest.raises(ValidationError):
        Settings(repatriation_targets=targets)
