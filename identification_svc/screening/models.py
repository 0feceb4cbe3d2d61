"""The screenings table: what was asked and answered, the versions used, and the result.

A screening stores its inputs with the catalogue and rule-set versions it was evaluated
with, so the stored result can be re-derived (and checked) at any time. The practitioner's
notes on the answers may name people: they are kept apart from the answers, sealed by
`persons.protection`, never plaintext.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from identification_svc.db import Base
from identification_svc.persons.protection import bound_to
from shared.db import JSONType, UTCDateTime, new_id


class Screening(Base):
    __tablename__ = "screenings"
    __table_args__ = (Index("ix_screenings_created_at_id", "created_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    # The screening organisation's kind and county, from the screener's token: what the
    # training coverage counts organisations by (null before they were kept).
    organisation_kind: Mapped[str | None] = mapped_column(String(32))
    organisation_county: Mapped[str | None] = mapped_column(String(16))
    screened_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    catalogue_version: Mapped[int] = mapped_column(ForeignKey("catalogue_versions.version"))
    rule_set_version: Mapped[str] = mapped_column(String(8))
    exploitation_forms: Mapped[list[str]] = mapped_column(JSONType)
    # {age, possibly_minor, gender, citizenship}
    subject: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # {county, country_of_exploitation, setting, act_recorded}
    context: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # [{indicator, answer}] in the order given
    answers: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    # The notes of the answers that have one, as sealed JSON {indicator: note}.
    answer_notes_sealed: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20))
    # The engine's evaluation (population, decisive profile, profiles) as answered.
    result: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def sealed_context(self, field: str) -> str:
        """What the sealed value of `field` is bound to: this row and that field."""
        return bound_to("screening", self.id, field)
