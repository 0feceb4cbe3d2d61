"""Each referral change reaches the provider's own webhook, signed with its own secret
(header X-NIRM-Signature with a timestamp), retried with backoff while the receiver is
down or failing, and taking effect exactly once at a receiver that deduplicates by id.

The relay is driven by hand with a controllable clock; the receiver is a small real app
that checks every signature.
"""

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI, Request, Response

from referral_svc.db import EVENTS
from shared.db import utcnow
from shared.events.relay import Relay
from shared.http import HttpxClient
from shared.outbound import OutboundPolicy
from shared.signing import SIGNATURE_HEADER, verify
from tests.support.apps import SuiteTransport
from tests.support.identification import Caller, Callers
from tests.support.referral import Referral

SECRET = "the-shelters-own-webhook-secret"
HOOK_HOST = "hooks.ngo.example"


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Receiver:
    """The provider's endpoint: refuses a bad signature, deduplicates by event id, and can
    be made to fail — before acting, or after acting (the answer lost on the way)."""

    clock: Clock
    secret: str = SECRET
    failing: bool = False
    lose_answer_once: bool = False
    attempts: int = 0
    bad_signatures: int = 0
    deliveries: Counter[str] = field(default_factory=Counter)
    effects: Counter[str] = field(default_factory=Counter)
    bodies: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/nirm")
        async def receive(request: Request) -> Response:
            self.attempts += 1
            body = await request.body()
            signature = request.headers.get(SIGNATURE_HEADER, "")
            if not verify(self.secret, body, signature, int(self.clock().timestamp())):
                self.bad_signatures += 1
                return Response(status_code=401)
            if self.failing:
                return Response(status_code=503)
            envelope = await request.json()
            self.deliveries[envelope["id"]] += 1
            if envelope["id"] not in self.effects:  # act once per event
                self.effects[envelope["id"]] += 1
                self.bodies.append(envelope)
            if self.lose_answer_once:
                self.lose_answer_once = False
                return Response(status_code=502)
            return Response(status_code=204)

        return app


def relay_for(service: Referral, transport: SuiteTransport, clock: Clock) -> Relay:
    """A relay over the service's outbox, with its provider-secret resolver, driven by hand."""
    return Relay(
        service.app.state.database,
        EVENTS,
        internal_secret="not-used-for-webhooks-0000",
        service_urls={},
        secret_resolver=service.app.state.relay.secret_resolver,
        client=HttpxClient(5.0, transport),
        # The receiver runs in this process, reached by its name as an allowed host is
        # (tests/referral/providers/test_webhook_destinations.py checks the other hosts).
        outbound=OutboundPolicy(allowed_hosts=[HOOK_HOST]),
        clock=clock,
    )


async def test_every_change_reaches_the_webhook_signed_and_once_in_effect_despite_failures(
    service: Referral, police: Caller, callers: Callers
) -> None:
    organisation = uuid.uuid4()
    shelter = await service.provider(
        organisation, webhook_url=f"http://{HOOK_HOST}/nirm", webhook_secret=SECRET
    )
    staff = callers("provider", organisation_id=organisation)
    case_id = await service.adult_with_consent(police)
    referral = await service.referral(police, case_id, shelter["id"])
    await service.act(staff, referral["id"], "accept")
    webhook_events = await service.events(destination=f"http://{HOOK_HOST}/nirm")
    assert [e["topic"] for e in webhook_events] == ["referral.created", "referral.status_changed"]

    clock = Clock()
    receiver = Receiver(clock)
    transport = SuiteTransport()
    relay = relay_for(service, transport, clock)
    try:
        await relay.run_once()  # the receiver is not there at all
        assert receiver.attempts == 0

        transport.add(HOOK_HOST, receiver.app())
        receiver.failing = True
        clock.now += timedelta(minutes=10)
        await relay.run_once()  # there, but failing
        assert receiver.attempts == 2
        await relay.run_once()  # backing off: not tried again yet
        assert receiver.attempts == 2

        receiver.failing = False
        receiver.lose_answer_once = True
        clock.now += timedelta(minutes=10)
        await relay.run_once()  # both arrive; one answer is lost on the way back
        clock.now += timedelta(minutes=10)
        await relay.run_once()  # that one is sent again, and recognised
        clock.now += timedelta(hours=1)
        await relay.run_once()  # nothing left
    finally:
        await relay.client.aclose()

    assert receiver.bad_signatures == 0
    assert receiver.attempts == 5
    assert sorted(receiver.deliveries.values()) == [1, 2]  # at least once...
    assert receiver.effects == Counter({e["id"]: 1 for e in webhook_events})  # once in effect
    received = {b["topic"]: b["payload"] for b in receiver.bodies}
    assert received["referral.created"]["referral_id"] == referral["id"]
    assert received["referral.status_changed"]["status"] == "accepted"
    assert received["referral.status_changed"]["previous_status"] == "sent"


async def test_a_delivery_is_signed_with_the_providers_current_secret(
    service: Referral, police: Caller
) -> None:
    shelter = await service.provider(
        webhook_url=f"http://{HOOK_HOST}/nirm", webhook_secret="an-old-secret-of-16+"
    )
    case_id = await service.adult_with_consent(police)
    await service.referral(police, case_id, shelter["id"])
    rotated = await service.send(
        "PATCH",
        f"/api/v1/providers/{shelter['id']}",
        service.coordinator,
        {"webhook_secret": SECRET},
    )
    assert rotated.status_code == 200
    clock = Clock()
    receiver = Receiver(clock)
    relay = relay_for(service, SuiteTransport({HOOK_HOST: receiver.app()}), clock)
    try:
        await relay.run_once()
    finally:
        await relay.client.aclose()
    assert receiver.bad_signatures == 0
    assert len(receiver.effects) == 1


async def test_a_provider_without_a_webhook_is_sent_nothing(
    service: Referral, police: Caller
) -> None:
    shelter = await service.provider()
    case_id = await service.adult_with_consent(police)
    await service.referral(police, case_id, shelter["id"])
    destinations = await service.sql("SELECT DISTINCT destination FROM outbox")
    assert all(d.startswith("service:") for (d,) in destinations)
