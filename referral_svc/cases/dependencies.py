"""Load-and-authorise of a case named in a route's path."""

from typing import Annotated

from referral_svc.cases.identification import IdentificationApi
from referral_svc.cases.models import CaseFacts
from referral_svc.cases.service import CaseFactsService
from shared.auth.deps import Loader
from shared.auth.policy import Permission
from shared.web import Session


async def case_facts_service(
    session: Session, identification: IdentificationApi
) -> CaseFactsService:
    return CaseFactsService(session, identification)


case = Loader(case_facts_service, CaseFactsService.get, key="case_id", description="The case's id.")

# The case, if the caller may refer it (404 when it may not see it).
ReferrableCase = Annotated[CaseFacts, case.requiring(Permission.CREATE_REFERRAL)]
