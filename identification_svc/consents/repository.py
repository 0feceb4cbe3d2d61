"""Every query on consents.

`visible_to`: a consent is seen through its case, so exactly by those who may see the case
(`CaseRepository.visible_to`).
"""

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from identification_svc.cases.models import Case
from identification_svc.cases.repository import CaseRepository
from identification_svc.consents.models import Consent
from shared.auth.principal import Principal
from shared.pagination import PageParams, paginate


class ConsentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @staticmethod
    def visible_to(principal: Principal) -> ColumnElement[bool]:
        return Consent.case_id.in_(select(Case.id).where(CaseRepository.visible_to(principal)))

    def add(self, consent: Consent) -> None:
        self.session.add(consent)

    async def get_visible(
        self, principal: Principal, case_id: uuid.UUID, consent_id: uuid.UUID
    ) -> Consent | None:
        statement = select(Consent).where(
            Consent.id == consent_id, Consent.case_id == case_id, self.visible_to(principal)
        )
        consent: Consent | None = await self.session.scalar(statement)
        return consent

    def _of_case(
        self, principal: Principal, case_id: uuid.UUID, scope: str | None
    ) -> Select[Consent]:
        statement = select(Consent).where(Consent.case_id == case_id, self.visible_to(principal))
        if scope is not None:
            statement = statement.where(Consent.scope == scope)
        return statement

    async def page(
        self, principal: Principal, case_id: uuid.UUID, scope: str | None, params: PageParams
    ) -> tuple[Sequence[Consent], str | None]:
        return await paginate(
            self.session,
            self._of_case(principal, case_id, scope),
            params,
            key=Consent.recorded_at,
            row_id=Consent.id,
            key_of=lambda row: (row.recorded_at, row.id),
            descending=True,
        )

    async def newest_first(
        self, principal: Principal, case_id: uuid.UUID, scope: str | None
    ) -> Sequence[Consent]:
        statement = self._of_case(principal, case_id, scope).order_by(
            Consent.recorded_at.desc(), Consent.id.desc()
        )
        return (await self.session.scalars(statement)).all()
