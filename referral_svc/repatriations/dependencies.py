"""Typed dependencies of the repatriation routes: the service (with the configured step
targets), and a repatriation loaded and authorised for what the route does with it (403
without the permission, 404 outside the caller's scope)."""

from typing import Annotated

from fastapi import Depends, Request

from referral_svc.repatriations.models import Repatriation
from referral_svc.repatriations.service import RepatriationService
from referral_svc.settings import Settings
from shared.auth.deps import Loader
from shared.auth.policy import Permission
from shared.web import AppOutbox, Session


async def repatriation_service(
    request: Request, session: Session, outbox: AppOutbox
) -> RepatriationService:
    settings: Settings = request.app.state.settings
    return RepatriationService(session, outbox, settings.step_targets())


Repatriations = Annotated[RepatriationService, Depends(repatriation_service)]


repatriation = Loader(
    repatriation_service,
    RepatriationService.get,
    key="repatriation_id",
    description="The repatriation's id.",
)

ReadableRepatriation = Annotated[
    Repatriation, repatriation.requiring(Permission.READ_REPATRIATIONS)
]
# By a role that works on repatriations: the procedure then says whether this step or
# determination is the caller's.
WorkedRepatriation = Annotated[Repatriation, repatriation.requiring(Permission.WORK_REPATRIATION)]
CancelledRepatriation = Annotated[
    Repatriation, repatriation.requiring(Permission.CANCEL_REPATRIATION)
]
