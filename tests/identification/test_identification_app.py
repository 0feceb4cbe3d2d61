"""The identification app as a whole: it will not start without its data keys, and its
OpenAPI document is a product (stable operationIds, tags, named schemas, declared errors)."""

import base64
import os
from typing import Any

import pytest
from pydantic import ValidationError

from identification_svc.app import MissingKey, create_app
from identification_svc.settings import Settings
from tests.support.identification import new_key

OPERATIONS = {
    ("get", "/api/v1/indicator-catalogues"): "list_indicator_catalogues",
    ("post", "/api/v1/indicator-catalogues"): "create_indicator_catalogue",
    ("get", "/api/v1/indicator-catalogues/{version}"): "get_indicator_catalogue",
    ("patch", "/api/v1/indicator-catalogues/{version}"): "update_indicator_catalogue",
    ("post", "/api/v1/indicator-catalogues/{version}/publish"): "publish_indicator_catalogue",
    ("post", "/api/v1/screenings"): "create_screening",
    ("get", "/api/v1/screenings"): "list_screenings",
    ("get", "/api/v1/screenings/{screening_id}"): "get_screening",
    ("post", "/api/v1/cases"): "create_case",
    ("get", "/api/v1/cases"): "list_cases",
    ("get", "/api/v1/cases/{case_id}"): "get_case",
    ("patch", "/api/v1/cases/{case_id}"): "update_case",
    ("post", "/api/v1/cases/{case_id}/decisions"): "decide_case",
    ("post", "/api/v1/cases/{case_id}/duplicates/{other_case_id}"): "resolve_possible_duplicate",
    ("get", "/api/v1/cases/{case_id}/person"): "get_person",
    ("put", "/api/v1/cases/{case_id}/person"): "replace_person",
    ("post", "/api/v1/cases/{case_id}/consents"): "record_consent",
    ("get", "/api/v1/cases/{case_id}/consents"): "list_consents",
    ("post", "/api/v1/cases/{case_id}/consents/{consent_id}/withdraw"): "withdraw_consent",
    ("get", "/api/v1/statistics/cases"): "get_case_statistics",
    ("get", "/api/v1/statistics/training/{measure}"): "get_training_statistics",
    ("post", "/api/v1/training-sessions"): "create_training_session",
    ("get", "/api/v1/training-sessions"): "list_training_sessions",
    ("get", "/api/v1/training-sessions/{session_id}"): "get_training_session",
    ("patch", "/api/v1/training-sessions/{session_id}"): "update_training_session",
    ("post", "/api/v1/training-sessions/{session_id}/participants"): "add_training_participant",
    (
        "patch",
        "/api/v1/training-sessions/{session_id}/participants/{participant_id}",
    ): "update_training_participant",
    (
        "get",
        "/api/v1/training-sessions/{session_id}/participants/{participant_id}/certificate",
    ): "get_training_certificate",
    ("get", "/api/v1/me/training"): "get_my_training",
    ("get", "/api/v1/organisations/{organisation_id}/training"): "get_organisation_training",
    ("get", "/api/v1/training-vignettes"): "list_training_vignettes",
    ("get", "/api/v1/training-vignettes/{code}"): "get_training_vignette",
    ("post", "/api/v1/practice-screenings"): "create_practice_screening",
}
# Any authenticated caller may call these: there is no permission to lack.
OPEN_TO_EVERY_TOKEN = {"get_my_training"}


def keyed(**values: Any) -> Settings:
    return Settings(jwks_json='{"keys": []}', **values)


@pytest.mark.parametrize("missing", ["data_key", "index_key"])
def test_the_service_refuses_to_start_without_its_keys(missing: str) -> None:
    keys = {"data_key": new_key(), "index_key": new_key()}
    del keys[missing]
    with pytest.raises(MissingKey, match=f"NIRM_IDENTIFICATION_{missing.upper()}"):
        create_app(keyed(**keys))


@pytest.mark.parametrize(
    "bad",
    [
        "not base64!",
        base64.b64encode(bytes(16)).decode(),
        base64.b64encode(bytes(range(33))).decode(),
    ],
)
def test_a_key_must_be_base64_of_32_bytes(bad: str) -> None:
    with pytest.raises(ValidationError):
        keyed(data_key=bad, index_key=new_key())
    with pytest.raises(ValidationError):
        keyed(data_key=new_key(), index_key=new_key(), retired_data_keys=[bad])


def test_the_index_key_must_differ_from_the_data_key() -> None:
    key = new_key()
    with pytest.raises(ValidationError):
        keyed(data_key=key, index_key=key)


def test_keys_are_read_from_the_environment_and_never_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    monkeypatch.setenv("NIRM_IDENTIFICATION_DATA_KEY", key)
    monkeypatch.setenv("NIRM_IDENTIFICATION_INDEX_KEY", new_key())
    monkeypatch.setenv("NIRM_IDENTIFICATION_REFLECTION_PERIOD_DAYS", "60")
    monkeypatch.setenv("NIRM_IDENTIFICATION_JWKS_JSON", '{"keys": []}')
    settings = Settings()
    assert settings.reflection_period_days == 60
    assert key not in repr(settings)
    create_app(settings)


def test_every_setting_of_the_service_is_described() -> None:
    for name in (
        "data_key",
        "retired_data_keys",
        "index_key",
        "reflection_period_days",
        "training_warning",
    ):
        assert Settings.model_fields[name].description


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    app = create_app(keyed(data_key=new_key(), index_key=new_key()))
    document: dict[str, Any] = app.openapi()
    return document


def test_every_operation_has_its_stable_operation_id_and_a_tag(openapi: dict[str, Any]) -> None:
    found = {
        (method, path): operation["operationId"]
        for path, methods in openapi["paths"].items()
        for method, operation in methods.items()
    }
    assert found == OPERATIONS
    for methods in openapi["paths"].values():
        for operation in methods.values():
            assert operation["tags"]


def test_errors_are_declared_as_problem_details(openapi: dict[str, Any]) -> None:
    for methods in openapi["paths"].values():
        for operation in methods.values():
            assert "401" in operation["responses"]
            if operation["operationId"] in OPEN_TO_EVERY_TOKEN:
                assert "403" not in operation["responses"]
                continue
            assert "403" in operation["responses"]
            content = operation["responses"]["403"]["content"]
            assert "application/problem+json" in content
            refs = [c.get("schema", {}).get("$ref", "") for c in content.values()]
            assert any(ref.endswith("/ProblemDetail") for ref in refs)


def test_every_schema_is_named_and_main_requests_have_examples(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    assert not [name for name in schemas if name.startswith("Body_") or "[" in name]
    for name in (
        "ScreeningCreate",
        "CaseCreate",
        "DecisionCreate",
        "PersonData",
        "ConsentCreate",
        "DuplicateResolutionCreate",
        "TrainingSessionCreate",
        "PracticeScreeningCreate",
        "TrainingStatisticsOut",
    ):
        assert schemas[name]["examples"], name
    for name in (
        "CasePage",
        "ScreeningPage",
        "ConsentPage",
        "CataloguePage",
        "TrainingSessionPage",
        "TrainingVignettePage",
        "OrganisationTraining",
    ):
        assert name in schemas


def test_the_certificate_is_documented_as_an_html_page(openapi: dict[str, Any]) -> None:
    path = "/api/v1/training-sessions/{session_id}/participants/{participant_id}/certificate"
    answer = openapi["paths"][path]["get"]["responses"]["200"]
    assert set(answer["content"]) == {"text/html"}
