"""Every query on idempotency records; each is one statement, atomic on both backends."""

import uuid
from datetime import datetime

from sqlalchemy import CursorResult, and_, delete, or_, select, update

from gateway.idempotency.models import IdempotencyRecord, RecordState
from shared.db import dialect_insert, new_id
from shared.repository import Repository


class IdempotencyRepository(Repository[IdempotencyRecord]):
    model = IdempotencyRecord

    async def claim(
        self,
        principal_id: uuid.UUID,
        key: str,
        request_hash: str,
        now: datetime,
        locked_until: datetime,
    ) -> uuid.UUID | None:
        """A new in-flight record's id, or None when the (principal, key) exists."""
        statement = (
            dialect_insert(self.session)(IdempotencyRecord)
            .values(
                id=new_id(),
                principal_id=principal_id,
                key=key,
                request_hash=request_hash,
                state=RecordState.IN_FLIGHT,
                locked_until=locked_until,
                created_at=now,
            )
            .on_conflict_do_nothing(
                index_elements=[IdempotencyRecord.principal_id, IdempotencyRecord.key]
            )
            .returning(IdempotencyRecord.id)
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def find(self, principal_id: uuid.UUID, key: str) -> IdempotencyRecord | None:
        return await self.session.scalar(
            select(IdempotencyRecord).where(
                IdempotencyRecord.principal_id == principal_id, IdempotencyRecord.key == key
            )
        )

    async def take_over(
        self,
        record_id: uuid.UUID,
        request_hash: str,
        now: datetime,
        locked_until: datetime,
        expired_before: datetime,
    ) -> bool:
        """Start the record afresh if it expired or was abandoned in flight; whether it was
        (a conditional update: of two takers, one wins)."""
        result = await self.session.execute(
            update(IdempotencyRecord)
            .where(
                IdempotencyRecord.id == record_id,
                or_(
                    IdempotencyRecord.created_at < expired_before,
                    and_(
                        IdempotencyRecord.state == RecordState.IN_FLIGHT,
                        IdempotencyRecord.locked_until < now,
                    ),
                ),
            )
            .values(
                request_hash=request_hash,
                state=RecordState.IN_FLIGHT,
                locked_until=locked_until,
                created_at=now,
                status=None,
                headers=None,
                body=None,
            )
        )
        assert isinstance(result, CursorResult)
        return result.rowcount == 1

    async def complete(
        self, record_id: uuid.UUID, status: int, headers: list[list[str]], body: bytes | None
    ) -> None:
        await self.session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.id == record_id)
            .values(state=RecordState.DONE, status=status, headers=headers, body=body)
        )

    async def release(self, record_id: uuid.UUID) -> None:
        await self.session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.id == record_id,
                IdempotencyRecord.state == RecordState.IN_FLIGHT,
            )
        )

    async def purge(self, expired_before: datetime, now: datetime) -> int:
        """Delete the expired records (not one still in flight within its lease)."""
        result = await self.session.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.created_at < expired_before,
                or_(
                    IdempotencyRecord.state == RecordState.DONE,
                    IdempotencyRecord.locked_until < now,
                ),
            )
        )
        assert isinstance(result, CursorResult)
        return result.rowcount
