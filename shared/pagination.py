"""Cursor pagination, the one way every list of the suite pages.

Keyset pagination over (sort column, id): stable under concurrent inserts, no OFFSET scans.
The cursor is opaque to clients (base64 of the last row's key).
"""

import base64
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from shared.errors import ValidationProblem

T = TypeVar("T")
Row = TypeVar("Row")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


class PageParams(BaseModel):
    limit: int = DEFAULT_LIMIT
    cursor: str | None = None


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=512, description="From `next_cursor`")] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


PageQuery = Annotated[PageParams, Depends(page_params)]


class InvalidCursor(ValidationProblem):
    def __init__(self) -> None:
        super().__init__("cursor", "The cursor is not one this API issued.")


def encode_cursor(key: datetime, row_id: uuid.UUID) -> str:
    raw = json.dumps([key.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key, row_id = json.loads(raw)
        when = datetime.fromisoformat(key)
        # Keys are stored as aware UTC: a forged naive or out-of-range key must not reach SQL.
        if when.tzinfo is None:
            raise ValueError("naive cursor key")
        return when.astimezone(UTC), uuid.UUID(row_id)
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        raise InvalidCursor() from exc


async def paginate(
    session: AsyncSession,
    statement: Select[Row],
    params: PageParams,
    *,
    key: InstrumentedAttribute[datetime],
    row_id: InstrumentedAttribute[uuid.UUID],
    key_of: Callable[[Row], tuple[datetime, uuid.UUID]],
    descending: bool = False,
) -> tuple[Sequence[Row], str | None]:
    """One page of `statement` ordered by (key, id), and the cursor of the next page."""
    if params.cursor:
        last_key, last_id = decode_cursor(params.cursor)
        if descending:
            after: Any = or_(key < last_key, and_(key == last_key, row_id < last_id))
        else:
            after = or_(key > last_key, and_(key == last_key, row_id > last_id))
        statement = statement.where(after)
    order = (key.desc(), row_id.desc()) if descending else (key.asc(), row_id.asc())
    rows = (await session.scalars(statement.order_by(*order).limit(params.limit + 1))).all()
    if len(rows) <= params.limit:
        return rows, None
    rows = rows[: params.limit]
    return rows, encode_cursor(*key_of(rows[-1]))
