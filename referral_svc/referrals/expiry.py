"""The expiry job: referrals left unanswered past their deadline become `expired`.

Every replica runs it. Each referral is expired in its own transaction by a conditional
update (`WHERE status = 'sent'`), so a replica racing another — or a provider accepting at
the last second — changes nothing twice, and only the winner announces the expiry.
"""

from datetime import datetime

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from referral_svc.providers.snapshot import DirectorySnapshot
from referral_svc.referrals.repository import ReferralRepository
from referral_svc.referrals.service import ReferralService
from shared.db import Database, utcnow
from shared.events.outbox import Outbox
from shared.metrics import ScrapedGauge

BATCH = 200


async def expire_overdue_referrals(
    database: Database, outbox: Outbox, directory: DirectorySnapshot, now: datetime
) -> int:
    """Expire up to `BATCH` overdue referrals (the next run takes the rest); how many this
    call expired."""
    async with database.sessions() as session:
        due = await ReferralRepository(session).due_for_expiry(now, BATCH)
    expired = 0
    for referral_id in due:
        async with database.sessions.begin() as session:
            if await ReferralService(session, outbox, directory).expire(referral_id, now):
                expired += 1
    return expired


async def expiry_job(app: FastAPI) -> None:
    """The periodic job (`ServiceParts.jobs`) over the app's database and outbox."""
    state = app.state
    if await expire_overdue_referrals(
        state.database, state.outbox, state.directory_snapshot, utcnow()
    ):
        app.state.relay.wake()


async def _past_deadline(session: AsyncSession) -> float:
    return float(await ReferralRepository(session).count_past_deadline(utcnow()))


async def _expired(session: AsyncSession) -> float:
    return float(await ReferralRepository(session).count_expired())


# What `/metrics` tells of deadlines (`shared/metrics.py`).
DEADLINE_GAUGES = [
    ScrapedGauge(
        "nirm_referrals_past_deadline",
        "Referrals unanswered past their deadline that the expiry job has yet to expire.",
        _past_deadline,
    ),
    ScrapedGauge(
        "nirm_referrals_expired",
        "Referrals that expired: their deadline passed unanswered.",
        _expired,
    ),
]
