"""The typed dependencies of identity's routes: the account service and the principals
of its permissions."""

from typing import Annotated

from fastapi import Depends, Request

from gateway.identity.service import AccountService
from gateway.state import gateway_state
from shared.auth.deps import require
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.web import Session


async def account_service(session: Session, request: Request) -> AccountService:
    return AccountService(session, gateway_state(request).accounts)


Accounts = Annotated[AccountService, Depends(account_service)]
# An account administrator (`manage_accounts`); the check the admin routers also make.
Administrator = Annotated[Principal, Depends(require(Permission.MANAGE_ACCOUNTS))]
