"""Risk assessments over HTTP: the request a practitioner sends and the stored result."""

import uuid
from datetime import datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field

from risk_svc.assessments.models import Assessment
from risk_svc.assessments.scoring import Answer, Level
from risk_svc.instruments.schemas import CODE_PATTERN, MAX_VERSION, ItemCode
from shared.fields import Note
from shared.pagination import Page


class RiskAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    item: ItemCode = Field(examples=["SAF-02"])
    answer: Answer


class RiskJudgement(BaseModel):
    """A professional's overall level: it may raise the computed level, never lower it."""

    model_config = ConfigDict(extra="forbid", strict=True)

    level: Level
    reason: Note = Field(description="Mandatory written reason.")


class RiskAssessmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    instrument: str = Field(pattern=CODE_PATTERN, examples=["initial"])
    version: int | None = Field(
        default=None, ge=1, le=MAX_VERSION, description="Default: the published version."
    )
    answers: list[RiskAnswer] = Field(
        max_length=200, description='Items not answered count as "unknown".'
    )
    judgement: RiskJudgement | None = None


CREATE_EXAMPLES: dict[str, Any] = {
    "threatened_adult": {
        "summary": "An adult threatened since leaving the exploitation",
        "value": {
            "instrument": "initial",
            "answers": [
                {"item": "SAF-01", "answer": "no"},
                {"item": "SAF-02", "answer": "yes"},
                {"item": "RET-02", "answer": "yes"},
                {"item": "HEA-01", "answer": "unknown"},
            ],
        },
    },
    "judgement": {
        "summary": "Professional judgement raising the level",
        "value": {
            "instrument": "initial",
            "version": 1,
            "answers": [{"item": "RET-01", "answer": "yes"}],
            "judgement": {
                "level": "high",
                "reason": "The recruiter was seen outside the shelter yesterday.",
            },
        },
    },
}


class RiskDomainResult(BaseModel):
    score: int
    level: Level


class RiskAssessment(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    instrument: str
    version: int
    is_child: bool
    answers: list[RiskAnswer]
    judgement: RiskJudgement | None
    domains: dict[str, RiskDomainResult] = Field(description="Applicable domains, in order.")
    computed_level: Level
    level: Level = Field(description="The computed level, or the judgement's when higher.")
    critical_items: list[str]
    unknown_items: list[str] = Field(description='Applicable items answered "unknown" or not.')
    incomplete: bool = Field(description='More than a third of the items are "unknown".')
    measures: list[str]
    assessed_at: datetime
    reassess_by: datetime
    assessor_id: uuid.UUID
    assessor_organisation_id: uuid.UUID
    created_at: datetime

    @classmethod
    def of(cls, row: Assessment) -> Self:
        return cls(
            id=row.id,
            case_id=row.case_id,
            instrument=row.instrument,
            version=row.version,
            is_child=row.is_child,
            answers=[RiskAnswer(**answer) for answer in row.answers],
            judgement=RiskJudgement(**row.judgement) if row.judgement else None,
            domains={
                domain["domain"]: RiskDomainResult(score=domain["score"], level=domain["level"])
                for domain in row.domains
            },
            computed_level=row.computed_level,
            level=row.level,
            critical_items=row.critical_items,
            unknown_items=row.unknown_items,
            incomplete=row.incomplete,
            measures=row.measures,
            assessed_at=row.created_at,
            reassess_by=row.reassess_by,
            assessor_id=row.assessor_id,
            assessor_organisation_id=row.assessor_organisation_id,
            created_at=row.created_at,
        )


class RiskAssessmentPage(Page[RiskAssessment]):
    pass
