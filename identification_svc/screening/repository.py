"""Every query on screenings.

`visible_to` says which screenings a caller may see: those its organisation made, and
those of the cases it may see (`CaseRepository.visible_to`, the one case scope); a
national coordinator sees all.
"""

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from identification_svc.cases.models import Case
from identification_svc.cases.repository import CaseRepository
from identification_svc.screening.models import Screening
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.pagination import PageParams, paginate


class ScreeningRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @staticmethod
    def visible_to(principal: Principal) -> ColumnElement[bool]:
        if not principal.can(Permission.READ_CASES):
            return false()
        if principal.sees_all_cases:
            return true()
        visible_cases = select(Case.id).where(CaseRepository.visible_to(principal))
        return or_(
            Screening.organisation_id == principal.organisation_id,
            Screening.case_id.in_(visible_cases),
        )

    def add(self, screening: Screening) -> None:
        self.session.add(screening)

    async def get_visible(self, principal: Principal, screening_id: uuid.UUID) -> Screening | None:
        statement = select(Screening).where(
            Screening.id == screening_id, self.visible_to(principal)
        )
        screening: Screening | None = await self.session.scalar(statement)
        return screening

    async def page(
        self, principal: Principal, case_id: uuid.UUID | None, params: PageParams
    ) -> tuple[Sequence[Screening], str | None]:
        statement = select(Screening).where(self.visible_to(principal))
        if case_id is not None:
            statement = statement.where(Screening.case_id == case_id)
        return await paginate(
            self.session,
            statement,
            params,
            key=Screening.created_at,
            row_id=Screening.id,
            key_of=lambda row: (row.created_at, row.id),
            descending=True,
        )
