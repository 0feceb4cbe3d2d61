"""Routes of `/api/v1/statistics/referrals`: de-identified counts of referrals and their
median times."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from referral_svc.access import StatisticsReader
from referral_svc.statistics.schemas import DIMENSIONS, ReferralStatisticsOut
from referral_svc.statistics.service import MEDIANS, StatisticsService
from shared.errors import error_responses
from shared.statistics import Period
from shared.statistics_api import CSV_RESPONSE, WantsCsv, check_period, csv_answer, dimensions
from shared.web import Session

router = APIRouter(prefix="/api/v1/statistics", tags=["statistics"])


async def statistics_service(session: Session) -> StatisticsService:
    return StatisticsService(session)


ReferralStatistics = Annotated[StatisticsService, Depends(statistics_service)]


@router.get(
    "/referrals",
    response_model=ReferralStatisticsOut,
    responses={**CSV_RESPONSE, **error_responses(401, 403, 422)},
)
async def get_referral_statistics(
    principal: StatisticsReader,
    statistics: ReferralStatistics,
    as_csv: WantsCsv,
    group_by: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Comma-separated dimensions: " + ", ".join(DIMENSIONS) + ".",
            examples=["year,result"],
        ),
    ] = None,
    first: Annotated[
        date | None, Query(alias="from", description="First day the referrals were sent on.")
    ] = None,
    last: Annotated[
        date | None, Query(alias="to", description="Last day the referrals were sent on.")
    ] = None,
) -> ReferralStatisticsOut | Response:
    """Counts of the referrals sent in the period (every referral of the mechanism), by the
    dimensions asked, with the median hours from screening to referral and from referral
    to acceptance; a count under 5 is `"<5"`, a count is `"suppressed"` where a total would
    otherwise give a small one away, and a median is null beside a hidden count or over
    fewer than 5 referrals. `Accept: text/csv` answers the same table as CSV."""
    check_period(first, last)
    answer = await statistics.referrals(dimensions(group_by, DIMENSIONS), Period(first, last))
    if not as_csv:
        return answer
    columns = [*answer.group_by, "count", *MEDIANS.values()]
    rows = [cell.model_dump(mode="json") for cell in [*answer.cells, answer.total]]
    return csv_answer(columns, rows, name="referral-statistics")
