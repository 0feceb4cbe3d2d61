"""The gateway's own metadata and declarative base (no event tables: it publishes none)."""

from sqlalchemy.orm import DeclarativeBase

from shared.db import new_metadata

metadata = new_metadata()


class Base(DeclarativeBase):
    metadata = metadata
