"""Load-and-authorise a case named in the path: the caller needs the route's permission
and must see the case (404 otherwise). A case not heard of yet is asked of the
identification service as the caller."""

import uuid
from typing import Annotated, Any

from fastapi import Depends, Path, Request

from risk_svc.cases.models import CaseFacts
from risk_svc.cases.service import FetchCase, case_in_scope
from shared.auth.deps import require
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.web import Session, service_client

Assessor = Annotated[Principal, Depends(require(Permission.ASSESS_RISK))]
RiskReader = Annotated[Principal, Depends(require(Permission.READ_RISK))]
CaseId = Annotated[uuid.UUID, Path(description="The case's id in the identification service")]


def _from_identification(request: Request, principal: Principal) -> FetchCase:
    async def fetch(case_id: uuid.UUID) -> Any:
        client = service_client(request, "identification")
        return await client.get_json(f"/api/v1/cases/{case_id}", token=principal.token)

    return fetch


async def case_for_assessment(
    case_id: CaseId, principal: Assessor, session: Session, request: Request
) -> CaseFacts:
    return await case_in_scope(
        session, principal, case_id, _from_identification(request, principal)
    )


async def case_for_reading(
    case_id: CaseId, principal: RiskReader, session: Session, request: Request
) -> CaseFacts:
    return await case_in_scope(
        session, principal, case_id, _from_identification(request, principal)
    )


CaseForAssessment = Annotated[CaseFacts, Depends(case_for_assessment)]
CaseForReading = Annotated[CaseFacts, Depends(case_for_reading)]
