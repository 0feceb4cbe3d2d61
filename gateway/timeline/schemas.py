"""The answer of a case's timeline: its entries, and the parts that may be missing."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

EntryKind = Literal[
    "screening",
    "decision",
    "consent",
    "consent_withdrawn",
    "risk_assessment",
    "referral",
    "referral_status",
    "repatriation_step",
]
SummaryValue = str | int | bool | list[str] | None


class TimelineEntry(BaseModel):
    """One event of the case; `summary` holds a few coded fields, never personal data
    nor free text."""

    at: datetime
    kind: EntryKind
    id: uuid.UUID = Field(
        description="The screening, decision, consent, assessment, "
        "referral or repatriation the entry is about"
    )
    summary: dict[str, SummaryValue]


class CaseTimeline(BaseModel):
    """What the caller may see of a case's life, oldest first."""

    case_id: uuid.UUID
    entries: list[TimelineEntry]
    incomplete: list[str] = Field(
        description="The parts whose entries may be missing: down, slow or failing"
    )
