"""The provider directory's tables: providers, the services each offers, the areas each
covers, and the places of its residential services.

Services and coverage are rows, not JSON, so the directory filters by them with an index
on both backends; the other lists (genders, languages, specialisations) are only read.
"""

import uuid
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from referral_svc.db import Base
from shared.db import JSONType, UTCDateTime, new_id

NATIONAL = "national"


class Coverage(NamedTuple):
    counties: list[str]  # county codes, or ["national"]
    countries: list[str]  # abroad


def split_coverage(areas: Iterable[str]) -> Coverage:
    """Coverage rows as the API shows them (see `CoveredArea` for the three shapes)."""
    counties: list[str] = []
    countries: list[str] = []
    for area in sorted(areas):
        (countries if len(area) == 2 else counties).append(area)
    return Coverage(counties, countries)


class Provider(Base):
    __tablename__ = "providers"
    __table_args__ = (
        Index("ix_providers_organisation_id", "organisation_id"),
        Index("ix_providers_created_at_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    # The organisation whose users act for the provider (answer referrals, set capacity).
    organisation_id: Mapped[uuid.UUID]
    accepts_adults: Mapped[bool]
    accepts_children: Mapped[bool]
    genders: Mapped[list[str]] = mapped_column(JSONType)  # empty: every gender
    languages: Mapped[list[str]] = mapped_column(JSONType)
    specialisations: Mapped[list[str]] = mapped_column(JSONType)  # exploitation forms
    accreditation_number: Mapped[str | None] = mapped_column(String(100))
    accreditation_valid_until: Mapped[date | None]
    active: Mapped[bool]
    contact: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    # Write-only through the API: the secret signs webhooks and is never answered.
    webhook_url: Mapped[str | None] = mapped_column(String(2048))
    webhook_secret: Mapped[str | None] = mapped_column(String(200))
    # Median hours from sending to acceptance over the latest acceptances (ranking input).
    median_accept_hours: Mapped[float | None]
    answer_time_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    version: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    services: Mapped[list["OfferedService"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="OfferedService.service"
    )
    coverage: Mapped[list["CoveredArea"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="CoveredArea.area"
    )
    capacities: Mapped[list["Capacity"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="Capacity.service"
    )


class OfferedService(Base):
    __tablename__ = "provider_services"
    __table_args__ = (Index("ix_provider_services_service", "service", "provider_id"),)

    provider_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True
    )
    service: Mapped[str] = mapped_column(String(40), primary_key=True)


class CoveredArea(Base):
    """One area a provider covers: a county code (`RO-IS`), `national`, or — for a provider
    abroad — a country code (`IT`). The three shapes never collide."""

    __tablename__ = "provider_coverage"
    __table_args__ = (Index("ix_provider_coverage_area", "area", "provider_id"),)

    provider_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True
    )
    area: Mapped[str] = mapped_column(String(10), primary_key=True)


class Capacity(Base):
    """Places of one residential service; `free` only moves by conditional updates, so two
    concurrent acceptances can never take more places than are free."""

    __tablename__ = "provider_capacities"
    __table_args__ = (
        CheckConstraint("free >= 0", name="free_not_negative"),
        CheckConstraint("free <= total", name="free_within_total"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True
    )
    service: Mapped[str] = mapped_column(String(40), primary_key=True)
    total: Mapped[int]
    free: Mapped[int]
    # Set by every change of the places alone (an entry's own change bumps the directory's
    # version instead): the changes a process's copy of the directory reads.
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class DirectoryState(Base):
    """One row: the directory's version, bumped in the transaction of every change of an
    entry (made, changed), so each process knows when its copy is out of date."""

    __tablename__ = "directory_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
