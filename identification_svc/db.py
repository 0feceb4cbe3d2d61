"""The identification service's own metadata, declarative base and event tables, and the
one way its services write a change (`save`)."""

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm.exc import StaleDataError

from shared.db import new_metadata
from shared.errors import Conflict
from shared.events.tables import event_tables

metadata = new_metadata()
EVENTS = event_tables(metadata)


class Base(DeclarativeBase):
    metadata = metadata


async def save(session: AsyncSession) -> None:
    """Flush pending changes. Versioned rows (cases, persons, consents, catalogues) are
    updated only at the row version they were read at, so of two requests changing one row
    at once the second is told to read it again (409) instead of silently undoing the first.
    """
    try:
        await session.flush()
    except StaleDataError as exc:
        raise Conflict("The resource changed meanwhile; read it again.") from exc
