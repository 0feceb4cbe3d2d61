"""The identification service's own metadata, declarative base and event tables."""

from sqlalchemy.orm import DeclarativeBase

from shared.db import new_metadata
from shared.events.tables import event_tables

metadata = new_metadata()
EVENTS = event_tables(metadata)


class Base(DeclarativeBase):
    metadata = metadata
