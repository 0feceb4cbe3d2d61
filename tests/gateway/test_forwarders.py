"""Both forwarders against a real HTTP server on a loopback port: the answer comes back
whole, the path goes out exactly as the client wrote it, no redirect is followed, and a
dead or slow service is `PartUnavailable` within the deadline."""

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.app import create_app
from gateway.forwarding.exceptions import PartUnavailable
from gateway.forwarding.forwarder import Forwarder
from gateway.settings import Settings
from shared.http import AiohttpClient, HttpClient, HttpxClient


async def echo(request: Request) -> Response:
    return JSONResponse(
        {
            "method": request.method,
            "raw_path": request.scope["raw_path"].decode(),
            "query": request.scope["query_string"].decode(),
            "headers": [[k.decode(), v.decode()] for k, v in request.scope["headers"]],
            "body": (await request.body()).decode(),
        },
        headers={"ETag": '"v7"', "X-Internal": "stays behind"},
    )


async def redirect(request: Request) -> Response:
    origin = f"http://{request.headers['host']}"
    return Response(status_code=307, headers={"Location": f"{origin}/api/v1/target?x=1"})


async def slow(request: Request) -> Response:
    """Answers only when the test is over (the fixture releases it), or after 10 s."""
    await asyncio.wait_for(request.app.state.released.wait(), timeout=10)
    return Response()


SERVICE = Starlette(
    routes=[
        Route("/api/v1/redirect", redirect),
        Route("/api/v1/slow", slow),
        Route("/{path:path}", echo, methods=["GET", "POST", "PUT"]),
    ]
)


@pytest.fixture
async def service_url() -> AsyncIterator[str]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    SERVICE.state.released = asyncio.Event()
    server = uvicorn.Server(uvicorn.Config(SERVICE, log_config=None, lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[listener]))
    while not server.started:  # noqa: ASYNC110  (uvicorn's server has only this flag)
        await asyncio.sleep(0.01)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    SERVICE.state.released.set()
    server.should_exit = True
    await task


FORWARDERS = pytest.mark.parametrize("make", [HttpxClient, AiohttpClient], ids=["httpx", "aiohttp"])
Make = Callable[[float], HttpClient]


class Started(Forwarder):
    """A forwarder over its own started client, which `aclose` closes."""

    def __init__(self, client: HttpClient, urls: dict[str, str], within: float) -> None:
        super().__init__(client, urls, timeout=within)
        self.client = client

    async def aclose(self) -> None:
        await self.client.aclose()


async def started(make: Make, urls: dict[str, str], within: float = 2.0) -> Started:
    client = make(within)
    await client.start()
    return Started(client, urls, within)


@FORWARDERS
async def test_the_request_goes_out_as_written_and_the_answer_comes_back_whole(
    make: Make, service_url: str
) -> None:
    forwarder = await started(make, {"identification": service_url})
    try:
        answer = await forwarder.send(
            "identification",
            "POST",
            "/api/v1/cases/%2e%2e/a%2Fb/%C8%9B?q=a%20b&r=%41",
            [(b"authorization", b"Bearer t"), (b"content-type", b"application/json")],
            b'{"note": "\xc8\x9b"}',
        )
    finally:
        await forwarder.aclose()
    assert answer.status == 200
    headers = dict(answer.headers)
    assert headers[b"etag"] == b'"v7"'
    assert headers[b"x-internal"] == b"stays behind"  # the router filters, not the forwarder
    seen = httpx.Response(200, content=answer.body).json()
    assert seen["raw_path"] == "/api/v1/cases/%2e%2e/a%2Fb/%C8%9B"
    assert seen["query"] == "q=a%20b&r=%41"
    assert seen["body"] == '{"note": "ț"}'
    sent = {name for name, _ in seen["headers"]}
    assert {"authorization", "content-type", "host"} <= sent
    if isinstance(forwarder.client, AiohttpClient):
        # It passes bodies on as they come, so it must not ask for them compressed.
        assert "accept-encoding" not in sent


@FORWARDERS
async def test_a_redirect_is_answered_not_followed_with_the_location_made_relative(
    make: Make, service_url: str
) -> None:
    forwarder = await started(make, {"risk": service_url})
    try:
        answer = await forwarder.send("risk", "GET", "/api/v1/redirect", [])
    finally:
        await forwarder.aclose()
    assert answer.status == 307
    assert dict(answer.headers)[b"location"] == b"/api/v1/target?x=1"


@FORWARDERS
async def test_a_slow_service_is_unavailable_at_the_deadline(make: Make, service_url: str) -> None:
    forwarder = await started(make, {"risk": service_url}, within=0.5)
    started_at = time.monotonic()
    try:
        with pytest.raises(PartUnavailable):
            await forwarder.send("risk", "GET", "/api/v1/slow", [])
    finally:
        await forwarder.aclose()
    assert 0.4 <= time.monotonic() - started_at < 1.5


@FORWARDERS
async def test_a_refused_connection_unknown_part_or_stopped_forwarder_is_unavailable(
    make: Make,
) -> None:
    forwarder = await started(make, {"risk": "http://127.0.0.1:9"})
    started_at = time.monotonic()
    with pytest.raises(PartUnavailable):
        await forwarder.send("risk", "GET", "/api/v1/risk-instruments", [])
    assert time.monotonic() - started_at < 1.5
    with pytest.raises(PartUnavailable):
        await forwarder.send("referral", "GET", "/api/v1/referrals", [])
    await forwarder.aclose()
    with pytest.raises(PartUnavailable):
        await forwarder.send("risk", "GET", "/api/v1/risk-instruments", [])


@pytest.mark.parametrize(
    ("forwarder", "transport", "expected"),
    [
        ("aiohttp", None, AiohttpClient),
        ("httpx", None, HttpxClient),
        ("aiohttp", httpx.MockTransport(lambda request: httpx.Response(200)), HttpxClient),
    ],
)
def test_aiohttp_forwards_unless_a_transport_is_injected_or_httpx_asked_for(
    gateway_settings: Settings, forwarder: str, transport, expected: type
) -> None:
    settings = gateway_settings.model_copy(update={"forwarder": forwarder})
    app = create_app(settings, transport=transport)
    assert isinstance(app.state.http, expected)
