"""Consuming: the `/internal/events` endpoint every subscribing part mounts.

A delivery is accepted only with a valid signature; its event id is recorded in the same
transaction as the handler's effects, so a redelivered event changes nothing twice.
"""

import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ValidationError
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database, utcnow
from shared.errors import Unauthenticated, ValidationProblem
from shared.events.tables import EventTables
from shared.signing import SIGNATURE_HEADER, verify


class Event(BaseModel):
    id: uuid.UUID
    topic: str
    source: str
    occurred_at: str
    payload: dict[str, Any]


Handler = Callable[[AsyncSession, Event], Awaitable[None]]


class Inbox:
    def __init__(
        self,
        database: Database,
        tables: EventTables,
        secret: str,
        handlers: Mapping[str, Handler],
    ) -> None:
        self.database = database
        self.tables = tables
        self.secret = secret
        self.handlers = handlers

    async def receive(self, body: bytes, signature: str) -> str:
        """Apply one delivery; returns "processed", "duplicate" or "ignored"."""
        if not verify(self.secret, body, signature, int(time.time())):
            raise Unauthenticated("The event signature is missing, wrong or too old.")
        try:
            event = Event.model_validate_json(body)
        except ValidationError as exc:
            raise ValidationProblem("body", "Not an event envelope.") from exc
        processed = self.tables.processed
        try:
            async with self.database.sessions.begin() as session:
                seen = await session.scalar(
                    select(processed.c.event_id).where(processed.c.event_id == event.id)
                )
                if seen is not None:
                    return "duplicate"
                await session.execute(
                    insert(processed).values(
                        event_id=event.id, topic=event.topic, processed_at=utcnow()
                    )
                )
                handler = self.handlers.get(event.topic)
                if handler is None:
                    return "ignored"
                await handler(session, event)
        except IntegrityError:
            # A concurrent delivery of the same event won the insert: its effects stand.
            return "duplicate"
        return "processed"


def inbox_router(inbox_of: Callable[[Request], Inbox]) -> APIRouter:
    router = APIRouter(prefix="/internal", include_in_schema=False)

    @router.post("/events")
    async def receive_event(request: Request) -> dict[str, str]:
        body = await request.body()
        result = await inbox_of(request).receive(body, request.headers.get(SIGNATURE_HEADER, ""))
        return {"status": result}

    return router
