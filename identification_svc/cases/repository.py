"""Every query on cases, their decisions, access grants, duplicate flags and resolutions.

`scope` is the one condition of which cases a caller may see, and `visible` its statement;
every read and list of a case (and of what hangs off a case elsewhere: screenings, persons,
consents) goes through it, so organisation scope has one place to be right.
"""

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, false, or_, select, true
from sqlalchemy.orm import selectinload

from identification_svc.cases.models import (
    Case,
    CaseAccess,
    CaseDecision,
    DuplicateResolution,
    PossibleDuplicate,
)
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.repository import Repository


@dataclass(frozen=True)
class CaseFilters:
    status: str | None = None
    county: str | None = None
    updated_since: datetime | None = None


class CaseRepository(Repository[Case]):
    model = Case
    resource = "case"

    @staticmethod
    def scope(principal: Principal) -> ColumnElement[bool]:
        """The cases `principal` may see (access.md, organisation scope):

        - a coordinator of the national agency: every case;
        - a regional coordinator: the cases of its county;
        - anyone else: the cases its organisation opened, and those it was given access to
          by a referral sent to it or a repatriation it works on (`case_access`).
        Roles without the permission to read cases see none.

        A condition, so the statements of what hangs off a case (screenings, persons,
        consents) take it as it is.
        """
        if not principal.can(Permission.READ_CASES):
            return false()
        if principal.sees_all_cases:
            return true()
        granted = select(CaseAccess.case_id).where(
            CaseAccess.organisation_id == principal.organisation_id,
            CaseAccess.active.is_(True),
        )
        scope = [
            Case.opened_by_organisation_id == principal.organisation_id,
            Case.id.in_(granted),
        ]
        county = principal.coordinated_county
        if county is not None:
            scope.append(Case.county == county)
        return or_(*scope)

    @classmethod
    def visible_ids(cls, principal: Principal) -> Select[uuid.UUID]:
        """The ids of the cases `principal` may see: how what hangs off a case (its
        screenings, person, consents) is scoped."""
        return select(Case.id).where(cls.scope(principal))

    def visible(self, principal: Principal) -> Select[Case]:
        return select(Case).where(self.scope(principal))

    async def get(
        self, principal: Principal, key: Any, *, fresh: bool = False, details: bool = False
    ) -> Case | None:
        """The case if `principal` may see it; `details` loads its decisions, duplicate
        flags and resolutions with it."""
        statement = self.visible(principal).where(Case.id == key)
        if details:
            statement = statement.options(*_DETAILS)
        if fresh:
            statement = statement.execution_options(populate_existing=True)
        case: Case | None = await self.session.scalar(statement)
        return case

    async def is_visible(self, principal: Principal, case_id: uuid.UUID) -> bool:
        statement = select(Case.id).where(Case.id == case_id, self.scope(principal))
        return await self.session.scalar(statement) is not None

    async def with_details(self, case: Case) -> Case:
        """`case` with its decisions, duplicate flags and resolutions loaded (after a change)."""
        await self.session.refresh(
            case, ["decisions", "possible_duplicates", "duplicate_resolutions"]
        )
        return case

    def listed(self, principal: Principal, filters: CaseFilters) -> Select[Case]:
        """The visible cases that pass `filters`, with their details."""
        statement = self.visible(principal).options(*_DETAILS)
        if filters.status is not None:
            statement = statement.where(Case.status == filters.status)
        if filters.county is not None:
            statement = statement.where(Case.county == filters.county)
        if filters.updated_since is not None:
            statement = statement.where(Case.updated_at >= filters.updated_since)
        return statement

    async def status_before_closing(self, case_id: uuid.UUID) -> str | None:
        """The status a closed case had when it was last closed (to reopen it there)."""
        statement = (
            select(CaseDecision.from_status)
            .where(CaseDecision.case_id == case_id, CaseDecision.to_status == "closed")
            .order_by(CaseDecision.decided_at.desc(), CaseDecision.id.desc())
            .limit(1)
        )
        status: str | None = await self.session.scalar(statement)
        return status

    async def by_ids(self, case_ids: Collection[uuid.UUID]) -> Sequence[Case]:
        if not case_ids:
            return []
        return (await self.session.scalars(select(Case).where(Case.id.in_(case_ids)))).all()

    async def access_grants(
        self, case_id: uuid.UUID, source: str, source_id: uuid.UUID
    ) -> Sequence[CaseAccess]:
        statement = select(CaseAccess).where(
            CaseAccess.case_id == case_id,
            CaseAccess.source == source,
            CaseAccess.source_id == source_id,
        )
        return (await self.session.scalars(statement)).all()

    async def duplicate_flags(self, case_id: uuid.UUID) -> set[tuple[uuid.UUID, str]]:
        """(other case, matched on) of the flags on `case_id` (each has its twin there)."""
        statement = select(PossibleDuplicate.other_case_id, PossibleDuplicate.matched_on).where(
            PossibleDuplicate.case_id == case_id
        )
        return {
            (row.other_case_id, row.matched_on) for row in await self.session.execute(statement)
        }

    async def replace_duplicate_flags(
        self, case_id: uuid.UUID, matches: Collection[tuple[uuid.UUID, str]], now: datetime
    ) -> None:
        """Make the flags between `case_id` and other cases exactly `matches` (other case,
        matched on), on both sides."""
        await self.session.execute(
            delete(PossibleDuplicate).where(
                or_(
                    PossibleDuplicate.case_id == case_id,
                    PossibleDuplicate.other_case_id == case_id,
                )
            )
        )
        self.session.add_all(
            PossibleDuplicate(
                case_id=one, other_case_id=other, matched_on=matched_on, flagged_at=now
            )
            for other_case_id, matched_on in matches
            for one, other in ((case_id, other_case_id), (other_case_id, case_id))
        )

    async def flagged_together(self, case_id: uuid.UUID, other_case_id: uuid.UUID) -> bool:
        statement = select(PossibleDuplicate.case_id).where(
            PossibleDuplicate.case_id == case_id, PossibleDuplicate.other_case_id == other_case_id
        )
        return await self.session.scalar(statement.limit(1)) is not None

    async def drop_duplicate_flags(self, case_id: uuid.UUID, other_case_id: uuid.UUID) -> None:
        """Remove the flags between two cases, on both sides."""
        await self.session.execute(
            delete(PossibleDuplicate).where(
                or_(
                    and_(
                        PossibleDuplicate.case_id == case_id,
                        PossibleDuplicate.other_case_id == other_case_id,
                    ),
                    and_(
                        PossibleDuplicate.case_id == other_case_id,
                        PossibleDuplicate.other_case_id == case_id,
                    ),
                )
            )
        )

    async def resolution(
        self, case_id: uuid.UUID, other_case_id: uuid.UUID
    ) -> DuplicateResolution | None:
        statement = select(DuplicateResolution).where(
            DuplicateResolution.case_id == case_id,
            DuplicateResolution.other_case_id == other_case_id,
        )
        resolution: DuplicateResolution | None = await self.session.scalar(statement)
        return resolution

    async def resolved_with(self, case_id: uuid.UUID) -> set[uuid.UUID]:
        """The cases whose possible duplication with `case_id` a person has resolved."""
        statement = select(DuplicateResolution.other_case_id).where(
            DuplicateResolution.case_id == case_id
        )
        return set((await self.session.scalars(statement)).all())


_DETAILS = (
    selectinload(Case.decisions),
    selectinload(Case.possible_duplicates),
    selectinload(Case.duplicate_resolutions),
)
