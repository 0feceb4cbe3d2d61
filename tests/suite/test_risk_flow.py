"""Issue 4 through the gateway: a social worker assesses the risk of a case it opened."""

from typing import Any

import pytest

from risk_svc.instruments.v1 import INITIAL
from tests.support.suite import Suite

ADULT_ITEMS = [item.code for item in INITIAL.items if not item.child_only]


def answers(yes: dict[str, str] | list[str]) -> list[dict[str, str]]:
    return [{"item": code, "answer": "yes" if code in yes else "no"} for code in ADULT_ITEMS]


async def open_case(suite: Suite, headers: dict[str, str]) -> str:
    response = await suite.http.post(
        "/api/v1/cases",
        json={
            "county": "RO-IS",
            "subject": {"age": 30, "gender": "female"},
            "basis": "Self-referral at the county social services office.",
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def assess(suite: Suite, headers, case_id: str, **body: Any):
    return await suite.http.post(
        f"/api/v1/cases/{case_id}/risk-assessments",
        json={"instrument": "initial", **body},
        headers=headers,
    )


@pytest.fixture
async def social_worker(suite: Suite) -> dict[str, str]:
    return await suite.headers_for(
        "social_worker", name="DGASPC Iași", kind="social_services", county="RO-IS"
    )


async def test_a_threat_since_leaving_makes_the_risk_high_with_protection_measures(
    suite: Suite, social_worker
) -> None:
    case_id = await open_case(suite, social_worker)
    response = await assess(suite, social_worker, case_id, answers=answers(["SAF-02"]))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["level"] == "high"
    assert body["domains"]["safety"]["level"] == "high"
    assert "SAF-02" in body["critical_items"]
    assert {"secure_shelter", "police_protection"} <= set(body["measures"])


async def test_weights_adding_to_five_in_one_domain_are_medium(suite: Suite, social_worker):
    case_id = await open_case(suite, social_worker)
    response = await assess(
        suite, social_worker, case_id, answers=answers(["SAF-01", "SAF-04"])
    )  # 3 + 2
    assert response.status_code == 201, response.text
    assert response.json()["domains"]["safety"] == {"score": 5, "level": "medium"}
    assert response.json()["level"] == "medium"


async def test_judgement_raises_but_never_lowers(suite: Suite, social_worker) -> None:
    case_id = await open_case(suite, social_worker)
    raised = await assess(
        suite,
        social_worker,
        case_id,
        answers=answers([]),
        judgement={"level": "high", "reason": "Exploiter seen nearby."},
    )
    assert raised.status_code == 201, raised.text
    assert (raised.json()["level"], raised.json()["computed_level"]) == ("high", "low")
    lowered = await assess(
        suite,
        social_worker,
        case_id,
        answers=answers(["SAF-02"]),
        judgement={"level": "low", "reason": "She feels safe."},
    )
    assert lowered.status_code == 422
    assert lowered.json()["errors"][0]["field"] == "judgement.level"


@pytest.mark.parametrize("role", ["prosecutor", "provider"])
async def test_a_prosecutor_or_provider_cannot_assess(suite: Suite, social_worker, role):
    case_id = await open_case(suite, social_worker)
    other = await suite.headers_for(role)
    response = await assess(suite, other, case_id, answers=answers([]))
    assert response.status_code == 403


async def test_another_organisations_case_is_404(suite: Suite, social_worker) -> None:
    case_id = await open_case(suite, social_worker)
    stranger = await suite.headers_for(
        "social_worker", name="DGASPC Cluj", kind="social_services", county="RO-CJ"
    )
    response = await assess(suite, stranger, case_id, answers=answers([]))
    assert response.status_code == 404
    history = await suite.http.get(f"/api/v1/cases/{case_id}/risk-assessments", headers=stranger)
    assert history.status_code == 404
