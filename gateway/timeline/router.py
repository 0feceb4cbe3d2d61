"""`GET /api/v1/cases/{case_id}/timeline`: served by the gateway itself, ahead of the
forwarding route that sends every other `/api/v1/cases/...` path to identification."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request

from gateway.forwarding.forwarder import Headers
from gateway.gatekeeper import Authenticated
from gateway.timeline.dependencies import Timelines
from gateway.timeline.schemas import CaseTimeline
from shared.errors import error_responses
from shared.requests import current_request_id

# What the parts need of the caller's request: who asks (they apply their own rules to
# the token), in which language and for what purpose. No conditional headers: a list
# answered 304 would drop its entries.
_PASSED_ON = frozenset({b"authorization", b"accept-language", b"x-purpose"})

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


@router.get(
    "/{case_id}/timeline",
    operation_id="get_case_timeline",
    response_model=CaseTimeline,
    responses=error_responses(401, 403, 404, 422, 429, 503),
)
async def get_case_timeline(
    case_id: Annotated[uuid.UUID, Path(description="The case's id.")],
    request: Request,
    _principal: Authenticated,
    timelines: Timelines,
) -> CaseTimeline:
    """The case's screenings, decisions, consents, risk assessments, referrals and
    repatriation steps, oldest first, each as far as the caller may see it: every part is
    asked with the caller's own token. A part that is down or slow leaves its entries out
    and is named in `incomplete`; 404 when the caller may not see the case, 503 when the
    identification service, which holds it, cannot be asked."""
    return await timelines.collect(case_id, _headers(request))


def _headers(request: Request) -> Headers:
    headers = [(name, value) for name, value in request.scope["headers"] if name in _PASSED_ON]
    headers.append((b"x-request-id", (current_request_id() or "").encode()))
    if request.scope.get("client"):
        peer = request.scope["client"][0].encode()
        chain = request.headers.get("x-forwarded-for", "").encode("latin-1")
        headers.append((b"x-forwarded-for", chain + b", " + peer if chain else peer))
    return headers
