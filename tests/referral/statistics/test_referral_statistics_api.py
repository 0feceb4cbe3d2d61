"""`GET /api/v1/statistics/referrals`: de-identified counts of every referral, grouped as
asked, with median times beside the counts that are shown; and the same table as CSV."""

import csv
import io
import uuid
from datetime import timedelta
from typing import Any

import pytest

from shared.db import utcnow
from tests.support.identification import Caller, Callers
from tests.support.referral import Referral

STATISTICS = "/api/v1/statistics/referrals"


@pytest.fixture
async def shelter(service: Referral) -> dict[str, Any]:
    return await service.provider(uuid.uuid4(), capacity={"shelter": {"total": 20, "free": 20}})


async def refer_cases(
    service: Referral, police: Caller, shelter: dict[str, Any], count: int, *, accepted: int
) -> None:
    """`count` adults referred to the shelter two days after their screening, the first
    `accepted` of them accepted at once."""
    staff = service.callers(
        "provider", organisation_id=uuid.UUID(shelter["organisation_id"]), organisation_kind="ngo"
    )
    opened_at = (utcnow() - timedelta(hours=48)).isoformat()
    for number in range(count):
        case_id = await service.adult_with_consent(police, opened_at=opened_at)
        referral = await service.referral(
            police, case_id, shelter["id"], services=["shelter", "psychological"]
        )
        if number < accepted:
            response = await service.act(staff, referral["id"], "accept")
            assert response.status_code == 200, response.text


async def statistics(service: Referral, **params: str) -> dict[str, Any]:
    response = await service.client.get(
        STATISTICS, params=params, headers=service.coordinator.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_cell_of_three_is_under_five_and_medians_stand_only_beside_shown_counts(
    service: Referral, police: Caller, shelter: dict[str, Any]
) -> None:
    await refer_cases(service, police, shelter, 8, accepted=5)

    by_result = await statistics(service, group_by="result")
    assert by_result["group_by"] == ["result"]
    assert [(c["result"], c["count"]) for c in by_result["cells"]] == [
        ("accepted", "suppressed"),
        ("sent", "<5"),
    ]
    assert all(c["median_hours_screening_to_referral"] is None for c in by_result["cells"])
    total = by_result["total"]
    assert total["count"] == 8
    assert total["median_hours_screening_to_referral"] == pytest.approx(48, abs=0.2)
    assert total["median_hours_referral_to_acceptance"] == pytest.approx(0, abs=0.2)

    by_service = await statistics(service, group_by="provider_kind,service")
    assert by_service["group_by"] == ["service", "provider_kind"]
    cells = {c["service"]: c for c in by_service["cells"]}
    assert set(cells) == {"psychological", "shelter"}
    assert cells["shelter"]["count"] == 8
    assert cells["shelter"]["provider_kind"] == "ngo"
    assert cells["shelter"]["median_hours_screening_to_referral"] == pytest.approx(48, abs=0.2)
    assert by_service["total"]["count"] == 8


async def test_fewer_than_five_acceptances_publish_no_acceptance_median(
    service: Referral, police: Caller, shelter: dict[str, Any]
) -> None:
    await refer_cases(service, police, shelter, 5, accepted=3)
    [cell] = (await statistics(service, group_by="is_child,county"))["cells"]
    assert (cell["county"], cell["is_child"], cell["count"]) == ("RO-IS", False, 5)
    assert cell["median_hours_screening_to_referral"] == pytest.approx(48, abs=0.2)
    assert cell["median_hours_referral_to_acceptance"] is None


async def test_the_same_table_is_answered_as_csv(
    service: Referral, police: Caller, shelter: dict[str, Any]
) -> None:
    await refer_cases(service, police, shelter, 6, accepted=0)
    response = await service.client.get(
        STATISTICS,
        params={"group_by": "year,provider_kind"},
        headers={**service.coordinator.headers, "Accept": "text/csv"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    header, *rows = list(csv.reader(io.StringIO(response.text)))
    assert header == [
        "year",
        "provider_kind",
        "count",
        "median_hours_screening_to_referral",
        "median_hours_referral_to_acceptance",
    ]
    year = str(utcnow().year)
    assert [row[:3] for row in rows] == [[year, "ngo", "6"], ["", "", "6"]]
    assert float(rows[0][3]) == pytest.approx(48, abs=0.2)
    assert rows[0][4] == ""


async def test_a_caller_without_the_permission_is_refused_and_a_bad_dimension_named(
    service: Referral, callers: Callers
) -> None:
    provider = callers("provider", organisation_kind="ngo")
    refused = await service.client.get(STATISTICS, headers=provider.headers)
    assert refused.status_code == 403
    wrong = await service.client.get(
        STATISTICS, params={"group_by": "name"}, headers=service.coordinator.headers
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "group_by"


async def test_no_referrals_answer_no_cells_whatever_the_grouping(service: Referral) -> None:
    body = await statistics(service, group_by="year,result")
    assert (body["cells"], body["total"]["count"]) == ([], "<5")
    assert body["total"]["median_hours_screening_to_referral"] is None
