"""Request and response bodies of the case endpoints (and the subject facts a screening
shares with a case). Sealed notes are opened here, to answer a caller who may see them."""

import uuid
from collections import defaultdict
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from identification_svc.cases.models import Case, CaseDecision, DuplicateResolution
from identification_svc.cases.states import Decision, Status
from identification_svc.fields import (
    ClosingReason,
    CountryCode,
    CountyCode,
    ExploitationForms,
    Gender,
    Line,
    Note,
)
from identification_svc.persons.protection import MatchKind, PersonalDataProtector
from shared.pagination import Page

Age = Annotated[int, Field(strict=True, ge=0, le=120)]
FORMAL_DECISIONS = frozenset({"identified", "not_identified"})


class Subject(BaseModel):
    """What is known of the person's age, gender and citizenship (no identifying data)."""

    model_config = ConfigDict(extra="forbid")

    age: Age | None = Field(default=None, description="Whole years, 0 to 120; null if unknown.")
    possibly_minor: bool = Field(
        default=False,
        strict=True,
        description="Age uncertain and there are reasons to believe the person is a child.",
    )
    gender: Gender = "unknown"
    citizenship: CountryCode | None = None


class ReflectionPeriod(BaseModel):
    start: datetime
    end: datetime


class DecisionOut(BaseModel):
    """One change of a case's status (`opened` for the record that opened the case)."""

    id: uuid.UUID
    decision: Decision | Literal["opened"]
    from_status: Status | None
    to_status: Status
    basis: str
    note: str | None
    authority: str | None
    closing_reason: str | None
    screening_id: uuid.UUID | None
    decided_by: uuid.UUID
    decided_by_name: str
    roles: list[str]
    organisation_id: uuid.UUID
    decided_at: datetime

    @classmethod
    def of(cls, decision: CaseDecision, protector: PersonalDataProtector) -> "DecisionOut":
        return cls(
            id=decision.id,
            decision=decision.decision,
            from_status=decision.from_status,
            to_status=decision.to_status,
            basis=protector.open(decision.basis_sealed, context=decision.sealed_context("basis")),
            note=protector.open_optional(
                decision.note_sealed, context=decision.sealed_context("note")
            ),
            authority=decision.authority,
            closing_reason=decision.closing_reason,
            screening_id=decision.screening_id,
            decided_by=decision.decided_by,
            decided_by_name=decision.decided_by_name,
            roles=decision.roles,
            organisation_id=decision.organisation_id,
            decided_at=decision.decided_at,
        )


class PossibleDuplicateOut(BaseModel):
    """Another case whose person may be this case's person, for someone to review."""

    case_id: uuid.UUID
    matched_on: list[MatchKind]


DuplicateResolutionKind = Literal["linked", "not_duplicate"]


class LinkedCaseOut(BaseModel):
    """Another case a person found to be about the same person (never merged): who linked
    them, in which role and organisation, when and why."""

    case_id: uuid.UUID
    note: str | None
    linked_by: uuid.UUID
    linked_by_name: str
    roles: list[str]
    organisation_id: uuid.UUID
    linked_at: datetime

    @classmethod
    def of(cls, link: DuplicateResolution, protector: PersonalDataProtector) -> "LinkedCaseOut":
        return cls(
            case_id=link.other_case_id,
            note=protector.open_optional(link.note_sealed, context=link.sealed_context("note")),
            linked_by=link.resolved_by,
            linked_by_name=link.resolved_by_name,
            roles=link.roles,
            organisation_id=link.organisation_id,
            linked_at=link.resolved_at,
        )


class CaseOut(BaseModel):
    id: uuid.UUID
    status: Status
    is_child: bool
    county: str | None
    exploitation_forms: list[str]
    gender: Gender
    citizenship: str | None
    is_foreign: bool
    opened_by_organisation_id: uuid.UUID
    reflection_period: ReflectionPeriod | None
    created_at: datetime
    updated_at: datetime
    version: int
    decisions: list[DecisionOut]
    possible_duplicates: list[PossibleDuplicateOut]
    linked_cases: list[LinkedCaseOut]

    @classmethod
    def of(cls, case: Case, protector: PersonalDataProtector) -> "CaseOut":
        """From a case loaded with its decisions, duplicate flags and resolutions."""
        matched: defaultdict[uuid.UUID, list[str]] = defaultdict(list)
        for flag in case.possible_duplicates:
            matched[flag.other_case_id].append(flag.matched_on)
        period = None
        if case.reflection_start is not None and case.reflection_end is not None:
            period = ReflectionPeriod(start=case.reflection_start, end=case.reflection_end)
        return cls(
            id=case.id,
            status=case.status,
            is_child=case.is_child,
            county=case.county,
            exploitation_forms=case.exploitation_forms,
            gender=case.gender,
            citizenship=case.citizenship,
            is_foreign=case.is_foreign,
            opened_by_organisation_id=case.opened_by_organisation_id,
            reflection_period=period,
            created_at=case.created_at,
            updated_at=case.updated_at,
            version=case.row_version,
            decisions=[DecisionOut.of(d, protector) for d in case.decisions],
            possible_duplicates=[
                PossibleDuplicateOut(case_id=other, matched_on=kinds)
                for other, kinds in matched.items()
            ],
            linked_cases=[
                LinkedCaseOut.of(resolution, protector)
                for resolution in case.duplicate_resolutions
                if resolution.resolution == "linked"
            ],
        )


class CasePage(Page[CaseOut]):
    """A page of cases in sync order: by `updated_at`, then id."""


class CaseCreate(BaseModel):
    """A case opened by hand (a screening opens one by itself); it opens `potential`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "county": "RO-CJ",
                    "exploitation_forms": ["begging"],
                    "subject": {"age": None, "possibly_minor": True, "gender": "male"},
                    "basis": "Referred by the school; indicators to be screened on Monday.",
                }
            ]
        },
    )

    county: CountyCode | None = None
    exploitation_forms: ExploitationForms = Field(default_factory=list)
    subject: Subject = Field(default_factory=Subject)
    basis: Note = Field(description="Why the case is opened without a screening.")
    note: Note | None = None


class CaseUpdate(BaseModel):
    """Corrections of a case's facts; only the fields given change. The status changes
    only through decisions."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"county": "RO-B", "is_child": True}]},
    )

    county: CountyCode | None = None
    exploitation_forms: ExploitationForms | None = None
    is_child: bool | None = Field(default=None, strict=True)
    gender: Gender | None = None
    citizenship: CountryCode | None = None

    @field_validator("exploitation_forms", "is_child", "gender")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be left out, not null")
        return value


class DecisionCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "status": "identified",
                    "basis": "Art. 210 Criminal Code; statement and documents of 12 March.",
                    "note": "Person informed of rights in Romanian and Italian.",
                    "authority": "DIICOT — Serviciul Teritorial Iași",
                },
                {
                    "status": "closed",
                    "basis": "Assistance programme completed.",
                    "closing_reason": "assistance_completed",
                },
            ]
        },
    )

    status: Decision
    basis: Note = Field(description="The reasons and, for a formal decision, the legal basis.")
    note: Note | None = None
    authority: Line | None = Field(
        default=None,
        validate_default=True,
        description="The competent authority; required for `identified` / `not_identified`.",
    )
    closing_reason: ClosingReason | None = Field(
        default=None, validate_default=True, description="Required for `closed`, only then."
    )

    @field_validator("authority")
    @classmethod
    def _authority_of_a_formal_decision(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("status") in FORMAL_DECISIONS:
            raise ValueError("a formal identification decision names its authority")
        return value

    @field_validator("closing_reason")
    @classmethod
    def _reason_of_a_closing(cls, value: str | None, info: ValidationInfo) -> str | None:
        closing = info.data.get("status") == "closed"
        if closing and value is None:
            raise ValueError("closing a case needs a closing reason")
        if not closing and value is not None:
            raise ValueError("only a closing decision has a closing reason")
        return value


class DuplicateResolutionCreate(BaseModel):
    """A person's resolution of a possible-duplicate flag between two cases."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "resolution": "linked",
                    "note": "Same passport; the person confirmed the earlier screening in Cluj.",
                },
                {"resolution": "not_duplicate", "note": "Namesakes: different fathers' names."},
            ]
        },
    )

    resolution: DuplicateResolutionKind = Field(
        description="`linked`: the same person, each case shows the other (nothing is merged); "
        "`not_duplicate`: the flag is dismissed and never raised again for this pair."
    )
    note: Note | None = None
