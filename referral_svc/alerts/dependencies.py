"""Typed dependencies of the alert routes: the service, and an alert loaded for a
coordinator who may see it (404 outside the caller's county)."""

from typing import Annotated

from fastapi import Depends

from referral_svc.alerts.models import Alert
from referral_svc.alerts.service import AlertService
from shared.auth.deps import Loader
from shared.auth.policy import Permission
from shared.web import AppOutbox, Session


async def alert_service(session: Session, outbox: AppOutbox) -> AlertService:
    return AlertService(session, outbox)


Alerts = Annotated[AlertService, Depends(alert_service)]

alert = Loader(alert_service, AlertService.get, key="alert_id", description="The alert's id.")

HandledAlert = Annotated[Alert, alert.requiring(Permission.HANDLE_ALERTS)]
