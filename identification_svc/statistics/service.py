"""Case statistics (API.md, Oversight): de-identified counts of the cases opened in a
period, grouped by any of the year opened, the suspected form of exploitation, gender,
child or adult, county and outcome (the case's current status).

Every grouping of one period is read from one pattern of suppression over all six
dimensions (`shared.statistics`), whatever the caller grouped by, so no two answers for
the same period give a suppressed count away between them. A case counts once under each
form it is suspected of (`unspecified` when none is recorded), so the counts by form may
add up to more than the total; a case with no county counts under `unknown`.

The pattern of a period is settled once per version of the caseload and kept
(`statistics.settled`), so an answer may be of the caseload a few minutes ago: `as_of`
says when.
"""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from identification_svc.statistics.repository import StatisticsRepository
from identification_svc.statistics.schemas import (
    DIMENSIONS,
    CaseStatisticsCell,
    CaseStatisticsOut,
    Dimension,
)
from identification_svc.statistics.settled import SettledStatistics
from shared.statistics import THRESHOLD, Period


class StatisticsService:
    def __init__(self, session: AsyncSession, settled: SettledStatistics) -> None:
        self.repository = StatisticsRepository(session)
        self.settled = settled

    async def cases(self, group_by: Sequence[Dimension], period: Period) -> CaseStatisticsOut:
        settled = await self.settled.of(period, await self.repository.version())
        asked = sorted({DIMENSIONS.index(dimension) for dimension in group_by})
        table = settled.statistics.table(asked)
        names = [DIMENSIONS[index] for index in asked]
        return CaseStatisticsOut(
            group_by=names,
            period_from=period.first,
            period_to=period.last,
            threshold=THRESHOLD,
            cells=[
                CaseStatisticsCell(**dict(zip(names, key, strict=True)), count=shown)
                for key, shown in table.cells.items()
            ],
            total=table.total,
            as_of=settled.as_of,
        )
