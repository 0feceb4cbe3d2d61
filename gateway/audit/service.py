"""Use cases of the audit log: recording an event (each in a transaction of its own, in
chain order), listing events, verifying the chain."""

import asyncio
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.audit.chain import ChainCheck
from gateway.audit.models import AuditEvent
from gateway.audit.repository import AuditFilters, AuditRepository
from gateway.audit.schemas import ChainVerification
from shared.db import Database
from shared.pagination import PageParams


class AuditLog:
    """The writer, one per app. Appends take turns in this process (an asyncio lock, so
    they do not queue up inside the database); across processes the head row's lock
    orders them."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._turn = asyncio.Lock()

    async def record(self, event: AuditEvent) -> AuditEvent:
        """Append `event`, committed when this returns; raises if it could not be."""
        async with self._turn, self.database.sessions() as session, session.begin():
            return await AuditRepository(session).append(event)


class AuditService:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = AuditRepository(session)

    async def page(
        self, filters: AuditFilters, page: PageParams
    ) -> tuple[Sequence[AuditEvent], str | None]:
        return await self.repository.page(filters, page)

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
