"""The outbox, relay and inbox deliver every event exactly once in effect.

Real databases through real migrations (a publishing part and a subscribing part), the
relay posting over HTTP to a real app's `/internal/events`.
"""

import asyncio
import json
from collections import Counter
from datetime import datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from identification_svc.db import EVENTS as PUBLISHER_TABLES
from risk_svc.db import EVENTS as SUBSCRIBER_TABLES
from risk_svc.settings import Settings as SubscriberSettings
from shared.app import ServiceParts, create_service_app
from shared.db import Database, utcnow
from shared.errors import ValidationProblem
from shared.events.inbox import Event
from shared.events.outbox import Outbox
from shared.events.relay import Relay
from shared.http import HttpxClient
from shared.signing import SIGNATURE_HEADER, sign
from tests.support.apps import SuiteTransport, running
from tests.support.databases import DatabaseFactory
from tests.support.events import deliver, deliver_raw, envelope

SECRET = "a-test-internal-secret"
SUBSCRIBER = "http://risk"


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


class CountingTransport(httpx.AsyncBaseTransport):
    """Counts raw deliveries per event id before handing them to the real app (an event
    alone, or several in a batch)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.deliveries: Counter[str] = Counter()
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if response.status_code == 200:
            self.requests += 1
            sent = json.loads(await request.aread())
            for envelope in sent if isinstance(sent, list) else [sent]:
                self.deliveries[envelope["id"]] += 1
        return response


def subscriber_app(url: str, effects: Counter[str]) -> FastAPI:
    async def record(session: AsyncSession, event: Event) -> None:
        if event.payload.get("refuse"):
            raise ValidationProblem("payload", "Not a payload this part takes.")
        effects[str(event.id)] += 1

    parts = ServiceParts(
        name="risk",
        title="subscriber",
        routers=[],
        event_tables=SUBSCRIBER_TABLES,
        event_handlers={"case.opened": record},
    )
    settings = SubscriberSettings(
        database_url=url, jwks_json='{"keys": []}', internal_secret=SECRET, run_relay=False
    )
    return create_service_app(parts, settings)


async def publish(database: Database, count: int, refused: int | None = None) -> list[str]:
    """`count` events; the subscriber's handler refuses the one numbered `refused`."""
    outbox = Outbox(PUBLISHER_TABLES, "identification", {"case.opened": ["risk"]})
    ids = []
    async with database.sessions.begin() as session:
        for number in range(count):
            payload = {"n": number, "refuse": number == refused}
            ids.append(str(await outbox.publish(session, "case.opened", payload)))
    return ids


def make_relay(database: Database, transport: httpx.AsyncBaseTransport, clock: Clock) -> Relay:
    return Relay(
        database,
        PUBLISHER_TABLES,
        internal_secret=SECRET,
        service_urls={"risk": SUBSCRIBER},
        client=HttpxClient(5.0, transport),
        clock=clock,
        backoff_base=1.0,
    )


async def pending(database: Database) -> int:
    outbox = PUBLISHER_TABLES.outbox
    async with database.sessions() as session:
        query = select(func.count()).select_from(outbox).where(outbox.c.delivered_at.is_(None))
        return int(await session.scalar(query) or 0)


async def test_an_event_written_while_the_subscriber_was_down_arrives_once_when_it_is_back(
    fresh_databases: DatabaseFactory,
) -> None:
    publisher = Database(fresh_databases.new("identification"))
    effects: Counter[str] = Counter()
    app = subscriber_app(fresh_databases.new("risk"), effects)
    transport = SuiteTransport()
    clock = Clock()
    relay = make_relay(publisher, transport, clock)
    try:
        [event_id] = await publish(publisher, 1)

        assert await relay.run_once() == 0  # subscriber down: the try fails, the row stays
        assert await relay.run_once() == 0  # backing off: not tried again yet
        assert await pending(publisher) == 1

        transport.add("risk", app)
        async with running(app):
            clock.now += timedelta(seconds=5)
            assert await relay.run_once() == 1
            clock.now += timedelta(minutes=10)
            assert await relay.run_once() == 0

        assert effects == Counter({event_id: 1})
        assert await pending(publisher) == 0
    finally:
        await relay.client.aclose()
        await publisher.dispose()


async def test_a_redelivered_event_changes_nothing_twice(fresh_databases: DatabaseFactory) -> None:
    effects: Counter[str] = Counter()
    app = subscriber_app(fresh_databases.new("risk"), effects)
    body = (
        b'{"id":"6f1c2e9a-1111-4a4a-9b9b-123456789abc","topic":"case.opened",'
        b'"source":"identification","occurred_at":"2026-11-28T10:00:00+00:00","payload":{}}'
    )
    async with (
        running(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=SUBSCRIBER) as client,
    ):
        answers = [(await deliver_raw(client, SECRET, body)).json()["status"] for _ in range(3)]
    assert answers == ["processed", "duplicate", "duplicate"]
    assert effects == Counter({"6f1c2e9a-1111-4a4a-9b9b-123456789abc": 1})


@pytest.mark.parametrize(
    "signature",
    ["", "t=1,v1=00", "nonsense", sign("another-secret", b"{}", int(utcnow().timestamp()))],
    ids=["none", "stale", "nonsense", "another-secret"],
)
async def test_an_unsigned_or_wrongly_signed_delivery_is_refused(
    fresh_databases: DatabaseFactory, signature: str
) -> None:
    effects: Counter[str] = Counter()
    app = subscriber_app(fresh_databases.new("risk"), effects)
    async with (
        running(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=SUBSCRIBER) as client,
    ):
        response = await client.post(
            "/internal/events", content=b"{}", headers={SIGNATURE_HEADER: signature}
        )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert not effects


async def test_two_relays_on_one_database_never_deliver_an_event_twice(
    fresh_databases: DatabaseFactory,
) -> None:
    publisher = Database(fresh_databases.new("identification"))
    effects: Counter[str] = Counter()
    app = subscriber_app(fresh_databases.new("risk"), effects)
    counting = CountingTransport(SuiteTransport({"risk": app}))
    clock = Clock()
    relays = [make_relay(publisher, counting, clock) for _ in range(2)]
    for relay in relays:
        relay.batch_size = 7
    try:
        ids = await publish(publisher, 120)
        clock.now = utcnow()
        async with running(app):

            async def drain(relay: Relay) -> int:
                delivered = 0
                for _ in range(200):
                    delivered += await relay.run_once()
                    if await pending(publisher) == 0:
                        break
                return delivered

            per_relay = await asyncio.gather(*(drain(relay) for relay in relays))

        assert sum(per_relay) == 120
        assert all(count > 0 for count in per_relay) or publisher.is_sqlite
        assert counting.deliveries == Counter(dict.fromkeys(ids, 1))
        assert effects == Counter(dict.fromkeys(ids, 1))
    finally:
        for relay in relays:
            await relay.client.aclose()
        await publisher.dispose()


async def test_a_relay_that_died_mid_delivery_leaves_the_event_to_another_after_its_lease(
    fresh_databases: DatabaseFactory,
) -> None:
    publisher = Database(fresh_databases.new("identification"))
    effects: Counter[str] = Counter()
    app = subscriber_app(fresh_databases.new("risk"), effects)
    clock = Clock()
    dead = make_relay(publisher, SuiteTransport({"risk": app}), clock)
    alive = make_relay(publisher, SuiteTransport({"risk": app}), clock)
    try:
        [event_id] = await publish(publisher, 1)
        clock.now = utcnow()
        assert len(await dead._claim()) == 1  # claimed, then the process "dies"
        async with running(app):
            assert await alive.run_once() == 0  # the lease still holds
            clock.now += dead.lease + timedelta(seconds=1)
            assert await alive.run_once() == 1
        assert effects == Counter({event_id: 1})
    finally:
        await dead.client.aclose()
        await alive.client.aclose()
        await publisher.dispose()


class HangingTransport(httpx.AsyncBaseTransport):
    """A subscriber that takes the request and never answers."""

    def __init__(self) -> None:
        self.received = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.received.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def test_a_relay_stopped_mid_delivery_hands_its_claims_back_to_another_at_once(
    fresh_databases: DatabaseFactory,
) -> None:
    publisher = Database(fresh_databases.new("identification"))
    effects: Counter[str] = Counter()
    app = subscriber_app(fresh_databases.new("risk"), effects)
    clock = Clock()
    hanging = HangingTransport()
    stopping = make_relay(publisher, hanging, clock)
    alive = make_relay(publisher, SuiteTransport({"risk": app}), clock)
    try:
        [event_id] = await publish(publisher, 1)
        clock.now = utcnow()
        task = asyncio.create_task(stopping.run_forever(interval=0.05))
        await asyncio.wait_for(hanging.received.wait(), timeout=10)  # claimed, in flight
        async with running(app):
            assert await alive.run_once() == 0  # the claim holds while the first delivers
            await stopping.stop(task, grace=0.1)  # the replica's shutdown
            assert task.done()
            assert await alive.run_once() == 1  # at once, not when the lease runs out
        assert effects == Counter({event_id: 1})
    finally:
        await stopping.client.aclose()
        await alive.client.aclose()
        await publisher.dispose()


async def test_the_events_pending_for_a_part_go_in_one_request_each_applied_once(
    fresh_databases: DatabaseFactory,
) -> None:
    publisher = Database(fresh_databases.new("identification"))
    effects: Counter[str] = Counter()
    app = subscriber_app(fresh_databases.new("risk"), effects)
    counting = CountingTransport(SuiteTransport({"risk": app}))
    clock = Clock()
    relay = make_relay(publisher, counting, clock)
    try:
        ids = await publish(publisher, 10)
        clock.now = utcnow()
        async with running(app):
            assert await relay.run_once() == 10
        assert counting.requests == 1
        assert effects == Counter(dict.fromkeys(ids, 1))
        assert await pending(publisher) == 0
    finally:
        await relay.client.aclose()
        await publisher.dispose()


async def test_an_event_refused_in_a_batch_stays_pending_with_the_reason_and_no_other_does(
    fresh_databases: DatabaseFactory,
) -> None:
    publisher = Database(fresh_databases.new("identification"))
    effects: Counter[str] = Counter()
    app = subscriber_app(fresh_databases.new("risk"), effects)
    clock = Clock()
    relay = make_relay(publisher, SuiteTransport({"risk": app}), clock)
    try:
        ids = await publish(publisher, 20, refused=13)
        clock.now = utcnow()
        async with running(app):
            assert await relay.run_once() == 19
        refused = ids[13]
        # What the subscriber kept (its in-memory effects also saw the batch rolled back).
        processed = SUBSCRIBER_TABLES.processed
        async with app.state.database.sessions() as session:
            kept = set((await session.scalars(select(processed.c.event_id))).all())
        assert {str(event_id) for event_id in kept} == set(ids) - {refused}
        outbox = PUBLISHER_TABLES.outbox
        async with publisher.sessions() as session:
            rows = (
                await session.execute(
                    select(outbox.c.event_id, outbox.c.last_error).where(
                        outbox.c.delivered_at.is_(None)
                    )
                )
            ).all()
        assert [(str(event_id), error) for event_id, error in rows] == [
            (refused, "Not a payload this part takes.")
        ]
    finally:
        await relay.client.aclose()
        await publisher.dispose()


async def test_a_batch_with_an_event_seen_before_answers_it_duplicate(
    fresh_databases: DatabaseFactory,
) -> None:
    effects: Counter[str] = Counter()
    app = subscriber_app(fresh_databases.new("risk"), effects)
    envelopes = [
        envelope(topic, {"n": 1}, source="identification")
        for topic in ("case.opened", "case.opened", "unknown.topic")
    ]
    async with (
        running(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=SUBSCRIBER) as client,
    ):
        assert (await deliver(client, SECRET, envelopes[0])).json() == {"status": "processed"}
        answer = await deliver(client, SECRET, envelopes)
    assert answer.status_code == 200
    assert answer.json() == {
        "results": [
            {"id": envelopes[0]["id"], "status": "duplicate"},
            {"id": envelopes[1]["id"], "status": "processed"},
            {"id": envelopes[2]["id"], "status": "ignored"},
        ]
    }
    assert sum(effects.values()) == 2
