"""The one shape of a repository, in every part: every query on one kind of row, and the
one rule of which of those rows a caller may see.

- `visible(principal)` is the access rule: the statement of the rows `principal` may see.
  Every read and list for a caller starts from it (`get`, `page`), so scope has one place
  to be right per kind of row. A repository of rows without a scope of their own (reference
  data, the directory) keeps the default: every row, behind the route's permission.
- `by_id` is for the mechanism's own work (event handlers, jobs), never for a caller.
- `add` stages new rows; `flush` writes what is pending and turns a write made at a row
  version someone else moved on from into the suite's one conflict problem
  (`ChangedMeanwhile`), so no part hand-rolls it.
- `page` is one page of a statement in (key, id) order with its cursor.

The transaction itself belongs to the request (shared/web.py commits before answering) or
to the job that opened the session; a repository never commits.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Select, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.exc import StaleDataError

from shared.auth.principal import Principal
from shared.errors import ChangedMeanwhile
from shared.pagination import PageParams, paginate

Row = TypeVar("Row")


class Repository(Generic[Row]):
    model: ClassVar[type[Any]]
    # What "changed meanwhile" names in its detail ("case", "referral", ...).
    resource: ClassVar[str] = "resource"

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def visible(self, principal: Principal) -> Select[Row]:
        """The rows `principal` may see."""
        return select(self.model)

    @property
    def _key(self) -> InstrumentedAttribute[Any]:
        column: InstrumentedAttribute[Any] = getattr(
            self.model, inspect(self.model).primary_key[0].key
        )
        return column

    async def get(self, principal: Principal, key: Any, *, fresh: bool = False) -> Row | None:
        """The row with `key` if `principal` may see it. `fresh` reads it again even when
        the session holds it (after another statement may have changed it)."""
        statement = self.visible(principal).where(self._key == key)
        if fresh:
            statement = statement.execution_options(populate_existing=True)
        row: Row | None = await self.session.scalar(statement)
        return row

    async def by_id(self, key: Any) -> Row | None:
        """The row with `key` whatever its scope: for the mechanism's own work."""
        row: Row | None = await self.session.get(self.model, key)
        return row

    def add(self, *rows: Any) -> None:
        self.session.add_all(rows)

    async def flush(self) -> None:
        """Write what is pending. Versioned rows are updated only at the version they were
        read at, so of two requests changing one row at once the second is told to read
        it again (409) instead of silently undoing the first."""
        try:
            await self.session.flush()
        except StaleDataError as exc:
            raise ChangedMeanwhile(self.resource) from exc

    async def page(
        self,
        statement: Select[Row],
        params: PageParams,
        *,
        key: InstrumentedAttribute[datetime],
        descending: bool = False,
    ) -> tuple[Sequence[Row], str | None]:
        """One page of `statement` in (`key`, id) order, and the next page's cursor."""
        row_id: InstrumentedAttribute[uuid.UUID] = self._key
        return await paginate(
            self.session,
            statement,
            params,
            key=key,
            row_id=row_id,
            key_of=lambda row: (getattr(row, key.key), getattr(row, row_id.key)),
            descending=descending,
        )
