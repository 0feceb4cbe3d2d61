"""Routes of assisted repatriation (thin: the procedure and the service decide; completing
a step, a determination and a cancellation are each their own operation for SDKs)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from referral_svc.access import RepatriationCanceller, RepatriationsReader, RepatriationWorker
from referral_svc.cases.identification import IdentificationApi
from referral_svc.cases.risk import RiskApi
from referral_svc.repatriations.dependencies import (
    CancelledRepatriation,
    ReadableRepatriation,
    Repatriations,
    WorkedRepatriation,
)
from referral_svc.repatriations.models import Repatriation
from referral_svc.repatriations.procedure import Step
from referral_svc.repatriations.schemas import (
    CancelRequest,
    DeterminationCreate,
    RepatriationCreate,
    RepatriationFilters,
    RepatriationOut,
    RepatriationPage,
    StepCompletion,
)
from referral_svc.repatriations.service import RepatriationService
from shared.db import utcnow
from shared.errors import error_responses
from shared.etag import IfMatch, set_etag
from shared.pagination import PageQuery

router = APIRouter(prefix="/api/v1/repatriations", tags=["repatriations"])


async def _answer(
    repatriations: RepatriationService, repatriation: Repatriation, response: Response
) -> RepatriationOut:
    set_etag(response, repatriation.id, repatriation.version)
    [view] = await repatriations.views([repatriation], utcnow())
    return view


@router.post("", status_code=201, responses=error_responses(401, 403, 404, 409, 422, 503))
async def create_repatriation(
    payload: RepatriationCreate,
    principal: RepatriationWorker,
    repatriations: Repatriations,
    identification: IdentificationApi,
    response: Response,
) -> RepatriationOut:
    """Register a request for assisted return (a consular officer, a coordinator, or the
    staff of an international organisation), which completes `request_registered` and
    sets every step's due date; 409 when the case has one under way."""
    repatriation = await repatriations.create(principal, payload, identification, utcnow())
    response.headers["Location"] = f"/api/v1/repatriations/{repatriation.id}"
    return await _answer(repatriations, repatriation, response)


@router.get("", responses=error_responses(401, 403, 422))
async def list_repatriations(
    principal: RepatriationsReader,
    repatriations: Repatriations,
    filters: Annotated[RepatriationFilters, Query()],
    page: PageQuery,
) -> RepatriationPage:
    """The repatriations the caller may see, oldest first; `overdue=true` is the
    coordinators' work list of those with a step past its due date."""
    items, cursor = await repatriations.page(principal, filters, page, utcnow())
    return RepatriationPage(items=items, next_cursor=cursor)


@router.get("/{repatriation_id}", responses=error_responses(401, 403, 404, 422))
async def get_repatriation(
    repatriation: ReadableRepatriation, repatriations: Repatriations, response: Response
) -> RepatriationOut:
    return await _answer(repatriations, repatriation, response)


@router.post(
    "/{repatriation_id}/steps/{step}/complete",
    responses=error_responses(401, 403, 404, 409, 412, 422, 503),
)
async def complete_repatriation_step(
    step: Annotated[Step, Path(description="The step to complete")],
    repatriation: WorkedRepatriation,
    principal: RepatriationWorker,
    repatriations: Repatriations,
    identification: IdentificationApi,
    risk: RiskApi,
    response: Response,
    body: StepCompletion | None = None,
    if_match: IfMatch = None,
) -> RepatriationOut:
    """Complete a step, by one of its performers (403 otherwise), after the steps it
    depends on (409 `unmet-steps` naming them), on the evidence it needs — checked with
    the part that holds it: the adult's consent to repatriation (identification), a
    pre-return risk assessment (risk), an accepted referral to a provider at the
    destination; travel also needs a pre-return risk that does not block (409
    `travel-blocked`) and, for a child, an escort. Answers the whole repatriation."""
    completed = await repatriations.complete(
        principal,
        repatriation,
        step,
        body or StepCompletion(),
        utcnow(),
        identification=identification,
        risk=risk,
        if_match=if_match,
    )
    return await _answer(repatriations, completed, response)


@router.post(
    "/{repatriation_id}/determinations",
    responses=error_responses(401, 403, 404, 409, 412, 422),
)
async def create_repatriation_determination(
    payload: DeterminationCreate,
    repatriation: WorkedRepatriation,
    principal: RepatriationWorker,
    repatriations: Repatriations,
    response: Response,
    if_match: IfMatch = None,
) -> RepatriationOut:
    """Record a best-interests determination (a social worker of child protection, for a
    child) or a mitigation plan (a coordinator) for a blocking pre-return risk; it lifts
    the block only when made after the assessment. Answers the whole repatriation."""
    changed = await repatriations.determine(
        principal, repatriation, payload, utcnow(), if_match=if_match
    )
    return await _answer(repatriations, changed, response)


@router.post("/{repatriation_id}/cancel", responses=error_responses(401, 403, 404, 409, 412, 422))
async def cancel_repatriation(
    body: CancelRequest,
    repatriation: CancelledRepatriation,
    principal: RepatriationCanceller,
    repatriations: Repatriations,
    response: Response,
    if_match: IfMatch = None,
) -> RepatriationOut:
    """A coordinator who sees the repatriation stops the procedure, with the reason."""
    cancelled = await repatriations.cancel(
        principal, repatriation, body.reason, utcnow(), if_match=if_match
    )
    return await _answer(repatriations, cancelled, response)
