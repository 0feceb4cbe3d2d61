"""The one query of case statistics: the facts counted, of every case opened in a period.

No scope applies: statistics count every case of the mechanism, whoever opened it, and
only suppressed aggregates of them leave the service (`statistics.service`).
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession

from identification_svc.cases.models import Case


class StatisticsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def case_facts(
        self, opened_from: datetime | None, opened_before: datetime | None
    ) -> Sequence[Row[datetime, list[str], str, bool, str | None, str]]:
        """(opened at, forms, gender, child, county, status) of the cases opened in the
        period: at or after `opened_from`, before `opened_before`."""
        statement = select(
            Case.created_at,
            Case.exploitation_forms,
            Case.gender,
            Case.is_child,
            Case.county,
            Case.status,
        )
        if opened_from is not None:
            statement = statement.where(Case.created_at >= opened_from)
        if opened_before is not None:
            statement = statement.where(Case.created_at < opened_before)
        return (await self.session.execute(statement)).all()
