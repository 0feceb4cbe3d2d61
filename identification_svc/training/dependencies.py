"""Typed dependencies of the training routes: coordinators who manage training, readers
of an organisation's records, trainees; the risk instruments' check; and the training,
practice and coverage services."""

from typing import Annotated

from fastapi import Depends, Request

from identification_svc.catalogue.dependencies import Catalogues
from identification_svc.state import Protector
from identification_svc.training.instruments import RiskInstruments
from identification_svc.training.service import CoverageService, PracticeService, TrainingService
from shared.auth.deps import require
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.web import Session

TrainingManager = Annotated[Principal, Depends(require(Permission.MANAGE_TRAINING))]
OrganisationTrainingReader = Annotated[
    Principal, Depends(require(Permission.READ_ORGANISATION_TRAINING))
]
Trainee = Annotated[Principal, Depends(require(Permission.PRACTISE_SCREENING))]


async def risk_instruments(request: Request) -> RiskInstruments:
    return RiskInstruments(request)


Instruments = Annotated[RiskInstruments, Depends(risk_instruments)]


async def training_service(
    session: Session, protector: Protector, instruments: Instruments
) -> TrainingService:
    return TrainingService(session, protector, instruments)


Trainings = Annotated[TrainingService, Depends(training_service)]


async def practice_service(session: Session, catalogues: Catalogues) -> PracticeService:
    return PracticeService(session, catalogues)


Practice = Annotated[PracticeService, Depends(practice_service)]


async def coverage_service(session: Session) -> CoverageService:
    return CoverageService(session)


TrainingCoverage = Annotated[CoverageService, Depends(coverage_service)]
