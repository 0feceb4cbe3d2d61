"""Routes of `/api/v1/cases`: open, list (with sync), read, correct, decide."""

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import AwareDatetime

from identification_svc.cases.models import Case
from identification_svc.cases.repository import CaseFilters
from identification_svc.cases.schemas import (
    CaseCreate,
    CaseOut,
    CasePage,
    CaseUpdate,
    DecisionCreate,
)
from identification_svc.cases.states import Status
from identification_svc.dependencies import CaseId, CaseManager, CaseReader, Cases, ManagedCase
from identification_svc.fields import CountyCode
from shared.errors import error_responses
from shared.etag import IfMatch, set_etag
from shared.pagination import PageQuery

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


def _answer(response: Response, case: Case) -> CaseOut:
    set_etag(response, case.id, case.row_version)
    return CaseOut.of(case)


@router.post(
    "",
    status_code=201,
    response_model=CaseOut,
    responses=error_responses(401, 403, 422),
)
async def create_case(
    body: CaseCreate, principal: CaseManager, cases: Cases, response: Response
) -> CaseOut:
    """Open a case by hand (`potential`); a screening with an indication opens its own."""
    return _answer(response, await cases.open_by_hand(principal, body))


@router.get("", response_model=CasePage, responses=error_responses(401, 403, 422))
async def list_cases(
    principal: CaseReader,
    cases: Cases,
    page: PageQuery,
    status: Annotated[Status | None, Query(description="Only cases in this status.")] = None,
    county: Annotated[CountyCode | None, Query(description="Only cases of this county.")] = None,
    updated_since: Annotated[
        AwareDatetime | None,
        Query(description="Only cases changed at or after this time (RFC 3339, with offset)."),
    ] = None,
) -> CasePage:
    """The cases the caller may see, in sync order (`updated_at`, then id): a mobile client
    passes the last `updated_at` it holds as `updated_since` and pages to the end."""
    filters = CaseFilters(status=status, county=county, updated_since=updated_since)
    items, cursor = await cases.page(principal, filters, page)
    return CasePage(items=[CaseOut.of(case) for case in items], next_cursor=cursor)


@router.get("/{case_id}", response_model=CaseOut, responses=error_responses(401, 403, 404, 422))
async def get_case(
    case_id: CaseId, principal: CaseReader, cases: Cases, response: Response
) -> CaseOut:
    return _answer(response, await cases.get(principal, case_id))


@router.patch(
    "/{case_id}",
    response_model=CaseOut,
    responses=error_responses(401, 403, 404, 409, 412, 422),
)
async def update_case(
    body: CaseUpdate,
    case: ManagedCase,
    principal: CaseManager,
    cases: Cases,
    response: Response,
    if_match: IfMatch = None,
) -> CaseOut:
    """Correct a case's facts (county, forms, child or adult, gender, citizenship)."""
    return _answer(response, await cases.update(principal, case, body, if_match))


@router.post(
    "/{case_id}/decisions",
    status_code=201,
    response_model=CaseOut,
    responses=error_responses(401, 403, 404, 409, 412, 422),
)
async def decide_case(
    body: DecisionCreate,
    case: ManagedCase,
    principal: CaseManager,
    cases: Cases,
    response: Response,
    if_match: IfMatch = None,
) -> CaseOut:
    """Take a decision on the status ladder; answers the case with its new decision.

    `presumed`: any practitioner; `identified` / `not_identified`: police, prosecutor or
    coordinator (naming the authority); `closed` with a closing reason; `reopened` returns
    a closed case to the status it had. Another role is 403, a decision the case's status
    does not allow is 409 `/problems/illegal-transition`."""
    return _answer(response, await cases.decide(principal, case, body, if_match))
