"""The overdue job: repatriation steps left pending past their due date are flagged to the
coordinators (`repatriation.step_overdue` and an alert), once per due date.

Every replica runs it. Each step is flagged in its own transaction by a conditional update
(`WHERE overdue_flagged_at IS NULL AND due_at = <the date read>`), so a replica racing
another — or a practitioner completing the step at the last second — flags nothing twice,
and only the winner announces it.
"""

from datetime import datetime

from fastapi import FastAPI

from referral_svc.repatriations.repository import RepatriationRepository
from referral_svc.repatriations.service import RepatriationService
from referral_svc.settings import Settings
from shared.db import Database, utcnow
from shared.events.outbox import Outbox

BATCH = 200


async def flag_overdue_steps(
    database: Database, outbox: Outbox, settings: Settings, now: datetime
) -> int:
    """Flag up to `BATCH` overdue steps (the next run takes the rest); how many this call
    flagged."""
    async with database.sessions() as session:
        due = await RepatriationRepository(session).steps_falling_overdue(now, BATCH)
    flagged = 0
    for repatriation_id, step, due_at in due:
        async with database.sessions.begin() as session:
            service = RepatriationService(session, outbox, settings.step_targets())
            if await service.flag_overdue(repatriation_id, step, due_at, now):
                flagged += 1
    return flagged


async def overdue_job(app: FastAPI) -> None:
    """The periodic job (`ServiceParts.jobs`) over the app's database and outbox."""
    state = app.state
    if await flag_overdue_steps(state.database, state.outbox, state.settings, utcnow()):
        state.relay.wake()
