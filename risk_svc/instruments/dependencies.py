"""Typed dependencies of the instrument routes: the callers by permission and the service
(with the app's memory of the published versions assessments are scored by)."""

from typing import Annotated

from fastapi import Depends, Request

from risk_svc.instruments.service import InstrumentService, PinnedInstruments
from shared.auth.deps import require
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.web import Session

Reader = Annotated[Principal, Depends(require(Permission.READ_REFERENCE))]
CatalogueManager = Annotated[Principal, Depends(require(Permission.MANAGE_CATALOGUES))]


async def instrument_service(request: Request, session: Session) -> InstrumentService:
    pinned: PinnedInstruments = request.app.state.pinned_instruments
    return InstrumentService(session, pinned)


Instruments = Annotated[InstrumentService, Depends(instrument_service)]
