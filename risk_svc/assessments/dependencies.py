"""Typed dependencies of the assessment routes: the callers by permission, the service, and
an assessment named in the path loaded for a reader. The case a route names is loaded by
`risk_svc.cases.dependencies`."""

from typing import Annotated

from fastapi import Depends

from risk_svc.assessments.models import Assessment
from risk_svc.assessments.service import AssessmentService
from risk_svc.instruments.dependencies import Instruments
from shared.auth.deps import Loader, require
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.web import AppOutbox, Session

Assessor = Annotated[Principal, Depends(require(Permission.ASSESS_RISK))]
RiskReader = Annotated[Principal, Depends(require(Permission.READ_RISK))]


async def assessment_service(
    session: Session, outbox: AppOutbox, instruments: Instruments
) -> AssessmentService:
    return AssessmentService(session, outbox, instruments)


Assessments = Annotated[AssessmentService, Depends(assessment_service)]

assessment = Loader(
    assessment_service,
    AssessmentService.get,
    key="assessment_id",
    description="The risk assessment's id.",
)

ReadableAssessment = Annotated[Assessment, assessment.requiring(Permission.READ_RISK)]
