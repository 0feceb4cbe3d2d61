"""Every query on repatriations, and the one rule of which repatriations a principal may
see (`visible`)."""

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from referral_svc.cases.models import CaseFacts
from referral_svc.cases.repository import CaseRepository
from referral_svc.repatriations.models import (
    ACTIVE_STATUSES,
    Repatriation,
    RepatriationOrganisation,
    RepatriationStep,
)
from referral_svc.repatriations.schemas import RepatriationFilters
from shared.auth.principal import Principal
from shared.pagination import PageParams, paginate

_WHOLE = (
    selectinload(Repatriation.steps),
    selectinload(Repatriation.determinations),
    selectinload(Repatriation.organisations),
)


def _pending_before(moment: datetime) -> Any:
    """A step of the repatriation is pending past `moment`."""
    return exists().where(
        RepatriationStep.repatriation_id == Repatriation.id,
        RepatriationStep.completed_at.is_(None),
        RepatriationStep.due_at < moment,
    )


class RepatriationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @staticmethod
    def visible(principal: Principal) -> Select[Repatriation]:
        """The repatriations `principal` may see: those of every case it sees (the rule of
        `CaseRepository.visible`: the opening and referring side, the providers referred,
        the county's coordinators, the national ones), and those its organisation works on
        (a consulate, an international organisation) whatever else it sees of the case."""
        statement = select(Repatriation)
        if principal.sees_all_cases:
            return statement
        works_on = exists().where(
            RepatriationOrganisation.repatriation_id == Repatriation.id,
            RepatriationOrganisation.organisation_id == principal.organisation_id,
        )
        seen_cases = CaseRepository.visible(principal).with_only_columns(CaseFacts.case_id)
        return statement.where(or_(works_on, Repatriation.case_id.in_(seen_cases)))

    async def get_visible(
        self, principal: Principal, repatriation_id: uuid.UUID
    ) -> Repatriation | None:
        statement = self.visible(principal).where(Repatriation.id == repatriation_id)
        return await self._one(statement)

    async def get(self, repatriation_id: uuid.UUID) -> Repatriation | None:
        return await self._one(select(Repatriation).where(Repatriation.id == repatriation_id))

    async def _one(self, statement: Select[Repatriation]) -> Repatriation | None:
        return await self.session.scalar(
            statement.options(*_WHOLE).execution_options(populate_existing=True)
        )

    async def page(
        self,
        principal: Principal,
        filters: RepatriationFilters,
        page: PageParams,
        now: datetime,
    ) -> tuple[Sequence[Repatriation], str | None]:
        statement = self.visible(principal).options(*_WHOLE)
        if filters.case_id is not None:
            statement = statement.where(Repatriation.case_id == filters.case_id)
        if filters.status is not None:
            statement = statement.where(Repatriation.status == filters.status)
        if filters.overdue is not None:
            overdue = Repatriation.status.in_(ACTIVE_STATUSES) & _pending_before(now)
            statement = statement.where(overdue if filters.overdue else ~overdue)
        return await paginate(
            self.session,
            statement,
            page,
            key=Repatriation.created_at,
            row_id=Repatriation.id,
            key_of=lambda r: (r.created_at, r.id),
        )

    async def has_active(self, case_id: uuid.UUID) -> bool:
        found = await self.session.scalar(
            select(Repatriation.id).where(
                Repatriation.case_id == case_id, Repatriation.status.in_(ACTIVE_STATUSES)
            )
        )
        return found is not None

    def add(self, repatriation: Repatriation) -> None:
        self.session.add(repatriation)

    async def flush(self) -> None:
        await self.session.flush()

    async def change(self, repatriation: Repatriation, values: Mapping[str, Any]) -> bool:
        """Apply `values` and a new version only if nobody changed the repatriation since it
        was read; whether it did. (Its steps and determinations change in the same
        transaction, behind this update's row lock.)"""
        result: Any = await self.session.execute(
            update(Repatriation)
            .where(
                Repatriation.id == repatriation.id,
                Repatriation.version == repatriation.version,
            )
            .values(version=Repatriation.version + 1, **values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)

    async def complete_step(
        self, repatriation_id: uuid.UUID, step: str, values: Mapping[str, Any]
    ) -> None:
        await self.session.execute(
            update(RepatriationStep)
            .where(
                RepatriationStep.repatriation_id == repatriation_id,
                RepatriationStep.step == step,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    async def move_due(self, repatriation_id: uuid.UUID, step: str, due_at: datetime) -> None:
        """Give a pending step a new due date; a step flagged overdue against its old one
        may be flagged again against the new."""
        await self.session.execute(
            update(RepatriationStep)
            .where(
                RepatriationStep.repatriation_id == repatriation_id,
                RepatriationStep.step == step,
                RepatriationStep.completed_at.is_(None),
                RepatriationStep.due_at != due_at,
            )
            .values(due_at=due_at, overdue_flagged_at=None)
            .execution_options(synchronize_session=False)
        )

    def join(self, repatriation: Repatriation, organisation_ids: set[uuid.UUID]) -> None:
        """Record organisations as working on the repatriation (loaded whole, and changed
        only behind `change`'s row lock); those already on it stay as they are."""
        known = {o.organisation_id for o in repatriation.organisations}
        for organisation_id in sorted(organisation_ids - known):
            self.session.add(
                RepatriationOrganisation(
                    repatriation_id=repatriation.id, organisation_id=organisation_id
                )
            )

    async def steps_falling_overdue(
        self, now: datetime, limit: int
    ) -> Sequence[tuple[uuid.UUID, str, datetime]]:
        """(repatriation, step, due date) of pending steps past due and not flagged, of
        repatriations still worked on, the most overdue first."""
        rows = await self.session.execute(
            select(RepatriationStep.repatriation_id, RepatriationStep.step, RepatriationStep.due_at)
            .join(Repatriation, Repatriation.id == RepatriationStep.repatriation_id)
            .where(
                RepatriationStep.completed_at.is_(None),
                RepatriationStep.overdue_flagged_at.is_(None),
                RepatriationStep.due_at < now,
                Repatriation.status.in_(ACTIVE_STATUSES),
            )
            .order_by(RepatriationStep.due_at)
            .limit(limit)
        )
        return [(row[0], row[1], row[2]) for row in rows]

    async def flag_overdue(
        self, repatriation_id: uuid.UUID, step: str, due_at: datetime, now: datetime
    ) -> bool:
        """Flag the step overdue unless it was completed, given another due date or flagged
        meanwhile (by another replica, say); whether this call flagged it."""
        result: Any = await self.session.execute(
            update(RepatriationStep)
            .where(
                RepatriationStep.repatriation_id == repatriation_id,
                RepatriationStep.step == step,
                RepatriationStep.completed_at.is_(None),
                RepatriationStep.overdue_flagged_at.is_(None),
                RepatriationStep.due_at == due_at,
            )
            .values(overdue_flagged_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)
