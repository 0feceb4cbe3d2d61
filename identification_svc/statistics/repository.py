"""The queries of case statistics: the cases opened in a period counted by their facts,
and the version of the caseload those counts are of.

No scope applies: statistics count every case of the mechanism, whoever opened it, and
only suppressed aggregates of them leave the service (`statistics.service`).
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, Row, cast, func, select

from identification_svc.cases.models import Case
from shared.repository import Repository

# (year opened, forms, gender, child, county, status, number of cases)
Combination = Row[int, list[str], str, bool, str | None, str, int]


class StatisticsRepository(Repository[Case]):
    model = Case

    async def version(self) -> tuple[int, int]:
        """What changes whenever a counted fact does: the number of cases and the sum of
        their row versions (every change of a case bumps its row version; none is ever
        deleted)."""
        row = (
            await self.session.execute(
                select(func.count(), func.coalesce(func.sum(Case.row_version), 0))
            )
        ).one()
        return int(row[0]), int(row[1])

    async def combinations(
        self, opened_from: datetime | None, opened_before: datetime | None
    ) -> Sequence[Combination]:
        """How many cases opened in the period (at or after `opened_from`, before
        `opened_before`) have each combination of the counted facts, counted by the
        database: a national caseload has far fewer combinations than cases."""
        year = self._year()
        facts: list[Any] = [
            year,
            Case.exploitation_forms,
            Case.gender,
            Case.is_child,
            Case.county,
            Case.status,
        ]
        statement = select(*facts, func.count()).group_by(*facts)
        if opened_from is not None:
            statement = statement.where(Case.created_at >= opened_from)
        if opened_before is not None:
            statement = statement.where(Case.created_at < opened_before)
        return (await self.session.execute(statement)).all()  # type: ignore[return-value]

    def _year(self) -> ColumnElement[int]:
        """The UTC year a case was opened in: SQLite keeps the UTC time as ISO text."""
        if self.session.get_bind().dialect.name == "postgresql":
            return cast(func.date_part("year", func.timezone("UTC", Case.created_at)), Integer)
        return cast(func.substr(Case.created_at, 1, 4), Integer)
