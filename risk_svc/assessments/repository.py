"""Every query on stored assessments; a caller sees the assessments of the cases it sees."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, and_, exists, or_
from sqlalchemy.orm import aliased

from risk_svc.assessments.models import Assessment
from risk_svc.cases.models import CaseFacts
from risk_svc.cases.repository import CaseRepository
from shared.auth.principal import Principal
from shared.pagination import PageParams
from shared.repository import Repository


class AssessmentRepository(Repository[Assessment]):
    model = Assessment
    resource = "risk assessment"

    def visible(self, principal: Principal) -> Select[Assessment]:
        """The assessments `principal` may see: those of the cases it may see."""
        return (
            super()
            .visible(principal)
            .join(CaseFacts, CaseFacts.case_id == Assessment.case_id)
            .where(CaseRepository.scope(principal))
        )

    async def page_for_case(
        self, principal: Principal, case_id: uuid.UUID, params: PageParams
    ) -> tuple[Sequence[Assessment], str | None]:
        """The case's assessments, newest first."""
        statement = self.visible(principal).where(Assessment.case_id == case_id)
        return await self.page(statement, params, key=Assessment.created_at, descending=True)

    async def page_due(
        self,
        principal: Principal,
        params: PageParams,
        *,
        before: datetime,
        county: str | None,
    ) -> tuple[Sequence[Assessment], str | None]:
        """Each open case's latest assessment whose reassessment falls before `before`,
        the most overdue first."""
        newer = aliased(Assessment)
        superseded = exists().where(
            newer.case_id == Assessment.case_id,
            or_(
                newer.created_at > Assessment.created_at,
                and_(newer.created_at == Assessment.created_at, newer.id > Assessment.id),
            ),
        )
        statement = self.visible(principal).where(
            Assessment.reassess_by < before, CaseFacts.status != "closed", ~superseded
        )
        if county is not None:
            statement = statement.where(CaseFacts.county == county)
        return await self.page(statement, params, key=Assessment.reassess_by)
