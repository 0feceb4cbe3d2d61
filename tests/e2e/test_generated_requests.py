"""Schemathesis against the merged OpenAPI document, through the gateway, as real
processes: requests generated from the document (valid and not), a bounded number per
operation; no answer may be a server error, and every answer must be one the document
declares — status, content type and body.
"""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err, Ok
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.test_suite_processes import bearer, token
from tests.support.processes import RunningSuite, start_suite

pytestmark = pytest.mark.e2e

# Per operation and mode (valid, invalid): about 800 requests, under a minute.
EXAMPLES_PER_OPERATION = 6
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSuite]:
    running = start_suite(tmp_path_factory.mktemp("generated") / "data")
    yield running
    running.kill_all()


@pytest.fixture(scope="module")
def coordinator(suite: RunningSuite) -> dict[str, str]:
    """A national coordinator: the role most routes admit."""
    with httpx.Client(base_url=suite.url("gateway"), timeout=30, trust_env=False) as api:
        admin = bearer(token(api, "admin", (suite.data_dir / "admin_password").read_text().strip()))
        organisation = api.post(
            "/api/v1/organisations",
            json={"name": "ANITP", "kind": "national_agency", "county": "national"},
            headers=admin,
        ).json()
        api.post(
            "/api/v1/users",
            json={
                "username": "fuzz.coordinator",
                "password": "a long enough password",
                "full_name": "Fuzz Coordinator",
                "organisation_id": organisation["id"],
                "roles": ["coordinator"],
            },
            headers=admin,
        ).raise_for_status()
        return bearer(token(api, "fuzz.coordinator", "a long enough password"))


def test_generated_requests_get_declared_answers(
    suite: RunningSuite, coordinator: dict[str, str]
) -> None:
    gateway = suite.url("gateway")
    document = httpx.get(f"{gateway}/api/v1/openapi.json", timeout=30).json()
    assert not document["info"].get("x-unavailable-parts")
    schema = schemathesis.openapi.from_dict(document)
    failures: list[str] = []
    results = list(schema.get_all_operations())
    invalid = [str(r.err()) for r in results if isinstance(r, Err)]
    assert invalid == [], "operations the document describes wrongly"
    operations = [r.ok() for r in results if isinstance(r, Ok)]
    assert len(operations) > 60
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
                database=None,
            )
            def exercise(case: Any) -> None:
                response = case.call(base_url=gateway, headers=coordinator, timeout=30)
                case.validate_response(response, checks=CHECKS)

            try:
                exercise()
            except Unsatisfiable:
                continue  # nothing to make invalid: no parameters, or a body of any shape
            except Exception as failure:
                failures.append(f"{operation.label} ({mode}): {failure}"[:3000])
    assert failures == [], "\n\n".join(failures)
