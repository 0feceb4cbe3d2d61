"""Routes of the documentation: `/api/v1/openapi.json`, `/docs` and `/problems/{slug}`.

None needs a token: they describe the API, they hold no data.
"""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from gateway.docs.dependencies import Documents
from gateway.docs.exceptions import NoSuchFile, NoSuchProblemType
from gateway.docs.pages import (
    SWAGGER_FILES,
    problem_index_page,
    problem_page,
    swagger_page,
    swagger_static_dir,
)
from gateway.forwarding.routes import API_PREFIX
from shared.errors import PROBLEM_TYPES

DOCUMENT_PATH = API_PREFIX + "/openapi.json"
_STATIC_PREFIX = "/docs/static"

router = APIRouter(include_in_schema=False)


@router.get(DOCUMENT_PATH)
async def openapi_document(request: Request, documents: Documents) -> JSONResponse:
    return JSONResponse(await documents.public_document(request.app.openapi()))


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
