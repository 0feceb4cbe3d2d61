"""Every query on the provider directory, and the one rule of which providers a principal
may see (`visible`)."""

import functools
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy import ColumnElement, Select, String, bindparam, cast, func, select, update
from sqlalchemy.orm import selectinload

from referral_svc.providers.matching import ProviderFacts
from referral_svc.providers.models import (
    NATIONAL,
    Capacity,
    CoveredArea,
    DirectoryState,
    OfferedService,
    Provider,
    split_coverage,
)
from referral_svc.providers.schemas import ProviderFilters
from shared.auth.principal import Principal
from shared.db import UTCDateTime, utcnow
from shared.pagination import PageParams
from shared.repository import Repository

# Separators of the aggregated strings; no service, area or count contains them.
_LIST = ","
_PAIR = ":"


def _joined(column: Any, owner: Any) -> Any:
    """`column`'s values per provider as one string (string_agg / group_concat)."""
    return (
        select(owner.label("provider_id"), func.aggregate_strings(column, _LIST).label("joined"))
        .group_by(owner)
        .subquery()
    )


@functools.lru_cache(maxsize=4096)
def _codes(joined: str | None) -> frozenset[str]:
    return frozenset(joined.split(_LIST)) if joined else frozenset()


@functools.lru_cache(maxsize=4096)
def _json_codes(text: str | None) -> frozenset[str]:
    return frozenset(json.loads(text)) if text else frozenset()


@functools.lru_cache(maxsize=4096)
def _coverage(joined: str | None) -> tuple[frozenset[str], bool, frozenset[str]]:
    """(counties, national, countries) from the aggregated areas (see `CoveredArea`)."""
    coverage = split_coverage(_codes(joined))
    counties = frozenset(coverage.counties) - {NATIONAL}
    return counties, NATIONAL in coverage.counties, frozenset(coverage.countries)


@functools.lru_cache(maxsize=4096)
def _free_places(joined: str | None) -> Mapping[str, int]:
    pairs = (entry.partition(_PAIR) for entry in _codes(joined))
    return MappingProxyType({service: int(count) for service, _, count in pairs})


_SERVICES = _joined(OfferedService.service, OfferedService.provider_id)
_AREAS = _joined(CoveredArea.area, CoveredArea.provider_id)
_FREE_PLACES = _joined(Capacity.service + _PAIR + cast(Capacity.free, String), Capacity.provider_id)

_VERSION = select(DirectoryState.version).where(DirectoryState.id == 1)
_BUMP_VERSION = (
    update(DirectoryState)
    .where(DirectoryState.id == 1)
    .values(version=DirectoryState.version + 1)
    .execution_options(synchronize_session=False)
)
_PLACES_CHANGED = select(
    Capacity.provider_id, Capacity.service, Capacity.free, Capacity.changed_at
).where(Capacity.changed_at >= bindparam("since", type_=UTCDateTime()))

_ANSWER_TIMES_CHANGED = select(
    Provider.id, Provider.median_accept_hours, Provider.answer_time_changed_at
).where(Provider.answer_time_changed_at >= bindparam("since", type_=UTCDateTime()))

_WHOLE_ENTRY = (
    selectinload(Provider.services),
    selectinload(Provider.coverage),
    selectinload(Provider.capacities),
)


class ProviderRepository(Repository[Provider]):
    model = Provider
    resource = "provider"

    def visible(self, principal: Principal) -> Select[Provider]:
        """The whole directory, to everyone allowed to read it (the route checks that): it
        describes organisations, never a person, and practitioners refer outside the
        matches too. What stays private (the webhook) is never answered at all. Each entry
        comes whole (its services, areas and places)."""
        return super().visible(principal).options(*_WHOLE_ENTRY)

    async def filtered_page(
        self, principal: Principal, filters: ProviderFilters, params: PageParams
    ) -> tuple[Sequence[Provider], str | None]:
        statement = self.visible(principal).where(*_conditions(filters))
        return await self.page(statement, params, key=Provider.created_at)

    async def directory(
        self,
        *,
        provider_ids: Sequence[uuid.UUID] | None = None,
        active_only: bool = True,
    ) -> list[ProviderFacts]:
        """Providers as matching sees them, in one query whatever the directory's size,
        with no ORM objects: it must stay fast at 20,000. Each provider's services, areas
        and free places come aggregated into one string each, its lists as JSON text; the
        same strings recur across providers, so each is parsed once (`_codes`)."""
        statement = (
            select(
                Provider.id,
                Provider.name,
                Provider.kind,
                Provider.accepts_adults,
                Provider.accepts_children,
                cast(Provider.genders, String),
                cast(Provider.languages, String),
                cast(Provider.specialisations, String),
                Provider.accreditation_valid_until,
                Provider.active,
                Provider.median_accept_hours,
                _SERVICES.c.joined,
                _AREAS.c.joined,
                _FREE_PLACES.c.joined,
            )
            .outerjoin(_SERVICES, _SERVICES.c.provider_id == Provider.id)
            .outerjoin(_AREAS, _AREAS.c.provider_id == Provider.id)
            .outerjoin(_FREE_PLACES, _FREE_PLACES.c.provider_id == Provider.id)
        )
        if active_only:
            statement = statement.where(Provider.active.is_(True))
        if provider_ids is not None:
            statement = statement.where(Provider.id.in_(provider_ids))
        facts = []
        for row in await self.session.execute(statement):
            (provider_id, name, kind, adults, children, genders, languages, forms, valid_until,
             active, median_hours, services, areas, free_places) = row  # fmt: skip
            counties, national, countries = _coverage(areas)
            facts.append(
                ProviderFacts(
                    id=str(provider_id),
                    name=name,
                    kind=kind,
                    services=_codes(services),
                    counties=counties,
                    national=national,
                    countries=countries,
                    accepts_adults=adults,
                    accepts_children=children,
                    genders=_json_codes(genders),
                    languages=_json_codes(languages),
                    free_capacity=_free_places(free_places),
                    accreditation_valid_until=valid_until,
                    active=active,
                    specialisations=_json_codes(forms),
                    median_response_hours=median_hours,
                )
            )
        return facts

    async def directory_version(self) -> int:
        return int(await self.session.scalar(_VERSION) or 0)

    async def directory_changed(self) -> None:
        """Bump the directory's version, in the transaction of the change."""
        await self.session.execute(_BUMP_VERSION)

    async def places_changed_since(
        self, since: datetime
    ) -> Sequence[tuple[str, str, int, datetime]]:
        """(provider id, service, free places, when) of the places changed at or after
        `since`."""
        rows = await self.session.execute(_PLACES_CHANGED, {"since": since})
        return [(str(p), service, free, when) for p, service, free, when in rows if when]

    async def answer_times_changed_since(
        self, since: datetime
    ) -> Sequence[tuple[str, float | None, datetime]]:
        """(provider id, median answer hours, when) of the answer times changed at or
        after `since`."""
        rows = await self.session.execute(_ANSWER_TIMES_CHANGED, {"since": since})
        return [(str(p), hours, when) for p, hours, when in rows if when]

    async def set_free(self, provider_id: uuid.UUID, service: str, free: int) -> bool:
        """Set the free places unless they would exceed the total; whether it was set."""
        result = await self.session.execute(
            update(Capacity)
            .where(
                Capacity.provider_id == provider_id,
                Capacity.service == service,
                Capacity.total >= free,
            )
            .values(free=free, changed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return _changed_one(result)

    async def take_place(self, provider_id: uuid.UUID, service: str) -> bool:
        """Take one free place, atomically: whether there was one to take."""
        result = await self.session.execute(
            update(Capacity)
            .where(
                Capacity.provider_id == provider_id,
                Capacity.service == service,
                Capacity.free > 0,
            )
            .values(free=Capacity.free - 1, changed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return _changed_one(result)

    async def give_back_place(self, provider_id: uuid.UUID, service: str) -> None:
        # Bounded by the total, which a coordinator may have lowered meanwhile.
        await self.session.execute(
            update(Capacity)
            .where(
                Capacity.provider_id == provider_id,
                Capacity.service == service,
                Capacity.free < Capacity.total,
            )
            .values(free=Capacity.free + 1, changed_at=utcnow())
            .execution_options(synchronize_session=False)
        )

    async def set_median_accept_hours(self, provider_id: uuid.UUID, hours: float) -> None:
        await self.session.execute(
            update(Provider)
            .where(Provider.id == provider_id)
            .values(median_accept_hours=hours, answer_time_changed_at=utcnow())
            .execution_options(synchronize_session=False)
        )

    async def organisation_of(self, provider_id: uuid.UUID) -> uuid.UUID | None:
        return await self.session.scalar(
            select(Provider.organisation_id).where(Provider.id == provider_id)
        )

    async def webhook(self, provider_id: uuid.UUID) -> tuple[str | None, str | None]:
        """The provider's webhook URL and secret (either may be unset)."""
        row = (
            await self.session.execute(
                select(Provider.webhook_url, Provider.webhook_secret).where(
                    Provider.id == provider_id
                )
            )
        ).first()
        return (row[0], row[1]) if row is not None else (None, None)


def _changed_one(result: Any) -> bool:
    return bool(result.rowcount == 1)


def _conditions(filters: ProviderFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.county is not None:
        areas = [filters.county] if filters.county == NATIONAL else [filters.county, NATIONAL]
        conditions.append(
            Provider.id.in_(select(CoveredArea.provider_id).where(CoveredArea.area.in_(areas)))
        )
    if filters.service is not None:
        conditions.append(
            Provider.id.in_(
                select(OfferedService.provider_id).where(OfferedService.service == filters.service)
            )
        )
    if filters.kind is not None:
        conditions.append(Provider.kind == filters.kind)
    if filters.accepts_children is not None:
        conditions.append(Provider.accepts_children.is_(filters.accepts_children))
    if filters.active is not None:
        conditions.append(Provider.active.is_(filters.active))
    return conditions
