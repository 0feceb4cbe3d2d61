"""Publishing: an event is a row written in the same transaction as the change it reports.

Nothing is sent here; the relay delivers committed rows. A rolled-back change therefore
publishes nothing, and a committed one is delivered even if the process dies right after.
"""

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import new_id, utcnow
from shared.events.tables import EventTables

SERVICE_DESTINATION = "service:"
# Set on a session that wrote events, so the request scope can wake the relay after commit.
PUBLISHED_FLAG = "nirm_published"


class Outbox:
    """Writes events for one part: to the parts subscribed to the topic, or to a webhook."""

    def __init__(
        self, tables: EventTables, source: str, subscriptions: Mapping[str, list[str]]
    ) -> None:
        self.tables = tables
        self.source = source
        self.subscriptions = subscriptions

    def envelope(
        self, event_id: uuid.UUID, topic: str, payload: Mapping[str, Any]
    ) -> dict[str, Any]:
        return {
            "id": str(event_id),
            "topic": topic,
            "source": self.source,
            "occurred_at": utcnow().isoformat(),
            "payload": dict(payload),
        }

    async def publish(
        self, session: AsyncSession, topic: str, payload: Mapping[str, Any]
    ) -> uuid.UUID:
        """Queue `topic` for every subscribed part; returns the event id."""
        destinations = [SERVICE_DESTINATION + name for name in self.subscriptions.get(topic, [])]
        return await self._write(session, topic, payload, destinations, secret_ref=None)

    async def send_webhook(
        self,
        session: AsyncSession,
        topic: str,
        payload: Mapping[str, Any],
        url: str,
        secret_ref: str,
    ) -> uuid.UUID:
        """Queue `topic` for one external receiver, signed with the secret `secret_ref` names."""
        return await self._write(session, topic, payload, [url], secret_ref=secret_ref)

    async def _write(
        self,
        session: AsyncSession,
        topic: str,
        payload: Mapping[str, Any],
        destinations: list[str],
        secret_ref: str | None,
    ) -> uuid.UUID:
        event_id = new_id()
        if not destinations:
            return event_id
        session.info[PUBLISHED_FLAG] = True
        body = self.envelope(event_id, topic, payload)
        now = utcnow()
        await session.execute(
            insert(self.tables.outbox),
            [
                {
                    "id": new_id(),
                    "event_id": event_id,
                    "topic": topic,
                    "destination": destination,
                    "secret_ref": secret_ref,
                    "body": body,
                    "created_at": now,
                    "available_at": now,
                    "attempts": 0,
                }
                for destination in destinations
            ],
        )
        return event_id
