"""Prometheus metrics of a part: `GET /metrics` in the text exposition format.

Every part counts its requests by route template, status and part, with a latency
histogram, and its event deliveries (relay failures by destination, webhook deliveries by
outcome); a part with an outbox reports its backlog and the age of its oldest pending
event, read from its database at each scrape; a part adds gauges of its own the same way
(the referral part: referrals past their deadline).

The route label is the template the request matched (`/api/v1/cases/{case_id}`), never the
path, so ids do not multiply the series; the gateway labels what it forwards by the
routing table's prefix (`/api/v1/referrals`), a request no route matched `unmatched`.

`/metrics` is served only when the part's `metrics_token` is set, to a scraper sending it
as a bearer token; it is not under `/api/v1`, so the gateway never forwards it. Each app
has its own registry (tests build many apps in one process).

The request layer is a plain ASGI middleware: per request, a clock read on each side, the
status caught on its way out, and two increments on children kept by label values.
"""

import hmac
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Final

from fastapi import Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.db import Database, utcnow
from shared.errors import NotFound, Unauthenticated
from shared.events.tables import EventTables

# Where the gateway puts the template of what it forwards without the framework's routing.
ROUTE_TEMPLATE_KEY: Final = "nirm.route_template"
UNMATCHED: Final = "unmatched"
WEBHOOK: Final = "webhook"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# From a cache hit to a slow statistics count (seconds).
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True)
class ScrapedGauge:
    """A gauge read from the part's database at each scrape."""

    name: str
    documentation: str
    read: Callable[[AsyncSession], Awaitable[float]]


class Metrics:
    def __init__(self, part: str) -> None:
        # No `_created` series beside each counter: a scrape half the size.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.part = part
        self.registry = CollectorRegistry(auto_describe=False)
        registry = self.registry
        self._requests = Counter(
            "nirm_http_requests",
            "HTTP requests answered, by route template and status.",
            ["part", "method", "route", "status"],
            registry=registry,
        )
        self._latency = Histogram(
            "nirm_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template.",
            ["part", "method", "route"],
            buckets=_BUCKETS,
            registry=registry,
        )
        self._relay_failures = Counter(
            "nirm_relay_failures",
            "Event deliveries that failed (retried later), by destination: a part, or webhook.",
            ["part", "destination"],
            registry=registry,
        )
        self._webhooks = Counter(
            "nirm_webhook_deliveries",
            "Deliveries of events to providers' webhooks, by outcome (delivered, failed).",
            ["part", "outcome"],
            registry=registry,
        )
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}
        self._scraped: list[tuple[Gauge, ScrapedGauge]] = []

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        if method not in _METHODS:
            method = "other"
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            children = (
                self._requests.labels(self.part, method, route, str(status)),
                self._latency.labels(self.part, method, route),
            )
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)

    def delivered(self, destination: str, failed: bool) -> None:
        """One event's delivery attempt; `destination` a part's name or `WEBHOOK`."""
        if failed:
            self._relay_failures.labels(self.part, destination).inc()
        if destination == WEBHOOK:
            self._webhooks.labels(self.part, "failed" if failed else "delivered").inc()

    def add_scraped(self, gauges: Sequence[ScrapedGauge]) -> None:
        for gauge in gauges:
            metric = Gauge(gauge.name, gauge.documentation, ["part"], registry=self.registry)
            self._scraped.append((metric, gauge))

    async def exposition(self, database: Database) -> bytes:
        if self._scraped:
            async with database.sessions() as session:
                for metric, gauge in self._scraped:
                    metric.labels(self.part).set(await gauge.read(session))
        return generate_latest(self.registry)


def outbox_gauges(tables: EventTables) -> list[ScrapedGauge]:
    outbox = tables.outbox
    pending = outbox.c.delivered_at.is_(None)

    async def backlog(session: AsyncSession) -> float:
        return float(await session.scalar(select(func.count()).where(pending)) or 0)

    async def oldest_age(session: AsyncSession) -> float:
        oldest = await session.scalar(select(func.min(outbox.c.created_at)).where(pending))
        return max(0.0, (utcnow() - oldest).total_seconds()) if oldest is not None else 0.0

    return [
        ScrapedGauge(
            "nirm_outbox_pending_events",
            "Events in the outbox not yet delivered (one per destination).",
            backlog,
        ),
        ScrapedGauge(
            "nirm_outbox_oldest_pending_age_seconds",
            "Age of the oldest event not yet delivered; 0 when none is pending.",
            oldest_age,
        ),
    ]


class RequestMetrics:
    """Counts and times every HTTP request by the route template it matched."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or scope.get(ROUTE_TEMPLATE_KEY, UNMATCHED)
            self.metrics.observe(scope["method"], template, status, time.perf_counter() - started)


class MetricsOff(NotFound):
    def __init__(self) -> None:
        super().__init__("Metrics are off: set the part's metrics token to scrape them.")


class MetricsTokenRequired(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("The metrics token is required.")


def metrics_endpoint(
    metrics: Metrics, database: Database, token: str | None
) -> Callable[[Request], Awaitable[Response]]:
    """`GET /metrics`: 404 while no token is set, 401 without it."""
    expected = f"Bearer {token}".encode() if token else None

    async def serve(request: Request) -> Response:
        if expected is None:
            raise MetricsOff()
        given = request.headers.get("authorization", "").encode("latin-1")
        if not hmac.compare_digest(given, expected):
            raise MetricsTokenRequired()
        return Response(await metrics.exposition(database), media_type=CONTENT_TYPE_LATEST)

    return serve
