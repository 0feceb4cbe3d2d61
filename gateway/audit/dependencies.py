"""The typed dependencies of the audit log's routes: its service and its readers."""

from typing import Annotated

from fastapi import Depends

from gateway.audit.service import AuditService
from shared.auth.deps import require
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.web import Session


async def audit_service(session: Session) -> AuditService:
    return AuditService(session)


Audit = Annotated[AuditService, Depends(audit_service)]
# A reader of the audit log (`read_audit`); the check the router also makes.
AuditReader = Annotated[Principal, Depends(require(Permission.READ_AUDIT))]
