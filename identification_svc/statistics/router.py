"""Routes of `/api/v1/statistics/cases`: de-identified counts of cases."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from identification_svc.dependencies import CaseStatistics, StatisticsReader
from identification_svc.statistics.schemas import DIMENSIONS, CaseStatisticsOut, Dimension
from identification_svc.statistics.settled import Period
from shared.errors import ValidationProblem, error_responses

router = APIRouter(prefix="/api/v1/statistics", tags=["statistics"])


def _dimensions(group_by: str | None) -> list[Dimension]:
    names = [name.strip() for name in group_by.split(",")] if group_by else []
    chosen: list[Dimension] = []
    for name in names:
        dimension = next((d for d in DIMENSIONS if d == name), None)
        if dimension is None:
            raise ValidationProblem(
                "group_by", f"Each dimension must be one of {', '.join(DIMENSIONS)}."
            )
        if dimension in chosen:
            raise ValidationProblem("group_by", f"'{dimension}' is named twice.")
        chosen.append(dimension)
    return chosen


@router.get(
    "/cases",
    response_model=CaseStatisticsOut,
    responses=error_responses(401, 403, 422, 503),
)
async def get_case_statistics(
    principal: StatisticsReader,
    statistics: CaseStatistics,
    group_by: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Comma-separated dimensions: " + ", ".join(DIMENSIONS) + ".",
            examples=["year,exploitation_form"],
        ),
    ] = None,
    first: Annotated[
        date | None, Query(alias="from", description="First day the cases were opened on.")
    ] = None,
    last: Annotated[
        date | None, Query(alias="to", description="Last day the cases were opened on.")
    ] = None,
) -> CaseStatisticsOut:
    """Counts of the cases opened in the period (every case of the mechanism), by the
    dimensions asked; a count under 5 is `"<5"`, and a count is `"suppressed"` where a
    total would otherwise give a small one away."""
    if first is not None and last is not None and last < first:
        raise ValidationProblem("to", "The period must not end before it starts.")
    return await statistics.cases(_dimensions(group_by), Period(first, last))
