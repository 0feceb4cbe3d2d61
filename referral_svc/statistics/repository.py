"""The queries of referral statistics: the referrals sent in a period counted by their
facts, and the median times of each cell of a grouping, both computed by the database.

No scope applies: statistics count every referral of the mechanism, and only suppressed
aggregates of them leave the service (`statistics.service`).
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import ColumnElement, Float, Integer, Select, cast, func, literal, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from referral_svc.cases.models import CaseFacts
from referral_svc.providers.models import Provider
from referral_svc.referrals.models import Referral
from shared.repository import Repository

UNKNOWN_COUNTY: Final = "unknown"
_SECONDS_PER_HOUR: Final = 3600.0

# (year sent, status, services, provider kind, county, child, number of referrals)
Combination = tuple[int, str, list[str], str, str, bool, int]


class StatisticsRepository(Repository[Referral]):
    model = Referral

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self.postgresql = session.get_bind().dialect.name == "postgresql"
        # Each service of a referral as a row of its own.
        each = "jsonb_array_elements_text" if self.postgresql else "json_each"
        self.services = getattr(func, each)(Referral.services).table_valued("value")

    async def combinations(
        self, sent_from: datetime | None, sent_before: datetime | None
    ) -> Sequence[Combination]:
        """How many referrals sent in the period (at or after `sent_from`, before
        `sent_before`) have each combination of the counted facts."""
        facts: list[Any] = [
            self._year(),
            Referral.status,
            Referral.services,
            Provider.kind,
            self._county(),
            CaseFacts.is_child,
        ]
        statement = self._counted(select(*facts, func.count()), sent_from, sent_before)
        rows = await self.session.execute(statement.group_by(*facts))
        return [tuple(row) for row in rows]

    async def medians(
        self,
        group_by: Sequence[str],
        sent_from: datetime | None,
        sent_before: datetime | None,
    ) -> dict[str, dict[tuple[Any, ...], tuple[float, int]]]:
        """For each measured time, the median hours of each cell of the grouping by
        `group_by` (dimension names, in their fixed order) and how many referrals it is the
        median of."""
        measured = {
            "screening_to_referral": (CaseFacts.opened_at, Referral.created_at),
            "referral_to_acceptance": (Referral.created_at, Referral.accepted_at),
        }
        found = {}
        for name, (start, end) in measured.items():
            found[name] = await self._median(group_by, start, end, sent_from, sent_before)
        return found

    async def _median(
        self,
        group_by: Sequence[str],
        start: Any,
        end: Any,
        sent_from: datetime | None,
        sent_before: datetime | None,
    ) -> dict[tuple[Any, ...], tuple[float, int]]:
        """The median of each cell: the middle one of its times in order (the mean of the
        two middle ones of an even number), found by numbering them."""
        columns = self._columns()
        dims = [columns[name].label(name) for name in group_by]
        hours = (self._seconds(end) - self._seconds(start)) / _SECONDS_PER_HOUR
        measured = self._counted(select(*dims, hours.label("hours")), sent_from, sent_before)
        if "service" in group_by:
            measured = measured.join(self.services, true())
        measured = measured.where(start.is_not(None), end.is_not(None))
        inner = measured.subquery()
        partition = [inner.c[name] for name in group_by]
        numbered = select(
            *partition,
            inner.c.hours,
            func.row_number().over(partition_by=partition, order_by=inner.c.hours).label("n"),
            func.count().over(partition_by=partition).label("of"),
        ).subquery()
        keys = [numbered.c[name] for name in group_by]
        middle = select(*keys, func.avg(numbered.c.hours), func.max(numbered.c.of)).where(
            numbered.c.n * 2 >= numbered.c.of, numbered.c.n * 2 <= numbered.c.of + 2
        )
        rows = await self.session.execute(middle.group_by(*keys) if keys else middle)
        return {
            tuple(row[: len(keys)]): (float(row[-2]), int(row[-1]))
            for row in rows
            if row[-1] is not None
        }

    def _counted(
        self, statement: Select[Any], sent_from: datetime | None, sent_before: datetime | None
    ) -> Select[Any]:
        statement = statement.join_from(Referral, Provider, Provider.id == Referral.provider_id)
        statement = statement.join(CaseFacts, CaseFacts.case_id == Referral.case_id)
        if sent_from is not None:
            statement = statement.where(Referral.created_at >= sent_from)
        if sent_before is not None:
            statement = statement.where(Referral.created_at < sent_before)
        return statement

    def _columns(self) -> dict[str, ColumnElement[Any]]:
        return {
            "year": self._year(),
            "result": Referral.status,
            "service": self.services.c.value,
            "provider_kind": Provider.kind,
            "county": self._county(),
            "is_child": CaseFacts.is_child,
        }

    def _county(self) -> ColumnElement[str]:
        return func.coalesce(CaseFacts.county, literal(UNKNOWN_COUNTY))

    def _year(self) -> ColumnElement[int]:
        """The UTC year a referral was sent in: SQLite keeps the UTC time as ISO text."""
        if self.postgresql:
            moment = func.timezone("UTC", Referral.created_at)
            return cast(func.date_part("year", moment), Integer)
        return cast(func.substr(Referral.created_at, 1, 4), Integer)

    def _seconds(self, moment: Any) -> ColumnElement[float]:
        """Seconds since a fixed instant (differences are what count)."""
        if self.postgresql:
            return cast(func.extract("epoch", moment), Float)
        return func.julianday(moment) * 86400.0
