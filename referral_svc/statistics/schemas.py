"""Response bodies of `/api/v1/statistics/referrals`."""

from datetime import date
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from referral_svc.referrals.states import ReferralStatus
from referral_svc.vocabulary import ProviderKind, Service

Dimension = Literal["year", "result", "service", "provider_kind", "county", "is_child"]
# Always counted in this order, whatever order a caller names them in.
DIMENSIONS: Final[tuple[Dimension, ...]] = (
    "year",
    "result",
    "service",
    "provider_kind",
    "county",
    "is_child",
)
Count = int | Literal["<5", "suppressed"]
COUNT_DESCRIPTION = (
    'The number of referrals; "<5" for fewer than 5, "suppressed" for 5 or more hidden so '
    "that no small count can be worked out from a total."
)
SCREENING_DESCRIPTION = (
    "Median hours from the case's opening (the screening that opened it) to the referral; "
    "null unless the count is shown and at least 5 referrals are measured."
)
ACCEPTANCE_DESCRIPTION = (
    "Median hours from the referral to its acceptance, over the referrals accepted; null "
    "unless the count is shown and at least 5 were accepted."
)


def _absent(value: Any) -> bool:
    return value is None


def _grouped(description: str) -> Any:
    # A dimension the caller did not group by is left out of each cell.
    return Field(default=None, exclude_if=_absent, description=description)


class Medians(BaseModel):
    median_hours_screening_to_referral: float | None = Field(description=SCREENING_DESCRIPTION)
    median_hours_referral_to_acceptance: float | None = Field(description=ACCEPTANCE_DESCRIPTION)


class ReferralStatisticsCell(Medians):
    """The count and median times of one combination of the dimensions grouped by (only
    those appear)."""

    year: int | None = _grouped("The year the referral was sent (UTC).")
    result: ReferralStatus | None = _grouped("The referral's current status.")
    service: Service | None = _grouped(
        "A service asked for; a referral counts under each of its services."
    )
    provider_kind: ProviderKind | None = _grouped("The kind of provider it was sent to.")
    county: str | None = _grouped("The case's county (ISO 3166-2:RO), or `unknown`.")
    is_child: bool | None = _grouped("Whether the person is treated as a child.")
    count: Count = Field(description=COUNT_DESCRIPTION)


class ReferralStatisticsTotal(Medians):
    """Every referral of the period, each once."""

    count: Count = Field(description='The number of referrals; "<5" or "suppressed" as for a cell.')


class ReferralStatisticsOut(BaseModel):
    """De-identified counts and median times of the referrals sent in a period, by the
    dimensions asked."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "group_by": ["result"],
                    "from": "2026-01-01",
                    "to": None,
                    "threshold": 5,
                    "cells": [
                        {
                            "result": "accepted",
                            "count": 31,
                            "median_hours_screening_to_referral": 20.5,
                            "median_hours_referral_to_acceptance": 6.0,
                        },
                        {
                            "result": "declined",
                            "count": "<5",
                            "median_hours_screening_to_referral": None,
                            "median_hours_referral_to_acceptance": None,
                        },
                    ],
                    "total": {
                        "count": 34,
                        "median_hours_screening_to_referral": 21.0,
                        "median_hours_referral_to_acceptance": 6.0,
                    },
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
    cells: list[ReferralStatisticsCell]
    total: ReferralStatisticsTotal
