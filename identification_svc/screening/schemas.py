"""Request and response bodies of the screening endpoints (API.md, `POST /screenings`)."""

import json
import uuid
from datetime import datetime
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from identification_svc.cases.schemas import Subject
from identification_svc.fields import (
    CountryCode,
    CountyCode,
    ExploitationForms,
    Note,
    Setting,
)
from identification_svc.persons.protection import PersonalDataProtector
from identification_svc.screening.models import Screening
from identification_svc.screening.rules import (
    Answer,
    Clause,
    Outcome,
    Population,
    Profile,
    RuleGroup,
)
from shared.pagination import Page

# Far above any catalogue's size: a longer list can only repeat or invent codes.
MAX_ANSWERS: Final = 300


class Context(BaseModel):
    model_config = ConfigDict(extra="forbid")

    county: CountyCode | None = Field(default=None, description="Where the screening happens.")
    country_of_exploitation: CountryCode | None = None
    setting: Setting = "other"
    act_recorded: bool = Field(
        default=False,
        strict=True,
        description="Recruited, transported, transferred, harboured or received (child rule).",
    )


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    indicator: Annotated[str, StringConstraints(max_length=16)] = Field(examples=["DR.01"])
    answer: Answer
    note: Note | None = None


_EXAMPLE: dict[str, Any] = {
    "catalogue_version": 1,
    "exploitation_forms": ["labour"],
    "subject": {"age": 24, "possibly_minor": False, "gender": "female", "citizenship": "RO"},
    "context": {
        "county": "RO-IS",
        "country_of_exploitation": "IT",
        "setting": "border_check",
        "act_recorded": True,
    },
    "answers": [
        {"indicator": "DR.01", "answer": "yes", "note": "promised hotel work"},
        {"indicator": "DR.02", "answer": "yes"},
        {"indicator": "EX.01", "answer": "yes"},
        {"indicator": "EX.04", "answer": "yes"},
        {"indicator": "CD.01", "answer": "yes"},
        {"indicator": "CD.04", "answer": "unknown"},
    ],
    "case_id": None,
}


class ScreeningAnswers(BaseModel):
    """What a screening evaluates: the catalogue version, the suspected forms, the facts of
    the subject and context, and the answers (a real screening, or a practice one)."""

    model_config = ConfigDict(extra="forbid")

    catalogue_version: Annotated[int, Field(strict=True, ge=1, le=1_000_000)] | None = Field(
        default=None, description="Default: the latest published version."
    )
    exploitation_forms: ExploitationForms = Field(
        default_factory=list,
        description="Suspected forms; empty evaluates every profile of the age group.",
    )
    subject: Subject = Field(default_factory=Subject)
    context: Context = Field(default_factory=Context)
    answers: list[AnswerIn] = Field(default_factory=list, max_length=MAX_ANSWERS)


class ScreeningCreate(ScreeningAnswers):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_EXAMPLE]})

    case_id: uuid.UUID | None = Field(
        default=None, description="Attach to this case instead of opening one."
    )


class DimensionResult(BaseModel):
    present: bool
    clause: Clause | None
    counted: list[str]
    unknown: int
    unknown_indicators: list[str]


class RuleResult(BaseModel):
    clause: Population
    satisfied: bool
    missing: list[RuleGroup]
    act_recorded: bool


class ProfileResult(BaseModel):
    outcome: Outcome
    dimensions: dict[str, DimensionResult]
    rule: RuleResult
    strong_indicators: list[str]
    ignored: list[str]


class ScreeningWarning(BaseModel):
    """Something the screener is told with the answer; it never stops a screening."""

    code: Literal["screener_not_trained"] = Field(
        description="`screener_not_trained`: the screener has completed no training on the "
        "current catalogue version (only with `NIRM_IDENTIFICATION_TRAINING_WARNING` on)."
    )
    detail: str
    catalogue_version: int | None = Field(
        default=None, description="The catalogue version the warning is about."
    )


def _absent(value: Any) -> bool:
    return value is None


class ScreeningOut(BaseModel):
    """A stored screening: its result, the versions it used, and what was answered."""

    id: uuid.UUID
    case_id: uuid.UUID | None
    outcome: Outcome
    population: Population
    decisive_profile: Profile
    profiles: dict[Profile, ProfileResult]
    catalogue_version: int
    rule_set_version: str
    created_at: datetime
    organisation_id: uuid.UUID
    exploitation_forms: list[str]
    subject: Subject
    context: Context
    answers: list[AnswerIn]
    warnings: list[ScreeningWarning] | None = Field(
        default=None,
        exclude_if=_absent,
        description="Only in the answer that made the screening, when there is something to "
        "tell the screener; the gateway's audit event of the screening keeps the codes.",
    )

    @classmethod
    def of(
        cls,
        screening: Screening,
        protector: PersonalDataProtector,
        warnings: list[ScreeningWarning] | None = None,
    ) -> "ScreeningOut":
        result = screening.result
        notes: dict[str, str] = {}
        if screening.answer_notes_sealed is not None:
            context = screening.sealed_context("answer_notes")
            notes = json.loads(protector.open(screening.answer_notes_sealed, context=context))
        return cls(
            id=screening.id,
            case_id=screening.case_id,
            outcome=result["outcome"],
            population=result["population"],
            decisive_profile=result["decisive_profile"],
            profiles=result["profiles"],
            catalogue_version=screening.catalogue_version,
            rule_set_version=screening.rule_set_version,
            created_at=screening.created_at,
            organisation_id=screening.organisation_id,
            exploitation_forms=screening.exploitation_forms,
            subject=Subject.model_validate(screening.subject),
            context=Context.model_validate(screening.context),
            answers=[
                AnswerIn.model_validate({**answer, "note": notes.get(answer["indicator"])})
                for answer in screening.answers
            ],
            warnings=warnings,
        )


class ScreeningPage(Page[ScreeningOut]):
    """A page of screenings, newest first."""
