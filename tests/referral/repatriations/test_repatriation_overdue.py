"""Steps past their due date are flagged to the coordinators: a periodic job, safe in every
replica (a conditional update per step), that announces each overdue step once per due
date and raises an alert."""

import asyncio
import uuid
from datetime import datetime, timedelta

from sqlalchemy import update

from referral_svc.app import create_app
from referral_svc.repatriations.models import RepatriationStep
from tests.support.apps import SuiteTransport, client_for
from tests.support.auth import TokenIssuer
from tests.support.databases import DatabaseFactory
from tests.support.identification import Callers
from tests.support.referral import (
    IDENTIFICATION_HOST,
    Referral,
    RepatriationWorld,
    StandInIdentification,
    due,
    flag_overdue,
    settings_for,
)


async def test_an_overdue_step_is_flagged_once_with_an_event_and_an_alert(
    world: RepatriationWorld,
) -> None:
    service = world.service
    case_id = await world.adult_case()
    repatriation = await world.register(case_id)
    documents_due = due(repatriation, "identity_documents")

    assert await flag_overdue(service, documents_due - timedelta(minutes=1)) == 0
    assert await flag_overdue(service, documents_due + timedelta(minutes=1)) == 1
    assert await flag_overdue(service, documents_due + timedelta(hours=1)) == 0  # nothing twice

    [event] = await service.events("repatriation.step_overdue")
    assert event["payload"] == {
        "repatriation_id": repatriation["id"],
        "case_id": str(case_id),
        "step": "identity_documents",
        "due_at": documents_due.isoformat(),
        "county": "RO-IS",
    }
    [alert] = await service.events("alert.raised")
    assert alert["payload"] == {
        "alert_id": alert["payload"]["alert_id"],
        "kind": "repatriation_step_overdue",
        "case_id": str(case_id),
        "county": "RO-IS",
        "detail": alert["payload"]["detail"],
        "repatriation_id": repatriation["id"],
        "step": "identity_documents",
    }
    listed = await service.send("GET", "/api/v1/alerts", world.coordinator)
    [kept] = listed.json()["items"]
    assert (kept["id"], kept["step"]) == (alert["payload"]["alert_id"], "identity_documents")


async def test_later_steps_fall_overdue_in_turn_and_a_done_step_never(
    world: RepatriationWorld,
) -> None:
    service = world.service
    repatriation = await world.register(await world.adult_case())
    much_later = due(repatriation, "follow_up") + timedelta(days=1)
    # Every pending step is past its date by then: each is flagged once.
    assert await flag_overdue(service, much_later) == 7
    assert await flag_overdue(service, much_later) == 0
    done = await world.done(repatriation["id"], "identity_documents", world.consul)
    # Completing a step counts the next ones from it: with new due dates, they are not
    # overdue before those, and fall overdue again after.
    assert await flag_overdue(service, due(done, "consent_to_return") - timedelta(minutes=1)) == 0
    assert await flag_overdue(service, much_later) == 6
    assert await flag_overdue(service, much_later) == 0


async def test_replicas_racing_flag_each_step_once(world: RepatriationWorld) -> None:
    service = world.service
    for _ in range(3):
        await world.register(await world.adult_case())
    later = datetime.now().astimezone() + timedelta(days=30)
    per_replica = await asyncio.gather(*(flag_overdue(service, later) for _ in range(4)))
    flagged = sum(per_replica)
    assert flagged == len(await service.events("repatriation.step_overdue"))
    assert flagged == len(await service.events("alert.raised"))
    # Within 30 days every step is due but the follow-up at 90.
    assert flagged == 3 * 6


async def test_a_cancelled_repatriation_falls_overdue_no_more(world: RepatriationWorld) -> None:
    service = world.service
    repatriation = await world.register(await world.adult_case())
    cancel = f"/api/v1/repatriations/{repatriation['id']}/cancel"
    await service.send("POST", cancel, world.coordinator, {"reason": "Stays in Romania."})
    assert await flag_overdue(service, due(repatriation, "follow_up") + timedelta(days=1)) == 0


async def test_the_job_runs_in_the_apps_lifespan(
    fresh_databases: DatabaseFactory, issuer: TokenIssuer, callers: Callers
) -> None:
    identification = StandInIdentification()
    app = create_app(
        settings_for(
            fresh_databases.new("referral"),
            issuer,
            run_jobs=True,
            overdue_interval_seconds=0.05,
        ),
        transport=SuiteTransport({IDENTIFICATION_HOST: identification.app()}),
    )
    async with client_for(app) as client:
        service = Referral(app, client, callers, identification)
        police = callers("police")
        case_id = await service.case(organisation_id=police.organisation_id)
        repatriation = await service.repatriation(service.coordinator, case_id)
        async with app.state.database.sessions.begin() as session:
            await session.execute(
                update(RepatriationStep)
                .where(
                    RepatriationStep.repatriation_id == uuid.UUID(repatriation["id"]),
                    RepatriationStep.step == "identity_documents",
                )
                .values(due_at=datetime.fromisoformat(repatriation["created_at"]))
            )
        for _ in range(100):
            if await service.events("repatriation.step_overdue"):
                break
            await asyncio.sleep(0.05)
        [event] = await service.events("repatriation.step_overdue")
        assert event["payload"]["step"] == "identity_documents"
