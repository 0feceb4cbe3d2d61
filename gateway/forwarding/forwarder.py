"""Sending a request to a service and getting its whole answer back, within a deadline.

The gateway's app holds one pooled `shared.http.HttpClient` (aiohttp when deployed); the
forwarder adds the part's base URL and turns what goes wrong into problems: a service that
cannot be reached, or does not answer within the deadline, becomes `PartUnavailable` (503
problem+json) — never a hang, never a 500, never the service's address in the answer.
"""

from collections.abc import Mapping

from gateway.forwarding.exceptions import NoSuchPath, PartUnavailable
from shared.http import Answer, Headers, HttpClient, InvalidTarget, Unreachable

__all__ = ["Answer", "Forwarder", "Headers"]


class Forwarder:
    def __init__(
        self, client: HttpClient, service_urls: Mapping[str, str], *, timeout: float
    ) -> None:
        self._client = client
        self._bases = {part: url.rstrip("/") for part, url in service_urls.items()}
        self._timeout = timeout

    async def send(
        self,
        part: str,
        method: str,
        target: str,
        headers: Headers,
        body: bytes = b"",
        *,
        deadline: float | None = None,
    ) -> Answer:
        """Send `method target` (path and query) to `part`; raise `PartUnavailable`."""
        base = self._bases.get(part)
        if base is None:
            raise PartUnavailable(part)
        try:
            answer = await self._client.send(
                method, base + target, headers, body, deadline=deadline or self._timeout
            )
        except InvalidTarget as exc:
            raise NoSuchPath() from exc
        except Unreachable as exc:
            raise PartUnavailable(part) from exc
        return _relative_location(answer, base)


def _relative_location(answer: Answer, base: str) -> Answer:
    """The same public path: a `Location` on the service's own address loses its origin."""
    origin = base.encode() + b"/"
    headers = answer.headers
    if any(n.lower() == b"location" and v.startswith(origin) for n, v in headers):
        headers = [
            (name, value[len(origin) - 1 :])
            if name.lower() == b"location" and value.startswith(origin)
            else (name, value)
            for name, value in headers
        ]
        return Answer(answer.status, headers, answer.body)
    return answer
