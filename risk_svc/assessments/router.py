"""Routes of risk assessments: a case's (`/api/v1/cases/{case_id}/risk-assessments`), one
by id, and the reassessments falling due (`/api/v1/risk-assessments`)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request, Response

from risk_svc.assessments import service
from risk_svc.assessments.schemas import (
    CREATE_EXAMPLES,
    RiskAssessment,
    RiskAssessmentCreate,
    RiskAssessmentPage,
)
from risk_svc.cases.dependencies import Assessor, CaseForAssessment, CaseForReading, RiskReader
from risk_svc.instruments.service import PinnedInstruments
from shared.db import utcnow
from shared.errors import ValidationProblem, error_responses
from shared.etag import set_etag
from shared.fields import UTCMoment
from shared.geo import is_county
from shared.pagination import PageQuery
from shared.web import AppOutbox, Session

router = APIRouter(prefix="/api/v1", tags=["risk-assessments"])


async def _pinned(request: Request) -> PinnedInstruments:
    pinned: PinnedInstruments = request.app.state.pinned_instruments
    return pinned


Pinned = Annotated[PinnedInstruments, Depends(_pinned)]

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
    session: Session,
    outbox: AppOutbox,
    pinned: Pinned,
    response: Response,
) -> RiskAssessment:
    """Score the answers against a published instrument version and store the result:
    domain and overall levels, critical items, measures and the reassessment date."""
    row = await service.assess(session, outbox, principal, case, request, utcnow(), pinned)
    response.headers["Location"] = f"{router.prefix}/risk-assessments/{row.id}"
    set_etag(response, row.id, _STORED)
    return RiskAssessment.of(row)


@router.get("/cases/{case_id}/risk-assessments", responses=error_responses(401, 403, 404, 422, 503))
async def list_case_risk_assessments(
    case: CaseForReading, principal: RiskReader, session: Session, page: PageQuery
) -> RiskAssessmentPage:
    """The case's assessments, newest first."""
    rows, cursor = await service.case_history(session, principal, case, page)
    return RiskAssessmentPage(items=[RiskAssessment.of(row) for row in rows], next_cursor=cursor)


@router.get("/risk-assessments", responses=error_responses(401, 403, 422))
async def list_due_risk_assessments(
    principal: RiskReader,
    session: Session,
    page: PageQuery,
    due_before: Annotated[UTCMoment | None, Query(description="RFC 3339; default: now")] = None,
    county: Annotated[str | None, Query(max_length=10, examples=["RO-CJ"])] = None,
) -> RiskAssessmentPage:
    """The latest assessment of each open case the caller sees whose reassessment is due
    before `due_before`, the most overdue first: the coordinators' daily list."""
    if county is not None and not is_county(county):
        raise ValidationProblem("county", "Not an ISO 3166-2:RO county code.")
    rows, cursor = await service.due_reassessments(
        session, principal, page, before=due_before or utcnow(), county=county
    )
    return RiskAssessmentPage(items=[RiskAssessment.of(row) for row in rows], next_cursor=cursor)


@router.get("/risk-assessments/{assessment_id}", responses=error_responses(401, 403, 404, 422))
async def get_risk_assessment(
    assessment_id: uuid.UUID, principal: RiskReader, session: Session, response: Response
) -> RiskAssessment:
    row = await service.get_assessment(session, principal, assessment_id)
    set_etag(response, row.id, _STORED)
    return RiskAssessment.of(row)
