"""Two concurrent acceptances can never take more places than are free: the place is taken
by a conditional update in the transaction of the acceptance (on PostgreSQL, under real
row-level concurrency; on SQLite, writers are serialised)."""

import asyncio
import uuid
from collections import Counter

from sqlalchemy import func, select

from referral_svc.referrals.models import Referral
from tests.support.identification import Caller, Callers
from tests.support.referral import Referral as ReferralService


async def test_twenty_acceptances_for_three_free_places_take_exactly_three(
    service: ReferralService, police: Caller, callers: Callers
) -> None:
    organisation = uuid.uuid4()
    shelter = await service.provider(organisation, capacity={"shelter": {"total": 10, "free": 3}})
    staff = callers("provider", organisation_id=organisation)
    referrals = []
    for _ in range(20):
        case_id = await service.adult_with_consent(police)
        referrals.append(await service.referral(police, case_id, shelter["id"]))

    answers = await asyncio.gather(*(service.act(staff, r["id"], "accept") for r in referrals))

    outcomes = Counter(
        (a.status_code, a.json().get("type", a.json().get("status"))) for a in answers
    )
    assert outcomes == Counter({(200, "accepted"): 3, (409, "/problems/no-capacity"): 17})
    assert await service.free_places(shelter["id"]) == 0
    async with service.app.state.database.sessions() as session:
        accepted = await session.scalar(
            select(func.count()).select_from(Referral).where(Referral.status == "accepted")
        )
    assert accepted == 3
    assert len(await service.events("referral.status_changed")) == 3
