"""Calls from one part to another: the caller's token and request id go along, a timeout
bounds every call, and a dead or failing dependency becomes a 503 problem quickly.
"""

import json
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from pydantic import BaseModel, ValidationError

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


class UnreadableAnswer(ServiceUnavailable):
    """The other part answered something not of the shape asked for: a 503, never a guess."""

    def __init__(self, name: str, what: str) -> None:
        super().__init__(f"The {name} service answered {what}.")


class LookupRefused(NotFound):
    """The other part refused the caller's lookup (a 4xx other than 404)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"The {name} service refused the lookup.")


Shape = TypeVar("Shape", bound=BaseModel)


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

    async def get_model(
        self,
        path: str,
        shape: type[Shape],
        *,
        token: str,
        what: str,
        params: dict[str, Any] | None = None,
    ) -> Shape | None:
        """GET a resource read as `shape` (the fields this part keeps); `None` when it is
        404. An answer not of that shape is `UnreadableAnswer`, naming `what` it should
        have been ("an unreadable case")."""
        body = await self.get_json(path, token=token, params=params)
        if body is None:
            return None
        try:
            return shape.model_validate(body)
        except ValidationError as exc:
            raise UnreadableAnswer(self.name, what) from exc
