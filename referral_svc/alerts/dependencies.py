"""Typed dependencies of the alert routes: the service, and an alert loaded for a
coordinator who may see it (404 outside the caller's county)."""

import uuid
from typing import Annotated

from fastapi import Depends

from referral_svc.access import AlertsHandler
from referral_svc.alerts.models import Alert
from referral_svc.alerts.service import AlertService
from shared.web import AppOutbox, Session


async def alert_service(session: Session, outbox: AppOutbox) -> AlertService:
    return AlertService(session, outbox)


Alerts = Annotated[AlertService, Depends(alert_service)]


async def alert_for_handling(
    alert_id: uuid.UUID, principal: AlertsHandler, alerts: Alerts
) -> Alert:
    return await alerts.get(principal, alert_id)


HandledAlert = Annotated[Alert, Depends(alert_for_handling)]
