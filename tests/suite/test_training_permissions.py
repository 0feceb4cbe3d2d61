"""The permission table of the training routes (docs/training.md) is the one the suite
enforces: every route, called through the gateway by a user of every role, is refused
(403) exactly for the roles the table leaves out, and 401 without a token. The table lists
every training route of the identification service, and nothing else."""

import re
import uuid
from pathlib import Path

from identification_svc.app import create_app
from shared.auth.policy import POLICY, Permission, Role
from tests.support.auth import TokenIssuer
from tests.support.identification import new_key, settings_for
from tests.support.suite import Suite, bearer

DOC = Path(__file__).resolve().parents[2] / "docs" / "training.md"
ANY_TOKEN = "any token"
ROUTE = re.compile(r"^\| (GET|POST|PATCH|PUT|DELETE) \| `([^`]+)` \| (\w+) \| `?([^|`]+)`? \|$")
PERMISSION = re.compile(r"^\| `(\w+)` \| ([^|]+) \|$")
PATH_VALUES = {"measure": "trained_workers", "code": "V1-01"}


def _section() -> list[str]:
    text = DOC.read_text().split("\n## Permissions\n", 1)[1].split("\n## ", 1)[0]
    return text.splitlines()


def documented_routes() -> dict[tuple[str, str], str]:
    """(method, path) -> the permission it needs, or `any token`."""
    found = {}
    for line in _section():
        match = ROUTE.match(line)
        if match:
            method, path, part, permission = match.groups()
            assert part == "identification", line
            found[method, path] = permission.strip()
    return found


def documented_permissions() -> dict[str, frozenset[str]]:
    found = {}
    for line in _section():
        match = PERMISSION.match(line)
        if match:
            name, roles = match.groups()
            found[name] = frozenset(role.strip() for role in roles.split(","))
    return found


ROUTES = documented_routes()
PERMISSIONS = documented_permissions()


def allowed(permission: str) -> frozenset[str]:
    return (
        frozenset(role.value for role in Role)
        if permission == ANY_TOKEN
        else PERMISSIONS[permission]
    )


def test_the_table_names_every_training_route_and_only_those() -> None:
    app = create_app(settings_for("sqlite+aiosqlite://", TokenIssuer(), data_key=new_key()))
    routes = {
        (method.upper(), path)
        for path, methods in app.openapi()["paths"].items()
        for method, operation in methods.items()
        if "training" in operation["tags"] or path.startswith("/api/v1/statistics/training")
    }
    assert set(ROUTES) == routes


def test_the_permissions_are_the_policys() -> None:
    assert set(ROUTES.values()) - {ANY_TOKEN} == set(PERMISSIONS)
    for name, roles in PERMISSIONS.items():
        assert {role.value for role in POLICY[Permission(name)]} == roles, name
    # A manager reads its organisation's training records, nothing else.
    assert [p for p, roles in POLICY.items() if Role.MANAGER in roles] == [
        Permission.READ_ORGANISATION_TRAINING
    ]


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), str(uuid.uuid4())), path)


async def test_every_role_is_refused_exactly_where_the_table_says(suite: Suite) -> None:
    tokens = {role.value: (await suite.user_token(role.value))[1] for role in Role}
    for (method, path), permission in ROUTES.items():
        target = concrete(path)
        body: dict[str, str] | None = {} if method in ("POST", "PATCH") else None
        anonymous = await suite.http.request(method, target, json=body)
        assert anonymous.status_code == 401, (method, path)
        for role, token in tokens.items():
            response = await suite.http.request(method, target, json=body, headers=bearer(token))
            refused = role not in allowed(permission)
            assert (response.status_code == 403) is refused, (method, path, role, response.text)
            assert response.status_code < 500, (method, path, role, response.text)
            if refused:
                assert response.json()["type"] == "/problems/forbidden"


async def test_the_public_document_has_the_training_operations(suite: Suite) -> None:
    document = (await suite.http.get("/api/v1/openapi.json")).json()
    found = {
        (method.upper(), path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert set(ROUTES) <= set(found)
    for route in ROUTES:
        operation = found[route]
        assert operation["operationId"], route
        assert operation["tags"], route
        assert "401" in operation["responses"], route
    certificate = next(path for _, path in ROUTES if path.endswith("/certificate"))
    assert set(found["GET", certificate]["responses"]["200"]["content"]) == {"text/html"}
    assert "training" in {tag["name"] for tag in document["tags"]}
