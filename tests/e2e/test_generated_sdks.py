"""SDKs generated from the live public document work: against the suite running as real
processes, a Python client (openapi-python-client, no warning allowed) and a TypeScript
one (openapi-typescript's types with openapi-fetch, compiled with tsc, run with node) each
sign in, run a screening that opens a case, record consent, read the provider matches, and
create a referral that the provider's staff accept — through the generated client only.
The accounts and the provider are made through the Python client too.
"""

import importlib
import json
import os
import shutil
import subprocess
import sys
import typing
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.support.node import binary, environment, node_tools
from tests.support.processes import RunningSuite, start_suite
from tests.support.referral import provider_body

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
PRESUMED = ["DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04"]
PACKAGE = "nirm_sdk"
HERE = Path(__file__).parent / "sdk"


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSuite]:
    running = start_suite(tmp_path_factory.mktemp("sdks") / "data")
    yield running
    running.kill_all()


@pytest.fixture(scope="module")
def document_url(suite: RunningSuite) -> str:
    return suite.url("gateway") + "/api/v1/openapi.json"


@pytest.fixture(scope="module")
def python_sdk(document_url: str, tmp_path_factory: pytest.TempPathFactory) -> "Sdk":
    """The Python client generated from the live document, imported."""
    workdir = tmp_path_factory.mktemp("python-sdk")
    config = workdir / "config.json"
    config.write_text(json.dumps({"package_name_override": PACKAGE}))
    generator = Path(sys.executable).parent / "openapi-python-client"
    generated = subprocess.run(
        [
            *(str(generator), "generate", "--url", document_url, "--meta", "none"),
            *("--output-path", str(workdir / PACKAGE), "--config", str(config)),
            *("--fail-on-warning", "--overwrite"),
        ],
        capture_output=True,
        text=True,
        # Its post-generation hooks run ruff, which is in the environment's bin folder.
        env={**os.environ, "PATH": f"{generator.parent}{os.pathsep}{os.environ['PATH']}"},
        timeout=300,
        check=False,
    )
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0, output
    assert "warning" not in output.lower(), output
    sys.path.insert(0, str(workdir))
    try:
        return Sdk(importlib.import_module(PACKAGE))
    finally:
        sys.path.remove(str(workdir))


class Sdk:
    """Calls through the generated package: each operation by its operationId, each body
    built as the generated model from its fields."""

    def __init__(self, package: ModuleType) -> None:
        self.package = package
        self.models = importlib.import_module(f"{PACKAGE}.models")
        root = Path(str(package.__file__)).parent
        self.operations = {
            path.stem: ".".join(path.relative_to(root).with_suffix("").parts)
            for path in root.glob("api/*/*.py")
            if path.stem != "__init__"
        }

    def client(self, base_url: str, token: str | None = None) -> Any:
        if token is None:
            return self.package.Client(base_url=base_url, raise_on_unexpected_status=True)
        return self.package.AuthenticatedClient(
            base_url=base_url, token=token, raise_on_unexpected_status=True
        )

    def model(self, name: str, fields: dict[str, Any]) -> Any:
        return getattr(self.models, name).from_dict(fields)

    def operation(self, name: str) -> ModuleType:
        return importlib.import_module(f"{PACKAGE}.{self.operations[name]}")

    def enum_member(self, operation: str, parameter: str, value: str) -> Enum:
        """The generated enum's member for `value` of a parameter of `operation`."""
        hints = typing.get_type_hints(self.operation(operation).sync_detailed)
        pending = [hints[parameter]]
        while pending:
            annotation = pending.pop()
            if isinstance(annotation, type) and issubclass(annotation, Enum):
                return annotation(value)
            pending.extend(typing.get_args(annotation))
        raise AssertionError(f"{operation}'s {parameter} is no enum")

    def call(self, client: Any, operation: str, status: int, **arguments: Any) -> Any:
        module = self.operation(operation)
        response = module.sync_detailed(client=client, **arguments)
        assert response.status_code == status, (operation, response.content)
        assert type(response.parsed).__module__.startswith(f"{PACKAGE}.models")
        return response.parsed


@dataclass(frozen=True)
class Accounts:
    practitioner: str
    staff: str
    provider_id: str


def sign_in(sdk: Sdk, gateway: str, username: str, password: str = PASSWORD) -> Any:
    body = sdk.model(
        "TokenRequest", {"grant_type": "password", "username": username, "password": password}
    )
    answer = sdk.call(sdk.client(gateway), "create_token", 200, body=body)
    return sdk.client(gateway, answer.access_token)


@pytest.fixture(scope="module")
def accounts(suite: RunningSuite, python_sdk: Sdk) -> Accounts:
    """A social worker in Iași, a coordinator, and an NGO shelter with one of its staff —
    made through the Python client as an administrator."""
    sdk, gateway = python_sdk, suite.url("gateway")
    admin = sign_in(sdk, gateway, "admin", (suite.data_dir / "admin_password").read_text().strip())

    def member(role: str, kind: str, county: str) -> tuple[str, str]:
        organisation = sdk.call(
            admin,
            "create_organisation",
            201,
            body=sdk.model(
                "OrganisationCreate", {"name": f"{kind} {role}", "kind": kind, "county": county}
            ),
        )
        username = f"{role}.{uuid.uuid4().hex[:8]}"
        fields = {
            "username": username,
            "password": PASSWORD,
            "full_name": "Staff Member",
            "organisation_id": str(organisation.id),
            "roles": [role],
        }
        sdk.call(admin, "create_user", 201, body=sdk.model("UserCreate", fields))
        return str(organisation.id), username

    _, practitioner = member("social_worker", "social_services", "RO-IS")
    _, coordinator = member("coordinator", "national_agency", "national")
    shelter_organisation, staff = member("provider", "ngo", "RO-IS")
    entry = provider_body(uuid.UUID(shelter_organisation))
    shelter = sdk.call(
        sign_in(sdk, gateway, coordinator),
        "create_provider",
        201,
        body=sdk.model("ProviderCreate", entry),
    )
    return Accounts(practitioner, staff, str(shelter.id))


def test_the_python_client_screens_consents_matches_refers_and_accepts(
    suite: RunningSuite, python_sdk: Sdk, accounts: Accounts
) -> None:
    sdk, gateway = python_sdk, suite.url("gateway")
    worker = sign_in(sdk, gateway, accounts.practitioner)
    screening = sdk.call(
        worker,
        "create_screening",
        201,
        body=sdk.model(
            "ScreeningCreate",
            {
                "subject": {"age": 26, "gender": "female", "citizenship": "RO"},
                "context": {
                    "county": "RO-IS",
                    "setting": "social_services",
                    "act_recorded": False,
                },
                "answers": [{"indicator": code, "answer": "yes"} for code in PRESUMED],
            },
        ),
    )
    assert screening.outcome.value == "presumed_victim"
    case_id = screening.case_id
    consent = sdk.call(
        worker,
        "record_consent",
        201,
        case_id=case_id,
        body=sdk.model("ConsentCreate", {"scope": "referral", "given": True, "method": "written"}),
    )
    assert consent.scope.value == "referral"
    shelter = sdk.enum_member("list_provider_matches", "service", "shelter")
    matches = sdk.call(worker, "list_provider_matches", 200, case_id=case_id, service=[shelter])
    assert accounts.provider_id in [str(match.provider_id) for match in matches.matches]
    referral = sdk.call(
        worker,
        "create_referral",
        201,
        body=sdk.model(
            "ReferralCreate",
            {"case_id": str(case_id), "provider_id": accounts.provider_id, "services": ["shelter"]},
        ),
    )
    staff = sign_in(sdk, gateway, accounts.staff)
    accepted = sdk.call(
        staff,
        "accept_referral",
        200,
        referral_id=referral.id,
        body=sdk.model("TransitionNote", {"note": "A place is ready."}),
    )
    assert accepted.status.value == "accepted"


def test_the_typescript_client_compiles_and_runs_the_same_flow(
    suite: RunningSuite,
    document_url: str,
    accounts: Accounts,
    tmp_path: Path,
) -> None:
    tools = node_tools()
    for name in ("flow.ts", "tsconfig.json"):
        shutil.copy(HERE / name, tmp_path / name)
    (tmp_path / "package.json").write_text(json.dumps({"type": "module", "private": True}))
    (tmp_path / "node_modules").symlink_to(tools / "node_modules", target_is_directory=True)

    def run(*command: str) -> str:
        done = subprocess.run(
            command,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=environment(),
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    run(binary(tools, "openapi-typescript"), document_url, "--output", "schema.d.ts")
    run(binary(tools, "tsc"), "--project", "tsconfig.json")
    gateway = suite.url("gateway")
    printed = run(
        "node", "dist/flow.js", gateway, accounts.practitioner, accounts.staff, PASSWORD,
        accounts.provider_id,
    )  # fmt: skip
    seen = json.loads(printed.strip().splitlines()[-1])
    assert seen["outcome"] == "presumed_victim"
    assert seen["consent_scope"] == "referral"
    assert accounts.provider_id in seen["matched"]
    assert seen["status"] == "accepted"
