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


class _PooledForwarder:
    """What both clients share: the services' base URLs, the deadline, and the answer with
    a `Location` on a service's own address made relative."""

    def __init__(self, service_urls: Mapping[str, str], *, timeout: float) -> None:
        self._bases = {part: url.rstrip("/") for part, url in service_urls.items()}
        self._timeout = timeout

    def _base(self, part: str, started: bool) -> str:
        base = self._bases.get(part)
        if base is None or not started:
            raise PartUnavailable(part)
        return base

    @staticmethod
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
        base = self._base(part, self._client is not None)
        assert self._client is not None
        try:
            # httpx bounds each phase (connect, each read); this bounds the whole exchange.
            async with asyncio.timeout(deadline or self._timeout):
                response = await self._client.request(
                    method, base + target, headers=list(headers), content=body
                )
        except httpx.InvalidURL as exc:
            raise NotFound("No such path.") from exc
        except (httpx.HTTPError, TimeoutError) as exc:
            raise PartUnavailable(part) from exc
        return self._upstream(response.status_code, response.headers.raw, response.content, base)


class AiohttpForwarder(_PooledForwarder):
    """One pooled `aiohttp.ClientSession` for every service, opened at startup.

    It sends the path exactly as the client wrote it (no re-quoting or normalising, which
    could move a request under another prefix than the one routed), follows no redirect
    and leaves bodies as the service sent them (it asks for no compression)."""

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
        base = self._base(part, self._session is not None)
        assert self._session is not None
        try:
            url = yarl.URL(base + target, encoded=True)
            async with (
                asyncio.timeout(deadline or self._timeout),
                self._session.request(
                    method,
                    url,
                    headers=[(n.decode("latin-1"), v.decode("latin-1")) for n, v in headers],
                    data=body or None,
                    allow_redirects=False,
                ) as response,
            ):
                content = await response.read()
        except aiohttp.InvalidURL as exc:
            raise NotFound("No such path.") from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise PartUnavailable(part) from exc
        return self._upstream(response.status, list(response.raw_headers), content, base)
