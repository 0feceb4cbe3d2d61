"""Routes of `/api/v1/cases`: open, list (with sync), read, correct, decide, resolve a
possible duplicate."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import AwareDatetime

from identification_svc.cases.dependencies import (
    CaseId,
    CaseManager,
    CaseReader,
    Cases,
    ManagedCase,
)
from identification_svc.cases.models import Case
from identification_svc.cases.repository import CaseFilters
from identification_svc.cases.schemas import (
    CaseCreate,
    CaseOut,
    CasePage,
    CaseUpdate,
    DecisionCreate,
    DuplicateResolutionCreate,
)
from identification_svc.cases.states import Status
from identification_svc.fields import CountyCode
from identification_svc.persons.protection import PersonalDataProtector
from identification_svc.state import Protector
from shared.errors import error_responses
from shared.etag import IfMatch, set_etag
from shared.pagination import PageQuery

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


def _answer(response: Response, case: Case, protector: PersonalDataProtector) -> CaseOut:
    set_etag(response, case.id, case.row_version)
    return CaseOut.of(case, protector)


@router.post(
    "",
    status_code=201,
    response_model=CaseOut,
    responses=error_responses(401, 403, 422),
)
async def create_case(
    body: CaseCreate,
    principal: CaseManager,
    cases: Cases,
    protector: Protector,
    response: Response,
) -> CaseOut:
    """Open a case by hand (`potential`); a screening with an indication opens its own."""
    return _answer(response, await cases.open_by_hand(principal, body), protector)


@router.get("", response_model=CasePage, responses=error_responses(401, 403, 422))
async def list_cases(
    principal: CaseReader,
    cases: Cases,
    protector: Protector,
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
    return CasePage(items=[CaseOut.of(case, protector) for case in items], next_cursor=cursor)


@router.get("/{case_id}", response_model=CaseOut, responses=error_responses(401, 403, 404, 422))
async def get_case(
    case_id: CaseId, principal: CaseReader, cases: Cases, protector: Protector, response: Response
) -> CaseOut:
    return _answer(response, await cases.get(principal, case_id), protector)


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
    protector: Protector,
    response: Response,
    if_match: IfMatch = None,
) -> CaseOut:
    """Correct a case's facts (county, forms, child or adult, gender, citizenship). A change
    of what other parts keep of the case publishes `case.updated`."""
    return _answer(response, await cases.update(principal, case, body, if_match), protector)


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
    protector: Protector,
    response: Response,
    if_match: IfMatch = None,
) -> CaseOut:
    """Take a decision on the status ladder; answers the case with its new decision.

    `presumed`: any practitioner; `identified` / `not_identified`: police, prosecutor or
    coordinator (naming the authority); `closed` with a closing reason; `reopened` returns
    a closed case to the status it had. Another role is 403, a decision the case's status
    does not allow is 409 `/problems/illegal-transition`."""
    return _answer(response, await cases.decide(principal, case, body, if_match), protector)


@router.post(
    "/{case_id}/duplicates/{other_case_id}",
    status_code=201,
    response_model=CaseOut,
    responses=error_responses(401, 403, 404, 409, 412, 422),
)
async def resolve_possible_duplicate(
    body: DuplicateResolutionCreate,
    case: ManagedCase,
    other_case_id: Annotated[
        uuid.UUID, Path(description="The other case of the possible-duplicate flag.")
    ],
    principal: CaseManager,
    cases: Cases,
    protector: Protector,
    response: Response,
    if_match: IfMatch = None,
) -> CaseOut:
    """Resolve the possible-duplicate flag between this case and another the caller may
    also see (404 otherwise, or when the two are not flagged): `linked` shows each case in
    the other's `linked_cases`, `not_duplicate` dismisses the flag; either way it is never
    raised again for the pair, and nothing is merged. A pair is resolved once (409 after).
    Answers this case."""
    resolved = await cases.resolve_duplicate(principal, case, other_case_id, body, if_match)
    return _answer(response, resolved, protector)
