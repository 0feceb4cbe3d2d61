"""Response bodies of `/api/v1/statistics/cases`."""

from datetime import date, datetime
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from identification_svc.cases.states import Status
from identification_svc.fields import Gender

Dimension = Literal["year", "exploitation_form", "gender", "is_child", "county", "outcome"]
# Always counted in this order, whatever order a caller names them in.
DIMENSIONS: Final[tuple[Dimension, ...]] = (
    "year",
    "exploitation_form",
    "gender",
    "is_child",
    "county",
    "outcome",
)
Count = int | Literal["<5", "suppressed"]
COUNT_DESCRIPTION = (
    'The number of cases; "<5" for fewer than 5, "suppressed" for 5 or more hidden so '
    "that no small count can be worked out from a total."
)


def _absent(value: Any) -> bool:
    return value is None


def _grouped(description: str) -> Any:
    # A dimension the caller did not group by is left out of each cell.
    return Field(default=None, exclude_if=_absent, description=description)


class CaseStatisticsCell(BaseModel):
    """The count of one combination of the dimensions grouped by (only those appear)."""

    year: int | None = _grouped("The year the case was opened (UTC).")
    exploitation_form: str | None = _grouped(
        "A suspected form of exploitation, or `unspecified`; a case counts under each of its forms."
    )
    gender: Gender | None = _grouped("The person's gender.")
    is_child: bool | None = _grouped("Whether the person is treated as a child.")
    county: str | None = _grouped("The case's county (ISO 3166-2:RO), or `unknown`.")
    outcome: Status | None = _grouped("The case's current status.")
    count: Count = Field(description=COUNT_DESCRIPTION)


class CaseStatisticsOut(BaseModel):
    """De-identified counts of the cases opened in a period, by the dimensions asked."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "group_by": ["year", "gender"],
                    "from": "2026-01-01",
                    "to": None,
                    "threshold": 5,
                    "cells": [
                        {"year": 2026, "gender": "female", "count": 41},
                        {"year": 2026, "gender": "male", "count": "suppressed"},
                        {"year": 2026, "gender": "other", "count": "<5"},
                    ],
                    "total": 52,
                    "as_of": "2026-12-01T10:00:00Z",
                }
            ]
        },
    )

    group_by: list[Dimension] = Field(
        description="The dimensions grouped by, in their fixed order."
    )
    period_from: date | None = Field(alias="from", description="First day counted, if any.")
    period_to: date | None = Field(alias="to", description="Last day counted, if any.")
    threshold: int = Field(description="Counts under it are shown as `<threshold`.")
    cells: list[CaseStatisticsCell]
    total: Count = Field(
        description='The number of cases, each once; "<5" or "suppressed" as for a cell.'
    )
    as_of: datetime = Field(
        description="When the cases were counted: a large caseload is counted again in the "
        "background as it changes, and answered from the last count meanwhile."
    )
