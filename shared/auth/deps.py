"""FastAPI dependencies for authentication and permissions, used by every route."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.auth.revocations import Revocations
from shared.auth.tokens import TokenVerifier
from shared.errors import Forbidden, Unauthenticated


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated()
    return token.strip()


async def current_principal(request: Request) -> Principal:
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    verifier: TokenVerifier = request.app.state.verifier
    principal = await verifier.verify(bearer_token(request))
    revocations: Revocations | None = request.app.state.revocations
    if revocations is not None:
        await revocations.check(principal)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require(permission: Permission) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets through only callers whose roles grant `permission`."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if not principal.can(permission):
            raise Forbidden(f"This operation needs the '{permission.value}' permission.")
        return principal

    return check
