"""Consuming: the `/internal/events` endpoint every subscribing part mounts.

A delivery is accepted only with a valid signature; its event id is recorded in the same
transaction as the handler's effects, so a redelivered event changes nothing twice. The
relay sends what it has for a part at once, as a JSON array: those events are applied in
one transaction and answered event by event.
"""

import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database, upsert, utcnow
from shared.errors import Problem, Unauthenticated, ValidationProblem
from shared.events.tables import EventTables
from shared.signing import SIGNATURE_HEADER, verify


class Event(BaseModel):
    id: uuid.UUID
    topic: str
    source: str
    occurred_at: str
    payload: dict[str, Any]


Payload = TypeVar("Payload", bound=BaseModel)


def payload_of(event: Event, shape: type[Payload]) -> Payload:
    """The event's payload read as `shape` (the fields a consumer keeps): the one way every
    consumer parses one. A payload that is not of that shape is refused (422, field
    `payload`), so the sender keeps it and the fault shows there."""
    try:
        return shape.model_validate(event.payload)
    except ValidationError as exc:
        raise ValidationProblem("payload", f"Not a {event.topic} payload.") from exc


class BadEventSignature(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("The event signature is missing, wrong or too old.")


class NotAnEnvelope(ValidationProblem):
    def __init__(self) -> None:
        super().__init__("body", "Not an event envelope.")


Handler = Callable[[AsyncSession, Event], Awaitable[None]]
# An event's outcome, or a batch's (one `{"id", "status", "detail"?}` for each event).
Receipt = str | list[dict[str, str]]
# What the sender may count as delivered: anything but a refusal.
RECEIVED = frozenset({"processed", "duplicate", "ignored"})
_BATCH = TypeAdapter(list[Event])


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

    async def receive(self, body: bytes, signature: str) -> Receipt:
        """Apply one delivery: an event, or several (a JSON array, as the relay sends what
        it has for this part at once). Answers the event's outcome, or each event's."""
        if not verify(self.secret, body, signature, int(time.time())):
            raise BadEventSignature()
        try:
            if body.lstrip()[:1] == b"[":
                return await self._batch(_BATCH.validate_json(body))
            event = Event.model_validate_json(body)
        except ValidationError as exc:
            raise NotAnEnvelope() from exc
        return await self._apply(event)

    async def _apply(self, event: Event) -> str:
        """One event in a transaction of its own: "processed", "duplicate" or "ignored"."""
        async with self.database.sessions.begin() as session:
            return await self._record_and_handle(session, event)

    async def _record_and_handle(self, session: AsyncSession, event: Event) -> str:
        # Recorded first, in the handler's transaction: a delivery racing this one waits
        # for it, then finds the event recorded and changes nothing.
        recorded = await upsert(
            session,
            self.tables.processed,
            {"event_id": event.id, "topic": event.topic, "processed_at": utcnow()},
            key=("event_id",),
        )
        if not recorded:
            return "duplicate"
        handler = self.handlers.get(event.topic)
        if handler is None:
            return "ignored"
        await handler(session, event)
        return "processed"

    async def _batch(self, events: list[Event]) -> list[dict[str, str]]:
        """Several events in one transaction; if the handler refuses one, each again in a
        transaction of its own, so the refused one is answered `refused` (the sender keeps
        it and shows why) without holding back the others."""
        try:
            async with self.database.sessions.begin() as session:
                outcomes = [await self._record_and_handle(session, event) for event in events]
        except Problem:
            results = []
            for event in events:
                try:
                    results.append({"id": str(event.id), "status": await self._apply(event)})
                except Problem as refusal:
                    results.append(
                        {"id": str(event.id), "status": "refused", "detail": refusal.detail}
                    )
            return results
        return [
            {"id": str(event.id), "status": outcome}
            for event, outcome in zip(events, outcomes, strict=True)
        ]


def inbox_router(inbox_of: Callable[[Request], Inbox]) -> APIRouter:
    router = APIRouter(prefix="/internal", include_in_schema=False)

    @router.post("/events")
    async def receive_event(request: Request) -> dict[str, Any]:
        body = await request.body()
        receipt = await inbox_of(request).receive(body, request.headers.get(SIGNATURE_HEADER, ""))
        return {"status": receipt} if isinstance(receipt, str) else {"results": receipt}

    return router
