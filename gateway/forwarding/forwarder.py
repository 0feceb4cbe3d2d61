"""Sending a request to a service and getting its whole answer back, within a deadline.

Behind a small interface (`Forwarder`) so the HTTP client can be swapped for a faster one
without touching the routes; `HttpxForwarder` is the one in use. A service that cannot be
reached, or does not answer within the deadline, becomes `PartUnavailable` (503
problem+json) — never a hang, never a 500, never the service's address in the answer.
"""

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import httpx

from shared.errors import NotFound, ServiceUnavailable

Headers = Sequence[tuple[bytes, bytes]]
# Connecting is quick or the service is down: no need to wait the whole deadline for it.
_CONNECT_TIMEOUT = 1.0


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


class HttpxForwarder:
    """One pooled `httpx.AsyncClient` for every service, opened at startup."""

    def __init__(
        self,
        service_urls: Mapping[str, str],
        *,
        timeout: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._bases = {part: url.rstrip("/") for part, url in service_urls.items()}
        self._timeout = timeout
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        self._client = httpx.AsyncClient(
            transport=self._transport,
            timeout=httpx.Timeout(self._timeout, connect=min(_CONNECT_TIMEOUT, self._timeout)),
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
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
        base = self._bases.get(part)
        if base is None or self._client is None:
            raise PartUnavailable(part)
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
        return Upstream(
            response.status_code,
            [
                (name, _relative(value, base) if name.lower() == b"location" else value)
                for name, value in response.headers.raw
            ],
            response.content,
        )


def _relative(location: bytes, base: str) -> bytes:
    """A Location on the service's own address, made relative: it is the same public path."""
    prefix = base.encode()
    return location[len(prefix) :] if location.startswith(prefix + b"/") else location
