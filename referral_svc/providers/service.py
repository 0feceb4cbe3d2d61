"""Use cases of the provider directory: entries made and changed by coordinators, free
places set by a provider's own staff, and a case matched to the active directory.

Services flush; the request scope commits.
"""

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from referral_svc.cases.models import CaseFacts
from referral_svc.cases.needs import services_for
from referral_svc.cases.service import CaseFactsService, case_for_matching
from referral_svc.providers import matching
from referral_svc.providers.exceptions import (
    BothKindsOfArea,
    InvalidEntry,
    MoreFreeThanTotal,
    NoServicesNamed,
    NoSuchPlaces,
    NotTheProvidersStaff,
    ProviderNotFound,
    UnsafeWebhook,
)
from referral_svc.providers.models import (
    Capacity,
    CoveredArea,
    OfferedService,
    Provider,
    split_coverage,
)
from referral_svc.providers.repository import ProviderRepository
from referral_svc.providers.schemas import (
    Accreditation,
    CapacityUpdate,
    Contact,
    Places,
    ProviderCreate,
    ProviderFilters,
    ProviderOut,
    ProviderUpdate,
)
from referral_svc.providers.snapshot import DirectorySnapshot
from shared.auth.policy import Permission, Role
from shared.auth.principal import Principal
from shared.db import Database
from shared.errors import FieldError
from shared.outbound import OutboundPolicy, UnsafeDestination
from shared.pagination import PageParams

SECRET_REF_PREFIX = "provider:"
# The two kinds of area a provider covers: one or the other.
_AREAS = ("counties", "countries")


@dataclass
class _Entry:
    """A directory entry's whole state as given, checked as one before it is stored."""

    values: dict[str, Any]
    services: list[str]
    areas: list[str]
    capacity: Mapping[str, Places]


class DirectoryService:
    def __init__(
        self, session: AsyncSession, snapshot: DirectorySnapshot, outbound: OutboundPolicy
    ) -> None:
        self.providers = ProviderRepository(session)
        self.cases = CaseFactsService(session)
        self.snapshot = snapshot
        # Where a webhook may point: checked when one is written (and by the relay again).
        self.outbound = outbound

    async def _check_webhook(self, url: object) -> None:
        if url is None:
            return
        try:
            await self.outbound.check(str(url))
        except UnsafeDestination as refused:
            raise UnsafeWebhook(str(refused)) from refused

    async def get(self, principal: Principal, provider_id: uuid.UUID) -> Provider:
        provider = await self.providers.get(principal, provider_id, fresh=True)
        if provider is None:
            raise ProviderNotFound()
        return provider

    async def get_for_capacity(self, principal: Principal, provider_id: uuid.UUID) -> Provider:
        """The provider, if the caller sets its free places: its own staff, or whoever
        manages the directory (coordinators, admins)."""
        provider = await self.get(principal, provider_id)
        own_staff = (
            principal.has_role(Role.PROVIDER)
            and principal.organisation_id == provider.organisation_id
        )
        if not (own_staff or principal.can(Permission.MANAGE_PROVIDERS)):
            raise NotTheProvidersStaff()
        return provider

    async def page(
        self, principal: Principal, filters: ProviderFilters, page: PageParams
    ) -> tuple[Sequence[Provider], str | None]:
        return await self.providers.filtered_page(principal, filters, page)

    async def create(
        self, principal: Principal, payload: ProviderCreate, now: datetime
    ) -> Provider:
        entry = _entry(payload.model_dump(), dict(payload.capacity.items()))
        await self._check_webhook(payload.webhook_url)
        provider = Provider(
            id=uuid.uuid4(),
            **entry.values,
            median_accept_hours=None,
            version=1,
            created_at=now,
            updated_at=now,
            services=[],
            coverage=[],
            capacities=[],
        )
        _store_lists(provider, entry)
        self.providers.add(provider)
        await self.providers.flush()
        await self.providers.directory_changed()
        return await self.get(principal, provider.id)

    async def update(
        self, principal: Principal, provider: Provider, payload: ProviderUpdate, now: datetime
    ) -> Provider:
        changes = payload.model_dump(exclude_unset=True)
        state = {**_state_of(provider), **changes}
        # One kind of area replaces the other; an empty list is none of its kind.
        chosen = [name for name in _AREAS if changes.get(name)]
        if len(chosen) > 1:
            raise BothKindsOfArea()
        for name in _AREAS:
            if name in changes or (chosen and name not in chosen):
                state[name] = changes.get(name) or None
        capacity: dict[str, Places] = (
            dict(payload.capacity.items()) if payload.capacity is not None else _places_of(provider)
        )
        entry = _entry(state, capacity)
        if "webhook_url" in changes:
            await self._check_webhook(changes["webhook_url"])
        for name, value in entry.values.items():
            setattr(provider, name, value)
        _store_lists(provider, entry)
        provider.version += 1
        provider.updated_at = now
        await self.providers.flush()
        await self.providers.directory_changed()
        return await self.get(principal, provider.id)

    async def set_free_places(
        self, principal: Principal, provider: Provider, payload: CapacityUpdate
    ) -> Provider:
        places = _places_of(provider).get(payload.service)
        if places is None:
            raise NoSuchPlaces(payload.service)
        if not await self.providers.set_free(provider.id, payload.service, payload.free):
            raise MoreFreeThanTotal(places.total)
        return await self.get(principal, provider.id)

    async def matches(
        self,
        case: CaseFacts,
        services: Sequence[str],
        today: date,
        limit: int | None,
        listed: matching.Listed = "nearby",
    ) -> tuple[list[str], matching.MatchResult]:
        """The case matched to the active directory for `services`, or — none named — for
        the services its latest risk assessment's measures call for (cases/needs.py)."""
        risk = await self.cases.risk(case.case_id)
        needs = sorted(set(services)) or services_for(risk.measures if risk else ())
        if not needs:
            raise NoServicesNamed()
        directory = await self.snapshot.directory(self.providers)
        result = directory.match(
            case_for_matching(case, risk), needs, today=today, limit=limit, listed=listed
        )
        return needs, result


def provider_out(provider: Provider) -> ProviderOut:
    coverage = split_coverage(area.area for area in provider.coverage)
    accreditation = (
        Accreditation(
            number=provider.accreditation_number,
            valid_until=provider.accreditation_valid_until,
        )
        if provider.accreditation_number is not None
        and provider.accreditation_valid_until is not None
        else None
    )
    return ProviderOut(
        id=provider.id,
        name=provider.name,
        kind=provider.kind,
        organisation_id=provider.organisation_id,
        services=[s.service for s in provider.services],
        counties=coverage.counties,
        countries=coverage.countries,
        accepts_adults=provider.accepts_adults,
        accepts_children=provider.accepts_children,
        genders=provider.genders,
        languages=provider.languages,
        specialisations=provider.specialisations,
        capacity=_places_of(provider),
        accreditation=accreditation,
        active=provider.active,
        contact=Contact.model_validate(provider.contact) if provider.contact else None,
        has_webhook=provider.webhook_url is not None,
        created_at=provider.created_at,
        updated_at=provider.updated_at,
    )


def _places_of(provider: Provider) -> dict[str, Places]:
    return {c.service: Places(total=c.total, free=c.free) for c in provider.capacities}


def _state_of(provider: Provider) -> dict[str, Any]:
    """A stored entry in the shape of `ProviderCreate.model_dump()`, for merging a change."""
    out = provider_out(provider)
    state = out.model_dump(exclude={"id", "has_webhook", "capacity", "created_at", "updated_at"})
    state["counties"] = out.counties or None
    state["countries"] = out.countries or None
    state["webhook_url"] = provider.webhook_url
    state["webhook_secret"] = provider.webhook_secret
    return state


def _entry(state: Mapping[str, Any], capacity: Mapping[str, Places]) -> _Entry:
    """Check the rules that join fields (each field was checked alone by its schema)."""
    services = list(state["services"])
    errors: list[FieldError] = []
    if bool(state.get("counties")) == bool(state.get("countries")):
        errors.append(
            FieldError("counties", "Give counties (or ['national']) or, abroad, countries.")
        )
    residential = sorted(matching.RESIDENTIAL_SERVICES.intersection(services))
    for service in sorted(set(capacity) - set(residential)):
        errors.append(FieldError(f"capacity.{service}", f"The provider does not offer {service}."))
    for service in residential:
        if service not in capacity:
            errors.append(
                FieldError(f"capacity.{service}", "A residential service needs its places.")
            )
    if state.get("webhook_url") is not None and state.get("webhook_secret") is None:
        errors.append(FieldError("webhook_secret", "A webhook needs a secret to sign with."))
    if errors:
        raise InvalidEntry(errors)
    accreditation = state.get("accreditation")
    contact = state.get("contact")
    return _Entry(
        values={
            "name": state["name"],
            "kind": state["kind"],
            "organisation_id": state["organisation_id"],
            "accepts_adults": state["accepts_adults"],
            "accepts_children": state["accepts_children"],
            "genders": list(state["genders"]),
            "languages": list(state["languages"]),
            "specialisations": list(state["specialisations"]),
            "accreditation_number": accreditation["number"] if accreditation else None,
            "accreditation_valid_until": accreditation["valid_until"] if accreditation else None,
            "active": state["active"],
            "contact": {k: v for k, v in contact.items() if v is not None} if contact else None,
            "webhook_url": str(state["webhook_url"]) if state.get("webhook_url") else None,
            "webhook_secret": state.get("webhook_secret"),
        },
        services=services,
        areas=list(state.get("counties") or state.get("countries") or []),
        capacity={service: capacity[service] for service in residential},
    )


def _store_lists(provider: Provider, entry: _Entry) -> None:
    """Bring the child rows to the entry. A row kept is changed in place: deleting a row
    and adding it again under the same key in one flush would collide."""
    provider.services = _synced(
        provider.services, entry.services, lambda r: r.service, lambda s: OfferedService(service=s)
    )
    provider.coverage = _synced(
        provider.coverage, entry.areas, lambda r: r.area, lambda a: CoveredArea(area=a)
    )
    provider.capacities = _synced(
        provider.capacities,
        list(entry.capacity),
        lambda r: r.service,
        lambda s: Capacity(service=s),
    )
    for row in provider.capacities:
        places = entry.capacity[row.service]
        row.total, row.free = places.total, places.free


Row = TypeVar("Row")


def _synced(
    rows: list[Row], wanted: Sequence[str], key: Callable[[Row], str], new: Callable[[str], Row]
) -> list[Row]:
    """The rows for `wanted`: the existing ones kept, new ones made (the rest are orphans,
    deleted by the relationship's cascade)."""
    existing = {key(row): row for row in rows}
    return [existing.get(value) or new(value) for value in wanted]


class ProviderSecrets:
    """Resolves a webhook's `secret_ref` (`provider:<id>`) to that provider's secret, for
    the relay that signs the delivery. Bound to the app's database once it exists."""

    def __init__(self) -> None:
        self.database: Database | None = None

    async def resolve(self, secret_ref: str) -> str | None:
        if self.database is None or not secret_ref.startswith(SECRET_REF_PREFIX):
            return None
        try:
            provider_id = uuid.UUID(secret_ref.removeprefix(SECRET_REF_PREFIX))
        except ValueError:
            return None
        async with self.database.sessions() as session:
            return (await ProviderRepository(session).webhook(provider_id))[1]


def secret_ref(provider_id: uuid.UUID) -> str:
    return f"{SECRET_REF_PREFIX}{provider_id}"
