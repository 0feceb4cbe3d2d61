"""Routes of the documentation: `/api/v1/openapi.json`, `/docs` and `/problems/{slug}`.

None needs a token: they describe the API, they hold no data.
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from gateway.docs.exceptions import NoSuchFile, NoSuchProblemType
from gateway.docs.merge import merge_documents
from gateway.docs.pages import (
    SWAGGER_FILES,
    problem_index_page,
    problem_page,
    swagger_page,
    swagger_static_dir,
)
from gateway.forwarding.routes import API_PREFIX
from gateway.state import gateway_state
from shared.errors import PROBLEM_TYPES

DOCUMENT_PATH = API_PREFIX + "/openapi.json"
_STATIC_PREFIX = "/docs/static"
_TOKEN_URL = API_PREFIX + "/auth/token"
_INFO = {
    "title": "NIRM public API",
    "version": "1",
    "description": (
        "The national identification and referral mechanism for victims of human "
        "trafficking. Every call but the token endpoint needs `Authorization: Bearer "
        "<token>`; every error is `application/problem+json` (see `/problems`)."
    ),
}
# How a client gets a token: from the gateway's token endpoint, or (when the suite trusts
# an external OpenID Connect issuer) from that issuer.
_OWN_TOKENS = {
    "oauth2": {
        "type": "oauth2",
        "flows": {
            "password": {"tokenUrl": _TOKEN_URL, "refreshUrl": _TOKEN_URL, "scopes": {}},
            "clientCredentials": {"tokenUrl": _TOKEN_URL, "scopes": {}},
        },
    }
}
_EXTERNAL_TOKENS = {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}

router = APIRouter(include_in_schema=False)


@router.get(DOCUMENT_PATH)
async def openapi_document(request: Request) -> JSONResponse:
    state = gateway_state(request)
    fetched = await state.openapi.documents(state.forwarder)
    documents: dict[str, Any] = {"gateway": request.app.openapi()}
    documents.update({part: doc for part, doc in fetched.items() if doc is not None})
    document = merge_documents(
        _INFO,
        documents,
        security_schemes=_OWN_TOKENS if state.own_tokens else _EXTERNAL_TOKENS,
    )
    # Every path is served by the gateway that serves this document, wherever it runs.
    document["servers"] = [{"url": "/", "description": "This gateway"}]
    missing = sorted(part for part, doc in fetched.items() if doc is None)
    if missing:
        document["info"]["x-unavailable-parts"] = missing
    return JSONResponse(document)


@router.get("/docs")
async def docs() -> HTMLResponse:
    return HTMLResponse(swagger_page(DOCUMENT_PATH, _STATIC_PREFIX))


@router.get(_STATIC_PREFIX + "/{name}")
async def docs_static(name: str) -> FileResponse:
    if name not in SWAGGER_FILES:
        raise NoSuchFile()
    return FileResponse(swagger_static_dir() / name)


@router.get("/problems")
async def problem_types(request: Request) -> Response:
    if _wants_html(request):
        return HTMLResponse(problem_index_page(PROBLEM_TYPES.values()))
    return JSONResponse([_problem_json(slug) for slug in PROBLEM_TYPES])


@router.get("/problems/{slug}")
async def problem_type(slug: str, request: Request) -> Response:
    problem = PROBLEM_TYPES.get(slug)
    if problem is None:
        raise NoSuchProblemType()
    if _wants_html(request):
        return HTMLResponse(problem_page(problem))
    return JSONResponse(_problem_json(slug))


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _problem_json(slug: str) -> dict[str, Any]:
    problem = PROBLEM_TYPES[slug]
    return {
        "type": problem.uri,
        "title": problem.title,
        "status": problem.status,
        "description": problem.description,
    }
