"""ETags and `If-Match`: optimistic concurrency for single resources.

A resource's ETag derives from its row version (an integer bumped on every change); a
`PATCH` or state-changing `POST` that carries `If-Match` goes ahead only when it matches.
"""

from typing import Annotated

from fastapi import Header, Response

from shared.errors import PreconditionFailed


class ETagMismatch(PreconditionFailed):
    def __init__(self) -> None:
        super().__init__("The resource changed since it was read; read it again.")


def etag(resource_id: object, version: int) -> str:
    return f'"{resource_id}-{version}"'


def set_etag(response: Response, resource_id: object, version: int) -> None:
    response.headers["ETag"] = etag(resource_id, version)


def check_if_match(if_match: str | None, resource_id: object, version: int) -> None:
    """Raise 412 when the client's `If-Match` names another version (absent: no check)."""
    if if_match is None:
        return
    current = etag(resource_id, version)
    candidates = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    if "*" not in candidates and current not in candidates:
        raise ETagMismatch()


IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=512)]
