"""Routes of `/api/v1/cases/{case_id}/consents`: record, list, withdraw.

The referral part checks an adult's consent before a referral through
`GET .../consents?scope=referral&current=true` with the user's own token: a public path,
so the gateway routes it like any other and the user's scope applies.
"""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from identification_svc.cases.dependencies import ConsentCase, ReadableCase
from identification_svc.consents.dependencies import ConsentRecorder, Consents
from identification_svc.consents.models import Consent
from identification_svc.consents.schemas import (
    ConsentCreate,
    ConsentOut,
    ConsentPage,
    ConsentScope,
    ConsentWithdrawal,
)
from identification_svc.persons.protection import PersonalDataProtector
from identification_svc.state import Protector
from shared.auth.deps import CurrentPrincipal
from shared.errors import error_responses
from shared.etag import IfMatch, set_etag
from shared.pagination import PageQuery

router = APIRouter(prefix="/api/v1/cases/{case_id}/consents", tags=["consents"])


def _answer(response: Response, consent: Consent, protector: PersonalDataProtector) -> ConsentOut:
    set_etag(response, consent.id, consent.row_version)
    return ConsentOut.of(consent, protector)


@router.post(
    "",
    status_code=201,
    response_model=ConsentOut,
    responses=error_responses(401, 403, 404, 422),
)
async def record_consent(
    body: ConsentCreate,
    case: ConsentCase,
    principal: ConsentRecorder,
    consents: Consents,
    protector: Protector,
    response: Response,
) -> ConsentOut:
    """Record a consent given or refused, by scope; who and when are recorded."""
    return _answer(response, await consents.record(principal, case, body), protector)


@router.get("", response_model=ConsentPage, responses=error_responses(401, 403, 404, 422))
async def list_consents(
    case: ReadableCase,
    principal: CurrentPrincipal,
    consents: Consents,
    protector: Protector,
    page: PageQuery,
    scope: Annotated[ConsentScope | None, Query(description="Only this scope.")] = None,
    current: Annotated[
        bool,
        Query(
            description="Only the current consent of each scope: given, not withdrawn, "
            "and the newest record of its scope."
        ),
    ] = False,
) -> ConsentPage:
    """The case's consents, newest first."""
    items, cursor = await consents.page(principal, case, scope, current, page)
    return ConsentPage(items=[ConsentOut.of(c, protector) for c in items], next_cursor=cursor)


@router.post(
    "/{consent_id}/withdraw",
    response_model=ConsentOut,
    responses=error_responses(401, 403, 404, 409, 412, 422),
)
async def withdraw_consent(
    consent_id: Annotated[uuid.UUID, Path(description="The consent's id.")],
    case: ConsentCase,
    principal: ConsentRecorder,
    consents: Consents,
    protector: Protector,
    response: Response,
    body: ConsentWithdrawal | None = None,
    if_match: IfMatch = None,
) -> ConsentOut:
    """Withdraw a given consent; it takes effect at once."""
    withdrawal = body or ConsentWithdrawal()
    withdrawn = await consents.withdraw(principal, case, consent_id, withdrawal, if_match)
    return _answer(response, withdrawn, protector)
