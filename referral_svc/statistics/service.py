"""Referral statistics (API.md, Oversight): de-identified counts of the referrals sent in a
period, grouped by any of the year sent, the result (the referral's current status), the
service asked for, the kind of provider, the case's county and child or adult, with the
median times from screening to referral and from referral to acceptance of each cell.

The counts of every grouping of a period are read from one pattern of suppression over all
six dimensions (`shared.statistics`), as the case statistics are, so no two answers give a
suppressed count away between them. A referral counts once under each service it asks
for, so the counts by service may add up to more than the total. A median is published
only beside a published count and when at least as many referrals as the threshold are
measured: fewer times would tell of the few people behind them. The time from screening is
measured from the case's opening (a case is opened by the screening that finds the
indications, API.md), which identification's case events carry.
"""

from collections import Counter
from collections.abc import Hashable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from referral_svc.statistics.repository import StatisticsRepository
from referral_svc.statistics.schemas import (
    DIMENSIONS,
    Dimension,
    ReferralStatisticsCell,
    ReferralStatisticsOut,
    ReferralStatisticsTotal,
)
from shared.statistics import THRESHOLD, Period, Shown
from shared.statistics_api import settle

MEDIANS = {
    "screening_to_referral": "median_hours_screening_to_referral",
    "referral_to_acceptance": "median_hours_referral_to_acceptance",
}


class StatisticsService:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = StatisticsRepository(session)

    async def referrals(
        self, group_by: Sequence[Dimension], period: Period
    ) -> ReferralStatisticsOut:
        moments = period.moments()
        counted: Counter[tuple[Hashable, ...]] = Counter()
        for (
            year,
            status,
            services,
            kind,
            county,
            is_child,
            count,
        ) in await self.repository.combinations(*moments):
            counted[(year, status, frozenset(services), kind, county, bool(is_child))] += count
        statistics = await settle(counted, width=len(DIMENSIONS))
        asked = sorted({DIMENSIONS.index(dimension) for dimension in group_by})
        names = [DIMENSIONS[index] for index in asked]
        table = statistics.table(asked)
        medians = await self.repository.medians(names, *moments)
        overall = await self.repository.medians([], *moments) if names else medians
        return ReferralStatisticsOut(
            group_by=names,
            period_from=period.first,
            period_to=period.last,
            threshold=THRESHOLD,
            cells=[
                ReferralStatisticsCell(
                    **dict(zip(names, key, strict=True)),
                    count=shown,
                    **_published(medians, key, shown),
                )
                for key, shown in table.cells.items()
            ],
            total=ReferralStatisticsTotal(
                count=table.total, **_published(overall, (), table.total)
            ),
        )


def _published(
    medians: dict[str, dict[tuple[Hashable, ...], tuple[float, int]]],
    key: tuple[Hashable, ...],
    shown: Shown,
) -> dict[str, float | None]:
    """The cell's median times where they may be published (module docstring)."""
    published: dict[str, float | None] = {}
    for measured, field in MEDIANS.items():
        median, of = medians[measured].get(key, (0.0, 0))
        visible = isinstance(shown, int) and of >= THRESHOLD
        published[field] = round(median, 1) if visible else None
    return published
