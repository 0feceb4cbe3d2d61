"""The relay: delivers committed outbox rows, with retry and backoff, until acknowledged.

Safe with several replicas on one PostgreSQL database: a relay first claims rows (a lease
written with `FOR UPDATE SKIP LOCKED`), so two relays never deliver one row at once; a
relay that dies leaves a lease that simply runs out. Delivery is at least once; receivers
deduplicate by event id, which makes it exactly once in effect.
"""

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import and_, or_, select, update

from shared.db import Database, new_id, utcnow
from shared.events.outbox import SERVICE_DESTINATION
from shared.events.tables import EventTables
from shared.signing import SIGNATURE_HEADER, sign

logger = logging.getLogger("nirm.relay")

EVENTS_PATH = "/internal/events"
SecretResolver = Callable[[str], Awaitable[str | None]]


class Relay:
    def __init__(
        self,
        database: Database,
        tables: EventTables,
        *,
        internal_secret: str,
        service_urls: Mapping[str, str],
        secret_resolver: SecretResolver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 5.0,
        batch_size: int = 50,
        lease: timedelta = timedelta(seconds=30),
        backoff_base: float = 1.0,
        backoff_cap: float = 300.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.database = database
        self.tables = tables
        self.internal_secret = internal_secret
        self.service_urls = service_urls
        self.secret_resolver = secret_resolver
        self.batch_size = batch_size
        self.lease = lease
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.clock = clock
        self.relay_id = new_id()
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout), transport=transport)
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def _claim(self) -> list[Mapping[str, Any]]:
        outbox = self.tables.outbox
        now = self.clock()
        due = (
            select(outbox.c.id)
            .where(
                outbox.c.delivered_at.is_(None),
                outbox.c.available_at <= now,
                or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now),
            )
            .order_by(outbox.c.available_at)
            .limit(self.batch_size)
            .with_for_update(skip_locked=True)
        )
        async with self.database.sessions.begin() as session:
            ids = list((await session.scalars(due)).all())
            if not ids:
                return []
            # The claim condition is repeated so that, without row locks (SQLite) or after
            # waiting on one, a row another relay claimed meanwhile is left alone.
            await session.execute(
                update(outbox)
                .where(
                    outbox.c.id.in_(ids),
                    or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now),
                )
                .values(claimed_by=self.relay_id, claimed_until=now + self.lease)
            )
            rows = await session.execute(
                select(outbox).where(
                    outbox.c.id.in_(ids),
                    outbox.c.claimed_by == self.relay_id,
                    outbox.c.claimed_until == now + self.lease,
                )
            )
            return [dict(row._mapping) for row in rows]

    def _url(self, destination: str) -> str | None:
        if destination.startswith(SERVICE_DESTINATION):
            base = self.service_urls.get(destination.removeprefix(SERVICE_DESTINATION))
            return base.rstrip("/") + EVENTS_PATH if base else None
        return destination

    async def _secret(self, secret_ref: str | None) -> str | None:
        if secret_ref is None:
            return self.internal_secret
        return await self.secret_resolver(secret_ref) if self.secret_resolver else None

    async def _deliver(self, row: Mapping[str, Any]) -> str | None:
        """Deliver one row; None on success, else the reason it failed."""
        url = self._url(row["destination"])
        secret = await self._secret(row["secret_ref"])
        if url is None or secret is None:
            return "no address or secret for this destination"
        body = json.dumps(row["body"], separators=(",", ":")).encode()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(secret, body, int(self.clock().timestamp())),
            "X-NIRM-Event-Id": str(row["event_id"]),
            "X-NIRM-Topic": row["topic"],
        }
        try:
            response = await self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}"
        if 200 <= response.status_code < 300:
            return None
        return f"HTTP {response.status_code}"

    def _backoff(self, attempts: int) -> timedelta:
        delay = min(self.backoff_cap, self.backoff_base * 2 ** min(attempts, 20))
        return timedelta(seconds=delay * random.uniform(0.8, 1.2))  # noqa: S311

    async def _record(self, row: Mapping[str, Any], error: str | None) -> None:
        outbox = self.tables.outbox
        now = self.clock()
        mine = and_(outbox.c.id == row["id"], outbox.c.claimed_by == self.relay_id)
        if error is None:
            values: dict[str, Any] = {"delivered_at": now, "claimed_until": None}
        else:
            attempts = row["attempts"] + 1
            values = {
                "attempts": attempts,
                "last_error": error[:500],
                "claimed_until": None,
                "available_at": now + self._backoff(attempts),
            }
            logger.warning(
                "event delivery failed",
                extra={"event_id": str(row["event_id"]), "topic": row["topic"], "status": error},
            )
        async with self.database.sessions.begin() as session:
            await session.execute(update(outbox).where(mine).values(**values))

    async def run_once(self) -> int:
        """Claim due rows and try each once; returns how many were delivered."""
        rows = await self._claim()
        if not rows:
            return 0
        errors = await asyncio.gather(*(self._deliver(row) for row in rows))
        for row, error in zip(rows, errors, strict=True):
            await self._record(row, error)
        return sum(error is None for error in errors)

    async def run_forever(self, interval: float) -> None:
        while True:
            try:
                delivered = await self.run_once()
            except Exception:
                logger.exception("relay pass failed")
                delivered = 0
            if delivered:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=interval)

    async def aclose(self) -> None:
        await self._client.aclose()
