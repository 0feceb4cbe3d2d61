"""A small round-robin HTTP load balancer for replica tests, in a thread of its own.

Each request goes to the next backend in rotation, as an ordinary load balancer (a
Kubernetes Service, nginx) spreads them. A backend that refuses the connection is passed
over — the request was never sent, so it is safe to send elsewhere, as nginx's
`proxy_next_upstream error` does; one that fails after the request went out answers 502.
`drain` takes a backend out of rotation (Kubernetes removes a stopping pod's endpoint
before the pod is sent SIGTERM) and `restore` puts it back.
"""

import asyncio
import itertools
import socket
import threading
from collections.abc import Sequence

import aiohttp
import yarl
from aiohttp import web

from tests.support.processes import HOST

# Headers about one connection, which a proxy never passes on.
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "upgrade",
    "proxy-connection",
    "host",
    "content-length",
}


class Balancer:
    def __init__(self, backends: Sequence[str]) -> None:
        self.backends = list(backends)
        self.drained: set[str] = set()
        self._turn = itertools.count()
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def drain(self, backend: str) -> None:
        self.drained.add(backend)

    def restore(self, backend: str) -> None:
        self.drained.discard(backend)

    def _rotation(self) -> list[str]:
        serving = [b for b in self.backends if b not in self.drained]
        start = next(self._turn) % max(1, len(serving))
        return serving[start:] + serving[:start]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        assert self._session is not None
        body = await request.read()
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP]
        for backend in self._rotation():
            try:
                async with self._session.request(
                    request.method,
                    yarl.URL(backend + request.raw_path, encoded=True),
                    headers=headers,
                    data=body or None,
                    allow_redirects=False,
                ) as answer:
                    content = await answer.read()
                    kept = [
                        (k.decode("latin-1"), v.decode("latin-1"))
                        for k, v in answer.raw_headers
                        if k.decode("latin-1").lower() not in _HOP_BY_HOP
                    ]
                    response = web.Response(status=answer.status, body=content)
                    for name, value in kept:
                        response.headers.add(name, value)
                    return response
            except aiohttp.ClientConnectorError:
                continue  # refused: nothing was sent, the next backend may take it
            except aiohttp.ClientError:
                return web.Response(status=502, text="the backend failed mid-request")
        return web.Response(status=502, text="no backend answers")

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            # A new connection a request: none is left open to a backend that stops.
            connector=aiohttp.TCPConnector(limit=200, force_close=True),
            timeout=aiohttp.ClientTimeout(total=120, sock_connect=1),
            auto_decompress=False,
            skip_auto_headers=("User-Agent", "Accept-Encoding", "Content-Type"),
        )
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        listening = socket.socket()
        listening.bind((HOST, 0))
        self.port = listening.getsockname()[1]
        await web.SockSite(self._runner, listening).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()


class Balancers:
    """One event loop in a background thread serving every balancer of a test module."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.started: list[Balancer] = []

    def balancer(self, backends: Sequence[str]) -> Balancer:
        balancer = Balancer(backends)
        asyncio.run_coroutine_threadsafe(balancer.start(), self.loop).result(timeout=10)
        self.started.append(balancer)
        return balancer

    def close(self) -> None:
        for balancer in self.started:
            asyncio.run_coroutine_threadsafe(balancer.stop(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()
