"""Load-and-authorise a case named in the path: the caller needs the route's permission
(403) and must see the case (404 otherwise). A case not heard of yet is asked of the
identification service as the caller."""

from typing import Annotated

from fastapi import Request

from risk_svc.cases.identification import Identification
from risk_svc.cases.models import CaseFacts
from risk_svc.cases.service import CaseFactsService
from shared.auth.deps import Loader
from shared.auth.policy import Permission
from shared.web import Session

_CASE_ID = "The case's id in the identification service"


async def case_facts_service(request: Request, session: Session) -> CaseFactsService:
    return CaseFactsService(session, Identification(request))


case = Loader(case_facts_service, CaseFactsService.get, key="case_id", description=_CASE_ID)

CaseForAssessment = Annotated[CaseFacts, case.requiring(Permission.ASSESS_RISK)]
CaseForReading = Annotated[CaseFacts, case.requiring(Permission.READ_RISK)]
