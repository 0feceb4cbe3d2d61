"""Typed dependencies of the repatriation routes: the service (with the configured step
targets), and a repatriation loaded and authorised for what the route does with it (404
outside the caller's scope)."""

import uuid
from typing import Annotated

from fastapi import Depends, Request

from referral_svc.access import RepatriationCanceller, RepatriationsReader, RepatriationWorker
from referral_svc.repatriations.models import Repatriation
from referral_svc.repatriations.service import RepatriationService
from referral_svc.settings import Settings
from shared.web import AppOutbox, Session


async def repatriation_service(
    request: Request, session: Session, outbox: AppOutbox
) -> RepatriationService:
    settings: Settings = request.app.state.settings
    return RepatriationService(session, outbox, settings.step_targets())


Repatriations = Annotated[RepatriationService, Depends(repatriation_service)]


async def repatriation_for_read(
    repatriation_id: uuid.UUID, principal: RepatriationsReader, repatriations: Repatriations
) -> Repatriation:
    return await repatriations.get(principal, repatriation_id)


async def repatriation_for_work(
    repatriation_id: uuid.UUID, principal: RepatriationWorker, repatriations: Repatriations
) -> Repatriation:
    """A repatriation the caller sees, by a role that works on repatriations (the
    procedure then says whether this step or determination is the caller's)."""
    return await repatriations.get(principal, repatriation_id)


async def repatriation_for_cancellation(
    repatriation_id: uuid.UUID, principal: RepatriationCanceller, repatriations: Repatriations
) -> Repatriation:
    return await repatriations.get(principal, repatriation_id)


ReadableRepatriation = Annotated[Repatriation, Depends(repatriation_for_read)]
WorkedRepatriation = Annotated[Repatriation, Depends(repatriation_for_work)]
CancelledRepatriation = Annotated[Repatriation, Depends(repatriation_for_cancellation)]
