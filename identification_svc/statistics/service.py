"""Case statistics (API.md, Oversight): de-identified counts of the cases opened in a
period, grouped by any of the year opened, the suspected form of exploitation, gender,
child or adult, county and outcome (the case's current status).

Every grouping of one period is read from one pattern of suppression over all six
dimensions (`shared.statistics`), whatever the caller grouped by, so no two answers for
the same period give a suppressed count away between them. A case counts once under each
form it is suspected of (`unspecified` when none is recorded), so the counts by form may
add up to more than the total; a case with no county counts under `unknown`.
"""

import asyncio
from collections import Counter
from collections.abc import Hashable, Sequence
from datetime import datetime
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from identification_svc.statistics.repository import StatisticsRepository
from identification_svc.statistics.schemas import (
    DIMENSIONS,
    CaseStatisticsCell,
    CaseStatisticsOut,
    Dimension,
)
from shared.statistics import THRESHOLD, Period, Statistics

UNSPECIFIED_FORM: Final = "unspecified"
UNKNOWN_COUNTY: Final = "unknown"


class StatisticsService:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = StatisticsRepository(session)

    async def cases(self, group_by: Sequence[Dimension], period: Period) -> CaseStatisticsOut:
        rows = await self.repository.case_facts(*period.moments())
        counted = Counter(
            _combination(opened_at, forms, gender, is_child, county, status)
            for opened_at, forms, gender, is_child, county, status in rows
        )
        # Settling the suppression counts every grouping: off the event loop.
        statistics = await asyncio.to_thread(Statistics, counted)
        asked = sorted({DIMENSIONS.index(dimension) for dimension in group_by})
        table = statistics.table(asked)
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
        )


def _combination(
    opened_at: datetime,
    forms: list[str],
    gender: str,
    is_child: bool,
    county: str | None,
    status: str,
) -> tuple[Hashable, ...]:
    """A case's values on `DIMENSIONS`: its forms as a set (it counts under each)."""
    return (
        opened_at.year,
        frozenset(forms or [UNSPECIFIED_FORM]),
        gender,
        is_child,
        county or UNKNOWN_COUNTY,
        status,
    )
