"""Counting requests per principal and minute with one upsert on either backend."""

import uuid
from datetime import datetime

from sqlalchemy import delete

from gateway.ratelimit.models import RateWindow
from shared.db import dialect_insert
from shared.repository import Repository


class RateWindowRepository(Repository[RateWindow]):
    model = RateWindow

    async def count(self, principal_id: uuid.UUID, window_start: datetime) -> int:
        """Count one request in the window; the window's count including it.

        Atomic (`INSERT ... ON CONFLICT DO UPDATE ... RETURNING`), so replicas sharing the
        database count each request once.
        """
        upsert = (
            dialect_insert(self.session)(RateWindow)
            .values(principal_id=principal_id, window_start=window_start, requests=1)
            .on_conflict_do_update(
                index_elements=[RateWindow.principal_id, RateWindow.window_start],
                set_={"requests": RateWindow.requests + 1},
            )
            .returning(RateWindow.requests)
        )
        requests = int((await self.session.execute(upsert)).scalar_one())
        if requests == 1:
            # The principal's first request in a new window: its older windows are done with.
            await self.session.execute(
                delete(RateWindow).where(
                    RateWindow.principal_id == principal_id,
                    RateWindow.window_start < window_start,
                )
            )
        return requests
