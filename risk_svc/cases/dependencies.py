"""Load-and-authorise a case named in the path: the caller needs the route's permission
(403) and must see the case (404 otherwise). A case not heard of yet is asked of the
identification service as the caller."""

from typing import Annotated

from fastapi import Depends, Request

from risk_svc.cases.identification import Identification
from risk_svc.cases.models import CaseFacts
from risk_svc.cases.service import CaseFactsService
from shared.auth.deps import authorised
from shared.auth.policy import Permission
from shared.web import Session

_CASE_ID = "The case's id in the identification service"


async def case_facts_service(request: Request, session: Session) -> CaseFactsService:
    return CaseFactsService(session, Identification(request))


CaseForAssessment = Annotated[
    CaseFacts,
    Depends(
        authorised(
            Permission.ASSESS_RISK,
            case_facts_service,
            CaseFactsService.get,
            key="case_id",
            description=_CASE_ID,
        )
    ),
]
CaseForReading = Annotated[
    CaseFacts,
    Depends(
        authorised(
            Permission.READ_RISK,
            case_facts_service,
            CaseFactsService.get,
            key="case_id",
            description=_CASE_ID,
        )
    ),
]
