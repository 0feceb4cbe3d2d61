"""`GET /api/v1/cases/{id}/timeline`: the gateway composes a case's life from the parts,
asking each with the caller's token, so each part's own rules decide what is shown."""

import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from gateway.timeline.service import Fetched, merge_timeline
from risk_svc.instruments.v1 import INITIAL
from tests.gateway.conftest import Gateway, bearer
from tests.support.referral import provider_body

PRESUMED_ADULT = ["DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04"]
ADULT_ITEMS = [item.code for item in INITIAL.items if not item.child_only]


@dataclass
class Story:
    case_id: str
    police: dict[str, str]
    police_org: str


async def _story(suite: Gateway) -> Story:
    """Police in Iași screen a presumed victim, record consent, assess the risk, refer."""
    police_org = (await suite.organisation())["id"]
    police_user = await suite.user("police", organisation_id=police_org)
    police = bearer(await suite.token(police_user["username"]))
    coordinator = await suite.headers_for(
        "coordinator", name="ANITP", kind="national_agency", county="national"
    )
    shelter_org = await suite.organisation(name="Asociația Speranța", kind="ngo", county="RO-IS")
    shelter = await suite.http.post(
        "/api/v1/providers", json=provider_body(shelter_org["id"]), headers=coordinator
    )
    assert shelter.status_code == 201, shelter.text

    screening = await suite.http.post(
        "/api/v1/screenings",
        json={
            "subject": {"age": 24, "gender": "female", "citizenship": "RO"},
            "context": {"county": "RO-IS", "setting": "police_operation", "act_recorded": False},
            "answers": [{"indicator": code, "answer": "yes"} for code in PRESUMED_ADULT],
        },
        headers=police,
    )
    assert screening.status_code == 201, screening.text
    case_id = str(screening.json()["case_id"])
    await suite.settle()
    consent = await suite.http.post(
        f"/api/v1/cases/{case_id}/consents",
        json={"scope": "referral", "given": True, "method": "written"},
        headers=police,
    )
    assert consent.status_code == 201, consent.text
    await suite.settle()
    risk = await suite.http.post(
        f"/api/v1/cases/{case_id}/risk-assessments",
        json={
            "instrument": "initial",
            "answers": [{"item": code, "answer": "no"} for code in ADULT_ITEMS],
        },
        headers=police,
    )
    assert risk.status_code == 201, risk.text
    await suite.settle()
    referral = await suite.http.post(
        "/api/v1/referrals",
        json={"case_id": case_id, "provider_id": shelter.json()["id"], "services": ["shelter"]},
        headers=police,
    )
    assert referral.status_code == 201, referral.text
    await suite.settle()
    return Story(case_id, police, police_org)


async def _timeline(suite: Gateway, story: Story, headers: dict[str, str]) -> Any:
    return await suite.http.get(f"/api/v1/cases/{story.case_id}/timeline", headers=headers)


def _kinds(body: dict[str, Any]) -> list[str]:
    return [entry["kind"] for entry in body["entries"]]


async def test_the_case_story_comes_back_in_time_order(suite: Gateway) -> None:
    story = await _story(suite)
    before = len(suite.forwarded)
    response = await _timeline(suite, story, {**story.police, "X-Request-ID": "timeline-1"})
    assert response.status_code == 200, response.text
    assert response.headers["x-request-id"] == "timeline-1"
    body = response.json()
    assert body["case_id"] == story.case_id
    assert body["incomplete"] == []
    kinds = _kinds(body)
    for kind in ("screening", "decision", "consent", "risk_assessment", "referral"):
        assert kind in kinds, kinds
    order = [kinds.index(k) for k in ("screening", "consent", "risk_assessment", "referral")]
    assert order == sorted(order)
    times = [entry["at"] for entry in body["entries"]]
    assert times == sorted(times)
    # Minimal coded fields only: no names, notes or answers.
    text = response.text
    assert "Ana Popescu" not in text
    assert "answers" not in text
    assert "note" not in text
    # The gateway asked every part itself, each with the caller's token and request id.
    asked = suite.forwarded[before:]
    assert {r.url.host for r in asked} == {"identification", "risk", "referral"}
    assert all(r.headers["authorization"] == story.police["Authorization"] for r in asked)
    assert all(r.headers["x-request-id"] == "timeline-1" for r in asked)
    # The route is the gateway's: identification was never asked for a timeline.
    assert not [r for r in asked if r.url.path.endswith("/timeline")]


async def test_another_organisation_gets_404(suite: Gateway) -> None:
    story = await _story(suite)
    stranger = await suite.headers_for("police", name="IPJ Cluj", kind="police", county="RO-CJ")
    response = await _timeline(suite, story, stranger)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_an_unknown_case_is_404(suite: Gateway) -> None:
    headers = await suite.headers_for("police")
    response = await suite.http.get(f"/api/v1/cases/{uuid.uuid4()}/timeline", headers=headers)
    assert response.status_code == 404, response.text


async def test_a_prosecutor_sees_no_risk_entries(suite: Gateway) -> None:
    story = await _story(suite)
    prosecutor = await suite.user("prosecutor", organisation_id=story.police_org)
    response = await _timeline(suite, story, bearer(await suite.token(prosecutor["username"])))
    assert response.status_code == 200, response.text
    kinds = _kinds(response.json())
    assert "risk_assessment" not in kinds
    assert "screening" in kinds
    # Refused by the risk service, not down: nothing is incomplete.
    assert response.json()["incomplete"] == []


async def test_with_the_risk_service_down_the_rest_is_answered(suite: Gateway) -> None:
    story = await _story(suite)
    del suite.transport.apps["risk"]
    response = await _timeline(suite, story, story.police)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["incomplete"] == ["risk"]
    kinds = _kinds(body)
    assert "risk_assessment" not in kinds
    assert {"screening", "consent", "referral"} <= set(kinds)


async def test_with_identification_down_the_answer_is_503(suite: Gateway) -> None:
    story = await _story(suite)
    del suite.transport.apps["identification"]
    response = await _timeline(suite, story, story.police)
    assert response.status_code == 503, response.text


async def test_without_a_token_it_is_401(suite: Gateway) -> None:
    response = await suite.http.get(f"/api/v1/cases/{uuid.uuid4()}/timeline")
    assert response.status_code == 401


async def test_the_operation_is_documented(suite: Gateway) -> None:
    document = (await suite.http.get("/api/v1/openapi.json")).json()
    operation = document["paths"]["/api/v1/cases/{case_id}/timeline"]["get"]
    assert operation["operationId"] == "get_case_timeline"
    assert operation["tags"] == ["cases"]
    assert {"401", "404", "503"} <= set(operation["responses"])
    assert "CaseTimeline" in document["components"]["schemas"]


CASE = uuid.UUID("00000000-0000-0000-0000-000000000001")
PARTS = {"case": "identification", "risk_assessments": "risk", "referrals": "referral"}


@pytest.mark.parametrize("broken", [None, [{"no": "fields"}]])
def test_merge_orders_entries_and_names_failed_parts(broken: Any) -> None:
    fetched: dict[str, Fetched | None] = {
        "case": Fetched(
            [
                {
                    "decisions": [
                        {
                            "id": str(uuid.uuid4()),
                            "decision": "opened",
                            "from_status": None,
                            "to_status": "presumed",
                            "decided_at": "2026-01-02T00:00:00Z",
                            "note": "private",
                        }
                    ]
                }
            ]
        ),
        "referrals": Fetched(
            [
                {
                    "id": str(uuid.uuid4()),
                    "created_at": "2026-01-01T00:00:00Z",
                    "accepted_at": "2026-01-03T00:00:00Z",
                    "closed_at": None,
                    "status": "accepted",
                    "note": "private",
                }
            ]
        ),
        "risk_assessments": None if broken is None else Fetched(broken),
    }
    timeline = merge_timeline(CASE, fetched, PARTS)
    assert [e.kind for e in timeline.entries] == ["referral", "decision", "referral_status"]
    assert timeline.incomplete == ["risk"]
    assert "private" not in timeline.model_dump_json()
