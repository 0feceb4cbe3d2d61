"""HTTP from one part to another: a pooled client per process, within a deadline.

Everything a part sends to another goes through one `HttpClient`: the gateway's forwarded
requests, the outbox relay's event deliveries and webhooks, a service's lookups in another
(`shared.client`). `AiohttpClient` is the one a deployed part uses: it spends about half
the CPU of `HttpxClient` per exchange (`bench/`). `HttpxClient` serves when a transport is
injected — the tests wire the parts in-process through one — or when a setting asks for it.

Either sends the target exactly as given (no re-quoting or normalising, which could move
a request under another prefix than the one routed), follows no redirect, asks for no
compression and leaves bodies as they come, never goes through a proxy from the
environment, gives up connecting after a second, and bounds the whole exchange by the
caller's deadline. What goes wrong is `Unreachable` (no answer) or `InvalidTarget` (a URL
the client refuses to send) — never a hang.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import aiohttp
import httpx
import yarl

Headers = Sequence[tuple[bytes, bytes]]
ClientKind = Literal["aiohttp", "httpx"]
# Connecting is quick or the other part is down: no need to wait the whole deadline for it.
CONNECT_TIMEOUT_SECONDS = 1.0
_MAX_CONNECTIONS = 200


class Unreachable(Exception):
    """No answer: refused, reset, not within the deadline, or the client is closed."""


class InvalidTarget(Exception):
    """A URL the client refuses to send."""


@dataclass(frozen=True, slots=True)
class Answer:
    """The other part's answer, whole."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class HttpClient:
    """What both clients share; each says only how it exchanges one request."""

    _invalid_url: type[Exception]
    _failure: type[Exception]

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    async def start(self) -> None:
        """Open the pool (in the event loop that will use it)."""

    async def aclose(self) -> None:
        raise NotImplementedError

    def _started(self) -> bool:
        raise NotImplementedError

    async def _exchange(
        self, method: str, url: str, headers: Headers, body: bytes, server_name: str | None
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        raise NotImplementedError

    async def send(
        self,
        method: str,
        url: str,
        headers: Headers = (),
        body: bytes = b"",
        *,
        deadline: float | None = None,
        server_name: str | None = None,
    ) -> Answer:
        """`method url` with `headers` and `body`, answered within `deadline` seconds (the
        client's timeout by default). `server_name` is the name TLS checks the server's
        certificate against when the URL names its address (`shared/outbound.py`)."""
        if not self._started():
            raise Unreachable("the client is closed")
        try:
            # The client bounds its own phases (connect, each read); this bounds the whole.
            async with asyncio.timeout(deadline or self.timeout):
                status, answer_headers, content = await self._exchange(
                    method, url, headers, body, server_name
                )
        except self._invalid_url as exc:
            raise InvalidTarget(url) from exc
        except (self._failure, TimeoutError) as exc:
            raise Unreachable(type(exc).__name__) from exc
        return Answer(status, answer_headers, content)


class HttpxClient(HttpClient):
    """One pooled `httpx.AsyncClient`, open from construction."""

    _invalid_url = httpx.InvalidURL
    _failure = httpx.HTTPError

    def __init__(self, timeout: float, transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(timeout)
        self._client: httpx.AsyncClient | None = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT_SECONDS, timeout)),
            limits=httpx.Limits(max_connections=_MAX_CONNECTIONS, max_keepalive_connections=50),
            trust_env=False,
        )

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _started(self) -> bool:
        return self._client is not None

    async def _exchange(
        self, method: str, url: str, headers: Headers, body: bytes, server_name: str | None
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        assert self._client is not None
        response = await self._client.request(
            method,
            url,
            headers=list(headers),
            content=body,
            extensions={"sni_hostname": server_name} if server_name else None,
            follow_redirects=False,
        )
        return response.status_code, response.headers.raw, response.content


class AiohttpClient(HttpClient):
    """One pooled `aiohttp.ClientSession`, opened by `start`."""

    _invalid_url = aiohttp.InvalidURL
    _failure = aiohttp.ClientError

    def __init__(self, timeout: float) -> None:
        super().__init__(timeout)
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=_MAX_CONNECTIONS),
            timeout=aiohttp.ClientTimeout(
                total=None, sock_connect=min(CONNECT_TIMEOUT_SECONDS, self.timeout)
            ),
            auto_decompress=False,
            skip_auto_headers=("User-Agent", "Accept-Encoding"),
            trust_env=False,
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _started(self) -> bool:
        return self._session is not None

    async def _exchange(
        self, method: str, url: str, headers: Headers, body: bytes, server_name: str | None
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        assert self._session is not None
        async with self._session.request(
            method,
            yarl.URL(url, encoded=True),
            headers=[(n.decode("latin-1"), v.decode("latin-1")) for n, v in headers],
            data=body or None,
            allow_redirects=False,
            server_hostname=server_name,
        ) as response:
            return response.status, list(response.raw_headers), await response.read()


def http_client(
    timeout: float,
    transport: httpx.AsyncBaseTransport | None = None,
    kind: ClientKind = "aiohttp",
) -> HttpClient:
    """aiohttp, the faster client, unless a transport is injected or httpx is asked for."""
    if transport is not None or kind == "httpx":
        return HttpxClient(timeout, transport)
    return AiohttpClient(timeout)
