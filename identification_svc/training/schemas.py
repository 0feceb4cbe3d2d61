"""Request and response bodies of the training endpoints: sessions and participants, a
practitioner's and an organisation's records, vignettes, practice screenings and coverage
statistics. Sealed names are opened here, to answer a caller who may see them."""

import json
import uuid
from datetime import date, datetime
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from identification_svc.fields import (
    AttendeeOrganisationKind,
    CountyCode,
    CountyOrNational,
    Gender,
    Line,
    Setting,
)
from identification_svc.persons.protection import PersonalDataProtector
from identification_svc.screening.rules import Outcome, Population, Profile
from identification_svc.screening.schemas import ProfileResult, ScreeningAnswers
from identification_svc.training.coverage import Dimension, Measure
from identification_svc.training.models import TrainingParticipant, TrainingSession
from identification_svc.training.vignettes import Vignette
from shared.language import LanguageCode
from shared.pagination import Page

MAX_PARTICIPANTS: Final = 500
MAX_TRAINERS: Final = 20
Version = Annotated[int, Field(strict=True, ge=1, le=1_000_000)]
Score = Annotated[int, Field(strict=True, ge=0, le=100)]
# As the risk service writes them (risk_svc/instruments/schemas.py).
InstrumentCode = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,49}$"), Field(examples=["initial"])
]
InstrumentVersionNumber = Annotated[int, Field(strict=True, ge=1, le=100_000)]
VignetteCode = Annotated[
    str, StringConstraints(pattern=r"^V[0-9]{1,4}-[0-9]{2,3}$"), Field(examples=["V1-01"])
]


class InstrumentVersion(BaseModel):
    """A risk instrument version taught, as the risk service names it."""

    model_config = ConfigDict(extra="forbid")

    instrument: InstrumentCode
    version: InstrumentVersionNumber


class OrganisationFacts(BaseModel):
    """The organisation a participant came from. `id` is the suite's organisation, when it
    has one (`GET /api/v1/me` shows a user's); `kind` and `county` are what coverage is
    counted by."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID | None = None
    kind: AttendeeOrganisationKind
    county: CountyOrNational


def _not_removed(value: Any) -> Any:
    """A correction given as null: these fields are changed, never removed."""
    if value is None:
        raise ValueError("may be changed, not removed")
    return value


class ParticipantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: uuid.UUID | None = Field(
        default=None, description="The suite's user; null for an attendee without an account."
    )
    name: Line = Field(description="As on the certificate. Personal data: sealed at rest.")
    organisation: OrganisationFacts
    completed: bool = Field(default=False, strict=True)
    score: Score | None = Field(default=None, description="The assessment's score, 0 to 100.")


class ParticipantChange(BaseModel):
    """Corrections of a participant record; fields left out stay as they are, a `score` of
    null removes it."""

    model_config = ConfigDict(extra="forbid")

    name: Line | None = None
    organisation: OrganisationFacts | None = None
    completed: bool | None = Field(default=None, strict=True)
    score: Score | None = None

    _kept = field_validator("name", "organisation", "completed")(_not_removed)


_SESSION_EXAMPLE: dict[str, Any] = {
    "held_on": "2026-11-20",
    "county": "RO-IS",
    "trainers": ["Maria Ionescu"],
    "catalogue_version": 1,
    "instrument_versions": [{"instrument": "initial", "version": 1}],
    "categories": ["police", "labour_inspectorate", "ngo"],
    "participants": [
        {
            "user_id": "0b5f5f55-8c41-4d4e-9b3a-0a4f6d2f1c11",
            "name": "Ana Pop",
            "organisation": {
                "id": "5d7c0e0b-1f1e-4c53-9a55-2c6f6f1d2e22",
                "kind": "police",
                "county": "RO-IS",
            },
            "completed": True,
            "score": 86,
        },
        {
            "name": "Ion Vasile",
            "organisation": {"kind": "other", "county": "RO-IS"},
            "completed": True,
        },
    ],
}


class TrainingSessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_SESSION_EXAMPLE]})

    held_on: date
    online: bool = Field(default=False, strict=True, description="Held online (no county).")
    county: CountyCode | None = Field(default=None, description="Where it was held.")
    trainers: list[Line] = Field(min_length=1, max_length=MAX_TRAINERS)
    catalogue_version: Version = Field(description="The indicator catalogue version taught.")
    instrument_versions: list[InstrumentVersion] = Field(default_factory=list, max_length=20)
    categories: list[AttendeeOrganisationKind] = Field(
        default_factory=list,
        max_length=20,
        description="The professional categories invited, as organisation kinds.",
    )
    participants: list[ParticipantIn] = Field(default_factory=list, max_length=MAX_PARTICIPANTS)


class TrainingSessionChange(BaseModel):
    """Corrections of a session; fields left out stay as they are. A correction of the
    catalogue version taught moves every participant's training to it; moving a session
    online takes `"county": null` with it."""

    model_config = ConfigDict(extra="forbid")

    held_on: date | None = None
    online: bool | None = Field(default=None, strict=True)
    county: CountyCode | None = None
    trainers: list[Line] | None = Field(default=None, min_length=1, max_length=MAX_TRAINERS)
    catalogue_version: Version | None = None
    instrument_versions: list[InstrumentVersion] | None = Field(default=None, max_length=20)
    categories: list[AttendeeOrganisationKind] | None = Field(default=None, max_length=20)

    _kept = field_validator(
        "held_on", "online", "trainers", "catalogue_version", "instrument_versions", "categories"
    )(_not_removed)


class OrganisationFactsOut(BaseModel):
    id: uuid.UUID | None
    kind: str
    county: str


class ParticipantOut(BaseModel):
    """A participant record as a coordinator sees it."""

    id: uuid.UUID
    session_id: uuid.UUID
    user_id: uuid.UUID | None
    name: str
    organisation: OrganisationFactsOut
    completed: bool
    score: int | None
    recorded_by: uuid.UUID
    recorded_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: TrainingParticipant, protector: PersonalDataProtector) -> "ParticipantOut":
        return cls(
            id=row.id,
            session_id=row.session_id,
            user_id=row.user_id,
            name=participant_name(row, protector),
            organisation=_organisation(row),
            completed=row.completed,
            score=row.score,
            recorded_by=row.recorded_by,
            recorded_at=row.recorded_at,
            updated_at=row.updated_at,
        )


def participant_name(row: TrainingParticipant, protector: PersonalDataProtector) -> str:
    return protector.open(row.name_sealed, context=row.sealed_context("name"))


def session_trainers(row: TrainingSession, protector: PersonalDataProtector) -> list[str]:
    trainers: list[str] = json.loads(
        protector.open(row.trainers_sealed, context=row.sealed_context("trainers"))
    )
    return trainers


def _organisation(row: TrainingParticipant) -> OrganisationFactsOut:
    return OrganisationFactsOut(
        id=row.organisation_id, kind=row.organisation_kind, county=row.county
    )


class TrainingSessionSummary(BaseModel):
    """A session without its people: what was taught, where, when, and to how many."""

    id: uuid.UUID
    held_on: date
    online: bool
    county: str | None
    catalogue_version: int
    instrument_versions: list[InstrumentVersion]
    categories: list[str]
    recorded_by: uuid.UUID
    organisation_id: uuid.UUID
    created_at: datetime
    updated_at: datetime

    @classmethod
    def summary_of(cls, row: TrainingSession) -> "TrainingSessionSummary":
        return cls(
            id=row.id,
            held_on=row.held_on,
            online=row.online,
            county=row.county,
            catalogue_version=row.catalogue_version,
            instrument_versions=[
                InstrumentVersion.model_validate(i) for i in row.instrument_versions
            ],
            categories=row.categories,
            recorded_by=row.recorded_by,
            organisation_id=row.organisation_id,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


class TrainingSessionOut(TrainingSessionSummary):
    """A session with its trainers and participants, by name (personal data: sealed at
    rest)."""

    trainers: list[str]
    participants: list[ParticipantOut]

    @classmethod
    def of(cls, row: TrainingSession, protector: PersonalDataProtector) -> "TrainingSessionOut":
        participants = [ParticipantOut.of(p, protector) for p in row.participants]
        return cls(
            **TrainingSessionSummary.summary_of(row).model_dump(),
            trainers=session_trainers(row, protector),
            participants=sorted(participants, key=lambda p: (p.name.casefold(), str(p.id))),
        )


class TrainingSessionPage(Page[TrainingSessionSummary]):
    """A page of training sessions, the latest recorded first."""


class SessionFacts(BaseModel):
    """What a training record shows of its session."""

    id: uuid.UUID
    held_on: date
    online: bool
    county: str | None
    catalogue_version: int
    instrument_versions: list[InstrumentVersion]


def _session_facts(row: TrainingSession) -> SessionFacts:
    return SessionFacts(
        id=row.id,
        held_on=row.held_on,
        online=row.online,
        county=row.county,
        catalogue_version=row.catalogue_version,
        instrument_versions=[InstrumentVersion.model_validate(i) for i in row.instrument_versions],
    )


def certificate_path(row: TrainingParticipant) -> str | None:
    if not row.completed:
        return None
    return f"/api/v1/training-sessions/{row.session_id}/participants/{row.id}/certificate"


class MyTrainingRecord(BaseModel):
    participant_id: uuid.UUID
    session: SessionFacts
    name: str
    organisation: OrganisationFactsOut
    completed: bool
    score: int | None
    certificate: str | None = Field(description="Where the certificate is, once completed.")


class MyTraining(BaseModel):
    """The caller's own training record."""

    user_id: uuid.UUID
    current_catalogue_version: int | None = Field(
        description="The latest published catalogue version."
    )
    trained_on_current_version: bool = Field(
        description="Whether the caller completed a training on the current version."
    )
    records: list[MyTrainingRecord] = Field(description="Newest session first.")

    @staticmethod
    def record_of(row: TrainingParticipant, protector: PersonalDataProtector) -> MyTrainingRecord:
        return MyTrainingRecord(
            participant_id=row.id,
            session=_session_facts(row.session),
            name=participant_name(row, protector),
            organisation=_organisation(row),
            completed=row.completed,
            score=row.score,
            certificate=certificate_path(row),
        )


class OrganisationTrainingRecord(BaseModel):
    """A member's training as their organisation's managers see it (no score)."""

    participant_id: uuid.UUID
    user_id: uuid.UUID | None
    name: str
    session: SessionFacts
    completed: bool
    certificate: str | None

    @classmethod
    def of(
        cls, row: TrainingParticipant, protector: PersonalDataProtector
    ) -> "OrganisationTrainingRecord":
        return cls(
            participant_id=row.id,
            user_id=row.user_id,
            name=participant_name(row, protector),
            session=_session_facts(row.session),
            completed=row.completed,
            certificate=certificate_path(row),
        )


class OrganisationTraining(Page[OrganisationTrainingRecord]):
    """The training records of an organisation's members, newest recorded first."""

    organisation_id: uuid.UUID
    current_catalogue_version: int | None
    members_trained_on_current_version: int = Field(
        description="People who completed a training on the current version (each user "
        "once; each attendee without an account once per record)."
    )


class VignetteSubject(BaseModel):
    age: int | None
    possibly_minor: bool
    gender: Gender
    citizenship: str | None


class VignetteContext(BaseModel):
    setting: Setting
    act_recorded: bool


class TrainingVignette(BaseModel):
    """A case to practise on: its story and facts (the expected answers come with a
    practice screening's result)."""

    code: str
    catalogue_version: int
    language: LanguageCode
    title: str
    facts: str
    exploitation_forms: list[str]
    subject: VignetteSubject
    context: VignetteContext

    @classmethod
    def localised(cls, vignette: Vignette, language: LanguageCode) -> "TrainingVignette":
        return cls(
            code=vignette.code,
            catalogue_version=vignette.catalogue_version,
            language=language,
            title=vignette.title[language],
            facts=vignette.facts[language],
            exploitation_forms=list(vignette.exploitation_forms),
            subject=VignetteSubject(
                age=vignette.age,
                possibly_minor=vignette.possibly_minor,
                gender=vignette.gender,
                citizenship=vignette.citizenship,
            ),
            context=VignetteContext(
                setting=vignette.setting,
                act_recorded=vignette.act_recorded,
            ),
        )


class TrainingVignettePage(Page[TrainingVignette]):
    """The vignettes, in code order (the whole set in one page)."""


_PRACTICE_EXAMPLE: dict[str, Any] = {
    "vignette": "V1-01",
    "exploitation_forms": ["labour"],
    "subject": {"age": 34, "possibly_minor": False, "gender": "male", "citizenship": "RO"},
    "context": {"setting": "border_check", "act_recorded": True},
    "answers": [
        {"indicator": "DR.01", "answer": "yes"},
        {"indicator": "DR.02", "answer": "yes"},
        {"indicator": "EX.01", "answer": "yes"},
        {"indicator": "CD.01", "answer": "yes"},
        {"indicator": "CD.04", "answer": "unknown"},
    ],
}


class PracticeScreeningCreate(ScreeningAnswers):
    """A screening to practise: evaluated exactly as a real one, stored nowhere."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_PRACTICE_EXAMPLE]})

    vignette: VignetteCode | None = Field(
        default=None,
        description="Compare with this vignette; its catalogue version is the one evaluated "
        "against (`catalogue_version`, if given, must be the same).",
    )


class VignetteComparison(BaseModel):
    code: str
    title: str
    expected_outcome: Outcome
    expected_population: Population
    outcome_matches: bool
    population_matches: bool
    expected_yes: list[str] = Field(description="The indicators a trainer answers yes.")
    missed: list[str] = Field(description="Expected yes, not answered yes.")
    unexpected: list[str] = Field(description="Answered yes, not expected.")
    teaching_note: str


class PracticeScreeningOut(BaseModel):
    """The evaluation a real screening would have given, explained, and how it compares
    with the vignette. Nothing was stored."""

    catalogue_version: int
    rule_set_version: str
    outcome: Outcome
    population: Population
    decisive_profile: Profile
    profiles: dict[Profile, ProfileResult]
    language: LanguageCode
    explanation: list[str] = Field(description="The evaluation in sentences.")
    vignette: VignetteComparison | None


Count = int | Literal["<5", "suppressed"]


def _absent(value: Any) -> bool:
    return value is None


def _grouped(description: str) -> Any:
    # A dimension the caller did not group by is left out of each cell.
    return Field(default=None, exclude_if=_absent, description=description)


class TrainingStatisticsCell(BaseModel):
    """The count of one combination of the dimensions grouped by (only those appear)."""

    organisation_kind: str | None = _grouped("The organisation's kind, or `unknown`.")
    county: str | None = _grouped("The organisation's county, `national`, or `unknown`.")
    catalogue_version: int | None = _grouped("A catalogue version taught or practised.")
    members_trained: Literal["current_version", "other_version_only", "none"] | None = _grouped(
        "Whether any member completed a training on the current version, only on others, or none."
    )
    vignette: str | None = _grouped("The vignette practised, or `none`.")
    matched: Literal["yes", "no", "none"] | None = _grouped(
        "Whether the practice reached the vignette's outcome (`none`: no vignette)."
    )
    count: Count = Field(
        description='"<5" for fewer than 5, "suppressed" for 5 or more hidden so that no '
        "small count can be worked out from a total."
    )


class TrainingStatisticsOut(BaseModel):
    """De-identified training coverage: counts by the dimensions asked, suppressed as the
    case statistics are."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "measure": "trained_workers",
                    "group_by": ["organisation_kind"],
                    "from": None,
                    "to": None,
                    "threshold": 5,
                    "current_catalogue_version": 1,
                    "cells": [
                        {"organisation_kind": "police", "count": 212},
                        {"organisation_kind": "ngo", "count": "<5"},
                        {"organisation_kind": "social_services", "count": "suppressed"},
                    ],
                    "total": 385,
                }
            ]
        },
    )

    measure: Measure
    group_by: list[Dimension]
    period_from: date | None = Field(alias="from")
    period_to: date | None = Field(alias="to")
    threshold: int
    current_catalogue_version: int | None
    cells: list[TrainingStatisticsCell]
    total: Count
