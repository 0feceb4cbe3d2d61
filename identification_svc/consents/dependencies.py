"""Typed dependencies of the consent routes: who records consents, and the consent
service."""

from typing import Annotated

from fastapi import Depends

from identification_svc.consents.service import ConsentService
from identification_svc.state import Protector
from shared.auth.deps import require
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.web import AppOutbox, Session

ConsentRecorder = Annotated[Principal, Depends(require(Permission.RECORD_CONSENT))]


async def consent_service(
    session: Session, outbox: AppOutbox, protector: Protector
) -> ConsentService:
    return ConsentService(session, outbox, protector)


Consents = Annotated[ConsentService, Depends(consent_service)]
