"""The merged public document as a product (the gateway's `/api/v1/openapi.json`):

- it is a valid OpenAPI 3.1 document (openapi-spec-validator);
- Redocly's linter, with its recommended rules (`redocly.yaml`), finds no error in it;
- it is the committed snapshot `docs/openapi.json`: a change to the document fails here
  until the snapshot is refreshed, with
  `NIRM_REFRESH_OPENAPI_SNAPSHOT=1 ./dev test tests/suite/test_public_document.py`
  (which refuses a change that breaks v1);
- nothing in it breaks a v1 client of the snapshot (`tests/support/contract.py`).
"""

import copy
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from tests.support.contract import SNAPSHOT, as_text, breaking_changes, served_document
from tests.support.node import binary, environment, node_tools

ROOT = Path(__file__).parents[2]
REFRESH = os.environ.get("NIRM_REFRESH_OPENAPI_SNAPSHOT") == "1"


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return served_document(tmp_path_factory.mktemp("document"))


@pytest.fixture(scope="module")
def document_file(document: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lint") / "openapi.json"
    path.write_text(as_text(document))
    return path


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_redocly_finds_no_error_in_the_document(document_file: Path) -> None:
    tools = node_tools()
    linted = subprocess.run(
        [
            binary(tools, "redocly"),
            "lint",
            str(document_file),
            "--config",
            str(ROOT / "redocly.yaml"),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=environment(),
        timeout=300,
        check=False,
    )
    report = json.loads(linted.stdout)
    errors = [
        f"{problem['ruleId']}: {problem['message']} at {problem['location'][0]['pointer']}"
        for problem in report["problems"]
        if problem["severity"] == "error"
    ]
    assert errors == [], "\n".join(errors)
    assert linted.returncode == 0, linted.stderr


def test_nothing_in_the_document_breaks_a_v1_client_of_the_snapshot(
    document: dict[str, Any],
) -> None:
    snapshot = json.loads(SNAPSHOT.read_text())
    assert breaking_changes(snapshot, document) == []


def test_the_document_is_its_committed_snapshot(document: dict[str, Any]) -> None:
    if REFRESH:
        snapshot = json.loads(SNAPSHOT.read_text()) if SNAPSHOT.exists() else None
        breaking = breaking_changes(snapshot, document) if snapshot else []
        assert breaking == [], "v1 may not break; the snapshot is left as it was"
        SNAPSHOT.write_text(as_text(document))
    assert SNAPSHOT.read_text() == as_text(document), (
        "The public document changed. If the change is meant, refresh docs/openapi.json: "
        "NIRM_REFRESH_OPENAPI_SNAPSHOT=1 ./dev test tests/suite/test_public_document.py"
    )


# --- the breaking-change rules, each shown on a change planted in the snapshot


def planted(change: Callable[[dict[str, Any]], object]) -> list[str]:
    snapshot = json.loads(SNAPSHOT.read_text())
    changed = copy.deepcopy(snapshot)
    change(changed)
    return breaking_changes(snapshot, changed)


def schema(document: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = document["components"]["schemas"][name]
    return found


def test_a_removed_path_breaks_v1() -> None:
    accept = "/api/v1/referrals/{referral_id}/accept"
    assert planted(lambda d: d["paths"].pop(accept)) == [f"removed path {accept}"]


def test_a_field_removed_from_an_answer_breaks_v1() -> None:
    found = planted(lambda d: schema(d, "ReferralOut")["properties"].pop("respond_by"))
    assert "GET /api/v1/referrals/{referral_id} 200: removed field respond_by" in found


def test_a_removed_enum_value_breaks_v1() -> None:
    def drop_withdrawn(document: dict[str, Any]) -> None:
        status = schema(document, "ReferralOut")["properties"]["status"]
        values = schema(document, status["$ref"].rsplit("/", 1)[-1])["enum"]
        values.remove("withdrawn")

    found = planted(drop_withdrawn)
    assert "GET /api/v1/referrals/{referral_id} 200.status: removed enum value 'withdrawn'" in found


def test_a_new_required_request_field_breaks_v1() -> None:
    def require_a_reason(document: dict[str, Any]) -> None:
        create = schema(document, "ReferralCreate")
        create["properties"]["reason"] = {"type": "string"}
        create["required"].append("reason")

    assert planted(require_a_reason) == ["POST /api/v1/referrals body: new required field reason"]


def test_additions_break_nothing() -> None:
    def add(document: dict[str, Any]) -> None:
        document["paths"]["/api/v1/new-things"] = {"get": {"responses": {}}}
        schema(document, "ReferralCreate")["properties"]["reason"] = {"type": "string"}
        schema(document, "ReferralOut")["properties"]["reason"] = {"type": "string"}

    assert planted(add) == []
