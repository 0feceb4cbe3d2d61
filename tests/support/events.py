"""Events delivered to a part's inbox (`POST /internal/events`) as the relay would: an
envelope (docs/events.md), serialised, signed with the parts' shared secret; and the
events a part wrote to its outbox."""

import json
import time
import uuid
from collections.abc import Mapping
from typing import Any

import httpx
from sqlalchemy import select

from shared.db import Database, utcnow
from shared.events.tables import EventTables
from shared.signing import SIGNATURE_HEADER, sign

INBOX = "/internal/events"


def envelope(
    topic: str,
    payload: Mapping[str, Any],
    *,
    source: str,
    event_id: uuid.UUID | str | None = None,
    occurred_at: str | None = None,
) -> dict[str, Any]:
    """One event's envelope; a new id and the present moment unless given."""
    return {
        "id": str(event_id or uuid.uuid4()),
        "topic": topic,
        "source": source,
        "occurred_at": occurred_at or utcnow().isoformat(),
        "payload": dict(payload),
    }


async def deliver(client: httpx.AsyncClient, secret: str, content: object) -> httpx.Response:
    """POST `content` (an envelope, or a batch of them) as JSON, signed now."""
    return await deliver_raw(client, secret, json.dumps(content).encode())


async def deliver_raw(client: httpx.AsyncClient, secret: str, body: bytes) -> httpx.Response:
    """POST `body` exactly as given, signed now with `secret`."""
    signature = sign(secret, body, int(time.time()))
    return await client.post(
        INBOX,
        content=body,
        headers={SIGNATURE_HEADER: signature, "Content-Type": "application/json"},
    )


async def outbox_events(
    database: Database,
    tables: EventTables,
    topic: str | None = None,
    destination: str | None = None,
) -> list[dict[str, Any]]:
    """The event envelopes in a part's outbox, oldest first, once each (a row is written
    per destination)."""
    outbox = tables.outbox
    statement = select(outbox.c.event_id, outbox.c.body).order_by(outbox.c.created_at)
    if topic is not None:
        statement = statement.where(outbox.c.topic == topic)
    if destination is not None:
        statement = statement.where(outbox.c.destination == destination)
    async with database.sessions() as session:
        rows = (await session.execute(statement)).all()
    seen: dict[uuid.UUID, dict[str, Any]] = {}
    for event_id, body in rows:
        seen.setdefault(event_id, body)
    return list(seen.values())
