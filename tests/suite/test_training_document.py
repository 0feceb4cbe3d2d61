"""The training routes in the merged public document: each documented, tagged, with its
error answers, and the certificate as a page (their permissions are in
docs/permissions.md, which tests/suite/test_authorisation_matrix.py enforces)."""

from tests.suite.test_authorisation_matrix import table
from tests.support.suite import Suite

ROUTES = [
    (route.method, route.path)
    for route in table()
    if "/training" in route.path or route.path.startswith("/api/v1/practice-")
]


async def test_the_public_document_has_the_training_operations(suite: Suite) -> None:
    document = (await suite.http.get("/api/v1/openapi.json")).json()
    found = {
        (method.upper(), path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert len(ROUTES) == 13
    assert set(ROUTES) <= set(found)
    for route in ROUTES:
        operation = found[route]
        assert operation["operationId"], route
        assert operation["tags"], route
        assert "401" in operation["responses"], route
    certificate = next(path for _, path in ROUTES if path.endswith("/certificate"))
    assert set(found["GET", certificate]["responses"]["200"]["content"]) == {"text/html"}
    assert "training" in {tag["name"] for tag in document["tags"]}
