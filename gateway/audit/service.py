"""Use cases of the audit log: recording an event (each in a transaction of its own, in
chain order), listing events, verifying the chain."""

import asyncio
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.audit.chain import ChainCheck
from gateway.audit.models import AuditEvent
from gateway.audit.repository import AuditFilters, AuditRepository
from gateway.audit.schemas import ChainVerification
from shared.auth.principal import Principal
from shared.db import Database
from shared.pagination import PageParams


class AuditLog:
    """The writer, one per app. Appends take turns in this process (an asyncio lock, so
    they do not queue up inside the database); across processes the head row's lock
    orders them. Whoever has the turn appends every event waiting for it, in one
    transaction: under load, many requests' events share one commit."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._turn = asyncio.Lock()
        self._waiting: list[tuple[AuditEvent, asyncio.Future[None]]] = []

    async def record(self, event: AuditEvent) -> AuditEvent:
        """Append `event`, committed when this returns; raises if it could not be."""
        written: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((event, written))
        async with self._turn:
            if not written.done():
                batch, self._waiting = self._waiting, []
                try:
                    async with self.database.sessions() as session, session.begin():
                        await AuditRepository(session).append([e for e, _ in batch])
                except Exception as exc:
                    for _, other in batch:
                        other.set_exception(exc)
                except BaseException:
                    # Cancelled: the others' events are appended by the next turn.
                    self._waiting[:0] = [(e, f) for e, f in batch if f is not written]
                    raise
                else:
                    for _, other in batch:
                        other.set_result(None)
        await written
        return event


class AuditService:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = AuditRepository(session)

    async def events(
        self, principal: Principal, filters: AuditFilters, page: PageParams
    ) -> tuple[Sequence[AuditEvent], str | None]:
        """The events `principal` may read that match `filters`, newest first."""
        return await self.repository.matching(principal, filters, page)

    async def verify(self) -> ChainVerification:
        """Recompute the whole chain up to its head as it stands now."""
        head = await self.repository.head()
        check = ChainCheck()
        async for event in self.repository.chain(head.sequence):
            check.feed(event.id, event.sequence, event.content(), event.hash)
        check.finish(head.sequence, head.last_hash)
        return ChainVerification(
            valid=check.valid,
            events=check.events,
            first_bad=check.first_bad,
            problem=check.problem,
            head_sequence=head.sequence,
            head_hash=head.last_hash,
        )
