"""Routes of referrals and their transitions (thin: the state machine and the service
decide; each transition is its own operation for SDKs)."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from referral_svc.access import Answerer, ReferralsReader, Referrer
from referral_svc.cases.identification import IdentificationApi
from referral_svc.referrals.dependencies import (
    AnsweredReferral,
    ReadableReferral,
    Referrals,
    WithdrawnReferral,
)
from referral_svc.referrals.models import Referral
from referral_svc.referrals.schemas import (
    DeclineRequest,
    ReferralCreate,
    ReferralFilters,
    ReferralOut,
    ReferralPage,
    TransitionNote,
)
from referral_svc.referrals.service import ReferralService
from referral_svc.referrals.states import ReferralAction
from shared.auth.principal import Principal
from shared.db import utcnow
from shared.errors import error_responses
from shared.etag import IfMatch, set_etag
from shared.pagination import PageQuery

router = APIRouter(prefix="/api/v1/referrals", tags=["referrals"])

_TRANSITION_ERRORS = error_responses(401, 403, 404, 409, 412, 422)


async def _answer(
    referrals: ReferralService, principal: Principal, referral: Referral, response: Response
) -> ReferralOut:
    set_etag(response, referral.id, referral.version)
    [view] = await referrals.views(principal, [referral])
    return view


async def _transition(
    referrals: ReferralService,
    principal: Principal,
    referral: Referral,
    action: ReferralAction,
    response: Response,
    if_match: str | None,
    body: TransitionNote | DeclineRequest | None,
) -> ReferralOut:
    """Apply one transition and answer the referral as it now stands (with its ETag)."""
    moved = await referrals.act(
        principal,
        referral,
        action,
        utcnow(),
        if_match=if_match,
        note=body.note if body else None,
        decline_reason=body.reason if isinstance(body, DeclineRequest) else None,
    )
    return await _answer(referrals, principal, moved, response)


@router.post("", status_code=201, responses=error_responses(401, 403, 404, 409, 422, 503))
async def create_referral(
    payload: ReferralCreate,
    principal: Referrer,
    referrals: Referrals,
    identification: IdentificationApi,
    response: Response,
) -> ReferralOut:
    """Send a case to a provider. An adult's case needs the person's current consent to
    referral, checked with the identification service now (409 without it, 503 when it
    cannot be asked); a child's needs none."""
    referral = await referrals.create(principal, payload, identification, utcnow())
    response.headers["Location"] = f"/api/v1/referrals/{referral.id}"
    return await _answer(referrals, principal, referral, response)


@router.get("", responses=error_responses(401, 403, 422))
async def list_referrals(
    principal: ReferralsReader,
    referrals: Referrals,
    filters: Annotated[ReferralFilters, Query()],
    page: PageQuery,
) -> ReferralPage:
    """The referrals the caller may see, oldest first; with `updated_since`, those changed
    since in sync order (`updated_at`, then id): a mobile client passes the last
    `updated_at` it holds and pages to the end."""
    items, cursor = await referrals.page(principal, filters, page)
    return ReferralPage(items=items, next_cursor=cursor)


@router.get("/{referral_id}", responses=error_responses(401, 403, 404, 422))
async def get_referral(
    referral: ReadableReferral, principal: ReferralsReader, referrals: Referrals, response: Response
) -> ReferralOut:
    return await _answer(referrals, principal, referral, response)


@router.post("/{referral_id}/accept", responses=_TRANSITION_ERRORS)
async def accept_referral(
    referral: AnsweredReferral,
    principal: Answerer,
    referrals: Referrals,
    response: Response,
    body: TransitionNote | None = None,
    if_match: IfMatch = None,
) -> ReferralOut:
    """The provider takes the referral; a residential service takes one of its free places
    (409 `no-capacity` when none is left)."""
    return await _transition(
        referrals, principal, referral, ReferralAction.ACCEPT, response, if_match, body
    )


@router.post("/{referral_id}/decline", responses=_TRANSITION_ERRORS)
async def decline_referral(
    body: DeclineRequest,
    referral: AnsweredReferral,
    principal: Answerer,
    referrals: Referrals,
    response: Response,
    if_match: IfMatch = None,
) -> ReferralOut:
    """The provider declines, with a reason; the answer proposes the next best match."""
    return await _transition(
        referrals, principal, referral, ReferralAction.DECLINE, response, if_match, body
    )


@router.post("/{referral_id}/complete", responses=_TRANSITION_ERRORS)
async def complete_referral(
    referral: AnsweredReferral,
    principal: Answerer,
    referrals: Referrals,
    response: Response,
    body: TransitionNote | None = None,
    if_match: IfMatch = None,
) -> ReferralOut:
    """The services were delivered; the places it held are free again."""
    return await _transition(
        referrals, principal, referral, ReferralAction.COMPLETE, response, if_match, body
    )


@router.post("/{referral_id}/discontinue", responses=_TRANSITION_ERRORS)
async def discontinue_referral(
    referral: AnsweredReferral,
    principal: Answerer,
    referrals: Referrals,
    response: Response,
    body: TransitionNote | None = None,
    if_match: IfMatch = None,
) -> ReferralOut:
    """The assistance stopped before its end; the places it held are free again."""
    return await _transition(
        referrals, principal, referral, ReferralAction.DISCONTINUE, response, if_match, body
    )


@router.post("/{referral_id}/withdraw", responses=_TRANSITION_ERRORS)
async def withdraw_referral(
    referral: WithdrawnReferral,
    principal: Referrer,
    referrals: Referrals,
    response: Response,
    body: TransitionNote | None = None,
    if_match: IfMatch = None,
) -> ReferralOut:
    """The referrer (or a coordinator) takes the referral back while it is open."""
    return await _transition(
        referrals, principal, referral, ReferralAction.WITHDRAW, response, if_match, body
    )
