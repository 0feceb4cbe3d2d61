"""Routes of the provider directory and of provider matching (thin: the service decides)."""

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from referral_svc.access import CapacitySetter, ProvidersManager, ProvidersReader
from referral_svc.cases.dependencies import ReferrableCase
from referral_svc.providers.dependencies import (
    CapacityProvider,
    Directory,
    ManagedProvider,
    ReadableProvider,
)
from referral_svc.providers.matching import Listed
from referral_svc.providers.models import Provider
from referral_svc.providers.schemas import (
    CapacityUpdate,
    ProviderCreate,
    ProviderFilters,
    ProviderMatches,
    ProviderOut,
    ProviderPage,
    ProviderUpdate,
)
from referral_svc.providers.service import provider_out
from referral_svc.vocabulary import Service
from shared.db import utcnow
from shared.errors import error_responses
from shared.etag import IfMatch, check_if_match, set_etag
from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageQuery

router = APIRouter(prefix="/api/v1")


def _answer(response: Response, provider: Provider) -> ProviderOut:
    set_etag(response, provider.id, provider.version)
    return provider_out(provider)


@router.get("/providers", tags=["providers"], responses=error_responses(401, 403, 422))
async def list_providers(
    principal: ProvidersReader,
    directory: Directory,
    filters: Annotated[ProviderFilters, Query()],
    page: PageQuery,
) -> ProviderPage:
    """The directory, filtered; every role that reads providers sees all of it."""
    rows, cursor = await directory.page(principal, filters, page)
    return ProviderPage(items=[provider_out(p) for p in rows], next_cursor=cursor)


@router.post(
    "/providers",
    status_code=201,
    tags=["providers"],
    responses=error_responses(401, 403, 422),
)
async def create_provider(
    payload: ProviderCreate, principal: ProvidersManager, directory: Directory, response: Response
) -> ProviderOut:
    """Add a provider to the directory (coordinators and admins)."""
    provider = await directory.create(principal, payload, utcnow())
    response.headers["Location"] = f"/api/v1/providers/{provider.id}"
    return _answer(response, provider)


@router.get(
    "/providers/{provider_id}", tags=["providers"], responses=error_responses(401, 403, 404, 422)
)
async def get_provider(provider: ReadableProvider, response: Response) -> ProviderOut:
    return _answer(response, provider)


@router.patch(
    "/providers/{provider_id}",
    tags=["providers"],
    responses=error_responses(401, 403, 404, 412, 422),
)
async def update_provider(
    payload: ProviderUpdate,
    provider: ManagedProvider,
    principal: ProvidersManager,
    directory: Directory,
    response: Response,
    if_match: IfMatch = None,
) -> ProviderOut:
    """Change a directory entry (coordinators and admins); `If-Match` guards against
    overwriting a change made since it was read."""
    check_if_match(if_match, provider.id, provider.version)
    updated = await directory.update(principal, provider, payload, utcnow())
    return _answer(response, updated)


@router.put(
    "/providers/{provider_id}/capacity",
    tags=["providers"],
    responses=error_responses(401, 403, 404, 422),
)
async def set_provider_capacity(
    payload: CapacityUpdate,
    provider: CapacityProvider,
    principal: CapacitySetter,
    directory: Directory,
    response: Response,
) -> ProviderOut:
    """Set the free places of one residential service: the provider's own staff, or a
    coordinator. The entry's ETag covers the directory data, not these live places."""
    updated = await directory.set_free_places(principal, provider, payload)
    return _answer(response, updated)


@router.get(
    "/cases/{case_id}/provider-matches",
    tags=["provider-matches"],
    response_model=ProviderMatches,
    responses=error_responses(401, 403, 404, 422, 503),
)
async def list_provider_matches(
    case: ReferrableCase,
    directory: Directory,
    service: Annotated[
        list[Service] | None,
        Query(max_length=12, description="Services needed; default: from the risk measures"),
    ] = None,
    limit: Annotated[
        int,
        Query(ge=1, le=MAX_LIMIT, description="At most this many matches, the best first"),
    ] = DEFAULT_LIMIT,
    excluded: Annotated[
        Listed,
        Query(
            description="Which excluded providers to list: `nearby` (default), those covering "
            "the person's county or the whole country and offering every service needed that "
            "fail another rule; `all`, every one. Either way `excluded_by_reason` counts them "
            "all."
        ),
    ] = "nearby",
) -> Response:
    """Which active providers may take the case for the services it needs, best first with
    the reasons; how many others fail each hard rule; and those of them near the person
    (or, with `excluded=all`, every one) with the rules they fail."""
    needs, result = await directory.matches(case, service or [], utcnow().date(), limit, excluded)
    # Thousands of exclusions with `excluded=all`: answered as the pure core shapes them
    # (the declared `ProviderMatches`), without a validation pass over each entry.
    return JSONResponse({"needs": needs, **result.to_dict()})
