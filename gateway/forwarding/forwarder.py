"""Sending a request to a service and getting its whole answer back, within a deadline.

Behind a small interface (`Forwarder`) so the HTTP client can be swapped without touching
the routes. `AiohttpForwarder` is the one a deployed gateway uses: it spends about half the
CPU of `HttpxForwarder` per forwarded request (`bench/bench_gateway.py`, figures in
gateway/README.md). `HttpxForwarder` serves when a transport is injected — the tests wire
the real services in-process through one — or when the `forwarder` setting asks for it.

A service that cannot be reached, or does not answer within the deadline, becomes
`PartUnavailable` (503 problem+json) — never a hang, never a 500, never the service's
address in the answer.
"""

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import aiohttp
import httpx
import yarl

from shared.errors import NotFound, ServiceUnavailable

Headers = Sequence[tuple[bytes, bytes]]
# Connecting is quick or the service is down: no need to wait the whole deadline for it.
_CONNECT_TIMEOUT = 1.0
_MAX_CONNECTIONS = 200


class PartUnavailable(ServiceUnavailable):
    def __init__(self, part: str) -> None:
        super().__init__(
            f"The {part} service is unavailable; retry later.", headers={"Retry-After": "5"}
        )


@dataclass(frozen=True, slots=True)
class Upstream:
    """A service's answer."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class Forwarder(Protocol):
    async def start(self) -> None: ...

    async def aclose(self) -> None: ...

    async def send(
        self,
        part: str,
        method: str,
        target: str,
        headers: Headers,
        body: bytes = b"",
        *,
        deadline: float | None = None,
    ) -> Upstream:
        """Send `method target` (path and query) to `part`; raise `PartUnavailable`."""
        ...


Answer = tuple[int, Sequence[tuple[bytes, bytes]], bytes]


class _PooledForwarder:
    """What both clients share: the services' base URLs, the deadline over the whole
    exchange, the client's failures as problems, and the answer with a `Location` on a
    service's own address made relative. A client says only how it exchanges one request
    (`_exchange`) and which of its errors mean a URL it refuses or no answer."""

    # A URL the client refuses to send (404), and a failure to get an answer (503).
    _invalid_url: type[Exception]
    _failure: type[Exception]

    def __init__(self, service_urls: Mapping[str, str], *, timeout: float) -> None:
        self._bases = {part: url.rstrip("/") for part, url in service_urls.items()}
        self._timeout = timeout

    def _started(self) -> bool:
        raise NotImplementedError

    async def _exchange(self, method: str, url: str, headers: Headers, body: bytes) -> Answer:
        """Status, raw headers and whole body of the answer to `method url`."""
        raise NotImplementedError

    async def send(
        self,
        part: str,
        method: str,
        target: str,
        headers: Headers,
        body: bytes = b"",
        *,
        deadline: float | None = None,
    ) -> Upstream:
        base = self._bases.get(part)
        if base is None or not self._started():
            raise PartUnavailable(part)
        try:
            # The client bounds its own phases (connect, each read); this bounds the whole.
            async with asyncio.timeout(deadline or self._timeout):
                status, answer_headers, content = await self._exchange(
                    method, base + target, headers, body
                )
        except self._invalid_url as exc:
            raise NotFound("No such path.") from exc
        except (self._failure, TimeoutError) as exc:
            raise PartUnavailable(part) from exc
        return _upstream(status, answer_headers, content, base)


def _upstream(
    status: int, headers: Sequence[tuple[bytes, bytes]], body: bytes, base: str
) -> Upstream:
    origin = base.encode()
    return Upstream(
        status,
        [
            # The same public path: a Location on the service's address loses its origin.
            (name, value[len(origin) :])
            if name.lower() == b"location" and value.startswith(origin + b"/")
            else (name, value)
            for name, value in headers
        ],
        body,
    )


class HttpxForwarder(_PooledForwarder):
    """One pooled `httpx.AsyncClient` for every service, opened at startup."""

    _invalid_url = httpx.InvalidURL
    _failure = httpx.HTTPError

    def __init__(
        self,
        service_urls: Mapping[str, str],
        *,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(service_urls, timeout=timeout)
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        self._client = httpx.AsyncClient(
            transport=self._transport,
            timeout=httpx.Timeout(self._timeout, connect=min(_CONNECT_TIMEOUT, self._timeout)),
            limits=httpx.Limits(max_connections=_MAX_CONNECTIONS, max_keepalive_connections=50),
            # Calls between the parts never go through a proxy from the environment.
            trust_env=False,
        )

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _started(self) -> bool:
        return self._client is not None

    async def _exchange(self, method: str, url: str, headers: Headers, body: bytes) -> Answer:
        assert self._client is not None
        response = await self._client.request(method, url, headers=list(headers), content=body)
        return response.status_code, response.headers.raw, response.content


class AiohttpForwarder(_PooledForwarder):
    """One pooled `aiohttp.ClientSession` for every service, opened at startup.

    It sends the path exactly as the client wrote it (no re-quoting or normalising, which
    could move a request under another prefix than the one routed), follows no redirect
    and leaves bodies as the service sent them (it asks for no compression)."""

    _invalid_url = aiohttp.InvalidURL
    _failure = aiohttp.ClientError

    def __init__(self, service_urls: Mapping[str, str], *, timeout: float) -> None:
        super().__init__(service_urls, timeout=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=_MAX_CONNECTIONS),
            timeout=aiohttp.ClientTimeout(
                total=self._timeout, sock_connect=min(_CONNECT_TIMEOUT, self._timeout)
            ),
            auto_decompress=False,
            skip_auto_headers=("User-Agent", "Accept-Encoding"),
            # Calls between the parts never go through a proxy from the environment.
            trust_env=False,
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _started(self) -> bool:
        return self._session is not None

    async def _exchange(self, method: str, url: str, headers: Headers, body: bytes) -> Answer:
        assert self._session is not None
        async with self._session.request(
            method,
            yarl.URL(url, encoded=True),
            headers=[(n.decode("latin-1"), v.decode("latin-1")) for n, v in headers],
            data=body or None,
            allow_redirects=False,
        ) as response:
            return response.status, list(response.raw_headers), await response.read()
