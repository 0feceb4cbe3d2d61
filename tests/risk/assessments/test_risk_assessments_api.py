"""Assessing a case through the real risk app: levels, critical items, measures,
judgement, validation, permissions and scope, history, storage and the event."""

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from risk_svc.assessments.models import Assessment
from risk_svc.assessments.service import evaluate
from risk_svc.db import EVENTS
from risk_svc.instruments.models import InstrumentVersion
from shared.db import Database
from tests.risk.conftest import Actor, RiskService, answers, initial
from tests.support.problems import assert_problem


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def outbox_payloads(risk: RiskService) -> list[dict]:
    database = Database(risk.database_url)
    try:
        async with database.sessions() as session:
            rows = (await session.execute(select(EVENTS.outbox.c.body))).scalars().all()
    finally:
        await database.dispose()
    return [body["payload"] for body in rows if body["topic"] == "risk.assessed"]


# --- the examples -------------------------------------------------------------------


async def test_an_adult_threatened_since_leaving_is_high_risk_with_shelter_and_protection(
    risk: RiskService, police: Actor
) -> None:
    case_id = await risk.open_case(police)

    response = await risk.assess(police, case_id, initial(["SAF-02"]))

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["case_id"] == str(case_id)
    assert (body["instrument"], body["version"]) == ("initial", 1)
    assert body["level"] == body["computed_level"] == "high"
    assert body["domains"]["safety"] == {"score": 3, "level": "high"}
    assert list(body["domains"]) == ["safety", "re_trafficking", "health", "legal"]
    assert body["critical_items"] == ["SAF-02"]
    assert {"secure_shelter", "police_protection"} <= set(body["measures"])
    assert body["incomplete"] is False
    assert at(body["reassess_by"]) - at(body["created_at"]) == timedelta(days=7)
    assert response.headers["location"] == f"/api/v1/risk-assessments/{body['id']}"
    assert response.headers["etag"]


async def test_yes_weights_adding_to_five_in_one_domain_without_a_critical_item_are_medium(
    risk: RiskService, police: Actor
) -> None:
    case_id = await risk.open_case(police)

    body = (await risk.assess(police, case_id, initial(["RET-02", "RET-04"]))).json()

    assert body["domains"]["re_trafficking"] == {"score": 5, "level": "medium"}
    assert body["level"] == body["computed_level"] == "medium"
    assert body["critical_items"] == []
    assert body["measures"] == ["reintegration_plan"]
    assert at(body["reassess_by"]) - at(body["created_at"]) == timedelta(days=30)


async def test_a_judgement_raises_a_low_computed_level_and_both_levels_are_kept(
    risk: RiskService, police: Actor
) -> None:
    case_id = await risk.open_case(police)
    judgement = {"level": "high", "reason": "The recruiter was seen outside the shelter."}

    response = await risk.assess(police, case_id, initial(judgement=judgement))

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["computed_level"], body["level"]) == ("low", "high")
    assert body["judgement"] == judgement
    assert at(body["reassess_by"]) - at(body["created_at"]) == timedelta(days=7)


async def test_a_judgement_may_not_lower_the_computed_level_and_nothing_is_stored(
    risk: RiskService, police: Actor
) -> None:
    case_id = await risk.open_case(police)
    judgement = {"level": "low", "reason": "The person seems calm."}

    response = await risk.assess(police, case_id, initial(["SAF-02"], judgement=judgement))

    assert_problem(response, 422, "judgement.level")
    history = await risk.http.get(
        f"/api/v1/cases/{case_id}/risk-assessments", headers=police.headers
    )
    assert history.json()["items"] == []
    assert await outbox_payloads(risk) == []


@pytest.mark.parametrize("judgement", [{"level": "high"}, {"level": "high", "reason": "  "}])
async def test_a_judgement_needs_a_written_reason(
    risk: RiskService, police: Actor, judgement: dict
) -> None:
    case_id = await risk.open_case(police)

    response = await risk.assess(police, case_id, initial(judgement=judgement))

    assert_problem(response, 422, "judgement.reason")


@pytest.mark.parametrize("role", ["prosecutor", "provider", "labour_inspector", "auditor", "admin"])
async def test_roles_without_the_risk_assessment_permission_are_refused(
    risk: RiskService, police: Actor, role: str
) -> None:
    case_id = await risk.open_case(police)
    colleague = risk.actor(role, organisation_id=police.organisation_id)

    response = await risk.assess(colleague, case_id, initial(["SAF-02"]))

    assert_problem(response, 403)


@pytest.mark.parametrize("role", ["police", "social_worker", "ngo_worker"])
async def test_each_assessing_role_may_assess_its_organisations_case(
    risk: RiskService, role: str
) -> None:
    assessor = risk.actor(role)
    case_id = await risk.open_case(assessor)

    response = await risk.assess(assessor, case_id, initial(["SAF-01"]))

    assert response.status_code == 201, response.text
    assert response.json()["assessor_organisation_id"] == str(assessor.organisation_id)


async def test_another_organisations_case_is_not_found(risk: RiskService, police: Actor) -> None:
    case_id = await risk.open_case(police)
    assessed = (await risk.assess(police, case_id, initial(["SAF-02"]))).json()
    stranger = risk.actor("police")

    assert_problem(await risk.assess(stranger, case_id, initial()), 404)
    history = await risk.http.get(
        f"/api/v1/cases/{case_id}/risk-assessments", headers=stranger.headers
    )
    assert_problem(history, 404)
    one = await risk.http.get(
        f"/api/v1/risk-assessments/{assessed['id']}", headers=stranger.headers
    )
    assert_problem(one, 404)


async def test_child_only_items_asked_for_an_adult_are_refused_naming_each(
    risk: RiskService, police: Actor
) -> None:
    case_id = await risk.open_case(police)
    body = initial(["SAF-01"])
    body["answers"] += [{"item": "CHI-01", "answer": "no"}, {"item": "CHI-03", "answer": "yes"}]
    first = len(body["answers"]) - 2

    response = await risk.assess(police, case_id, body)

    problem = assert_problem(response, 422, f"answers.{first}.item", f"answers.{first + 1}.item")
    assert "CHI-01" in problem["detail"]
    assert "CHI-03" in problem["detail"]


async def test_a_child_is_asked_the_child_items_and_gets_child_protection(
    risk: RiskService, police: Actor
) -> None:
    case_id = await risk.open_case(police, is_child=True)

    response = await risk.assess(police, case_id, initial(["CHI-01"], child=True))

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["is_child"] is True
    assert body["domains"]["child"] == {"score": 3, "level": "high"}
    assert body["critical_items"] == ["CHI-01"]
    assert {"child_protection", "emergency_placement"} <= set(body["measures"])


async def test_more_than_a_third_unknown_is_incomplete_and_due_again_in_three_days(
    risk: RiskService, police: Actor
) -> None:
    case_id = await risk.open_case(police)
    body = {"instrument": "initial", "answers": [{"item": "SAF-02", "answer": "yes"}]}

    result = (await risk.assess(police, case_id, body)).json()

    assert result["incomplete"] is True
    assert result["level"] == "high"
    assert len(result["unknown_items"]) == 20
    assert at(result["reassess_by"]) - at(result["created_at"]) == timedelta(days=3)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"answers": [{"item": "SAF-99", "answer": "yes"}]}, "answers.0.item"),
        ({"answers": [{"item": "saf-01", "answer": "yes"}]}, "answers.0.item"),
        ({"answers": [{"item": "SAF-01", "answer": "maybe"}]}, "answers.0.answer"),
        ({"answers": [{"item": "SAF-01", "answer": True}]}, "answers.0.answer"),
        ({"answers": [{"item": "SAF-01"}]}, "answers.0.answer"),
        ({"instrument": "exit_interview"}, "instrument"),
        ({"instrument": "Initial"}, "instrument"),
        ({"version": 7}, "version"),
        ({"version": 0}, "version"),
        ({"judgement": {"level": "extreme", "reason": "x"}}, "judgement.level"),
        ({"answers": "SAF-01=yes"}, "answers"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_invalid_requests_are_refused_naming_the_field(
    risk: RiskService, police: Actor, change: dict, field: str
) -> None:
    case_id = await risk.open_case(police)

    response = await risk.assess(police, case_id, {**initial(), **change})

    assert_problem(response, 422, field)


async def test_an_item_answered_twice_is_refused_naming_the_repetition(
    risk: RiskService, police: Actor
) -> None:
    case_id = await risk.open_case(police)
    body = {
        "instrument": "initial",
        "answers": [
            {"item": "SAF-01", "answer": "yes"},
            {"item": "SAF-02", "answer": "no"},
            {"item": "SAF-01", "answer": "no"},
        ],
    }

    problem = assert_problem(await risk.assess(police, case_id, body), 422, "answers.2.item")

    assert "answers.0" in problem["errors"][0]["message"]


async def test_the_pre_return_instrument_is_scored_with_its_own_items(
    risk: RiskService, police: Actor
) -> None:
    from risk_svc.instruments import v1

    case_id = await risk.open_case(police)
    body = {"instrument": "pre_return", "answers": answers(["PRR-08"], instrument=v1.PRE_RETURN)}

    result = (await risk.assess(police, case_id, body)).json()

    assert result["domains"] == {"return": {"score": 3, "level": "high"}}
    assert result["critical_items"] == ["PRR-08"]
    assert result["measures"] == []


# --- reading --------------------------------------------------------------------------------


async def test_the_history_is_newest_first_and_pages_with_a_cursor(
    risk: RiskService, police: Actor
) -> None:
    case_id = await risk.open_case(police)
    created = [
        (await risk.assess(police, case_id, initial(yes))).json()["id"]
        for yes in (["SAF-01"], ["SAF-02"], ["RET-01"])
    ]
    url = f"/api/v1/cases/{case_id}/risk-assessments"

    first = (await risk.http.get(url, params={"limit": 2}, headers=police.headers)).json()
    cursor = first["next_cursor"]
    second = (
        await risk.http.get(url, params={"limit": 2, "cursor": cursor}, headers=police.headers)
    ).json()

    assert [a["id"] for a in first["items"] + second["items"]] == created[::-1]
    assert second["next_cursor"] is None


async def test_a_stored_assessment_reads_back_as_it_was_answered(
    risk: RiskService, police: Actor
) -> None:
    case_id = await risk.open_case(police)
    created = await risk.assess(police, case_id, initial(["SAF-02", "HEA-02"]))

    read = await risk.http.get(created.headers["location"], headers=police.headers)

    assert read.status_code == 200
    assert read.json() == created.json()
    assert read.headers["etag"] == created.headers["etag"]


async def test_re_evaluating_a_stored_assessment_gives_the_stored_result(
    risk: RiskService, police: Actor
) -> None:
    case_id = await risk.open_case(police, is_child=True)
    judgement = {"level": "high", "reason": "Threats by phone."}
    body = initial(["RET-02", "HEA-03", "LEG-02", "CHI-04"], child=True, judgement=judgement)
    stored = (await risk.assess(police, case_id, body)).json()

    database = Database(risk.database_url)
    try:
        async with database.sessions() as session:
            row = await session.get(Assessment, uuid.UUID(stored["id"]))
            assert row is not None
            version = await session.scalar(
                select(InstrumentVersion)
                .where(InstrumentVersion.id == row.instrument_version_id)
                .options(selectinload(InstrumentVersion.items))
            )
            assert version is not None
            again = evaluate(row, version.to_instrument()).to_dict()
    finally:
        await database.dispose()

    for name in ("computed_level", "level", "critical_items", "unknown_items", "incomplete"):
        assert again[name] == stored[name], name
    assert again["measures"] == stored["measures"]
    assert again["domains"] == stored["domains"]
    assert again["judgement"] == stored["judgement"]
    assert again["reassess_by"] == at(stored["reassess_by"])
    assert again["assessed_at"] == at(stored["assessed_at"])


async def test_a_prosecutor_may_not_read_assessments(risk: RiskService, police: Actor) -> None:
    case_id = await risk.open_case(police)
    assessed = (await risk.assess(police, case_id, initial(["SAF-02"]))).json()
    prosecutor = risk.actor("prosecutor", organisation_id=police.organisation_id)

    history = await risk.http.get(
        f"/api/v1/cases/{case_id}/risk-assessments", headers=prosecutor.headers
    )
    one = await risk.http.get(
        f"/api/v1/risk-assessments/{assessed['id']}", headers=prosecutor.headers
    )

    assert_problem(history, 403)
    assert_problem(one, 403)


async def test_a_provider_reads_the_assessments_of_a_case_referred_to_it_only(
    risk: RiskService, police: Actor
) -> None:
    case_id = await risk.open_case(police)
    assessed = (await risk.assess(police, case_id, initial(["SAF-02"]))).json()
    provider = risk.actor("provider")
    url = f"/api/v1/risk-assessments/{assessed['id']}"

    assert_problem(await risk.http.get(url, headers=provider.headers), 404)
    await risk.refer(case_id, provider)
    read = await risk.http.get(url, headers=provider.headers)

    assert read.status_code == 200
    assert read.json()["level"] == "high"


async def test_coordinators_see_their_county_or_every_case(risk: RiskService) -> None:
    in_cluj = risk.actor("social_worker", county="RO-CJ")
    case_id = await risk.open_case(in_cluj, county="RO-CJ")
    url = f"/api/v1/cases/{case_id}/risk-assessments"
    regional = risk.actor("coordinator", county="RO-CJ")
    elsewhere = risk.actor("coordinator", county="RO-TM")
    national = risk.actor("coordinator", county="national")

    assessed = await risk.assess(regional, case_id, initial(["SAF-01"]))
    assert assessed.status_code == 201
    assert assessed.json()["assessor_organisation_id"] == str(regional.organisation_id)
    seen = await risk.http.get(url, headers=national.headers)
    assert [item["id"] for item in seen.json()["items"]] == [assessed.json()["id"]]
    hidden = await risk.http.get(url, headers=elsewhere.headers)
    assert_problem(hidden, 404, slug="not-found", detail="No such case.")


# --- storage and the event ------------------------------------------------------------------


async def test_an_assessment_publishes_risk_assessed_with_the_contract_payload(
    risk: RiskService, police: Actor
) -> None:
    case_id = await risk.open_case(police)

    body = (await risk.assess(police, case_id, initial(["SAF-02", "LEG-03"]))).json()

    assert await outbox_payloads(risk) == [
        {
            "case_id": str(case_id),
            "assessment_id": body["id"],
            "instrument": "initial",
            "version": 1,
            "level": "high",
            "computed_level": "high",
            "domains": {
                "safety": "high",
                "re_trafficking": "low",
                "health": "low",
                "legal": "low",
            },
            "measures": ["secure_shelter", "police_protection", "non_punishment_review"],
            "assessed_at": at(body["assessed_at"]).isoformat(),
        }
    ]
