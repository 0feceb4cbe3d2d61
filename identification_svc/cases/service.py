"""Use cases of cases: open (by hand or from a screening), correct facts, take decisions,
resolve possible duplicates.

Every change of status goes through `states.apply_decision` and leaves a decision record
(who, roles, organisation, when, basis, note, authority, closing reason); its basis and
note are sealed like personal data, since they may name people. Every change of a case
bumps its row version and `updated_at` and writes the event other parts keep their copy of
the case from: `case.opened`, `case.status_changed`, or `case.updated` when a correction
(or the person's data) changes a fact they keep.

A possible-duplicate flag is resolved by a person who may see both cases: `linked` shows
each case on the other, `not_duplicate` dismisses the flag for good. Either way the pair's
flags go and are never raised again; who, in which role and organisation, and when are
recorded on both cases. Nothing is ever merged.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from identification_svc import events
from identification_svc.cases.exceptions import (
    CaseNotFound,
    DuplicateAlreadyResolved,
    NoDuplicateOfItself,
    NotFlaggedAsDuplicates,
)
from identification_svc.cases.models import Case, CaseDecision, DuplicateResolution
from identification_svc.cases.reflection import Period, is_foreign, reflection_period
from identification_svc.cases.repository import CaseFilters, CaseRepository
from identification_svc.cases.schemas import (
    CaseCreate,
    CaseUpdate,
    DecisionCreate,
    DuplicateResolutionCreate,
)
from identification_svc.cases.states import Status, apply_decision
from identification_svc.fields import unique_forms
from identification_svc.persons.protection import PersonalDataProtector
from identification_svc.screening.rules import is_child
from shared.auth.principal import Principal
from shared.db import new_id, utcnow
from shared.etag import check_if_match
from shared.events.outbox import Outbox
from shared.pagination import PageParams


@dataclass(frozen=True)
class CaseFacts:
    """What a case is opened with: the facts other parts need, never a name."""

    is_child: bool
    county: str | None
    gender: str
    citizenship: str | None
    exploitation_forms: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Opening:
    """Why a case is opened, for its first decision record."""

    status: Status
    basis: str
    note: str | None = None
    screening_id: uuid.UUID | None = None


class CaseService:
    def __init__(
        self,
        session: AsyncSession,
        outbox: Outbox,
        protector: PersonalDataProtector,
        *,
        reflection_period_days: int,
    ) -> None:
        self.session = session
        self.outbox = outbox
        self.protector = protector
        self.repository = CaseRepository(session)
        self.reflection_period_days = reflection_period_days

    async def get(self, principal: Principal, case_id: uuid.UUID) -> Case:
        """The case with its details, if the caller may see it."""
        return await self._visible(principal, case_id, details=True)

    async def visible_case(self, principal: Principal, case_id: uuid.UUID) -> Case:
        """The case alone, if the caller may see it: what a route on the case (or on what
        hangs off it) loads before it acts."""
        return await self._visible(principal, case_id)

    async def page(
        self, principal: Principal, filters: CaseFilters, params: PageParams
    ) -> tuple[Sequence[Case], str | None]:
        """The visible cases in sync order (`updated_at`, then id)."""
        statement = self.repository.listed(principal, filters)
        return await self.repository.page(statement, params, key=Case.updated_at)

    async def _visible(
        self, principal: Principal, case_id: uuid.UUID, *, details: bool = False
    ) -> Case:
        case = await self.repository.get(principal, case_id, details=details)
        if case is None:
            raise CaseNotFound()
        return case

    async def open_by_hand(self, principal: Principal, data: CaseCreate) -> Case:
        facts = CaseFacts(
            is_child=is_child(data.subject.age, data.subject.possibly_minor),
            county=data.county,
            gender=data.subject.gender,
            citizenship=data.subject.citizenship,
            exploitation_forms=data.exploitation_forms,
        )
        case = await self.open(principal, facts, Opening("potential", data.basis, data.note))
        return await self.repository.with_details(case)

    async def open(
        self,
        principal: Principal,
        facts: CaseFacts,
        opening: Opening,
        *,
        case_id: uuid.UUID | None = None,
    ) -> Case:
        """Open a case (with `case_id` when the caller needed the id beforehand)."""
        now = utcnow()
        case = Case(
            id=case_id or new_id(),
            status=opening.status,
            is_child=facts.is_child,
            county=facts.county,
            exploitation_forms=unique_forms(facts.exploitation_forms),
            gender=facts.gender,
            citizenship=facts.citizenship,
            is_foreign=is_foreign(_listed(facts.citizenship)),
            opened_by_organisation_id=principal.organisation_id,
            opened_by=principal.subject_id,
            created_at=now,
        )
        self._record(
            case,
            principal,
            now,
            decision="opened",
            from_status=None,
            basis=opening.basis,
            note=opening.note,
            screening_id=opening.screening_id,
        )
        self.repository.add(case)
        await self._changed(case, now)
        await events.case_opened(self.outbox, self.session, case)
        return case

    async def update(
        self, principal: Principal, case: Case, changes: CaseUpdate, if_match: str | None
    ) -> Case:
        check_if_match(if_match, case.id, case.row_version)
        before = _known_elsewhere(case)
        given = changes.model_dump(exclude_unset=True)
        if "exploitation_forms" in given:
            given["exploitation_forms"] = unique_forms(given["exploitation_forms"])
        for name, value in given.items():
            setattr(case, name, value)
        if "citizenship" in given:
            case.is_foreign = is_foreign(_listed(case.citizenship))
        await self._changed(case, utcnow())
        await self._updated(case, before)
        return await self.repository.with_details(case)

    async def decide(
        self, principal: Principal, case: Case, data: DecisionCreate, if_match: str | None
    ) -> Case:
        check_if_match(if_match, case.id, case.row_version)
        before_closing = None
        if data.status == "reopened":
            before_closing = await self.repository.status_before_closing(case.id)
        status = apply_decision(
            cast(Status, case.status),
            data.status,
            principal.roles,
            previous_status=cast(Status | None, before_closing),
        )
        await self._move(
            case,
            principal,
            status,
            decision=data.status,
            basis=data.basis,
            note=data.note,
            authority=data.authority,
            closing_reason=data.closing_reason,
        )
        return await self.repository.with_details(case)

    async def presume_from_screening(
        self, principal: Principal, case: Case, screening_id: uuid.UUID
    ) -> None:
        """A `presumed_victim` screening of a `potential` case makes it `presumed`
        (identification.md); any other status is a person's decision and stays."""
        if case.status != "potential":
            return
        status = apply_decision("potential", "presumed", principal.roles)
        await self._move(
            case,
            principal,
            status,
            decision="presumed",
            basis=screening_basis("presumed_victim"),
            screening_id=screening_id,
        )

    async def person_stated(
        self,
        case: Case,
        *,
        citizenships: list[str],
        gender: str | None,
        age: int | None,
        duplicates_changed: bool,
    ) -> None:
        """The person's data, where it states them, correct the case's facts: citizenships
        decide foreignness, a gender the gender, a documented age the child rule. Whichever
        states citizenship last (the person's data, or a correction of the case) wins."""
        before = _known_elsewhere(case)
        if citizenships:
            case.is_foreign = is_foreign(citizenships)
        if gender is not None:
            case.gender = gender
        if age is not None:
            case.is_child = is_child(age, possibly_minor=False)
        if duplicates_changed or before != _known_elsewhere(case):
            await self._changed(case, utcnow())
            await self._updated(case, before)

    async def duplicates_changed(self, cases: Iterable[Case]) -> None:
        """Other cases whose duplicate flags changed: their body changed too."""
        now = utcnow()
        for case in cases:
            await self._changed(case, now)

    async def resolve_duplicate(
        self,
        principal: Principal,
        case: Case,
        other_case_id: uuid.UUID,
        data: DuplicateResolutionCreate,
        if_match: str | None,
    ) -> Case:
        """Resolve the flag between `case` and another case the caller may also see."""
        check_if_match(if_match, case.id, case.row_version)
        if other_case_id == case.id:
            raise NoDuplicateOfItself()
        other = await self.visible_case(principal, other_case_id)
        resolved = await self.repository.resolution(case.id, other.id)
        if resolved is not None:
            raise DuplicateAlreadyResolved(resolved.resolution)
        if not await self.repository.flagged_together(case.id, other.id):
            raise NotFlaggedAsDuplicates()
        now = utcnow()
        await self.repository.drop_duplicate_flags(case.id, other.id)
        for one, another in ((case, other), (other, case)):
            resolution = DuplicateResolution(
                id=new_id(),
                case_id=one.id,
                other_case_id=another.id,
                resolution=data.resolution,
                resolved_by=principal.subject_id,
                resolved_by_name=principal.username[:200],
                roles=sorted(principal.roles),
                organisation_id=principal.organisation_id,
                resolved_at=now,
            )
            resolution.note_sealed = self.protector.seal_optional(
                data.note, context=resolution.sealed_context("note")
            )
            self.repository.add(resolution)
            await self._changed(one, now)
        return await self.repository.with_details(case)

    async def _move(
        self,
        case: Case,
        principal: Principal,
        status: Status,
        *,
        decision: str,
        basis: str,
        note: str | None = None,
        authority: str | None = None,
        closing_reason: str | None = None,
        screening_id: uuid.UUID | None = None,
    ) -> None:
        now = utcnow()
        previous = case.status
        self._record(
            case,
            principal,
            now,
            decision=decision,
            from_status=previous,
            to_status=status,
            basis=basis,
            note=note,
            authority=authority,
            closing_reason=closing_reason,
            screening_id=screening_id,
        )
        case.status = status
        await self._changed(case, now)
        await events.case_status_changed(self.outbox, self.session, case, previous)

    def _record(
        self,
        case: Case,
        principal: Principal,
        now: datetime,
        *,
        decision: str,
        from_status: str | None,
        basis: str,
        to_status: str | None = None,
        note: str | None = None,
        authority: str | None = None,
        closing_reason: str | None = None,
        screening_id: uuid.UUID | None = None,
    ) -> None:
        record = CaseDecision(
            id=new_id(),
            case_id=case.id,
            decision=decision,
            from_status=from_status,
            to_status=to_status or case.status,
            authority=authority,
            closing_reason=closing_reason,
            screening_id=screening_id,
            decided_by=principal.subject_id,
            decided_by_name=principal.username[:200],
            roles=sorted(principal.roles),
            organisation_id=principal.organisation_id,
            decided_at=now,
        )
        record.basis_sealed = self.protector.seal(basis, context=record.sealed_context("basis"))
        record.note_sealed = self.protector.seal_optional(
            note, context=record.sealed_context("note")
        )
        self.repository.add(record)

    async def _changed(self, case: Case, now: datetime) -> None:
        """Grant the reflection period if now due, stamp the change and write it."""
        granted = None
        if case.reflection_start is not None and case.reflection_end is not None:
            granted = Period(case.reflection_start, case.reflection_end)
        period = reflection_period(
            status=case.status,
            foreign=case.is_foreign,
            granted=granted,
            now=now,
            days=self.reflection_period_days,
        )
        if period is not None:
            case.reflection_start, case.reflection_end = period
        case.updated_at = now
        await self.repository.flush()

    async def _updated(self, case: Case, before: dict[str, Any]) -> None:
        """Publish `case.updated` if a fact other parts keep changed since `before`."""
        if _known_elsewhere(case) != before:
            await events.case_updated(self.outbox, self.session, case)


def _known_elsewhere(case: Case) -> dict[str, Any]:
    """The facts other parts keep of a case (the case events' payload) but its version."""
    facts = events.case_facts(case)
    del facts["version"]
    return facts


def screening_basis(outcome: str) -> str:
    """The basis recorded when a screening's outcome opens or moves a case."""
    return f"Screening outcome: {outcome.replace('_', ' ')}."


def _listed(citizenship: str | None) -> list[str]:
    return [citizenship] if citizenship else []
