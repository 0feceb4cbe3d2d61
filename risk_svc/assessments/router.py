"""Routes of risk assessments: a case's (`/api/v1/cases/{case_id}/risk-assessments`), one
by id, and the reassessments falling due (`/api/v1/risk-assessments`)."""

from typing import Annotated

from fastapi import APIRouter, Body, Query, Response

from risk_svc.assessments.dependencies import (
    Assessments,
    Assessor,
    ReadableAssessment,
    RiskReader,
)
from risk_svc.assessments.exceptions import NotACounty
from risk_svc.assessments.schemas import (
    CREATE_EXAMPLES,
    RiskAssessment,
    RiskAssessmentCreate,
    RiskAssessmentPage,
)
from risk_svc.cases.dependencies import CaseForAssessment, CaseForReading
from shared.db import utcnow
from shared.errors import error_responses
from shared.etag import set_etag
from shared.fields import UTCMoment
from shared.geo import is_county
from shared.pagination import PageQuery

router = APIRouter(prefix="/api/v1", tags=["risk-assessments"])

# Stored assessments never change: one ETag for the life of each.
_STORED = 1


@router.post(
    "/cases/{case_id}/risk-assessments",
    status_code=201,
    responses=error_responses(401, 403, 404, 422, 503),
)
async def create_risk_assessment(
    case: CaseForAssessment,
    request: Annotated[RiskAssessmentCreate, Body(openapi_examples=CREATE_EXAMPLES)],
    principal: Assessor,
    assessments: Assessments,
    response: Response,
) -> RiskAssessment:
    """Score the answers against a published instrument version and store the result:
    domain and overall levels, critical items, measures and the reassessment date."""
    row = await assessments.assess(principal, case, request, utcnow())
    response.headers["Location"] = f"{router.prefix}/risk-assessments/{row.id}"
    set_etag(response, row.id, _STORED)
    return RiskAssessment.of(row)


@router.get("/cases/{case_id}/risk-assessments", responses=error_responses(401, 403, 404, 422, 503))
async def list_case_risk_assessments(
    case: CaseForReading, principal: RiskReader, assessments: Assessments, page: PageQuery
) -> RiskAssessmentPage:
    """The case's assessments, newest first."""
    rows, cursor = await assessments.case_history(principal, case, page)
    return RiskAssessmentPage(items=[RiskAssessment.of(row) for row in rows], next_cursor=cursor)


@router.get("/risk-assessments", responses=error_responses(401, 403, 422))
async def list_due_risk_assessments(
    principal: RiskReader,
    assessments: Assessments,
    page: PageQuery,
    due_before: Annotated[UTCMoment | None, Query(description="RFC 3339; default: now")] = None,
    county: Annotated[str | None, Query(max_length=10, examples=["RO-CJ"])] = None,
) -> RiskAssessmentPage:
    """The latest assessment of each open case the caller sees whose reassessment is due
    before `due_before`, the most overdue first: the coordinators' daily list."""
    if county is not None and not is_county(county):
        raise NotACounty()
    rows, cursor = await assessments.due_reassessments(
        principal, page, before=due_before or utcnow(), county=county
    )
    return RiskAssessmentPage(items=[RiskAssessment.of(row) for row in rows], next_cursor=cursor)


@router.get("/risk-assessments/{assessment_id}", responses=error_responses(401, 403, 404, 422))
async def get_risk_assessment(row: ReadableAssessment, response: Response) -> RiskAssessment:
    set_etag(response, row.id, _STORED)
    return RiskAssessment.of(row)
