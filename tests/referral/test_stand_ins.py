"""The stand-in identification and risk services the referral tests run against answer as
the real ones do: every answer they give is an answer of the real route's model, with
exactly its fields. A change to the real answers fails here, not silently in 200 tests
that would keep passing against a shape that no longer exists."""

import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ValidationError

from identification_svc.app import create_app as create_identification_app
from risk_svc.app import create_app as create_risk_app
from risk_svc.settings import Settings as RiskSettings
from shared.errors import ProblemDetail
from tests.support.auth import TokenIssuer
from tests.support.identification import settings_for as identification_settings
from tests.support.referral import (
    ASSESSMENT_ANSWER,
    CASE_ANSWER,
    CONSENTS_ANSWER,
    StandInIdentification,
    StandInRisk,
    case_answer,
    conforming,
)

# Never connected to: only the apps' documents are read.
UNUSED_DATABASE = "sqlite+aiosqlite:///:memory:"


def answer_schema(app: FastAPI, path: str) -> tuple[str, dict[str, Any]]:
    """The name and schema of what the app's GET `path` answers, from its document."""
    document = app.openapi()
    success = document["paths"][path]["get"]["responses"]["200"]
    name = success["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    return name, document["components"]["schemas"][name]


def test_the_stand_ins_answer_with_the_models_of_the_real_routes(issuer: TokenIssuer) -> None:
    identification = create_identification_app(identification_settings(UNUSED_DATABASE, issuer))
    risk = create_risk_app(RiskSettings(database_url=UNUSED_DATABASE, jwks_json=issuer.jwks_json))
    for app, path, model in [
        (identification, "/api/v1/cases/{case_id}", CASE_ANSWER),
        (identification, "/api/v1/cases/{case_id}/consents", CONSENTS_ANSWER),
        (risk, "/api/v1/risk-assessments/{assessment_id}", ASSESSMENT_ANSWER),
    ]:
        name, schema = answer_schema(app, path)
        assert (name, set(schema["properties"])) == (model.__name__, set(model.model_fields))


async def test_every_kind_of_stand_in_answer_is_a_real_answer() -> None:
    identification, risk = StandInIdentification(), StandInRisk()
    organisation_id = uuid.uuid4()
    cases = [uuid.uuid4() for _ in range(3)]
    identification.hold(cases[0], organisation_id=organisation_id)
    identification.hold(
        cases[1], organisation_id=organisation_id, is_child=True, county=None, status="potential"
    )
    identification.hold(
        cases[2], organisation_id=organisation_id, is_foreign=True, gender="male", forms=()
    )
    identification.consenting.add(str(cases[0]))
    identification.consenting_to_return.add(str(cases[0]))
    assessments = [risk.add(cases[0]), risk.add(cases[0], instrument="initial", level="high")]
    asked: list[tuple[FastAPI, str, dict[str, str]]] = []
    for case_id in cases:
        asked.append((identification.app(), f"/api/v1/cases/{case_id}", {}))
        for scope in ("referral", "repatriation"):
            current = {"scope": scope, "current": "true"}
            asked.append((identification.app(), f"/api/v1/cases/{case_id}/consents", current))
    for assessment_id in assessments:
        asked.append((risk.app(), f"/api/v1/risk-assessments/{assessment_id}", {}))
    asked.append((identification.app(), f"/api/v1/cases/{uuid.uuid4()}", {}))
    asked.append((risk.app(), f"/api/v1/risk-assessments/{uuid.uuid4()}", {}))

    answers = []
    for app, path, params in asked:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://stand-in"
        ) as client:
            answers.append(await client.get(path, params=params))

    models = [CASE_ANSWER, CONSENTS_ANSWER, CONSENTS_ANSWER] * 3 + [ASSESSMENT_ANSWER] * 2
    models += [ProblemDetail] * 2
    assert [answer.status_code for answer in answers] == [200] * 11 + [404] * 2
    for model, answer in zip(models, answers, strict=True):
        conforming(model, answer.json())
    consents = [answer.json()["items"] for answer in answers[:9] if "items" in answer.json()]
    assert [len(items) for items in consents] == [1, 1, 0, 0, 0, 0]


@pytest.mark.parametrize(
    ("changed", "dropped"),
    [
        ({"is_foreign": "sometimes"}, ""),
        ({"organisation_id": str(uuid.uuid4())}, ""),
        ({}, "decisions"),
    ],
    ids=["a-wrong-value", "a-field-the-real-answer-lacks", "a-field-missing"],
)
def test_an_answer_that_drifted_is_caught(changed: dict[str, Any], dropped: str) -> None:
    body = {**case_answer(uuid.uuid4(), organisation_id=uuid.uuid4()), **changed}
    body.pop(dropped, None)
    with pytest.raises((AssertionError, ValidationError), match="CaseOut"):
        conforming(CASE_ANSWER, body)
