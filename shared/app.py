"""The one app factory every part is built with.

It wires what all parts share — problem+json errors, the request id, JSON logs, health
checks, token verification, the outbox relay and the event inbox — so a part's own
`create_app` only adds its routers and event handlers.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth.revocations import Revocations
from shared.auth.tokens import verifier_from_settings
from shared.client import ServiceClient
from shared.db import Database
from shared.errors import (
    PROBLEM_MEDIA_TYPE,
    Problem,
    ProblemDetail,
    ServiceUnavailable,
    UnexpectedErrors,
    install_error_handlers,
    render_problem,
)
from shared.events.inbox import Handler, Inbox, inbox_router
from shared.events.outbox import Outbox
from shared.events.relay import Relay, SecretResolver
from shared.events.tables import EventTables
from shared.http import ClientKind, http_client
from shared.logs import configure_logging
from shared.metrics import Metrics, RequestMetrics, ScrapedGauge, metrics_endpoint, outbox_gauges
from shared.outbound import OutboundPolicy
from shared.requests import RequestIdMiddleware
from shared.settings import ServiceSettings

MAX_BODY_BYTES = 4 * 1024 * 1024
# At shutdown the relay's delivery under way may finish within this; what it still holds
# then is handed back to the other replicas.
RELAY_STOP_GRACE_SECONDS = 2.0
logger = logging.getLogger("nirm.jobs")

# A periodic job: every `interval` seconds, `run(app)`. Every replica runs it, so a job must
# be an idempotent conditional update (DESIGN.md, scaling out).
Job = tuple[float, Callable[[FastAPI], Awaitable[Any]]]


def operation_id(route: APIRoute) -> str:
    """Stable operationIds for generated SDKs: the route function's name."""
    return route.name


class PayloadTooLarge(Problem):
    slug = "payload-too-large"

    def __init__(self) -> None:
        super().__init__(f"The body may not exceed {MAX_BODY_BYTES} bytes.")


class BodySizeLimit:
    """Refuses bodies over the limit with 413 before they are read into memory."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await self._refuse(scope, receive, send)
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
        await render_problem(PayloadTooLarge(), scope["path"])(scope, receive, send)


class DatabaseUnavailable(ServiceUnavailable):
    def __init__(self) -> None:
        super().__init__("The database does not answer.")


class _TooLarge(HTTPException):
    """Raised from the body's `receive`: an `HTTPException`, so that FastAPI, reading the
    body for a route, lets it through as the 413 it is instead of a parse error."""

    def __init__(self) -> None:
        super().__init__(413, f"The body may not exceed {MAX_BODY_BYTES} bytes.")


def problem_openapi(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with every error declared as problem+json.

    FastAPI files declared error models under `application/json` and adds its own
    `HTTPValidationError` for 422; the suite answers every error as problem+json, so the
    document says so, and generated SDKs get one typed error model.
    """
    if app.openapi_schema is not None:
        return app.openapi_schema
    document = get_openapi(
        title=app.title,
        version=app.version,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    problem_ref = {"$ref": "#/components/schemas/ProblemDetail"}
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    uses_problems = False
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            for status, response in operation.get("responses", {}).items():
                if not status.isdigit() or int(status) < 400:
                    continue
                response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": problem_ref}}
                uses_problems = True
    if uses_problems:
        schemas["ProblemDetail"] = ProblemDetail.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    app.openapi_schema = document
    return document


@dataclass
class ServiceParts:
    """What a part adds to the common app."""

    name: str
    title: str
    routers: Sequence[APIRouter]
    event_tables: EventTables | None = None
    event_handlers: Mapping[str, Handler] = field(default_factory=dict)
    secret_resolver: SecretResolver | None = None
    # Which webhook destinations the relay may call (`shared/outbound.py`).
    outbound: OutboundPolicy | None = None
    openapi_tags: list[dict[str, Any]] = field(default_factory=list)
    # Checked by `/health/ready` after the database: raises `ServiceUnavailable` when what
    # the part depends on (the gateway: every service) is not ready.
    readiness: Callable[[Request], Awaitable[None]] | None = None
    jobs: Sequence[Job] = ()
    # The part's own gauges, read from its database at each scrape of `/metrics`.
    gauges: Sequence[ScrapedGauge] = ()
    # The part's own ASGI middleware, outermost first. It runs inside the shared layers: the
    # request id is set, an unexpected error becomes a 500 problem, the body is limited.
    middleware: Sequence[Callable[[ASGIApp], ASGIApp]] = ()
    # The HTTP client the part sends with (`shared.http`); a transport given to the app
    # makes it httpx's whatever this says.
    http_client: ClientKind = "aiohttp"


async def _run_periodically(app: FastAPI, job: Job) -> None:
    interval, run = job
    while True:
        try:
            await run(app)
        except Exception:
            logger.exception("periodic job failed")
        await asyncio.sleep(interval)


def create_service_app(
    parts: ServiceParts,
    settings: ServiceSettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    on_startup: Callable[[FastAPI], Any] | None = None,
    on_shutdown: Callable[[FastAPI], Awaitable[None]] | None = None,
) -> FastAPI:
    """Build a part's app; no I/O happens until the app starts (lifespan)."""
    database = Database(settings.database_url)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.log_level)
        await http.start()
        relay_task = None
        relay: Relay | None = app.state.relay
        if relay is not None and settings.run_relay:
            relay_task = asyncio.create_task(relay.run_forever(settings.relay_interval_seconds))
        revocations: Revocations | None = app.state.revocations
        revocations_task = (
            asyncio.create_task(revocations.run_forever()) if revocations is not None else None
        )
        if on_startup is not None:
            await on_startup(app)
        job_tasks = (
            [asyncio.create_task(_run_periodically(app, job)) for job in parts.jobs]
            if settings.run_jobs
            else []
        )
        try:
            yield
        finally:
            for task in job_tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if on_shutdown is not None:
                await on_shutdown(app)
            if relay is not None and relay_task is not None:
                await relay.stop(relay_task, RELAY_STOP_GRACE_SECONDS)
            if revocations_task is not None:
                revocations_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await revocations_task
            await http.aclose()
            await database.dispose()

    app = FastAPI(
        title=parts.title,
        version="1",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        openapi_tags=parts.openapi_tags,
        docs_url=None,
        redoc_url=None,
    )
    app.openapi = lambda: problem_openapi(app)  # type: ignore[method-assign]
    app.state.settings = settings
    app.state.database = database
    app.state.verifier = verifier_from_settings(
        settings.jwks_json,
        settings.jwks_url,
        settings.jwt_issuer,
        settings.jwt_audience,
        settings.call_timeout_seconds,
        transport,
    )
    http = http_client(settings.call_timeout_seconds, transport, parts.http_client)
    app.state.http = http
    # A service learns revoked tokens from the gateway that issued them (the gateway
    # checks its own accounts).
    gateway_url = settings.service_urls.get("gateway") if parts.name != "gateway" else None
    app.state.revocations = (
        Revocations(gateway_url, settings.internal_secret, http) if gateway_url else None
    )
    app.state.clients = {
        name: ServiceClient(name, url, http)
        for name, url in settings.service_urls.items()
        if name != parts.name
    }
    metrics = Metrics(parts.name)
    app.state.metrics = metrics
    app.state.outbox = None
    app.state.relay = None
    if parts.event_tables is not None:
        metrics.add_scraped(outbox_gauges(parts.event_tables))
        app.state.outbox = Outbox(parts.event_tables, parts.name, settings.subscriptions)
        app.state.relay = Relay(
            database,
            parts.event_tables,
            internal_secret=settings.internal_secret,
            service_urls=settings.service_urls,
            client=http,
            secret_resolver=parts.secret_resolver,
            outbound=parts.outbound,
            lease=timedelta(seconds=settings.relay_lease_seconds),
            metrics=metrics,
        )
        inbox = Inbox(database, parts.event_tables, settings.internal_secret, parts.event_handlers)
        app.include_router(inbox_router(lambda _request: inbox))

    install_error_handlers(app)
    # Each `add_middleware` wraps the ones added before it.
    for layer in reversed(parts.middleware):
        app.add_middleware(layer)
    app.add_middleware(BodySizeLimit)
    app.add_middleware(UnexpectedErrors)
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(RequestMetrics, metrics=metrics)
    metrics.add_scraped(parts.gauges)
    app.add_api_route(
        "/metrics",
        metrics_endpoint(metrics, database, settings.metrics_token),
        methods=["GET"],
        include_in_schema=False,
    )

    health = APIRouter(prefix="/health", include_in_schema=False)

    @health.get("/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @health.get("/ready")
    async def ready(request: Request) -> dict[str, str]:
        try:
            await asyncio.wait_for(database.ping(), timeout=2.0)
        except Exception as exc:
            raise DatabaseUnavailable() from exc
        if parts.readiness is not None:
            await parts.readiness(request)
        return {"status": "ok"}

    app.include_router(health)
    for router in parts.routers:
        app.include_router(router)
    return app
