"""The referral service's OpenAPI document: stable operationIds (the route functions'
names), tags, named schemas with examples on the main requests, declared errors."""

from referral_svc.app import create_app
from referral_svc.settings import Settings

OPERATIONS = {
    ("get", "/api/v1/providers"): "list_providers",
    ("post", "/api/v1/providers"): "create_provider",
    ("get", "/api/v1/providers/{provider_id}"): "get_provider",
    ("patch", "/api/v1/providers/{provider_id}"): "update_provider",
    ("put", "/api/v1/providers/{provider_id}/capacity"): "set_provider_capacity",
    ("get", "/api/v1/cases/{case_id}/provider-matches"): "list_provider_matches",
    ("post", "/api/v1/referrals"): "create_referral",
    ("get", "/api/v1/referrals"): "list_referrals",
    ("get", "/api/v1/referrals/{referral_id}"): "get_referral",
    ("post", "/api/v1/referrals/{referral_id}/accept"): "accept_referral",
    ("post", "/api/v1/referrals/{referral_id}/decline"): "decline_referral",
    ("post", "/api/v1/referrals/{referral_id}/complete"): "complete_referral",
    ("post", "/api/v1/referrals/{referral_id}/discontinue"): "discontinue_referral",
    ("post", "/api/v1/referrals/{referral_id}/withdraw"): "withdraw_referral",
    ("post", "/api/v1/repatriations"): "create_repatriation",
    ("get", "/api/v1/repatriations"): "list_repatriations",
    ("get", "/api/v1/repatriations/{repatriation_id}"): "get_repatriation",
    (
        "post",
        "/api/v1/repatriations/{repatriation_id}/steps/{step}/complete",
    ): "complete_repatriation_step",
    (
        "post",
        "/api/v1/repatriations/{repatriation_id}/determinations",
    ): "create_repatriation_determination",
    ("post", "/api/v1/repatriations/{repatriation_id}/cancel"): "cancel_repatriation",
    ("get", "/api/v1/alerts"): "list_alerts",
    ("post", "/api/v1/alerts/{alert_id}/acknowledge"): "acknowledge_alert",
    ("get", "/api/v1/statistics/referrals"): "get_referral_statistics",
}


def document() -> dict:
    app = create_app(Settings(jwks_json='{"keys": []}', run_relay=False, run_jobs=False))
    spec: dict = app.openapi()
    return spec


def test_every_operation_has_its_stable_id_a_tag_and_its_errors_declared() -> None:
    spec = document()
    found = {
        (method, path): operation
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    }
    assert {key: op["operationId"] for key, op in found.items()} == OPERATIONS
    for (method, path), operation in found.items():
        assert operation["tags"], (method, path)
        declared = set(operation["responses"])
        assert {"401", "403", "422"} <= declared, (method, path)
        if "{" in path:
            assert "404" in declared, (method, path)
        problem = operation["responses"]["401"]["content"]
        assert "application/problem+json" in problem


def test_schemas_are_named_and_the_main_requests_carry_examples() -> None:
    schemas = document()["components"]["schemas"]
    assert not [name for name in schemas if name.startswith(("Body_", "Page_"))]
    assert {"ProviderPage", "ReferralPage", "RepatriationPage", "AlertPage"} <= set(schemas)
    for name in ("ProviderCreate", "ProviderUpdate", "CapacityUpdate", "ReferralCreate",
                 "DeclineRequest", "TransitionNote", "RepatriationCreate", "StepCompletion",
                 "DeterminationCreate", "CancelRequest"):  # fmt: skip
        assert schemas[name].get("examples"), name
    assert "webhook_secret" not in schemas["ProviderOut"]["properties"]
    assert schemas["ProviderMatches"]["properties"]["excluded"]


def test_referral_errors_declare_the_consent_gate_and_the_dead_dependency() -> None:
    operation = document()["paths"]["/api/v1/referrals"]["post"]
    assert {"409", "503"} <= set(operation["responses"])


def test_repatriation_errors_declare_the_procedures_refusals() -> None:
    paths = document()["paths"]
    step = paths["/api/v1/repatriations/{repatriation_id}/steps/{step}/complete"]["post"]
    assert {"403", "404", "409", "412", "422", "503"} <= set(step["responses"])
    assert step["parameters"][0]["schema"]["$ref"].endswith("/Step")
