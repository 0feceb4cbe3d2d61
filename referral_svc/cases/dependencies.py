"""Load-and-authorise of a case named in a route's path."""

import uuid
from typing import Annotated

from fastapi import Depends

from referral_svc.access import Referrer
from referral_svc.cases.identification import IdentificationApi
from referral_svc.cases.models import CaseFacts
from referral_svc.cases.service import CaseService
from shared.web import Session


async def case_for_referral(
    case_id: uuid.UUID, principal: Referrer, session: Session, identification: IdentificationApi
) -> CaseFacts:
    """The case, if the caller may refer it (404 when it may not see it)."""
    return await CaseService(session).for_caller(principal, case_id, identification)


ReferrableCase = Annotated[CaseFacts, Depends(case_for_referral)]
