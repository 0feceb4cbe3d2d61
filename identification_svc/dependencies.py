"""Typed dependencies the identification routers share.

Callers by permission (a route's signature says what it needs: `CaseManager`,
`PersonalDataReader`, `TrainingManager`, ...), the app's settings and data protector, the
service objects (the screening service with the training warning's check when it is on),
and the load-and-authorise dependencies of a case: `ReadableCase` and friends check the
permission first (403), then find the case within the caller's scope (404 otherwise), so
no route loads a case unchecked.
"""

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Path, Request

from identification_svc.cases.models import Case
from identification_svc.cases.service import CaseNotFound, CaseService
from identification_svc.catalogue.service import CatalogueService, PinnedCatalogues
from identification_svc.consents.service import ConsentService
from identification_svc.persons.protection import PersonalDataProtector
from identification_svc.persons.service import PersonService
from identification_svc.screening.service import ScreeningService
from identification_svc.settings import Settings
from identification_svc.statistics.service import StatisticsService
from identification_svc.statistics.settled import SettledStatistics
from identification_svc.training.instruments import Instruments
from identification_svc.training.service import (
    CoverageService,
    PracticeService,
    ScreenerTraining,
    TrainingService,
)
from shared.auth.deps import require
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.web import AppOutbox, Session

CatalogueReader = Annotated[Principal, Depends(require(Permission.READ_REFERENCE))]
CatalogueManager = Annotated[Principal, Depends(require(Permission.MANAGE_CATALOGUES))]
Screener = Annotated[Principal, Depends(require(Permission.SUBMIT_SCREENING))]
CaseReader = Annotated[Principal, Depends(require(Permission.READ_CASES))]
CaseManager = Annotated[Principal, Depends(require(Permission.MANAGE_CASES))]
PersonalDataReader = Annotated[Principal, Depends(require(Permission.READ_PERSONAL_DATA))]
ConsentRecorder = Annotated[Principal, Depends(require(Permission.RECORD_CONSENT))]
StatisticsReader = Annotated[Principal, Depends(require(Permission.READ_STATISTICS))]
TrainingManager = Annotated[Principal, Depends(require(Permission.MANAGE_TRAINING))]
OrganisationTrainingReader = Annotated[
    Principal, Depends(require(Permission.READ_ORGANISATION_TRAINING))
]
Trainee = Annotated[Principal, Depends(require(Permission.PRACTISE_SCREENING))]

CaseId = Annotated[uuid.UUID, Path(description="The case's id.")]


async def settings(request: Request) -> Settings:
    value: Settings = request.app.state.settings
    return value


async def protector(request: Request) -> PersonalDataProtector:
    value: PersonalDataProtector = request.app.state.protector
    return value


AppSettings = Annotated[Settings, Depends(settings)]
Protector = Annotated[PersonalDataProtector, Depends(protector)]


async def catalogue_service(session: Session, request: Request) -> CatalogueService:
    pinned: PinnedCatalogues = request.app.state.pinned_catalogues
    return CatalogueService(session, pinned)


Catalogues = Annotated[CatalogueService, Depends(catalogue_service)]


async def case_service(
    session: Session, outbox: AppOutbox, protector: Protector, app_settings: AppSettings
) -> CaseService:
    return CaseService(
        session, outbox, protector, reflection_period_days=app_settings.reflection_period_days
    )


Cases = Annotated[CaseService, Depends(case_service)]


async def screening_service(
    session: Session,
    protector: Protector,
    cases: Cases,
    catalogues: Catalogues,
    app_settings: AppSettings,
) -> ScreeningService:
    # The training warning, when on: the one extra lookup of the screening path.
    check = ScreenerTraining(session) if app_settings.training_warning else None
    return ScreeningService(session, protector, cases, catalogues, check)


Screenings = Annotated[ScreeningService, Depends(screening_service)]


async def consent_service(
    session: Session, outbox: AppOutbox, protector: Protector
) -> ConsentService:
    return ConsentService(session, outbox, protector)


Consents = Annotated[ConsentService, Depends(consent_service)]


async def person_service(
    session: Session, protector: Protector, cases: Cases, consents: Consents
) -> PersonService:
    return PersonService(session, protector, cases, consents)


Persons = Annotated[PersonService, Depends(person_service)]


async def statistics_service(session: Session, request: Request) -> StatisticsService:
    settled: SettledStatistics = request.app.state.settled_statistics
    return StatisticsService(session, settled)


CaseStatistics = Annotated[StatisticsService, Depends(statistics_service)]


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


def _case_for(permission: Permission) -> Callable[..., Awaitable[Case]]:
    async def load(
        principal: Annotated[Principal, Depends(require(permission))],
        case_id: CaseId,
        cases: Cases,
    ) -> Case:
        case = await cases.repository.get_visible(principal, case_id)
        if case is None:
            raise CaseNotFound()
        return case

    return load


ReadableCase = Annotated[Case, Depends(_case_for(Permission.READ_CASES))]
ManagedCase = Annotated[Case, Depends(_case_for(Permission.MANAGE_CASES))]
PersonalDataCase = Annotated[Case, Depends(_case_for(Permission.READ_PERSONAL_DATA))]
ConsentCase = Annotated[Case, Depends(_case_for(Permission.RECORD_CONSENT))]
