"""Response bodies and filters of the coordinators' alerts."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from referral_svc.alerts.models import AlertKind
from referral_svc.providers.schemas import ProviderMatch
from shared.fields import CountyCode
from shared.pagination import Page


class AlertFilters(BaseModel):
    """Filters of the alert list. A regional coordinator sees its county's alerts only,
    whatever `county` asks."""

    county: CountyCode | None = None
    kind: AlertKind | None = None
    open: bool | None = Field(
        default=None, description="true: not acknowledged yet; false: acknowledged"
    )


class AlertOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: AlertKind
    case_id: uuid.UUID
    county: str | None
    detail: str
    referral_id: uuid.UUID | None
    next_best: ProviderMatch | None
    repatriation_id: uuid.UUID | None
    step: str | None
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: uuid.UUID | None


class AlertPage(Page[AlertOut]):
    """A page of alerts, newest first."""
