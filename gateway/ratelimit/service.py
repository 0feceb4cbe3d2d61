"""Counting a principal's requests against its limit per minute (a fixed window)."""

import uuid
from datetime import datetime

from gateway.ratelimit.exceptions import RateLimited
from gateway.ratelimit.repository import RateWindowRepository
from shared.db import Database

WINDOW_SECONDS = 60


class RateLimit:
    """`limit` requests a minute per principal, counted in the gateway's database in a
    short transaction of its own (a forwarded request must not hold a connection while
    the service answers)."""

    def __init__(self, database: Database, limit: int) -> None:
        self.database = database
        self.limit = limit

    async def count(self, principal_id: uuid.UUID, now: datetime) -> None:
        """Count one request at `now`; `RateLimited` past the limit."""
        async with self.database.sessions() as session:
            requests = await RateWindowRepository(session).count(principal_id, _window_start(now))
            await session.commit()
        if requests > self.limit:
            raise RateLimited(self.limit, WINDOW_SECONDS - int(now.timestamp()) % WINDOW_SECONDS)


def _window_start(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)
