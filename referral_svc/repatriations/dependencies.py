"""Typed dependencies of the repatriation routes: the service (with the configured step
targets), and a repatriation loaded and authorised for what the route does with it (403
without the permission, 404 outside the caller's scope)."""

from typing import Annotated, Any

from fastapi import Depends, Request

from referral_svc.repatriations.models import Repatriation
from referral_svc.repatriations.service import RepatriationService
from referral_svc.settings import Settings
from shared.auth.deps import authorised
from shared.auth.policy import Permission
from shared.web import AppOutbox, Session


async def repatriation_service(
    request: Request, session: Session, outbox: AppOutbox
) -> RepatriationService:
    settings: Settings = request.app.state.settings
    return RepatriationService(session, outbox, settings.step_targets())


Repatriations = Annotated[RepatriationService, Depends(repatriation_service)]


def _repatriation(permission: Permission) -> Any:
    return Depends(
        authorised(
            permission,
            repatriation_service,
            RepatriationService.get,
            key="repatriation_id",
            # None: the path parameter has no description in the published document, which
            # stays as it is ("" would add an empty one to its schema).
            description=None,  # type: ignore[arg-type]
        )
    )


ReadableRepatriation = Annotated[Repatriation, _repatriation(Permission.READ_REPATRIATIONS)]
# By a role that works on repatriations: the procedure then says whether this step or
# determination is the caller's.
WorkedRepatriation = Annotated[Repatriation, _repatriation(Permission.WORK_REPATRIATION)]
CancelledRepatriation = Annotated[Repatriation, _repatriation(Permission.CANCEL_REPATRIATION)]
