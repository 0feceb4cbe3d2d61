"""The coordinators' daily list: the latest assessment of each open case the caller sees
whose reassessment falls due before a date, the most overdue first."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.risk.conftest import Actor, RiskService, initial
from tests.support.problems import assert_problem

DUE = "/api/v1/risk-assessments"
HIGH: list[str] = ["SAF-02"]
MEDIUM: list[str] = ["RET-02", "RET-04"]
LOW: list[str] = []


def days_ahead(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


async def due(risk: RiskService, actor: Actor, **params: str | int) -> list[str]:
    response = await risk.http.get(DUE, params=params, headers=actor.headers)
    assert response.status_code == 200, response.text
    return [item["case_id"] for item in response.json()["items"]]


async def assessed_case(risk: RiskService, actor: Actor, *yes_lists: list[str], **facts) -> str:
    """A case of `actor`'s organisation assessed once per list of "yes" items, in order."""
    case_id = await risk.open_case(actor, **facts)
    for yes in yes_lists:
        assert (await risk.assess(actor, case_id, initial(yes))).status_code == 201
    return str(case_id)


async def test_only_cases_due_before_the_date_are_listed_most_overdue_first(
    risk: RiskService, police: Actor
) -> None:
    low = await assessed_case(risk, police, LOW)
    medium = await assessed_case(risk, police, MEDIUM)
    high = await assessed_case(risk, police, HIGH)

    assert await due(risk, police) == []
    assert await due(risk, police, due_before=days_ahead(8)) == [high]
    assert await due(risk, police, due_before=days_ahead(31)) == [high, medium]
    assert await due(risk, police, due_before=days_ahead(91)) == [high, medium, low]


async def test_only_the_latest_assessment_of_a_case_counts(
    risk: RiskService, police: Actor
) -> None:
    calmer = await assessed_case(risk, police, HIGH, LOW)
    worse = await assessed_case(risk, police, LOW, HIGH)

    listed = (
        await risk.http.get(DUE, params={"due_before": days_ahead(8)}, headers=police.headers)
    ).json()["items"]

    assert [item["case_id"] for item in listed] == [worse]
    assert listed[0]["level"] == "high"
    assert calmer not in await due(risk, police, due_before=days_ahead(8))
    assert await due(risk, police, due_before=days_ahead(91)) == [worse, calmer]


async def test_the_list_is_scoped_to_what_the_caller_sees_and_filters_by_county(
    risk: RiskService,
) -> None:
    in_cluj = risk.actor("social_worker", county="RO-CJ")
    in_iasi = risk.actor("police", county="RO-IS")
    cluj = await assessed_case(risk, in_cluj, HIGH, county="RO-CJ")
    iasi = await assessed_case(risk, in_iasi, HIGH, county="RO-IS")
    national = risk.actor("coordinator", county="national")
    regional = risk.actor("coordinator", county="RO-CJ")
    week = days_ahead(8)

    assert sorted(await due(risk, national, due_before=week)) == sorted([cluj, iasi])
    assert await due(risk, national, due_before=week, county="RO-IS") == [iasi]
    assert await due(risk, regional, due_before=week) == [cluj]
    assert await due(risk, regional, due_before=week, county="RO-IS") == []
    assert await due(risk, in_iasi, due_before=week) == [iasi]
    assert await due(risk, risk.actor("ngo_worker"), due_before=week) == []


async def test_a_closed_case_needs_no_reassessment(risk: RiskService, police: Actor) -> None:
    open_case = await assessed_case(risk, police, HIGH)
    closed = await assessed_case(risk, police, HIGH)
    await risk.open_case(
        police, case_id=uuid.UUID(closed), version=2, status="closed", topic="case.status_changed"
    )

    assert await due(risk, police, due_before=days_ahead(8)) == [open_case]


async def test_the_list_pages_with_a_cursor(risk: RiskService, police: Actor) -> None:
    cases = [await assessed_case(risk, police, HIGH) for _ in range(3)]
    params: dict[str, str | int] = {"due_before": days_ahead(8), "limit": 2}

    first = (await risk.http.get(DUE, params=params, headers=police.headers)).json()
    params["cursor"] = first["next_cursor"]
    second = (await risk.http.get(DUE, params=params, headers=police.headers)).json()

    listed = [item["case_id"] for item in first["items"] + second["items"]]
    assert listed == cases
    assert second["next_cursor"] is None


async def test_a_prosecutor_gets_no_list(risk: RiskService) -> None:
    assert_problem(await risk.http.get(DUE, headers=risk.actor("prosecutor").headers), 403)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"due_before": "2026-12-01T00:00:00"}, "due_before"),
        ({"due_before": "tomorrow"}, "due_before"),
        ({"due_before": "0001-01-01T00:00:00+05:00"}, "due_before"),
        ({"county": "RO-XX"}, "county"),
        ({"county": "national"}, "county"),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"cursor": "bm90IGEgY3Vyc29y"}, "cursor"),
    ],
)
async def test_invalid_list_parameters_are_refused_naming_them(
    risk: RiskService, police: Actor, params: dict, field: str
) -> None:
    response = await risk.http.get(DUE, params=params, headers=police.headers)

    assert_problem(response, 422, field)
