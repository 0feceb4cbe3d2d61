"""Every query on alerts, and the one rule of which alerts a principal may see
(`visible`)."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, false, select, update

from referral_svc.alerts.models import Alert
from referral_svc.alerts.schemas import AlertFilters
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.pagination import PageParams
from shared.repository import Repository


class AlertRepository(Repository[Alert]):
    model = Alert
    resource = "alert"

    @staticmethod
    def visible(principal: Principal) -> Select[Alert]:
        """The alerts `principal` may see: a national coordinator all, a regional one those
        of its county; nobody else any."""
        statement = select(Alert)
        if not principal.can(Permission.HANDLE_ALERTS):
            return statement.where(false())
        if principal.sees_all_cases:
            return statement
        return statement.where(Alert.county == principal.coordinated_county)

    async def filtered_page(
        self, principal: Principal, filters: AlertFilters, params: PageParams
    ) -> tuple[Sequence[Alert], str | None]:
        statement = self.visible(principal)
        if filters.county is not None:
            statement = statement.where(Alert.county == filters.county)
        if filters.kind is not None:
            statement = statement.where(Alert.kind == filters.kind)
        if filters.open is not None:
            acknowledged = Alert.acknowledged_at.is_(None)
            statement = statement.where(acknowledged if filters.open else ~acknowledged)
        return await self.page(statement, params, key=Alert.raised_at, descending=True)

    async def acknowledge(self, alert: Alert, by: uuid.UUID, now: datetime) -> None:
        """Acknowledge the alert unless someone did first (the first acknowledgement
        stands); the object is refreshed either way."""
        await self.session.execute(
            update(Alert)
            .where(Alert.id == alert.id, Alert.acknowledged_at.is_(None))
            .values(acknowledged_at=now, acknowledged_by=by, version=Alert.version + 1)
            .execution_options(synchronize_session=False)
        )
        await self.session.refresh(alert)
