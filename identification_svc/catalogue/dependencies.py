"""Typed dependencies of the catalogue routes: its readers and managers, and the
catalogue service (with the app's memory of the pinned versions)."""

from typing import Annotated

from fastapi import Depends, Request

from identification_svc.catalogue.service import CatalogueService, PinnedCatalogues
from shared.auth.deps import require
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.web import Session

CatalogueReader = Annotated[Principal, Depends(require(Permission.READ_REFERENCE))]
CatalogueManager = Annotated[Principal, Depends(require(Permission.MANAGE_CATALOGUES))]


async def catalogue_service(session: Session, request: Request) -> CatalogueService:
    pinned: PinnedCatalogues = request.app.state.pinned_catalogues
    return CatalogueService(session, pinned)


Catalogues = Annotated[CatalogueService, Depends(catalogue_service)]
