"""Calls from one part to another: the caller's token and request id go along, a timeout
bounds every call, and a dead or failing dependency becomes a 503 problem quickly.
"""

from typing import Any

import httpx

from shared.errors import NotFound, ServiceUnavailable
from shared.requests import REQUEST_ID_HEADER, current_request_id


class ServiceClient:
    """A pooled HTTP client for one other part of the suite."""

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.name = name
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout),
            transport=transport,
        )

    async def get_json(self, path: str, *, token: str, params: dict[str, Any] | None = None) -> Any:
        """GET a JSON resource; `None` when it is 404 (absent or out of the caller's scope)."""
        headers = {"Authorization": f"Bearer {token}"}
        request_id = current_request_id()
        if request_id:
            headers[REQUEST_ID_HEADER] = request_id
        try:
            response = await self._client.get(path, params=params, headers=headers)
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(f"The {self.name} service cannot be reached.") from exc
        if response.status_code == 404:
            return None
        if response.status_code >= 500:
            raise ServiceUnavailable(f"The {self.name} service is failing.")
        if response.status_code >= 400:
            raise NotFound(f"The {self.name} service refused the lookup.")
        return response.json()

    async def aclose(self) -> None:
        await self._client.aclose()
