"""Every query on the audit log: appending to the chain, the filtered list, the chain in
order for verification.

The log is read by holders of `read_audit` (coordinators, auditors), who read all of it:
the repository keeps the default `visible`, every event, behind the route's permission.
"""

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Select, Table, bindparam, insert, select, update

from gateway.audit.chain import event_hash
from gateway.audit.models import HEAD_ROW_ID, AuditChainHead, AuditEvent
from shared.auth.principal import Principal
from shared.pagination import PageParams
from shared.repository import Repository

_VERIFY_BATCH = 1000
_HEAD = cast(Table, AuditChainHead.__table__)
_EVENTS = cast(Table, AuditEvent.__table__)
# `last_hash` is not set by this statement: it answers the previous hash.
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == bindparam("head"))
    .values(sequence=_HEAD.c.sequence + bindparam("count"))
    .returning(_HEAD.c.sequence, _HEAD.c.last_hash)
)
_SET_HASH = update(_HEAD).where(_HEAD.c.id == bindparam("head")).values(last_hash=bindparam("hash"))
_INSERT = insert(_EVENTS)


def _row(event: AuditEvent) -> dict[str, object]:
    return {column.key: getattr(event, column.key) for column in _EVENTS.columns}


@dataclass(frozen=True)
class AuditFilters:
    case_id: uuid.UUID | None = None
    actor_id: uuid.UUID | None = None
    actor_name: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


class AuditRepository(Repository[AuditEvent]):
    model = AuditEvent
    resource = "audit event"

    async def append(self, events: Sequence[AuditEvent]) -> None:
        """Chain `events`, in order, after the last one and store them (their sequence,
        links and hashes set here), in the session's transaction, which the caller commits
        at once.

        The first statement moves the head row: on PostgreSQL that locks the row until the
        commit, so another replica's append waits and then chains after these; on SQLite
        it takes the database's write lock, with the same effect. The statements are built
        once: on this path, building one costs more than running it.
        """
        moved = (
            await self.session.execute(_MOVE_HEAD, {"head": HEAD_ROW_ID, "count": len(events)})
        ).one()
        previous = moved.last_hash
        for offset, event in enumerate(events):
            event.sequence = moved.sequence - len(events) + 1 + offset
            event.prev_hash = previous
            event.hash = previous = event_hash(event.content())
        await self.session.execute(_INSERT, [_row(event) for event in events])
        await self.session.execute(_SET_HASH, {"head": HEAD_ROW_ID, "hash": previous})

    async def matching(
        self, principal: Principal, filters: AuditFilters, page: PageParams
    ) -> tuple[Sequence[AuditEvent], str | None]:
        """The events `principal` may see matching `filters`, newest first."""
        return await self.page(
            self._filtered(self.visible(principal), filters),
            page,
            key=AuditEvent.occurred_at,
            descending=True,
        )

    @staticmethod
    def _filtered(statement: Select[AuditEvent], filters: AuditFilters) -> Select[AuditEvent]:
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
