"""The typed dependencies of the token endpoint: the token service."""

from typing import Annotated

from fastapi import Depends

from gateway.state import State
from gateway.tokens.service import TokenService
from shared.web import Session


async def token_service(session: Session, state: State) -> TokenService:
    return TokenService(
        session,
        state.issuer,
        state.settings.refresh_token_ttl_seconds,
        state.sign_in_guard,
        state.accounts,
    )


Tokens = Annotated[TokenService, Depends(token_service)]
