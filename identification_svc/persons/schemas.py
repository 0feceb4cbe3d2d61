"""Request and response bodies of `/cases/{id}/person` (API.md: all fields optional)."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from identification_svc.cases.schemas import Age
from identification_svc.fields import ONE_LINE, CountryCode, Gender, Line
from shared.db import utcnow

DocumentType = Literal[
    "passport",
    "identity_card",
    "residence_permit",
    "travel_document",
    "birth_certificate",
    "driving_licence",
    "other",
]
LanguageTag = Annotated[
    str, StringConstraints(pattern=r"^[a-z]{2,3}$"), Field(examples=["ro", "it", "rom"])
]
Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 ()./-]{2,29}$"),
    Field(examples=["+40 722 000 000"]),
]
Address = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), ONE_LINE]
DocumentNumber = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40), ONE_LINE]
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def _iso_date_text(value: Any) -> Any:
    # A number would otherwise be read as a Unix timestamp.
    if not isinstance(value, str | date):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


def _plausible_birth_date(value: date) -> date:
    if not EARLIEST_BIRTH_DATE <= value <= utcnow().date():
        raise ValueError("must be a past date, not before 1900")
    return value


BirthDate = Annotated[date, BeforeValidator(_iso_date_text), AfterValidator(_plausible_birth_date)]


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: DocumentType
    number: DocumentNumber
    country: CountryCode


class PersonData(BaseModel):
    """The person's data as a whole: a PUT replaces all of it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "given_name": "Ana",
                    "family_name": "Popescu",
                    "birth_date": "2001-04-17",
                    "gender": "female",
                    "citizenships": ["RO"],
                    "languages": ["ro", "it"],
                    "documents": [{"type": "identity_card", "number": "IS123456", "country": "RO"}],
                    "phone": "+40 722 000 000",
                    "address": "Str. Exemplu 1, Iași",
                }
            ]
        },
    )

    given_name: Line | None = None
    family_name: Line | None = None
    birth_date: BirthDate | None = None
    estimated_age: Age | None = None
    gender: Gender | None = None
    citizenships: list[CountryCode] = Field(default_factory=list, max_length=5)
    languages: list[LanguageTag] = Field(default_factory=list, max_length=10)
    documents: list[Document] = Field(default_factory=list, max_length=10)
    phone: Phone | None = None
    address: Address | None = None


class DocumentOut(BaseModel):
    type: str
    number: str
    country: str


class PersonOut(BaseModel):
    """The person's data as the caller may see it. `view` is `full`, or `provider`: a
    provider's staff see what its services need (names, estimated age, gender, languages,
    phone); birth date, citizenships, documents and address are left out (null or empty).
    """

    id: uuid.UUID
    view: Literal["full", "provider"]
    given_name: str | None = None
    family_name: str | None = None
    birth_date: date | None = None
    estimated_age: int | None = None
    gender: Gender | None = None
    citizenships: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    documents: list[DocumentOut] = Field(default_factory=list)
    phone: str | None = None
    address: str | None = None
    version: int
    updated_at: datetime
