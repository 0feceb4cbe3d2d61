"""The forwarding route: every `/api/v1` path the gateway does not serve itself goes to
the part that owns it; and the readiness of those parts.

A plain Starlette route rather than a FastAPI one: the hot path of the suite solves no
dependencies and validates nothing the service will validate again.
"""

import asyncio

from fastapi import APIRouter, Request, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.forwarding.exceptions import NoSuchPath, PartsNotReady, PartUnavailable
from gateway.forwarding.routes import API_PREFIX
from gateway.gatekeeper import authenticate
from gateway.state import GatewayState, gateway_state
from shared.errors import Problem, render_problem
from shared.metrics import ROUTE_TEMPLATE_KEY
from shared.requests import current_request_id

# What a service needs of the caller's request; everything else stays at the gateway.
FORWARDED_REQUEST_HEADERS = frozenset(
    {
        b"accept",
        b"accept-language",
        b"authorization",
        b"content-type",
        b"idempotency-key",
        b"if-match",
        b"if-none-match",
        b"x-purpose",
    }
)
# What a client needs of the service's answer (no hop-by-hop, server or length headers).
RETURNED_RESPONSE_HEADERS = frozenset(
    {
        b"cache-control",
        b"content-language",
        # A page a service serves (a training certificate) says what it may load.
        b"content-security-policy",
        b"content-type",
        b"etag",
        b"idempotent-replayed",
        b"last-modified",
        b"link",
        b"location",
        b"retry-after",
        b"vary",
        b"www-authenticate",
    }
)
_READINESS_TIMEOUT = 2.0
GATEWAY_PART = "gateway"


async def forward(request: Request) -> Response:
    await authenticate(request)
    state = gateway_state(request)
    scope = request.scope
    part = state.routes.part_for(scope["path"])
    if part is None:
        raise NoSuchPath()
    headers = [
        (name, value) for name, value in scope["headers"] if name in FORWARDED_REQUEST_HEADERS
    ]
    headers.append((b"x-request-id", (current_request_id() or "").encode()))
    if scope.get("client"):
        # The chain of addresses for the audit log, the gateway's peer last (RFC 7239 §5.2
        # in its common form); only that last one is known to be true.
        peer = scope["client"][0].encode()
        chain = request.headers.get("x-forwarded-for", "").encode("latin-1")
        headers.append((b"x-forwarded-for", chain + b", " + peer if chain else peer))
    target = scope.get("raw_path", scope["path"].encode()).decode("latin-1")
    if scope["query_string"]:
        target = f"{target}?{scope['query_string'].decode('latin-1')}"
    upstream = await state.forwarder.send(
        part, request.method, target, headers, await request.body()
    )
    response = Response(upstream.body, status_code=upstream.status)
    response.raw_headers.extend(
        (name.lower(), value)
        for name, value in upstream.headers
        if name.lower() in RETURNED_RESPONSE_HEADERS
    )
    return response


class ForwardedDirectly:
    """The innermost ASGI layer of the gateway: a request for a path some service serves
    (and the gateway does not serve itself) goes straight to `forward`, without the
    framework's routing, which tries every route of the gateway first. Everything outside
    it — the request id, errors, body limit, audit trail, idempotency — applies as to any
    route; everything else goes on to the router."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            state: GatewayState = scope["app"].state.gateway
            path = scope["path"]
            found = state.dispatch.match(path)
            if found is not None and found[1] != GATEWAY_PART:
                # Counted under the routing table's prefix (`shared/metrics.py`).
                scope[ROUTE_TEMPLATE_KEY] = found[0]
                try:
                    response = await forward(Request(scope, receive))
                except Problem as problem:
                    response = render_problem(problem, path)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def readiness(request: Request) -> None:
    """Every part the routing table names answers its own `/health/ready`, in parallel."""
    state = gateway_state(request)
    parts = sorted(state.routes.parts)

    async def ready(part: str) -> bool:
        try:
            upstream = await state.forwarder.send(
                part, "GET", "/health/ready", [], deadline=_READINESS_TIMEOUT
            )
        except PartUnavailable:
            return False
        return upstream.status == 200

    answers = await asyncio.gather(*(ready(part) for part in parts))
    if not all(answers):
        raise PartsNotReady(dict(zip(parts, answers, strict=True)))


router = APIRouter()
router.add_route(
    API_PREFIX + "/{path:path}",
    forward,
    methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    include_in_schema=False,
)
