"""Routes of `/api/v1/statistics`: de-identified counts of cases, and of training
coverage (`training/`)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from identification_svc.statistics.dependencies import CaseStatistics, StatisticsReader
from identification_svc.statistics.schemas import DIMENSIONS, CaseStatisticsOut
from identification_svc.training.coverage import MEASURES, Measure
from identification_svc.training.dependencies import TrainingCoverage, TrainingManager
from identification_svc.training.schemas import TrainingStatisticsOut
from shared.errors import error_responses
from shared.statistics import Period
from shared.statistics_api import CSV_RESPONSE, WantsCsv, check_period, csv_answer, dimensions

router = APIRouter(prefix="/api/v1/statistics", tags=["statistics"])

GroupBy = Annotated[
    str | None,
    Query(
        max_length=200,
        description="Comma-separated dimensions (see the answer's `group_by`).",
        examples=["county"],
    ),
]


@router.get(
    "/cases",
    response_model=CaseStatisticsOut,
    responses={**CSV_RESPONSE, **error_responses(401, 403, 422, 503)},
)
async def get_case_statistics(
    principal: StatisticsReader,
    statistics: CaseStatistics,
    as_csv: WantsCsv,
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
) -> CaseStatisticsOut | Response:
    """Counts of the cases opened in the period (every case of the mechanism), by the
    dimensions asked; a count under 5 is `"<5"`, and a count is `"suppressed"` where a
    total would otherwise give a small one away. `Accept: text/csv` answers the same table
    as CSV."""
    check_period(first, last)
    answer = await statistics.cases(dimensions(group_by, DIMENSIONS), Period(first, last))
    if not as_csv:
        return answer
    cells = [cell.model_dump(mode="json") for cell in answer.cells]
    return csv_answer(
        [*answer.group_by, "count"], [*cells, {"count": answer.total}], name="case-statistics"
    )


@router.get(
    "/training/{measure}",
    response_model=TrainingStatisticsOut,
    responses=error_responses(401, 403, 422),
)
async def get_training_statistics(
    measure: Annotated[Measure, Path(description="What is counted.")],
    principal: TrainingManager,
    coverage: TrainingCoverage,
    group_by: GroupBy = None,
    first: Annotated[date | None, Query(alias="from", description="First day counted.")] = None,
    last: Annotated[date | None, Query(alias="to", description="Last day counted.")] = None,
) -> TrainingStatisticsOut:
    """Training coverage, for coordinators, de-identified and suppressed as the case
    statistics are:

    - `trained_workers`: people who completed a training held in the period, by
      `organisation_kind`, `county` and `catalogue_version` taught;
    - `retired_version_workers`: people trained only on catalogue versions since retired
      (their latest such training held in the period), by `organisation_kind`, `county`
      and the newest `catalogue_version` they completed;
    - `screening_organisations`: organisations that screened in the period, by
      `organisation_kind`, `county` and `members_trained` (`current_version`,
      `other_version_only`, or `none`: screening without any trained member);
    - `practice_screenings`: practice screenings made in the period, by
      `catalogue_version`, `vignette`, `matched`, `organisation_kind` and `county`."""
    check_period(first, last)
    counted = dimensions(group_by, MEASURES[measure])
    return await coverage.statistics(measure, counted, Period(first, last))
