"""Every query on repatriations, and the one rule of which repatriations a principal may
see (`visible`). Changes go by conditional updates at the version read (`change`), so two
racing can never both win; the service answers the loser `ChangedMeanwhile`."""

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, exists, or_, select, update
from sqlalchemy.orm import selectinload

from referral_svc.cases.models import CaseFacts
from referral_svc.cases.repository import CaseRepository
from referral_svc.repatriations.models import (
    Repatriation,
    RepatriationOrganisation,
    RepatriationStep,
)
from referral_svc.repatriations.procedure import ACTIVE_STATUSES
from referral_svc.repatriations.schemas import RepatriationFilters
from shared.auth.principal import Principal
from shared.repository import Repository

_WHOLE = (
    selectinload(Repatriation.steps),
    selectinload(Repatriation.determinations),
    selectinload(Repatriation.organisations),
)

# The steps' table itself, for an executemany (the ORM's bulk update matches on the key only).
_STEPS = cast(Table, RepatriationStep.__table__)


def _pending_before(moment: datetime) -> Any:
    """A step of the repatriation is pending past `moment`."""
    return exists().where(
        RepatriationStep.repatriation_id == Repatriation.id,
        RepatriationStep.completed_at.is_(None),
        RepatriationStep.due_at < moment,
    )


class RepatriationRepository(Repository[Repatriation]):
    model = Repatriation
    resource = "repatriation"

    def visible(self, principal: Principal) -> Select[Repatriation]:
        """The repatriations `principal` may see: those of every case it sees (the rule of
        `CaseRepository.visible`: the opening and referring side, the providers referred,
        the county's coordinators, the national ones), and those its organisation works on
        (a consulate, an international organisation) whatever else it sees of the case.
        Each comes whole (its steps, determinations and organisations), as every answer
        shows it."""
        statement = super().visible(principal).options(*_WHOLE)
        if principal.sees_all_cases:
            return statement
        works_on = exists().where(
            RepatriationOrganisation.repatriation_id == Repatriation.id,
            RepatriationOrganisation.organisation_id == principal.organisation_id,
        )
        seen_cases = CaseRepository.visible(principal).with_only_columns(CaseFacts.case_id)
        return statement.where(or_(works_on, Repatriation.case_id.in_(seen_cases)))

    def listed(
        self, principal: Principal, filters: RepatriationFilters, now: datetime
    ) -> Select[Repatriation]:
        """The repatriations `principal` may see that match `filters`."""
        statement = self.visible(principal)
        if filters.case_id is not None:
            statement = statement.where(Repatriation.case_id == filters.case_id)
        if filters.status is not None:
            statement = statement.where(Repatriation.status == filters.status)
        if filters.overdue is not None:
            overdue = Repatriation.status.in_(ACTIVE_STATUSES) & _pending_before(now)
            statement = statement.where(overdue if filters.overdue else ~overdue)
        return statement

    async def has_active(self, case_id: uuid.UUID) -> bool:
        found = await self.session.scalar(
            select(Repatriation.id).where(
                Repatriation.case_id == case_id, Repatriation.status.in_(ACTIVE_STATUSES)
            )
        )
        return found is not None

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

    async def move_due(self, repatriation_id: uuid.UUID, due: Mapping[str, datetime]) -> None:
        """Give pending steps new due dates (`due`: step → date), in one executemany; a
        step flagged overdue against its old date may be flagged again against the new."""
        if not due:
            return
        steps = _STEPS.c
        await self.session.execute(
            update(_STEPS)
            .where(
                steps.repatriation_id == bindparam("b_repatriation_id"),
                steps.step == bindparam("b_step"),
                steps.completed_at.is_(None),
                steps.due_at != bindparam("b_due_at"),
            )
            .values(due_at=bindparam("b_due_at"), overdue_flagged_at=None),
            [
                {"b_repatriation_id": repatriation_id, "b_step": step, "b_due_at": due_at}
                for step, due_at in due.items()
            ],
        )

    def join(self, repatriation: Repatriation, organisation_ids: set[uuid.UUID]) -> None:
        """Record organisations as working on the repatriation (loaded whole, and changed
        only behind `change`'s row lock); those already on it stay as they are."""
        known = {o.organisation_id for o in repatriation.organisations}
        for organisation_id in sorted(organisation_ids - known):
            self.add(
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
