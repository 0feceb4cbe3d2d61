"""Routes of the coordinators' alerts (thin: the service decides)."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from referral_svc.access import AlertsHandler
from referral_svc.alerts.dependencies import Alerts, HandledAlert
from referral_svc.alerts.schemas import AlertFilters, AlertOut, AlertPage
from shared.db import utcnow
from shared.errors import error_responses
from shared.etag import IfMatch, set_etag
from shared.pagination import PageQuery

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"])


@router.get("", responses=error_responses(401, 403, 422))
async def list_alerts(
    principal: AlertsHandler,
    alerts: Alerts,
    filters: Annotated[AlertFilters, Query()],
    page: PageQuery,
) -> AlertPage:
    """The alerts raised for the coordinators — referrals expired, no child-protection
    service for a child, repatriation steps overdue — newest first: a national coordinator
    sees all, a regional one its county's. `open=true` is the work list."""
    rows, cursor = await alerts.page(principal, filters, page)
    return AlertPage(items=[AlertOut.model_validate(a) for a in rows], next_cursor=cursor)


@router.post("/{alert_id}/acknowledge", responses=error_responses(401, 403, 404, 412, 422))
async def acknowledge_alert(
    alert: HandledAlert,
    principal: AlertsHandler,
    alerts: Alerts,
    response: Response,
    if_match: IfMatch = None,
) -> AlertOut:
    """Mark the alert as seen to; acknowledging it again changes nothing."""
    acknowledged = await alerts.acknowledge(principal, alert, utcnow(), if_match=if_match)
    set_etag(response, acknowledged.id, acknowledged.version)
    return AlertOut.model_validate(acknowledged)
