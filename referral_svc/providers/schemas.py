"""Request and response bodies of the provider directory and of provider matching."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    field_validator,
    model_validator,
)

from referral_svc.providers.models import NATIONAL
from referral_svc.vocabulary import (
    Language,
    ProviderKind,
    ResidentialService,
    Service,
)
from shared.fields import CountryCode, Line
from shared.geo import is_county
from shared.pagination import Page
from shared.vocabulary import ExploitationForm, Gender

MAX_PLACES = 100_000


def _county_or_national(code: str) -> str:
    if code != NATIONAL and not is_county(code):
        raise ValueError("must be an ISO 3166-2:RO county code such as RO-CJ, or 'national'")
    return code


CoverageCode = Annotated[str, StringConstraints(max_length=8), AfterValidator(_county_or_national)]


def _unique(values: list[Any]) -> list[Any]:
    """A list that stands for a set, in a stable order (duplicates carry no meaning)."""
    return sorted(set(values))


class Places(BaseModel):
    """Places of one residential service."""

    model_config = ConfigDict(extra="forbid")

    total: int = Field(ge=0, le=MAX_PLACES)
    free: int = Field(ge=0, le=MAX_PLACES)

    @model_validator(mode="after")
    def _free_within_total(self) -> Self:
        if self.free > self.total:
            raise ValueError("free places cannot exceed the total")
        return self


class Accreditation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: Line
    valid_until: date


class Contact(BaseModel):
    """How practitioners reach the provider (the organisation's, never a victim's)."""

    model_config = ConfigDict(extra="forbid")

    phone: Annotated[Line, StringConstraints(max_length=40)] | None = None
    email: Annotated[Line, StringConstraints(max_length=254)] | None = None
    address: Line | None = None


Services = Annotated[list[Service], Field(min_length=1, max_length=12), AfterValidator(_unique)]
# Either may be empty (none of that kind, as an answer shows it), not both.
Counties = Annotated[
    list[CoverageCode],
    Field(max_length=43, description="County codes, or ['national']; empty abroad"),
]
Countries = Annotated[
    list[CountryCode],
    Field(max_length=250, description="For a provider abroad; empty in Romania"),
    AfterValidator(_unique),
]
Genders = Annotated[list[Gender], Field(max_length=4), AfterValidator(_unique)]
Languages = Annotated[list[Language], Field(max_length=50), AfterValidator(_unique)]
Specialisations = Annotated[list[ExploitationForm], Field(max_length=11), AfterValidator(_unique)]
CapacityTable = Annotated[dict[ResidentialService, Places], Field(max_length=2)]
WebhookUrl = Annotated[AnyHttpUrl, Field(max_length=2048)]
# Printable ASCII without spaces: it is shared with the provider's IT and fed to HMAC.
WebhookSecret = Annotated[
    str, StringConstraints(min_length=16, max_length=200, pattern=r"^[!-~]+$")
]


def _coverage(counties: list[str]) -> list[str]:
    """`["national"]` alone, or counties (as a set)."""
    if NATIONAL in counties and len(set(counties)) > 1:
        raise ValueError("'national' covers every county and stands alone")
    return _unique(counties)


_EXAMPLE: dict[str, JsonValue] = {
    "name": "Adăpostul Speranța",
    "kind": "ngo",
    "organisation_id": "3f0c9a52-4a53-4f7e-9a55-1a2b3c4d5e6f",
    "services": ["shelter", "psychological", "legal"],
    "counties": ["RO-IS", "RO-VS"],
    "accepts_adults": True,
    "accepts_children": False,
    "genders": ["female"],
    "languages": ["ro", "en"],
    "specialisations": ["sexual", "labour"],
    "capacity": {"shelter": {"total": 12, "free": 4}},
    "accreditation": {"number": "AC-000123", "valid_until": "2028-12-31"},
    "active": True,
    "contact": {"phone": "+40 232 000 000", "email": "contact@example.org"},
    "webhook_url": "https://ngo.example.org/nirm/webhook",
    "webhook_secret": "a-long-shared-secret-for-signing",
}


class ProviderCreate(BaseModel):
    """A new directory entry. `counties` (or `["national"]`) for a provider in Romania,
    `countries` for one abroad (the other left out, null or empty); a residential service
    offered needs its `capacity`."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE]})

    name: Line
    kind: ProviderKind
    organisation_id: uuid.UUID
    services: Services
    counties: Annotated[Counties, AfterValidator(_coverage)] | None = None
    countries: Countries | None = None
    accepts_adults: bool = True
    accepts_children: bool = False
    genders: Genders = Field(default_factory=list, description="Empty: every gender")
    languages: Languages = Field(default_factory=list)
    specialisations: Specialisations = Field(default_factory=list)
    capacity: CapacityTable = Field(default_factory=dict)
    accreditation: Accreditation | None = None
    active: bool = True
    contact: Contact | None = None
    webhook_url: WebhookUrl | None = None
    webhook_secret: WebhookSecret | None = Field(default=None, description="Write-only")


class ProviderUpdate(BaseModel):
    """Changes to a directory entry; absent fields stay. `counties` replaces `countries`
    and the other way round (both may be sent when one is empty, as an answer shows
    them); `null` clears accreditation, contact or the webhook."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"active": False}, {"counties": ["national"]}]},
    )

    name: Line | None = None
    kind: ProviderKind | None = None
    organisation_id: uuid.UUID | None = None
    services: Services | None = None
    counties: Annotated[Counties, AfterValidator(_coverage)] | None = None
    countries: Countries | None = None
    accepts_adults: bool | None = None
    accepts_children: bool | None = None
    genders: Genders | None = None
    languages: Languages | None = None
    specialisations: Specialisations | None = None
    capacity: CapacityTable | None = None
    accreditation: Accreditation | None = None
    active: bool | None = None
    contact: Contact | None = None
    webhook_url: WebhookUrl | None = None
    webhook_secret: WebhookSecret | None = None

    @field_validator(
        "name",
        "kind",
        "organisation_id",
        "services",
        "counties",
        "countries",
        "accepts_adults",
        "accepts_children",
        "genders",
        "languages",
        "specialisations",
        "capacity",
        "active",
        mode="before",
    )
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may be left out, not set to null")
        return value


class ProviderFilters(BaseModel):
    """Filters of the directory list; each narrows it."""

    county: CoverageCode | None = Field(
        default=None, description="Providers covering this county (national ones included)"
    )
    service: Service | None = None
    kind: ProviderKind | None = None
    accepts_children: bool | None = None
    active: bool | None = None


class CapacityUpdate(BaseModel):
    """The free places of one residential service (0 ≤ free ≤ total)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"service": "shelter", "free": 3}]}
    )

    service: ResidentialService
    free: int = Field(ge=0, le=MAX_PLACES)


class ProviderOut(BaseModel):
    """A directory entry. The webhook's URL and secret are never answered: `has_webhook`
    says whether one is set."""

    id: uuid.UUID
    name: str
    kind: str
    organisation_id: uuid.UUID
    services: list[str]
    counties: list[str] = Field(description="County codes, or ['national']; empty abroad")
    countries: list[str] = Field(description="For a provider abroad; empty in Romania")
    accepts_adults: bool
    accepts_children: bool
    genders: list[str]
    languages: list[str]
    specialisations: list[str]
    capacity: dict[str, Places]
    accreditation: Accreditation | None
    active: bool
    contact: Contact | None
    has_webhook: bool
    created_at: datetime
    updated_at: datetime


class ProviderPage(Page[ProviderOut]):
    """A page of the directory, oldest entries first."""


class ProviderMatch(BaseModel):
    """An eligible provider, its score and the reasons behind it, weightiest first."""

    provider_id: uuid.UUID
    name: str
    score: int
    reasons: list[str]


class ProviderExclusion(BaseModel):
    """A provider that fails a hard rule, with every rule it fails."""

    provider_id: uuid.UUID
    reasons: list[str]


class ProviderMatches(BaseModel):
    """The active directory matched to a case for `needs`: matches best first."""

    needs: list[str] = Field(description="The services matched on (asked for or defaulted)")
    matches: list[ProviderMatch] = Field(description="The best matches, at most `limit`.")
    matches_total: int = Field(description="How many active providers match, listed or not.")
    excluded: list[ProviderExclusion] = Field(
        description="Excluded providers with every rule they fail: those near the person, or "
        "all of them (`excluded=all`)."
    )
    excluded_total: int = Field(description="How many active providers are excluded.")
    excluded_by_reason: dict[str, int] = Field(
        description="How many excluded providers fail each hard rule (one failing several "
        "counts under each), most first."
    )
