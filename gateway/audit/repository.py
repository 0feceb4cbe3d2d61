"""Every query on the audit log: appending to the chain, the filtered list, the chain in
order for verification."""

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.audit.chain import event_hash
from gateway.audit.models import HEAD_ROW_ID, AuditChainHead, AuditEvent
from shared.pagination import PageParams, paginate

_VERIFY_BATCH = 1000


@dataclass(frozen=True)
class AuditFilters:
    case_id: uuid.UUID | None = None
    actor_id: uuid.UUID | None = None
    actor_name: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def append(self, event: AuditEvent) -> AuditEvent:
        """Chain `event` after the last one and store it (its sequence, links and hash set
        here), in the session's transaction, which the caller commits at once.

        The first statement moves the head row: on PostgreSQL that locks the row until the
        commit, so another replica's append waits and then chains after this one; on
        SQLite it takes the database's write lock, with the same effect.
        """
        moved = (
            await self.session.execute(
                update(AuditChainHead)
                .where(AuditChainHead.id == HEAD_ROW_ID)
                .values(sequence=AuditChainHead.sequence + 1)
                # `last_hash` is not set by this statement: it answers the previous hash.
                .returning(AuditChainHead.sequence, AuditChainHead.last_hash)
            )
        ).one()
        event.sequence, event.prev_hash = moved.sequence, moved.last_hash
        event.hash = event_hash(event.content())
        self.session.add(event)
        await self.session.execute(
            update(AuditChainHead)
            .where(AuditChainHead.id == HEAD_ROW_ID)
            .values(last_hash=event.hash)
        )
        await self.session.flush()
        return event

    async def page(
        self, filters: AuditFilters, page: PageParams
    ) -> tuple[Sequence[AuditEvent], str | None]:
        """The events matching `filters`, newest first."""
        return await paginate(
            self.session,
            self._matching(filters),
            page,
            key=AuditEvent.occurred_at,
            row_id=AuditEvent.id,
            key_of=lambda event: (event.occurred_at, event.id),
            descending=True,
        )

    @staticmethod
    def _matching(filters: AuditFilters) -> Select[AuditEvent]:
        statement = select(AuditEvent)
        if filters.case_id is not None:
            statement = statement.where(AuditEvent.case_id == filters.case_id)
        if filters.actor_id is not None:
            statement = statement.where(AuditEvent.actor_id == filters.actor_id)
        if filters.actor_name is not None:
            statement = statement.where(AuditEvent.actor_name == filters.actor_name)
        if filters.action is not None:
            statement = statement.where(AuditEvent.action == filters.action)
        if filters.since is not None:
            statement = statement.where(AuditEvent.occurred_at >= filters.since)
        if filters.until is not None:
            statement = statement.where(AuditEvent.occurred_at < filters.until)
        return statement

    async def head(self) -> AuditChainHead:
        head = await self.session.get(AuditChainHead, HEAD_ROW_ID)
        assert head is not None, "the migration makes the chain's head row"
        return head

    async def chain(self, through: int) -> AsyncIterator[AuditEvent]:
        """The events up to sequence `through`, in sequence order, read in batches."""
        after = 0
        while True:
            batch = (
                await self.session.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.sequence > after, AuditEvent.sequence <= through)
                    .order_by(AuditEvent.sequence)
                    .limit(_VERIFY_BATCH)
                )
            ).all()
            for event in batch:
                yield event
            if len(batch) < _VERIFY_BATCH:
                return
            after = batch[-1].sequence
            # Checked events are not needed again: keep the session's memory flat.
            self.session.expunge_all()
