"""Instrument versions and their items: the versioned data risk assessments are scored by.

A version is `draft` (a coordinator edits it), `published` (assessments use it; its content
never changes) or `retired` (replaced by a newer published version, still readable, since
stored assessments name it). Labels are JSON `{"ro": ..., "en": ...}`.
"""

import uuid
from datetime import datetime
from typing import Any, Final, Literal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from risk_svc.assessments.scoring import Instrument, Item, MeasureRule
from risk_svc.db import Base
from shared.db import JSONType, UTCDateTime, new_id

Status = Literal["draft", "published", "retired"]
STATUSES: Final[tuple[Status, ...]] = ("draft", "published", "retired")
LabelJSON = dict[str, str]


class InstrumentVersion(Base):
    __tablename__ = "risk_instrument_versions"
    __table_args__ = (
        UniqueConstraint("code", "version"),
        CheckConstraint("status IN ('draft', 'published', 'retired')", name="status"),
        # One draft per instrument at a time: two coordinators cannot fork it.
        Index(
            "uq_risk_instrument_versions_one_draft",
            "code",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(50))
    version: Mapped[int]
    status: Mapped[Status] = mapped_column(String(16))
    label: Mapped[LabelJSON] = mapped_column(JSONType)
    # [{"code": ..., "label": {...}}] in display order.
    domains: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    # [{"code": ..., "label": {...}}]: the measures this version may recommend.
    measures: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    # `MeasureRule.to_dict()` of each rule, in order.
    measure_rules: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    row_version: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    items: Mapped[list["InstrumentItem"]] = relationship(
        lazy="raise", order_by="InstrumentItem.position", cascade="all, delete-orphan"
    )

    # Concurrent edits of one version fail at flush instead of overwriting each other.
    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012  (read once, at mapping)

    def to_instrument(self) -> Instrument:
        """The scoring engine's view of this version."""
        return Instrument(
            self.code,
            self.version,
            tuple(item.to_item() for item in self.items),
            tuple(MeasureRule.from_dict(rule) for rule in self.measure_rules),
        )


class InstrumentItem(Base):
    __tablename__ = "risk_instrument_items"
    __table_args__ = (UniqueConstraint("instrument_version_id", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    instrument_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(
            "risk_instrument_versions.id",
            ondelete="CASCADE",
            name="fk_risk_instrument_items_instrument_version",
        )
    )
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(20))
    domain: Mapped[str] = mapped_column(String(50))
    weight: Mapped[int]
    critical: Mapped[bool]
    child_only: Mapped[bool]
    label: Mapped[LabelJSON] = mapped_column(JSONType)

    def to_item(self) -> Item:
        return Item(self.code, self.domain, self.weight, self.critical, self.child_only)
