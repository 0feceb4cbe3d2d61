"""The outbox and the processed-events (inbox) tables, added to a part's own metadata."""

from dataclasses import dataclass

from sqlalchemy import Column, Connection, Index, Integer, MetaData, String, Table, Uuid, text

from shared.db import JSONType, UTCDateTime, new_metadata


@dataclass(frozen=True)
class EventTables:
    outbox: Table
    processed: Table


def event_tables(metadata: MetaData) -> EventTables:
    outbox = Table(
        "outbox",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("event_id", Uuid, nullable=False, index=True),
        Column("topic", String(100), nullable=False),
        # "service:<name>" for a part of the suite, or a webhook URL.
        Column("destination", String(2048), nullable=False),
        # None signs with the suite's internal secret; "provider:<id>" with that provider's.
        Column("secret_ref", String(100), nullable=True),
        Column("body", JSONType, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        Column("available_at", UTCDateTime, nullable=False),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("claimed_by", Uuid, nullable=True),
        Column("claimed_until", UTCDateTime, nullable=True),
        Column("delivered_at", UTCDateTime, nullable=True),
        Column("last_error", String(500), nullable=True),
        Index(
            "ix_outbox_pending",
            "available_at",
            postgresql_where=text("delivered_at IS NULL"),
            sqlite_where=text("delivered_at IS NULL"),
        ),
    )
    processed = Table(
        "processed_events",
        metadata,
        Column("event_id", Uuid, primary_key=True),
        Column("topic", String(100), nullable=False),
        Column("processed_at", UTCDateTime, nullable=False),
    )
    return EventTables(outbox=outbox, processed=processed)


def create_event_tables(bind: Connection) -> None:
    """Create both tables as they were at their first revision (for initial migrations)."""
    tables = event_tables(new_metadata())
    tables.outbox.metadata.create_all(bind, tables=[tables.outbox, tables.processed])


def drop_event_tables(bind: Connection) -> None:
    tables = event_tables(new_metadata())
    tables.outbox.metadata.drop_all(bind, tables=[tables.outbox, tables.processed])
