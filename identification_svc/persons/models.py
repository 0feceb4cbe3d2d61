"""Tables of persons: the personal data of a case's person, sealed, and its blind indexes.

Columns ending in `_sealed` hold `persons.protection` sealed text, never plaintext: names,
birth date, documents, phone and address. What is not identifying on its own (estimated
age, gender, citizenships, languages) is kept plain, as the other case facts are.
"""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from identification_svc.db import Base
from identification_svc.persons.protection import bound_to
from shared.db import JSONType, UTCDateTime, new_id


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), unique=True)
    given_name_sealed: Mapped[str | None] = mapped_column(Text)
    family_name_sealed: Mapped[str | None] = mapped_column(Text)
    birth_date_sealed: Mapped[str | None] = mapped_column(Text)
    documents_sealed: Mapped[str | None] = mapped_column(Text)
    phone_sealed: Mapped[str | None] = mapped_column(Text)
    address_sealed: Mapped[str | None] = mapped_column(Text)
    estimated_age: Mapped[int | None] = mapped_column(Integer)
    gender: Mapped[str | None] = mapped_column(String(8))
    citizenships: Mapped[list[str]] = mapped_column(JSONType)
    languages: Mapped[list[str]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    row_version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012

    def sealed_context(self, field: str) -> str:
        """What the sealed value of `field` is bound to: this row and that field."""
        return bound_to("person", self.id, field)


class PersonMatchKey(Base):
    """One blind index of a person (a document, or the full name with the birth date)."""

    __tablename__ = "person_match_keys"

    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
