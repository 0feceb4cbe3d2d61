"""`GET /api/v1/statistics/cases`: de-identified counts of every case, grouped as asked,
small counts shown as "<5" and the counts that would give them away as "suppressed"."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from identification_svc.statistics import settled
from shared import statistics_api
from tests.support.identification import Caller, Callers, Service

STATISTICS = "/api/v1/statistics/cases"


async def open_cases(service: Service, caller: Caller, count: int, **facts: Any) -> None:
    body = {
        "county": facts.get("county", "RO-IS"),
        "exploitation_forms": facts.get("forms", []),
        "subject": {"age": facts.get("age", 30), "gender": facts.get("gender", "female")},
        "basis": "Opened for the statistics.",
    }
    for _ in range(count):
        response = await service.send("POST", "/api/v1/cases", caller, body)
        assert response.status_code == 201, response.text


async def statistics(service: Service, caller: Caller, **params: str) -> dict[str, Any]:
    response = await service.client.get(STATISTICS, params=params, headers=caller.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def auditor(callers: Callers) -> Caller:
    return callers("auditor", county="national", organisation_kind="national_agency")


async def test_counts_of_five_or_more_are_shown(
    service: Service, police: Caller, auditor: Caller
) -> None:
    await open_cases(service, police, 12, county="RO-CJ", forms=["labour"])
    body = await statistics(service, auditor, group_by="county,exploitation_form")
    counted_at = datetime.fromisoformat(body.pop("as_of"))
    assert timedelta(0) <= datetime.now(UTC) - counted_at < timedelta(minutes=1)
    assert body == {
        "group_by": ["exploitation_form", "county"],
        "from": None,
        "to": None,
        "threshold": 5,
        "cells": [{"exploitation_form": "labour", "county": "RO-CJ", "count": 12}],
        "total": 12,
    }


async def test_a_small_count_is_under_five_and_the_count_that_would_give_it_away_is_hidden(
    service: Service, police: Caller, auditor: Caller
) -> None:
    await open_cases(service, police, 6, gender="female")
    await open_cases(service, police, 2, gender="male")
    body = await statistics(service, auditor, group_by="gender")
    assert body["cells"] == [
        {"gender": "female", "count": "suppressed"},
        {"gender": "male", "count": "<5"},
    ]
    assert body["total"] == 8


async def test_every_grouping_is_read_from_one_pattern(
    service: Service, police: Caller, auditor: Caller
) -> None:
    await open_cases(service, police, 6, gender="female")
    await open_cases(service, police, 2, gender="male")
    year = datetime.now(UTC).year
    by_year_and_gender = await statistics(service, auditor, group_by="gender,year")
    assert by_year_and_gender["group_by"] == ["year", "gender"]
    assert by_year_and_gender["cells"] == [
        {"year": year, "gender": "female", "count": "suppressed"},
        {"year": year, "gender": "male", "count": "<5"},
    ]
    assert (await statistics(service, auditor))["cells"] == [{"count": 8}]


async def test_a_case_counts_under_each_of_its_forms_and_once_in_the_total(
    service: Service, police: Caller, auditor: Caller
) -> None:
    await open_cases(service, police, 5, forms=["labour", "sexual"])
    await open_cases(service, police, 5, forms=["labour"])
    await open_cases(service, police, 5)
    body = await statistics(service, auditor, group_by="exploitation_form")
    assert body["cells"] == [
        {"exploitation_form": "labour", "count": 10},
        {"exploitation_form": "sexual", "count": 5},
        {"exploitation_form": "unspecified", "count": 5},
    ]
    assert body["total"] == 15


async def test_children_outcomes_and_unknown_counties_are_counted(
    service: Service, police: Caller, auditor: Caller
) -> None:
    await open_cases(service, police, 5, age=15, county=None)
    body = await statistics(service, auditor, group_by="is_child,county,outcome")
    assert body["cells"] == [
        {"is_child": True, "county": "unknown", "outcome": "potential", "count": 5}
    ]


async def test_every_case_of_the_mechanism_is_counted_whoever_opened_it(
    service: Service, police: Caller, other_police: Caller
) -> None:
    await open_cases(service, police, 3)
    await open_cases(service, other_police, 3)
    assert (await statistics(service, police))["total"] == 6


async def test_the_period_counts_the_cases_opened_on_its_days(
    service: Service, police: Caller, auditor: Caller
) -> None:
    await open_cases(service, police, 5)
    today = datetime.now(UTC).date()
    within = await statistics(
        service, auditor, **{"from": today.isoformat(), "to": today.isoformat()}
    )
    assert (within["from"], within["to"], within["total"]) == (
        today.isoformat(),
        today.isoformat(),
        5,
    )
    later = await statistics(service, auditor, **{"from": (today + timedelta(days=1)).isoformat()})
    assert (later["cells"], later["total"]) == ([], "<5")
    earlier = await statistics(service, auditor, to=(today - timedelta(days=1)).isoformat())
    assert earlier["total"] == "<5"


async def test_a_small_caseload_is_counted_again_at_once_after_a_change(
    service: Service, police: Caller, auditor: Caller
) -> None:
    await open_cases(service, police, 5)
    assert (await statistics(service, auditor))["total"] == 5
    await open_cases(service, police, 1)
    assert (await statistics(service, auditor))["total"] == 6


async def test_a_caseload_slow_to_count_is_answered_from_its_last_count_meanwhile(
    service: Service, police: Caller, auditor: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    await open_cases(service, police, 5)
    first = await statistics(service, auditor)
    assert first["total"] == 5
    # From now on the caseload counts as large: the answer after a change is the last one.
    monkeypatch.setattr(settled, "COUNTED_AT_ONCE_UP_TO", 0)
    await open_cases(service, police, 1)
    meanwhile = await statistics(service, auditor)
    assert (meanwhile["total"], meanwhile["as_of"]) == (5, first["as_of"])
    for _ in range(100):  # the new count, settled in the background
        await asyncio.sleep(0.02)
        latest = await statistics(service, auditor)
        if latest["total"] == 6:
            break
    assert latest["total"] == 6
    assert latest["as_of"] > first["as_of"]


async def test_a_last_count_too_old_is_never_answered(
    service: Service, police: Caller, auditor: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    await open_cases(service, police, 5)
    await statistics(service, auditor)
    monkeypatch.setattr(settled, "COUNTED_AT_ONCE_UP_TO", 0)
    monkeypatch.setattr(settled, "MAX_AGE", timedelta(0))
    await open_cases(service, police, 1)
    assert (await statistics(service, auditor))["total"] == 6


async def test_counting_longer_than_a_request_waits_is_a_503_then_the_count_is_there(
    service: Service, police: Caller, auditor: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    await open_cases(service, police, 5)

    settle = statistics_api.settle

    async def slow(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0.5)
        return await settle(*args, **kwargs)

    monkeypatch.setattr(settled, "settle", slow)  # where the period is settled
    monkeypatch.setattr(settled, "WAIT_AT_MOST_SECONDS", 0.05)
    period = {"from": "2020-01-01"}  # a period no one counted yet
    response = await service.client.get(STATISTICS, params=period, headers=auditor.headers)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"]
    for _ in range(100):
        await asyncio.sleep(0.05)
        response = await service.client.get(STATISTICS, params=period, headers=auditor.headers)
        if response.status_code == 200:
            break
    assert response.status_code == 200
    assert response.json()["total"] == 5


@pytest.mark.parametrize("roles", [("provider",), ("admin",), ("consular_officer",)])
async def test_roles_without_the_statistics_permission_are_403(
    service: Service, callers: Callers, roles: tuple[str, ...]
) -> None:
    response = await service.client.get(STATISTICS, headers=callers(*roles).headers)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "name"}, "group_by"),
        ({"group_by": "year,year"}, "group_by"),
        ({"group_by": "year,"}, "group_by"),
        ({"group_by": "year' OR 1=1 --"}, "group_by"),
        ({"group_by": "x" * 201}, "group_by"),
        ({"from": "2026-13-01"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-02-30"}, "to"),
        ({"from": "2026-06-02", "to": "2026-06-01"}, "to"),
    ],
)
async def test_a_bad_query_is_a_422_naming_the_parameter(
    service: Service, auditor: Caller, params: dict[str, str], field: str
) -> None:
    response = await service.client.get(STATISTICS, params=params, headers=auditor.headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == [field]


async def test_the_same_table_is_answered_as_csv_with_the_total_last(
    service: Service, police: Caller, auditor: Caller
) -> None:
    await open_cases(service, police, 6, gender="female")
    await open_cases(service, police, 2, gender="male")
    response = await service.client.get(
        STATISTICS,
        params={"group_by": "gender"},
        headers={**auditor.headers, "Accept": "text/csv, application/json;q=0.5"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.text.splitlines() == [
        "gender,count",
        "female,suppressed",
        "male,<5",
        ",8",
    ]


async def test_no_cases_answer_no_cells_whatever_the_grouping(
    service: Service, auditor: Caller
) -> None:
    body = await statistics(service, auditor, group_by="year,gender")
    assert (body["cells"], body["total"]) == ([], "<5")
