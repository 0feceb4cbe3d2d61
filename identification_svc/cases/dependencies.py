"""Typed dependencies of the case routes: the callers by permission (`CaseReader`,
`CaseManager`), the case service, and the loaders of a case named in the path.

`ReadableCase` and friends check the permission first (403), then find the case within the
caller's scope (404 otherwise), so no route loads a case unchecked. They load the case
alone, without its decisions and duplicates: what a route on the case (or on what hangs
off it: its person, its consents) needs before it acts.
"""

import uuid
from typing import Annotated

from fastapi import Depends, Path

from identification_svc.cases.models import Case
from identification_svc.cases.service import CaseService
from identification_svc.state import AppSettings, Protector
from shared.auth.deps import Loader, require
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.web import AppOutbox, Session

CaseReader = Annotated[Principal, Depends(require(Permission.READ_CASES))]
CaseManager = Annotated[Principal, Depends(require(Permission.MANAGE_CASES))]

CASE_ID = "The case's id."
CaseId = Annotated[uuid.UUID, Path(description=CASE_ID)]


async def case_service(
    session: Session, outbox: AppOutbox, protector: Protector, app_settings: AppSettings
) -> CaseService:
    return CaseService(
        session, outbox, protector, reflection_period_days=app_settings.reflection_period_days
    )


Cases = Annotated[CaseService, Depends(case_service)]


# The case alone, without its decisions and duplicates (GET /cases/{id} loads those).
case = Loader(case_service, CaseService.visible_case, key="case_id", description=CASE_ID)

ReadableCase = Annotated[Case, case.requiring(Permission.READ_CASES)]
ManagedCase = Annotated[Case, case.requiring(Permission.MANAGE_CASES)]
PersonalDataCase = Annotated[Case, case.requiring(Permission.READ_PERSONAL_DATA)]
ConsentCase = Annotated[Case, case.requiring(Permission.RECORD_CONSENT)]
