"""Raising an alert for the coordinators — kept in the `alerts` table and published as
`alert.raised` in the transaction of what caused it — and the coordinators' work on them:
the list, and acknowledging one."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from referral_svc.alerts.exceptions import AlertNotFound
from referral_svc.alerts.models import Alert, AlertKind
from referral_svc.alerts.repository import AlertRepository
from referral_svc.alerts.schemas import AlertFilters
from shared.auth.principal import Principal
from shared.etag import check_if_match
from shared.events.outbox import Outbox
from shared.pagination import PageParams

ALERT_RAISED = "alert.raised"


def alert_payload(alert: Alert) -> dict[str, Any]:
    """The `alert.raised` payload (docs/events.md): an alert about a referral adds the
    referral and the next best match, one about a repatriation step adds those."""
    payload: dict[str, Any] = {
        "alert_id": str(alert.id),
        "kind": alert.kind,
        "case_id": str(alert.case_id),
        "county": alert.county,
        "detail": alert.detail,
    }
    if alert.referral_id is not None:
        payload["referral_id"] = str(alert.referral_id)
        payload["next_best"] = alert.next_best
    if alert.repatriation_id is not None:
        payload["repatriation_id"] = str(alert.repatriation_id)
        payload["step"] = alert.step
    return payload


class AlertService:
    def __init__(self, session: AsyncSession, outbox: Outbox) -> None:
        self.session = session
        self.outbox = outbox
        self.alerts = AlertRepository(session)

    async def raise_alert(
        self,
        kind: AlertKind,
        case_id: uuid.UUID,
        county: str | None,
        detail: str,
        now: datetime,
        *,
        referral_id: uuid.UUID | None = None,
        next_best: dict[str, Any] | None = None,
        repatriation_id: uuid.UUID | None = None,
        step: str | None = None,
    ) -> Alert:
        alert = Alert(
            id=uuid.uuid4(),
            kind=kind,
            case_id=case_id,
            county=county,
            detail=detail,
            referral_id=referral_id,
            next_best=next_best,
            repatriation_id=repatriation_id,
            step=step,
            raised_at=now,
            version=1,
        )
        self.alerts.add(alert)
        await self.alerts.flush()
        await self.outbox.publish(self.session, ALERT_RAISED, alert_payload(alert))
        return alert

    async def page(
        self, principal: Principal, filters: AlertFilters, page: PageParams
    ) -> tuple[list[Alert], str | None]:
        rows, cursor = await self.alerts.filtered_page(principal, filters, page)
        return list(rows), cursor

    async def get(self, principal: Principal, alert_id: uuid.UUID) -> Alert:
        alert = await self.alerts.get(principal, alert_id, fresh=True)
        if alert is None:
            raise AlertNotFound()
        return alert

    async def acknowledge(
        self, principal: Principal, alert: Alert, now: datetime, *, if_match: str | None
    ) -> Alert:
        """Mark the alert as seen to; acknowledging it again changes nothing (the first
        acknowledgement stands), so a retried request is harmless."""
        check_if_match(if_match, alert.id, alert.version)
        if alert.acknowledged_at is None:
            await self.alerts.acknowledge(alert, principal.subject_id, now)
        return alert
