"""The referral service's own metadata, declarative base and event tables."""

from collections.abc import Iterable

from sqlalchemy.orm import DeclarativeBase

from shared.db import new_metadata
from shared.events.tables import event_tables

metadata = new_metadata()
EVENTS = event_tables(metadata)


class Base(DeclarativeBase):
    metadata = metadata


def one_of(values: Iterable[str]) -> str:
    """The SQL of a check constraint's closed vocabulary: `IN ('a', 'b')`."""
    return "IN (" + ", ".join(f"'{value}'" for value in values) + ")"
