"""Referrals left unanswered past their deadline expire: a periodic job, safe in every
replica (a conditional update), that alerts the county's coordinators with the next best
match."""

import asyncio
import uuid
from datetime import datetime, timedelta

from sqlalchemy import event, update

from referral_svc.app import create_app
from referral_svc.referrals.expiry import expire_overdue_referrals
from referral_svc.referrals.models import Referral as ReferralRow
from tests.support.apps import SuiteTransport, client_for
from tests.support.auth import TokenIssuer
from tests.support.databases import DatabaseFactory
from tests.support.identification import Caller, Callers
from tests.support.referral import (
    IDENTIFICATION_HOST,
    Referral,
    StandInIdentification,
    settings_for,
)


def at(referral: dict, **delta: float) -> datetime:
    return datetime.fromisoformat(referral["created_at"]) + timedelta(**delta)


async def expire(service: Referral, now: datetime) -> int:
    state = service.app.state
    return await expire_overdue_referrals(
        state.database, state.outbox, state.directory_snapshot, now
    )


async def status(service: Referral, referral_id: str) -> dict:
    response = await service.client.get(
        f"/api/v1/referrals/{referral_id}", headers=service.coordinator.headers
    )
    body: dict = response.json()
    return body


async def test_an_unanswered_referral_expires_after_its_deadline_and_the_county_is_alerted(
    service: Referral, police: Caller
) -> None:
    shelter = await service.provider(name="First")
    second = await service.provider(name="Second", counties=["RO-IS", "RO-NT"])
    case_id = await service.adult_with_consent(police)
    referral = await service.referral(police, case_id, shelter["id"], urgency="emergency")

    assert await expire(service, at(referral, hours=1, minutes=59)) == 0
    assert (await status(service, referral["id"]))["status"] == "sent"
    assert await expire(service, at(referral, hours=2, minutes=1)) == 1
    assert await expire(service, at(referral, hours=3)) == 0  # nothing twice

    expired = await status(service, referral["id"])
    assert expired["status"] == "expired"
    assert expired["closed_at"] is not None
    assert expired["next_best"]["provider_id"] == second["id"]
    [changed] = await service.events("referral.status_changed")
    assert (changed["payload"]["status"], changed["payload"]["previous_status"]) == (
        "expired",
        "sent",
    )
    [alert] = await service.events("alert.raised")
    assert alert["payload"] == {
        "alert_id": alert["payload"]["alert_id"],
        "kind": "referral_expired",
        "case_id": str(case_id),
        "county": "RO-IS",
        "detail": alert["payload"]["detail"],
        "referral_id": referral["id"],
        "next_best": expired["next_best"],
    }


async def test_an_answered_referral_never_expires(
    service: Referral, police: Caller, callers: Callers
) -> None:
    organisation = uuid.uuid4()
    shelter = await service.provider(organisation)
    staff = callers("provider", organisation_id=organisation)
    case_id = await service.adult_with_consent(police)
    referral = await service.referral(police, case_id, shelter["id"])
    await service.act(staff, referral["id"], "accept")
    assert await expire(service, at(referral, days=30)) == 0
    assert (await status(service, referral["id"]))["status"] == "accepted"


async def test_replicas_racing_expire_each_referral_once(service: Referral, police: Caller) -> None:
    shelter = await service.provider()
    referrals = []
    for _ in range(5):
        case_id = await service.adult_with_consent(police)
        referrals.append(await service.referral(police, case_id, shelter["id"]))
    later = at(referrals[-1], days=4)
    per_replica = await asyncio.gather(*(expire(service, later) for _ in range(4)))
    assert sum(per_replica) == 5
    assert len(await service.events("referral.status_changed")) == 5
    assert len(await service.events("alert.raised")) == 5


async def test_the_job_runs_in_the_apps_lifespan(
    fresh_databases: DatabaseFactory, issuer: TokenIssuer, callers: Callers
) -> None:
    identification = StandInIdentification()
    app = create_app(
        settings_for(
            fresh_databases.new("referral"),
            issuer,
            run_jobs=True,
            expiry_interval_seconds=0.05,
        ),
        transport=SuiteTransport({IDENTIFICATION_HOST: identification.app()}),
    )
    async with client_for(app) as client:
        service = Referral(app, client, callers, identification)
        police = callers("police")
        shelter = await service.provider()
        case_id = await service.adult_with_consent(police)
        referral = await service.referral(police, case_id, shelter["id"])
        async with app.state.database.sessions.begin() as session:
            await session.execute(
                update(ReferralRow)
                .where(ReferralRow.id == uuid.UUID(referral["id"]))
                .values(respond_by=datetime.fromisoformat(referral["created_at"]))
            )
        for _ in range(100):
            if (await status(service, referral["id"]))["status"] == "expired":
                break
            await asyncio.sleep(0.05)
        assert (await status(service, referral["id"]))["status"] == "expired"


async def test_expiring_many_referrals_reads_the_directory_once(
    service: Referral, police: Caller
) -> None:
    """The next best match of each expired referral comes from the process's copy of the
    directory, not from reading every provider again for each (at 20,000 providers, a
    backlog of expiries took the service's whole core for minutes)."""
    shelter = await service.provider(name="First")
    await service.provider(name="Second", counties=["RO-IS", "RO-NT"])
    referrals = []
    for _ in range(3):
        case_id = await service.adult_with_consent(police)
        referrals.append(await service.referral(police, case_id, shelter["id"]))
    directory_reads: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "median_accept_hours" in statement and "accreditation_valid_until" in statement:
            directory_reads.append(statement)

    engine = service.app.state.database.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert await expire(service, at(referrals[-1], days=30)) == 3
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(directory_reads) <= 1
    for referral in referrals:
        assert (await status(service, referral["id"]))["next_best"]["name"] == "Second"


async def test_the_next_best_covers_the_persons_county_in_the_directory_as_it_is_now(
    service: Referral, police: Caller
) -> None:
    """The next best is looked for among the providers covering the person's county or the
    whole country, as the directory stands at the expiry (an entry added since the last
    expiry counts)."""
    shelter = await service.provider(name="First")
    await service.provider(name="Elsewhere", counties=["RO-CJ"])
    first_case = await service.adult_with_consent(police)
    first = await service.referral(police, first_case, shelter["id"])
    assert await expire(service, at(first, days=4)) == 1
    assert (await status(service, first["id"]))["next_best"] is None

    await service.provider(name="Everywhere", counties=["national"])
    second_case = await service.adult_with_consent(police)
    second = await service.referral(police, second_case, shelter["id"])
    assert await expire(service, at(second, days=4)) == 1
    assert (await status(service, second["id"]))["next_best"]["name"] == "Everywhere"
