"""Stored risk assessments: the inputs (answers, child or not, judgement, instrument
version, time) and the result they gave, which re-evaluating the inputs reproduces.
"""

import uuid
from datetime import datetime
from typing import TypedDict

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from risk_svc.assessments.scoring import Answer, JudgementDict, Level
from risk_svc.db import Base
from shared.db import JSONType, UTCDateTime, new_id

_LEVELS_SQL = "IN ('low', 'medium', 'high')"


class AnswerJSON(TypedDict):
    item: str
    answer: Answer


class DomainJSON(TypedDict):
    domain: str
    score: int
    level: Level


class Assessment(Base):
    __tablename__ = "risk_assessments"
    __table_args__ = (
        CheckConstraint(f"level {_LEVELS_SQL}", name="level"),
        CheckConstraint(f"computed_level {_LEVELS_SQL}", name="computed_level"),
        Index("ix_risk_assessments_case_id_created_at", "case_id", "created_at"),
        Index("ix_risk_assessments_reassess_by", "reassess_by"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("risk_case_facts.case_id"))
    instrument_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("risk_instrument_versions.id", name="fk_risk_assessments_instrument_version")
    )
    # --- inputs
    instrument: Mapped[str] = mapped_column(String(50))
    version: Mapped[int]
    is_child: Mapped[bool]
    # In the order given (a JSON object would be reordered by JSONB).
    answers: Mapped[list[AnswerJSON]] = mapped_column(JSONType)
    judgement: Mapped[JudgementDict | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    assessor_id: Mapped[uuid.UUID]
    assessor_organisation_id: Mapped[uuid.UUID]
    # --- result
    # In instrument order (a JSON object would be reordered by JSONB).
    domains: Mapped[list[DomainJSON]] = mapped_column(JSONType)
    computed_level: Mapped[Level] = mapped_column(String(8))
    level: Mapped[Level] = mapped_column(String(8))
    critical_items: Mapped[list[str]] = mapped_column(JSONType)
    unknown_items: Mapped[list[str]] = mapped_column(JSONType)
    incomplete: Mapped[bool]
    measures: Mapped[list[str]] = mapped_column(JSONType)
    reassess_by: Mapped[datetime] = mapped_column(UTCDateTime)
