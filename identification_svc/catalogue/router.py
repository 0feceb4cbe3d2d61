"""Routes of `/api/v1/indicator-catalogues`: read versions (labels in the language of
`Accept-Language`); coordinators draft, edit and publish."""

from typing import Annotated

from fastapi import APIRouter, Path, Response

from identification_svc.catalogue.dependencies import (
    CatalogueManager,
    CatalogueReader,
    Catalogues,
)
from identification_svc.catalogue.models import CatalogueVersion
from identification_svc.catalogue.schemas import (
    Catalogue,
    CatalogueChanges,
    CataloguePage,
    CatalogueSummary,
)
from shared.errors import error_responses
from shared.etag import IfMatch, set_etag
from shared.language import Language
from shared.pagination import PageQuery

router = APIRouter(prefix="/api/v1/indicator-catalogues", tags=["indicator-catalogues"])

Version = Annotated[int, Path(ge=1, le=1_000_000, description="The catalogue version.")]


def _answer(response: Response, row: CatalogueVersion, language: Language) -> Catalogue:
    set_etag(response, row.id, row.row_version)
    return Catalogue.localised(row, language)


@router.get("", response_model=CataloguePage, responses=error_responses(401, 403, 422))
async def list_indicator_catalogues(
    principal: CatalogueReader, catalogues: Catalogues, page: PageQuery
) -> CataloguePage:
    """Catalogue versions with their status, newest first (drafts: coordinators only)."""
    rows, cursor = await catalogues.page(principal, page)
    return CataloguePage(
        items=[CatalogueSummary.model_validate(row) for row in rows], next_cursor=cursor
    )


@router.get("/{version}", response_model=Catalogue, responses=error_responses(401, 403, 404, 422))
async def get_indicator_catalogue(
    version: Version,
    principal: CatalogueReader,
    catalogues: Catalogues,
    language: Language,
    response: Response,
) -> Catalogue:
    """One version with its indicators, labels and guidance in `ro` (default) or `en`."""
    return _answer(response, await catalogues.get(principal, version), language)


@router.post(
    "", status_code=201, response_model=Catalogue, responses=error_responses(401, 403, 409)
)
async def create_indicator_catalogue(
    principal: CatalogueManager, catalogues: Catalogues, language: Language, response: Response
) -> Catalogue:
    """Draft the next version, a copy of the latest published one (one draft at a time)."""
    return _answer(response, await catalogues.create_draft(principal), language)


@router.patch(
    "/{version}",
    response_model=Catalogue,
    responses=error_responses(401, 403, 404, 409, 412, 422),
)
async def update_indicator_catalogue(
    version: Version,
    body: CatalogueChanges,
    principal: CatalogueManager,
    catalogues: Catalogues,
    language: Language,
    response: Response,
    if_match: IfMatch = None,
) -> Catalogue:
    """Edit a draft: add or replace indicators (by code), remove codes. A published or
    retired version never changes (409)."""
    row = await catalogues.change_draft(principal, version, body, if_match)
    return _answer(response, row, language)


@router.post(
    "/{version}/publish",
    response_model=Catalogue,
    responses=error_responses(401, 403, 404, 409, 412, 422),
)
async def publish_indicator_catalogue(
    version: Version,
    principal: CatalogueManager,
    catalogues: Catalogues,
    language: Language,
    response: Response,
    if_match: IfMatch = None,
) -> Catalogue:
    """Publish a draft: screenings use it from now on by default, and the version it
    replaces is retired (still readable, still valid for screenings that pin it)."""
    row = await catalogues.publish(principal, version, if_match)
    return _answer(response, row, language)
