"""Use cases of idempotency keys: starting a keyed POST (or finding it done, in flight or
sent with another body), keeping its answer, letting it go.

Only successful answers (2xx) are kept and replayed: an error changed nothing, so the key
is released and the request may be sent again, corrected or not. An answer marked
`Cache-Control: no-store` (it shows a secret once) is not kept: the key stays used, and a
repeat is told so (409) rather than given the secret again or done twice.

Each step is a short transaction of its own, committed before the request goes on, so
every replica sees it.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from gateway.idempotency.exceptions import AnswerNotKept, IdempotencyKeyInUse, IdempotencyKeyReused
from gateway.idempotency.models import RecordState
from gateway.idempotency.repository import IdempotencyRepository
from shared.db import Database

KEPT_FOR = timedelta(hours=24)
# A claim that sees its (principal, key) vanish (released meanwhile) tries again, this often.
_CLAIM_ATTEMPTS = 3


@dataclass(frozen=True)
class Started:
    """The request is this record's to run."""

    record_id: uuid.UUID


@dataclass(frozen=True)
class Replay:
    """The request was done: its answer."""

    status: int
    headers: list[list[str]]
    body: bytes


class IdempotencyStore:
    def __init__(self, database: Database, *, lease_seconds: float) -> None:
        self.database = database
        self.lease = timedelta(seconds=lease_seconds)

    async def begin(
        self, principal_id: uuid.UUID, key: str, request_hash: str, now: datetime
    ) -> Started | Replay:
        """Claim the key for this request, or the earlier answer to replay; raises
        `IdempotencyKeyReused`, `IdempotencyKeyInUse` or `AnswerNotKept`."""
        for _ in range(_CLAIM_ATTEMPTS):
            async with self.database.sessions() as session, session.begin():
                records = IdempotencyRepository(session)
                claimed = await records.claim(
                    principal_id, key, request_hash, now, now + self.lease
                )
                if claimed is not None:
                    return Started(claimed)
                record = await records.find(principal_id, key)
                if record is None:
                    continue
                if await records.take_over(
                    record.id, request_hash, now, now + self.lease, now - KEPT_FOR
                ):
                    return Started(record.id)
                if record.request_hash != request_hash:
                    raise IdempotencyKeyReused()
                if record.state == RecordState.IN_FLIGHT:
                    raise IdempotencyKeyInUse()
                if record.body is None or record.status is None:
                    raise AnswerNotKept()
                return Replay(record.status, record.headers or [], record.body)
        raise IdempotencyKeyInUse()

    async def keep(
        self, record_id: uuid.UUID, status: int, headers: list[list[str]], body: bytes | None
    ) -> None:
        """Keep a successful answer (`body` None: not to be replayed)."""
        async with self.database.sessions() as session, session.begin():
            await IdempotencyRepository(session).complete(record_id, status, headers, body)

    async def release(self, record_id: uuid.UUID) -> None:
        """Forget an unfinished or failed request: its key may be sent again."""
        async with self.database.sessions() as session, session.begin():
            await IdempotencyRepository(session).release(record_id)

    async def purge(self, now: datetime) -> int:
        """Delete records older than 24 hours; how many."""
        async with self.database.sessions() as session, session.begin():
            return await IdempotencyRepository(session).purge(now - KEPT_FOR, now)
