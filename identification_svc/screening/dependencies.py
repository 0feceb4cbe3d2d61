"""Typed dependencies of the screening routes: the screeners, and the screening service
(with the training warning's check when it is on)."""

from typing import Annotated

from fastapi import Depends

from identification_svc.cases.dependencies import Cases
from identification_svc.catalogue.dependencies import Catalogues
from identification_svc.screening.service import ScreeningService
from identification_svc.state import AppSettings, Protector
from identification_svc.training.service import ScreenerTraining
from shared.auth.deps import require
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.web import Session

Screener = Annotated[Principal, Depends(require(Permission.SUBMIT_SCREENING))]


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
