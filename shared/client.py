"""Calls from one part to another: the caller's token and request id go along, a timeout
bounds every call, and a dead or failing dependency becomes a 503 problem quickly.
"""

import json
from typing import Any
from urllib.parse import quote, urlencode

from shared.errors import NotFound, ServiceUnavailable
from shared.http import HttpClient, InvalidTarget, Unreachable
from shared.requests import REQUEST_ID_HEADER, current_request_id


class ServiceUnreachable(ServiceUnavailable):
    def __init__(self, name: str) -> None:
        super().__init__(f"The {name} service cannot be reached.")


class ServiceFailing(ServiceUnavailable):
    def __init__(self, name: str) -> None:
        super().__init__(f"The {name} service is failing.")


class UnexpectedAnswer(ServiceUnavailable):
    def __init__(self, name: str) -> None:
        super().__init__(f"The {name} service gave an unexpected answer.")


class LookupRefused(NotFound):
    """The other part refused the caller's lookup (a 4xx other than 404)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"The {name} service refused the lookup.")


class ServiceClient:
    """Lookups in one other part of the suite, through the app's pooled HTTP client."""

    def __init__(self, name: str, base_url: str, client: HttpClient) -> None:
        self.name = name
        self._base = base_url.rstrip("/")
        self._client = client

    async def get_json(self, path: str, *, token: str, params: dict[str, Any] | None = None) -> Any:
        """GET a JSON resource; `None` when it is 404 (absent or out of the caller's scope)."""
        headers = [(b"authorization", f"Bearer {token}".encode())]
        request_id = current_request_id()
        if request_id:
            headers.append((REQUEST_ID_HEADER.lower().encode(), request_id.encode()))
        url = self._base + quote(path, safe="/:@!$&'()*+,;=-._~")
        if params:
            url += "?" + urlencode(params, doseq=True)
        try:
            answer = await self._client.send("GET", url, headers)
        except (Unreachable, InvalidTarget) as exc:
            raise ServiceUnreachable(self.name) from exc
        if answer.status == 404:
            return None
        if answer.status >= 500:
            raise ServiceFailing(self.name)
        if answer.status >= 400:
            raise LookupRefused(self.name)
        try:
            return json.loads(answer.body)
        except ValueError as exc:
            raise UnexpectedAnswer(self.name) from exc
