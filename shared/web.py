"""Request-scoped dependencies every part's routes use: the session and app services.

The route's call owns the transaction: services `flush()`, and the session commits when
the route function returns (rolls back on any error), before the answer is sent — so a
commit that fails is the answer, and a client that reads right after a 2xx finds its
change (FastAPI's default scope would end the session after the answer is sent) — then
wakes the relay if the transaction wrote events.
"""

import uuid
from collections.abc import AsyncIterator
from typing import Annotated, ClassVar, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from shared.client import ServiceClient, UnreadableAnswer
from shared.errors import ServiceUnavailable
from shared.events.outbox import PUBLISHED_FLAG, Outbox


class ServiceNotConfigured(ServiceUnavailable):
    def __init__(self, name: str) -> None:
        super().__init__(f"The {name} service is not configured.")


async def db_session(request: Request) -> AsyncIterator[AsyncSession]:
    database = request.app.state.database
    async with database.sessions() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
    if session.info.get(PUBLISHED_FLAG) and request.app.state.relay is not None:
        request.app.state.relay.wake()


Session = Annotated[AsyncSession, Depends(db_session, scope="function")]


async def outbox(request: Request) -> Outbox:
    box: Outbox = request.app.state.outbox
    return box


AppOutbox = Annotated[Outbox, Depends(outbox)]


def service_client(request: Request, name: str) -> ServiceClient:
    client: ServiceClient | None = request.app.state.clients.get(name)
    if client is None:
        raise ServiceNotConfigured(name)
    return client


class PartApi:
    """The calls a request makes to another part of the suite (`part`), each with the
    caller's token, so the other part applies the caller's scope. The client is resolved
    at call time: a request that makes no call works without that part configured."""

    part: ClassVar[str]

    def __init__(self, request: Request) -> None:
        self._request = request

    @property
    def client(self) -> ServiceClient:
        return service_client(self._request, self.part)


class IdentifiedCase(BaseModel):
    """A case as the identification service answers it, as far as a part reads it (each
    part's shape adds the facts it keeps)."""

    id: uuid.UUID


Case = TypeVar("Case", bound=IdentifiedCase)


class IdentificationPart(PartApi):
    """The identification service, as the parts that keep case facts ask it."""

    part = "identification"

    async def case_as(self, case_id: uuid.UUID, token: str, shape: type[Case]) -> Case | None:
        """The case as the caller may see it there, read as `shape`; None when absent or
        out of scope. An answer about another case is as unreadable as a malformed one."""
        case = await self.client.get_model(
            f"/api/v1/cases/{case_id}", shape, token=token, what="an unreadable case"
        )
        if case is not None and case.id != case_id:
            raise UnreadableAnswer(self.part, "another case than the one asked for")
        return case
