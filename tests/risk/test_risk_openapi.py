"""The risk service's OpenAPI document is a product: stable operationIds, tags, named
schemas, declared problem responses, and request examples that work."""

import re
import uuid

import pytest

from risk_svc.app import create_app
from risk_svc.settings import Settings
from tests.risk.conftest import Actor, RiskService

OPERATIONS = {
    ("get", "/api/v1/risk-instruments"): "list_risk_instruments",
    ("get", "/api/v1/risk-instruments/{code}/{version}"): "get_risk_instrument",
    ("post", "/api/v1/risk-instruments/{code}"): "create_risk_instrument_draft",
    ("patch", "/api/v1/risk-instruments/{code}/{version}"): "update_risk_instrument_draft",
    ("post", "/api/v1/risk-instruments/{code}/{version}/publish"): "publish_risk_instrument",
    ("post", "/api/v1/cases/{case_id}/risk-assessments"): "create_risk_assessment",
    ("get", "/api/v1/cases/{case_id}/risk-assessments"): "list_case_risk_assessments",
    ("get", "/api/v1/risk-assessments"): "list_due_risk_assessments",
    ("get", "/api/v1/risk-assessments/{assessment_id}"): "get_risk_assessment",
}


@pytest.fixture(scope="module")
def document() -> dict:
    return create_app(Settings(jwks_json='{"keys": []}')).openapi()


def operations(document: dict) -> dict[tuple[str, str], dict]:
    return {
        (method, path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


def test_every_public_operation_has_its_stable_operation_id(document: dict) -> None:
    found = {key: operation["operationId"] for key, operation in operations(document).items()}

    assert found == OPERATIONS


def test_every_operation_is_tagged_and_declares_its_problem_responses(document: dict) -> None:
    for (method, path), operation in operations(document).items():
        assert operation["tags"] in (["risk-instruments"], ["risk-assessments"]), path
        responses = operation["responses"]
        for status in ("401", "403", "422"):
            assert status in responses, (method, path, status)
            content = responses[status]["content"]
            assert "application/problem+json" in content
            schemas = [media.get("schema") for media in content.values()]
            assert {"$ref": "#/components/schemas/ProblemDetail"} in schemas


def test_every_schema_is_named_for_generated_clients(document: dict) -> None:
    names = document["components"]["schemas"]

    assert all(re.fullmatch(r"(Risk[A-Z][A-Za-z]+|ProblemDetail)", name) for name in names), names
    for schema in (
        "RiskAssessment",
        "RiskAssessmentCreate",
        "RiskInstrument",
        "RiskInstrumentPage",
    ):
        assert schema in names


def test_the_main_requests_carry_examples(document: dict) -> None:
    for key in (
        ("post", "/api/v1/cases/{case_id}/risk-assessments"),
        ("patch", "/api/v1/risk-instruments/{code}/{version}"),
    ):
        content = operations(document)[key]["requestBody"]["content"]["application/json"]
        assert content["examples"], key


async def test_the_documented_assessment_examples_are_accepted(
    risk: RiskService, police: Actor, document: dict
) -> None:
    operation = operations(document)[("post", "/api/v1/cases/{case_id}/risk-assessments")]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    for example in examples.values():
        case_id = await risk.open_case(police, case_id=uuid.uuid4())
        response = await risk.assess(police, case_id, example["value"])
        assert response.status_code == 201, response.text


async def test_the_documented_draft_example_is_accepted(
    risk: RiskService, coordinator: Actor, document: dict
) -> None:
    operation = operations(document)[("patch", "/api/v1/risk-instruments/{code}/{version}")]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    await risk.http.post("/api/v1/risk-instruments/initial", headers=coordinator.headers)
    for example in examples.values():
        response = await risk.http.patch(
            "/api/v1/risk-instruments/initial/2", json=example["value"], headers=coordinator.headers
        )
        assert response.status_code == 200, response.text
