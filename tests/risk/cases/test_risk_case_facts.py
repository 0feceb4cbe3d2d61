"""The case facts the risk service scores and scopes by: learnt from events (newest
version wins, whatever the delivery order), and asked of the identification service when
a request names a case no event has brought yet."""

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from identification_svc.app import create_app as create_identification
from tests.risk.conftest import (
    IDENTIFICATION_URL,
    Actor,
    RiskService,
    case_payload,
    initial,
)
from tests.support.apps import running
from tests.support.databases import DatabaseFactory
from tests.support.identification import settings_for
from tests.support.problems import assert_problem


async def assess_child_item(risk: RiskService, actor: Actor, case_id: uuid.UUID) -> int:
    """201 when the service takes the case for a child's, 422 when for an adult's."""
    body = {"instrument": "initial", "answers": [{"item": "CHI-01", "answer": "yes"}]}
    return (await risk.assess(actor, case_id, body)).status_code


# --- events ---------------------------------------------------------------------------------


async def test_the_newest_case_version_wins_whatever_the_delivery_order(
    risk: RiskService, police: Actor
) -> None:
    case_id = uuid.uuid4()
    await risk.open_case(police, case_id=case_id, version=2, is_child=True)
    await risk.open_case(police, case_id=case_id, version=1, is_child=False)

    assert await assess_child_item(risk, police, case_id) == 201


async def test_a_status_change_brings_the_cases_new_facts(risk: RiskService, police: Actor) -> None:
    case_id = await risk.open_case(police, is_child=False)
    assert await assess_child_item(risk, police, case_id) == 422

    await risk.open_case(
        police, case_id=case_id, version=2, is_child=True, topic="case.status_changed"
    )

    assert await assess_child_item(risk, police, case_id) == 201


async def test_a_corrected_case_moves_to_its_new_county(risk: RiskService, police: Actor) -> None:
    case_id = await risk.open_case(police, county="RO-IS")
    assert (await risk.assess(police, case_id, initial(["SAF-02"]))).status_code == 201
    cluj = risk.actor("coordinator", county="RO-CJ")
    due = {"due_before": "2100-01-01T00:00:00+00:00"}

    async def seen_by_cluj() -> list[str]:
        response = await risk.http.get("/api/v1/risk-assessments", params=due, headers=cluj.headers)
        return [item["case_id"] for item in response.json()["items"]]

    assert await seen_by_cluj() == []
    await risk.open_case(police, case_id=case_id, version=2, county="RO-CJ", topic="case.updated")
    assert await seen_by_cluj() == [str(case_id)]
    # An older version arriving late changes nothing.
    await risk.open_case(police, case_id=case_id, version=1, county="RO-IS", topic="case.updated")
    assert await seen_by_cluj() == [str(case_id)]


async def test_a_redelivered_event_takes_effect_once(risk: RiskService, police: Actor) -> None:
    event_id = uuid.uuid4()
    payload = case_payload(uuid.uuid4(), police.organisation_id)

    first = await risk.deliver("case.opened", payload, event_id)
    again = await risk.deliver("case.opened", payload, event_id)

    assert (first.json(), again.json()) == ({"status": "processed"}, {"status": "duplicate"})


async def test_a_malformed_case_event_is_refused_and_can_be_delivered_again_fixed(
    risk: RiskService, police: Actor
) -> None:
    event_id = uuid.uuid4()
    case_id = uuid.uuid4()
    payload = case_payload(case_id, police.organisation_id)

    broken = await risk.deliver("case.opened", {**payload, "is_child": "perhaps"}, event_id)
    fixed = await risk.deliver("case.opened", payload, event_id)

    assert_problem(broken, 422, "payload", slug="validation", detail="Not a case.opened payload.")
    assert fixed.json() == {"status": "processed"}
    assessed = await risk.assess(police, case_id, initial())
    assert assessed.status_code == 201
    assert (assessed.json()["case_id"], assessed.json()["is_child"]) == (str(case_id), False)


async def test_a_referral_heard_of_before_its_case_lets_the_provider_read_once_the_case_arrives(
    risk: RiskService, police: Actor
) -> None:
    provider = risk.actor("provider")
    case_id = uuid.uuid4()
    await risk.refer(case_id, provider)
    await risk.open_case(police, case_id=case_id)
    await risk.assess(police, case_id, initial(["SAF-01"]))

    response = await risk.http.get(
        f"/api/v1/cases/{case_id}/risk-assessments", headers=provider.headers
    )

    assert response.status_code == 200
    assert len(response.json()["items"]) == 1


async def test_a_closed_case_keeps_its_scope(risk: RiskService, police: Actor) -> None:
    case_id = await risk.open_case(police)
    await risk.open_case(
        police, case_id=case_id, version=2, status="closed", topic="case.status_changed"
    )

    response = await risk.http.get(
        f"/api/v1/cases/{case_id}/risk-assessments", headers=police.headers
    )

    assert response.status_code == 200


# --- a case no event has brought yet --------------------------------------------------------


class FakeIdentification:
    """Stands in for the identification service's `GET /api/v1/cases/{id}`: answers the
    case bodies it holds to the organisations listed for them, 404 to anyone else."""

    def __init__(self) -> None:
        self.cases: dict[str, tuple[dict[str, Any], set[str]]] = {}
        self.calls: list[tuple[str, str]] = []
        self.app = FastAPI()

        @self.app.get("/api/v1/cases/{case_id}")
        async def get_case(case_id: str, request: Request) -> JSONResponse:
            authorization = request.headers.get("authorization", "")
            self.calls.append((case_id, authorization))
            body, readers = self.cases.get(case_id, ({}, set()))
            if authorization not in readers:
                return JSONResponse({"type": "/problems/not-found"}, status_code=404)
            return JSONResponse(body)

    def add_case(self, opener: Actor, *readers: Actor, **facts: Any) -> uuid.UUID:
        case_id = uuid.uuid4()
        body = {
            "id": str(case_id),
            "status": "potential",
            "is_child": False,
            "county": "RO-IS",
            "exploitation_forms": ["labour"],
            "opened_by_organisation_id": str(opener.organisation_id),
            "reflection_period": None,
            "created_at": "2026-11-28T10:00:00Z",
            "updated_at": "2026-11-28T10:00:00Z",
            "version": 1,
            "decisions": [],
            **facts,
        }
        tokens = {f"Bearer {actor.token}" for actor in (opener, *readers)}
        self.cases[str(case_id)] = (body, tokens)
        return case_id


@pytest.fixture
def identification(risk: RiskService) -> FakeIdentification:
    fake = FakeIdentification()
    risk.transport.add("identification", fake.app)
    return fake


async def test_a_case_not_heard_of_is_asked_of_identification_as_the_caller_and_remembered(
    risk: RiskService, police: Actor, identification: FakeIdentification
) -> None:
    case_id = identification.add_case(police, is_child=True)

    first = await risk.assess(police, case_id, initial(["CHI-02"], child=True))
    second = await risk.http.get(
        f"/api/v1/cases/{case_id}/risk-assessments", headers=police.headers
    )

    assert first.status_code == 201, first.text
    assert first.json()["is_child"] is True
    assert second.status_code == 200
    assert identification.calls == [(str(case_id), f"Bearer {police.token}")]


async def test_events_arriving_after_the_lookup_still_update_the_facts(
    risk: RiskService, police: Actor, identification: FakeIdentification
) -> None:
    case_id = identification.add_case(police, is_child=False, version=3)
    url = f"/api/v1/cases/{case_id}/risk-assessments"
    assert (await risk.http.get(url, headers=police.headers)).status_code == 200

    await risk.open_case(police, case_id=case_id, version=2, is_child=True)
    assert await assess_child_item(risk, police, case_id) == 422
    await risk.open_case(
        police, case_id=case_id, version=4, is_child=True, topic="case.status_changed"
    )
    assert await assess_child_item(risk, police, case_id) == 201


async def test_a_case_identification_does_not_show_the_caller_is_not_found(
    risk: RiskService, police: Actor, identification: FakeIdentification
) -> None:
    case_id = identification.add_case(risk.actor("police"))

    response = await risk.assess(police, case_id, initial())

    assert_problem(response, 404)


async def test_a_case_identification_shows_a_provider_is_not_found_here_until_its_referral(
    risk: RiskService, police: Actor, identification: FakeIdentification
) -> None:
    """Access here comes only from this part's own rule over its own rows: identification
    showing the provider the case is not enough, the referral's event is (docs/
    architecture.md, "A case not known locally yet")."""
    provider = risk.actor("provider")
    case_id = identification.add_case(police, provider)
    url = f"/api/v1/cases/{case_id}/risk-assessments"

    before = await risk.http.get(url, headers=provider.headers)
    await risk.refer(case_id, provider)
    after = await risk.http.get(url, headers=provider.headers)

    body = assert_problem(before, 404)
    assert {key: body[key] for key in ("type", "title", "status", "detail", "instance")} == {
        "type": "/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "No such case.",
        "instance": url,
    }
    assert (after.status_code, after.json()["items"]) == (200, [])
    assert {caller for _, caller in identification.calls} == {f"Bearer {provider.token}"}


async def test_an_unknown_case_is_not_asked_of_identification_once_known_out_of_scope(
    risk: RiskService, police: Actor, identification: FakeIdentification
) -> None:
    case_id = await risk.open_case(police)

    response = await risk.assess(risk.actor("police"), case_id, initial())

    assert_problem(response, 404)
    assert identification.calls == []


@pytest.mark.parametrize("body", [{"id": "not-a-case"}, {"unexpected": True}, [1, 2, 3], "text"])
async def test_an_unexpected_answer_from_identification_is_a_503(
    risk: RiskService, police: Actor, body: Any
) -> None:
    case_id = uuid.uuid4()
    stub = FastAPI()

    @stub.get("/api/v1/cases/{case_id}")
    async def get_case(case_id: str) -> JSONResponse:
        return JSONResponse(body)

    risk.transport.add("identification", stub)

    assert_problem(await risk.assess(police, case_id, initial()), 503)


async def test_a_case_whose_id_differs_from_the_one_asked_is_a_503(
    risk: RiskService, police: Actor, identification: FakeIdentification
) -> None:
    case_id = identification.add_case(police)
    other = uuid.uuid4()
    identification.cases[str(other)] = identification.cases[str(case_id)]

    assert_problem(await risk.assess(police, other, initial()), 503)


async def test_an_unknown_case_while_identification_is_down_is_a_503(
    risk: RiskService, police: Actor
) -> None:
    case_id = uuid.uuid4()

    response = await risk.assess(police, case_id, initial())
    listed = await risk.http.get(
        f"/api/v1/cases/{case_id}/risk-assessments", headers=police.headers
    )

    assert_problem(response, 503)
    assert_problem(listed, 503)
    assert IDENTIFICATION_URL.removeprefix("http://") not in risk.transport.apps


# --- with the real identification service --------------------------------------------------


@pytest.fixture
def real_identification(risk: RiskService, fresh_databases: DatabaseFactory) -> FastAPI:
    """The real identification app behind the transport."""
    app = create_identification(settings_for(fresh_databases.new("identification"), risk.issuer))
    risk.transport.add("identification", app)
    return app


async def test_a_case_opened_in_the_real_identification_service_is_assessed_before_its_event(
    risk: RiskService, police: Actor, real_identification: FastAPI
) -> None:
    async with (
        running(real_identification),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=real_identification), base_url=IDENTIFICATION_URL
        ) as identification,
    ):
        opened = await identification.post(
            "/api/v1/cases",
            json={
                "county": "RO-IS",
                "exploitation_forms": ["labour"],
                "subject": {"age": 16, "gender": "female"},
                "basis": "Found at a border check with a stranger posing as her uncle.",
            },
            headers=police.headers,
        )
        assert opened.status_code == 201, opened.text
        case_id = opened.json()["id"]

        response = await risk.assess(police, case_id, initial(["CHI-01"], child=True))
        stranger = await risk.assess(risk.actor("police"), case_id, initial(child=True))

    assert response.status_code == 201, response.text
    assert response.json()["is_child"] is True
    assert response.json()["level"] == "high"
    assert_problem(stranger, 404)
