"""The relay: delivers committed outbox rows, with retry and backoff, until acknowledged.

Safe with several replicas on one PostgreSQL database: a relay first claims rows (a lease
written with `FOR UPDATE SKIP LOCKED`), so two relays never deliver one row at once; a
relay that dies leaves a lease that simply runs out, and one that is stopped (a replica's
graceful shutdown) finishes the pass under way and hands back what it still holds, so
another replica delivers it at once. Delivery is at least once; receivers
deduplicate by event id, which makes it exactly once in effect.
"""

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, Update, Uuid, bindparam, or_, select, update

from shared.db import Database, UTCDateTime, new_id, utcnow
from shared.events.inbox import RECEIVED
from shared.events.outbox import SERVICE_DESTINATION
from shared.events.tables import EventTables
from shared.http import HttpClient, InvalidTarget, Unreachable
from shared.metrics import WEBHOOK, Metrics
from shared.outbound import OutboundPolicy, Target, UnsafeDestination
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
        client: HttpClient,
        secret_resolver: SecretResolver | None = None,
        outbound: OutboundPolicy | None = None,
        batch_size: int = 50,
        lease: timedelta = timedelta(seconds=30),
        backoff_base: float = 1.0,
        backoff_cap: float = 300.0,
        clock: Callable[[], datetime] = utcnow,
        metrics: Metrics | None = None,
    ) -> None:
        self.database = database
        self.tables = tables
        self.internal_secret = internal_secret
        self.service_urls = service_urls
        self.secret_resolver = secret_resolver
        # Where a webhook may go: checked again before each delivery (`shared/outbound.py`).
        self.outbound = outbound or OutboundPolicy()
        self.batch_size = batch_size
        self.lease = lease
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.clock = clock
        self.relay_id = new_id()
        self.client = client
        self.metrics = metrics
        self._wake = asyncio.Event()
        self._stopping = False
        self._claim_statement = _claim_statement(tables.outbox, batch_size)

    def wake(self) -> None:
        self._wake.set()

    async def _claim(self) -> list[Mapping[str, Any]]:
        """Lease up to a batch of due rows to this relay: one statement, which on
        PostgreSQL skips rows another relay is claiming at that moment."""
        now = self.clock()
        async with self.database.sessions.begin() as session:
            rows = await session.execute(
                self._claim_statement,
                {"now": now, "until": now + self.lease, "relay": self.relay_id},
            )
            return [dict(row) for row in rows.mappings()]

    async def _target(self, destination: str) -> Target | None:
        if destination.startswith(SERVICE_DESTINATION):
            base = self.service_urls.get(destination.removeprefix(SERVICE_DESTINATION))
            return Target(base.rstrip("/") + EVENTS_PATH) if base else None
        return await self.outbound.target(destination)

    async def _secret(self, secret_ref: str | None) -> str | None:
        if secret_ref is None:
            return self.internal_secret
        return await self.secret_resolver(secret_ref) if self.secret_resolver else None

    async def _deliver(self, rows: Sequence[Mapping[str, Any]]) -> list[str | None]:
        """Deliver rows bound for one destination in one request; for each, None on
        success, else the reason it failed. A part of the suite takes several events at
        once (a JSON array, answered event by event); a webhook gets one event a request."""
        first = rows[0]
        try:
            target = await self._target(first["destination"])
        except UnsafeDestination as refused:
            return [f"refused: {refused}"] * len(rows)
        secret = await self._secret(first["secret_ref"])
        if target is None or secret is None:
            return ["no address or secret for this destination"] * len(rows)
        batched = len(rows) > 1
        envelope: Any = [row["body"] for row in rows] if batched else first["body"]
        body = json.dumps(envelope, separators=(",", ":")).encode()
        headers = [
            *((name.lower().encode(), value.encode()) for name, value in target.headers.items()),
            (b"content-type", b"application/json"),
            (
                SIGNATURE_HEADER.lower().encode(),
                sign(secret, body, int(self.clock().timestamp())).encode(),
            ),
        ]
        if not batched:
            headers += [
                (b"x-nirm-event-id", str(first["event_id"]).encode()),
                (b"x-nirm-topic", first["topic"].encode()),
            ]
        try:
            # Never follows a redirect (`shared/http.py`).
            answer = await self.client.send(
                "POST", target.url, headers, body, server_name=target.server_name
            )
        except Unreachable as exc:
            return [str(exc) or "no answer"] * len(rows)
        except InvalidTarget:
            return ["the address is not a valid URL"] * len(rows)
        if not 200 <= answer.status < 300:
            return [f"HTTP {answer.status}"] * len(rows)
        return _outcomes(rows, answer.body) if batched else [None]

    def _backoff(self, attempts: int) -> timedelta:
        delay = min(self.backoff_cap, self.backoff_base * 2 ** min(attempts, 20))
        return timedelta(seconds=delay * random.uniform(0.8, 1.2))  # noqa: S311

    async def _record(self, outcomes: Sequence[tuple[Mapping[str, Any], str | None]]) -> None:
        """Write what became of each claimed row, all in one transaction; a row whose
        lease another relay took over meanwhile is left to it."""
        outbox = self.tables.outbox
        now = self.clock()
        delivered = [row["id"] for row, error in outcomes if error is None]
        async with self.database.sessions.begin() as session:
            if delivered:
                await session.execute(
                    update(outbox)
                    .where(outbox.c.id.in_(delivered), outbox.c.claimed_by == self.relay_id)
                    .values(delivered_at=now, claimed_until=None)
                )
            for row, error in outcomes:
                if error is None:
                    continue
                attempts = row["attempts"] + 1
                await session.execute(
                    update(outbox)
                    .where(outbox.c.id == row["id"], outbox.c.claimed_by == self.relay_id)
                    .values(
                        attempts=attempts,
                        last_error=error[:500],
                        claimed_until=None,
                        available_at=now + self._backoff(attempts),
                    )
                )
                logger.warning(
                    "event delivery failed",
                    extra={
                        "event_id": str(row["event_id"]),
                        "topic": row["topic"],
                        "status": error,
                    },
                )

    async def run_once(self) -> int:
        """Claim due rows and try each once; returns how many were delivered."""
        rows = await self._claim()
        if not rows:
            return 0
        batches: dict[str, list[Mapping[str, Any]]] = {}
        for row in rows:
            if row["destination"].startswith(SERVICE_DESTINATION):
                batches.setdefault(row["destination"], []).append(row)
            else:
                batches[f"{row['destination']}#{row['id']}"] = [row]
        answers = await asyncio.gather(*(self._deliver(batch) for batch in batches.values()))
        outcomes = [
            (row, error)
            for batch, errors in zip(batches.values(), answers, strict=True)
            for row, error in zip(batch, errors, strict=True)
        ]
        await self._record(outcomes)
        if self.metrics is not None:
            for row, error in outcomes:
                destination: str = row["destination"]
                if destination.startswith(SERVICE_DESTINATION):
                    destination = destination.removeprefix(SERVICE_DESTINATION)
                else:
                    destination = WEBHOOK
                self.metrics.delivered(destination, failed=error is not None)
        return sum(error is None for _, error in outcomes)

    async def run_forever(self, interval: float) -> None:
        """Deliver until `stop`."""
        while not self._stopping:
            try:
                delivered = await self.run_once()
            except Exception:
                logger.exception("relay pass failed")
                delivered = 0
            if delivered:
                continue
            self._wake.clear()
            if self._stopping:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=interval)

    async def stop(self, running: asyncio.Task[None], grace: float) -> None:
        """End `running` (this relay's `run_forever`): the pass under way may finish within
        `grace` seconds, else it is cancelled; then every row this relay still holds
        claimed is handed back."""
        self._stopping = True
        self._wake.set()
        # `wait_for` cancels the task, and waits for it, when the grace runs out.
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(running, timeout=grace)
        try:
            released = await self.release()
        except Exception:
            logger.exception("the relay's claims were not handed back; their lease runs out")
            return
        if released:
            logger.info("handed back %d claimed events", released)

    async def release(self) -> int:
        """Give up this relay's claims on rows it has not delivered: another relay may
        take them at once instead of when the lease runs out. Answers how many."""
        outbox = self.tables.outbox
        async with self.database.sessions.begin() as session:
            result = await session.execute(
                update(outbox)
                .where(
                    outbox.c.claimed_by == self.relay_id,
                    outbox.c.claimed_until.is_not(None),
                    outbox.c.delivered_at.is_(None),
                )
                .values(claimed_until=None)
            )
        return int(getattr(result, "rowcount", 0))


def _claim_statement(outbox: Table, batch_size: int) -> Update:
    """Lease the due rows: those not delivered, available, and not leased or with a lease
    run out — oldest first, at most `batch_size`. The lease condition is repeated outside
    the subquery so that, without row locks (SQLite) or after waiting on one, a row another
    relay leased meanwhile is left alone."""
    now = bindparam("now", type_=UTCDateTime())
    free = or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now)
    due = (
        select(outbox.c.id)
        .where(outbox.c.delivered_at.is_(None), outbox.c.available_at <= now, free)
        .order_by(outbox.c.available_at)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    )
    return (
        update(outbox)
        .where(outbox.c.id.in_(due.scalar_subquery()), free)
        .values(
            claimed_by=bindparam("relay", type_=Uuid()),
            claimed_until=bindparam("until", type_=UTCDateTime()),
        )
        .returning(*outbox.c)
    )


def _outcomes(rows: Sequence[Mapping[str, Any]], answer: bytes) -> list[str | None]:
    """Each row's outcome from the receiver's answer to a batch: `{"results": [{"id",
    "status", "detail"?}]}`; an event it does not answer for failed."""
    try:
        results = {
            str(result["id"]): result
            for result in json.loads(answer)["results"]
            if isinstance(result, dict)
        }
    except (ValueError, KeyError, TypeError):
        return ["the receiver's answer to the batch is not readable"] * len(rows)
    outcomes: list[str | None] = []
    for row in rows:
        result = results.get(str(row["event_id"]))
        if result is None:
            outcomes.append("the receiver did not answer for this event")
        elif result.get("status") in RECEIVED:
            outcomes.append(None)
        else:
            outcomes.append(str(result.get("detail") or result.get("status"))[:500])
    return outcomes
