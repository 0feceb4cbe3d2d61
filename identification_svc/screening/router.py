"""Routes of `/api/v1/screenings`: evaluate a screening, read stored ones."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query

from identification_svc.cases.dependencies import CaseReader
from identification_svc.screening.dependencies import Screener, Screenings
from identification_svc.screening.schemas import ScreeningCreate, ScreeningOut, ScreeningPage
from identification_svc.state import Protector
from shared.errors import error_responses
from shared.pagination import PageQuery

router = APIRouter(prefix="/api/v1/screenings", tags=["screenings"])


@router.post(
    "",
    status_code=201,
    response_model=ScreeningOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
async def create_screening(
    body: ScreeningCreate, principal: Screener, screenings: Screenings, protector: Protector
) -> ScreeningOut:
    """Evaluate the answers against the catalogue version (default: the latest published)
    and store the screening. Every outcome comes with its explanation, per profile and
    dimension. Without `case_id`, an outcome other than `no_indication` opens a case
    (`potential`, or `presumed` for a presumed victim) and answers its id."""
    screening = await screenings.create(principal, body)
    return ScreeningOut.of(screening, protector, await screenings.warnings(principal))


@router.get("", response_model=ScreeningPage, responses=error_responses(401, 403, 404, 422))
async def list_screenings(
    principal: CaseReader,
    screenings: Screenings,
    protector: Protector,
    page: PageQuery,
    case_id: Annotated[uuid.UUID | None, Query(description="Only this case's screenings.")] = None,
) -> ScreeningPage:
    """The screenings the caller may see, newest first."""
    items, cursor = await screenings.page(principal, case_id, page)
    return ScreeningPage(items=[ScreeningOut.of(s, protector) for s in items], next_cursor=cursor)


@router.get(
    "/{screening_id}", response_model=ScreeningOut, responses=error_responses(401, 403, 404, 422)
)
async def get_screening(
    screening_id: Annotated[uuid.UUID, Path(description="The screening's id.")],
    principal: CaseReader,
    screenings: Screenings,
    protector: Protector,
) -> ScreeningOut:
    return ScreeningOut.of(await screenings.get(principal, screening_id), protector)
