"""FastAPI dependencies for authentication and permissions, used by every route:
the caller (`CurrentPrincipal`), a permission (`require`), and the load-and-authorise
dependencies of a resource named in the path (`Loader`)."""

import inspect
import uuid
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Path, Request

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


@cache
def require(permission: Permission) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets through only callers whose roles grant `permission`. One
    instance per permission, so a route and its load-and-authorise dependency share one
    check per request (FastAPI caches a dependency by identity)."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if not principal.can(permission):
            raise Forbidden(f"This operation needs the '{permission.value}' permission.")
        return principal

    return check


Service = TypeVar("Service")
Found = TypeVar("Found")


class Loader(Generic[Service, Found]):
    """How one kind of resource named by the path parameter `key` is loaded for a caller:
    `find(service, principal, id)` loads it within the caller's scope and raises the
    part's not-found problem (404) outside it. `requiring(permission)` is the
    load-and-authorise dependency of a route: the caller needs `permission` (403
    otherwise), then the resource is found. So no route loads a resource unchecked, and
    every part spells it the same way:

        referral = Loader(referral_service, ReferralService.get, key="referral_id",
                          description="The referral's id.")
        ReadableReferral = Annotated[Referral, referral.requiring(Permission.READ_REFERRALS)]
    """

    def __init__(
        self,
        service: Callable[..., Awaitable[Service]],
        find: Callable[[Service, Principal, uuid.UUID], Awaitable[Found]],
        *,
        key: str,
        description: str,
    ) -> None:
        self.service = service
        self.find = find
        self.key = key
        self.description = description

    def requiring(self, permission: Permission) -> Any:
        """The dependency (`Depends(...)`) for a route that needs `permission`."""
        find, key = self.find, self.key

        async def load(**values: Any) -> Found:
            return await find(values["service"], values["principal"], values[key])

        parameter = inspect.Parameter
        load.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [
                parameter(
                    "principal",
                    parameter.KEYWORD_ONLY,
                    annotation=Annotated[Principal, Depends(require(permission))],
                ),
                parameter(
                    key,
                    parameter.KEYWORD_ONLY,
                    annotation=Annotated[uuid.UUID, Path(description=self.description)],
                ),
                parameter(
                    "service",
                    parameter.KEYWORD_ONLY,
                    annotation=Annotated[Any, Depends(self.service)],
                ),
            ]
        )
        return Depends(load)
