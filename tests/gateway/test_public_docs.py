"""The public documentation: the merged OpenAPI document of the whole suite, Swagger UI
served without the internet, and a page for each problem type."""

import re

import httpx
import pytest

from gateway.docs.merge import merge_documents
from shared.errors import PROBLEM_TYPES
from tests.gateway.conftest import Gateway

GATEWAY_OPERATIONS = {
    "create_token", "get_me", "create_organisation", "list_organisations", "get_organisation",
    "create_user", "list_users", "get_user", "update_user", "create_client", "list_clients",
    "get_client", "update_client",
}  # fmt: skip


def operations(document: dict) -> dict[str, tuple[str, str]]:
    return {
        operation["operationId"]: (method, path)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


async def test_the_document_merges_every_parts_api_paths(suite: Gateway) -> None:
    response = await suite.http.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert all(path.startswith("/api/v1/") for path in document["paths"])
    assert "/api/v1/openapi.json" not in document["paths"]
    assert set(operations(document)) >= GATEWAY_OPERATIONS
    assert operations(document)["create_token"] == ("post", "/api/v1/auth/token")
    assert document["paths"]["/api/v1/auth/token"]["post"]["security"] == []
    assert "x-unavailable-parts" not in document["info"]

    for part in ("identification", "risk", "referral"):
        async with httpx.AsyncClient(
            transport=suite.transport, base_url=f"http://{part}"
        ) as client:
            own = (await client.get("/openapi.json")).json()
        for path, methods in own["paths"].items():
            if path.startswith("/api/v1/"):
                assert set(methods) <= set(document["paths"][path]), path

    # Every reference resolves to a merged schema.
    references = set(re.findall(r'"#/components/schemas/([^"]+)"', response.text))
    assert references <= set(document["components"]["schemas"])


async def test_a_service_that_is_down_leaves_the_rest_documented(gateway: Gateway) -> None:
    response = await gateway.http.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["x-unavailable-parts"] == ["identification", "referral", "risk"]
    assert set(operations(document)) >= GATEWAY_OPERATIONS


def test_same_named_schemas_that_differ_are_renamed_with_their_references() -> None:
    def document(path: str, schema: dict) -> dict:
        return {
            "paths": {
                path: {"get": {"responses": {"200": {"$ref": "#/components/schemas/Item"}}}},
                "/health/ready": {"get": {}},
            },
            "components": {"schemas": {"Item": schema, "Common": {"type": "string"}}},
            "tags": [{"name": path}],
        }

    merged = merge_documents(
        {"title": "t", "version": "1"},
        {
            "gateway": document("/api/v1/a", {"type": "object"}),
            "risk": document("/api/v1/b", {"type": "integer"}),
        },
        security_schemes={"bearer": {"type": "http", "scheme": "bearer"}},
    )
    assert set(merged["paths"]) == {"/api/v1/a", "/api/v1/b"}
    assert merged["components"]["schemas"] == {
        "Common": {"type": "string"},
        "Item": {"type": "object"},
        "RiskItem": {"type": "integer"},
    }
    ref = merged["paths"]["/api/v1/b"]["get"]["responses"]["200"]["$ref"]
    assert ref == "#/components/schemas/RiskItem"
    assert merged["security"] == [{"bearer": []}]


async def test_docs_render_with_no_asset_from_the_internet(gateway: Gateway) -> None:
    page = await gateway.http.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "/api/v1/openapi.json" in page.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets
    assert all(asset.startswith("/docs/static/") for asset in assets)
    assert "validatorUrl: null" in page.text  # Swagger UI would otherwise call out
    for asset in assets:
        served = await gateway.http.get(asset)
        assert served.status_code == 200, asset
        assert len(served.content) > 1000


@pytest.mark.parametrize(
    "name", ["index.html", "..%2F..%2Fsettings.py", "swagger-ui.js.map", "%00"]
)
async def test_only_the_pages_own_assets_are_served(gateway: Gateway, name: str) -> None:
    response = await gateway.http.get(f"/docs/static/{name}")
    assert response.status_code == 404


@pytest.mark.parametrize("slug", sorted(PROBLEM_TYPES))
async def test_each_problem_type_is_documented_at_its_uri(gateway: Gateway, slug: str) -> None:
    problem = PROBLEM_TYPES[slug]
    as_json = await gateway.http.get(problem.uri, headers={"Accept": "application/json"})
    assert as_json.json() == {
        "type": problem.uri,
        "title": problem.title,
        "status": problem.status,
        "description": problem.description,
    }
    as_html = await gateway.http.get(problem.uri, headers={"Accept": "text/html"})
    assert as_html.headers["content-type"].startswith("text/html")
    assert problem.title in as_html.text


async def test_the_problem_index_lists_every_type(gateway: Gateway) -> None:
    listed = (await gateway.http.get("/problems")).json()
    assert [p["type"] for p in listed] == [p.uri for p in PROBLEM_TYPES.values()]
    page = await gateway.http.get("/problems", headers={"Accept": "text/html"})
    assert all(p.uri in page.text for p in PROBLEM_TYPES.values())


@pytest.mark.parametrize("slug", ["nope", "<script>alert(1)</script>", "x" * 3000])
async def test_an_unknown_problem_type_is_404(gateway: Gateway, slug: str) -> None:
    response = await gateway.http.get(f"/problems/{slug}", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"  # never HTML
