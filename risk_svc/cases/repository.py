"""Every query on case facts, and the one rule of which cases a caller may see."""

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, Select, or_, select, true

from risk_svc.cases.models import CaseAccess, CaseFacts
from risk_svc.cases.schemas import CaseEvent
from shared.auth.principal import Principal
from shared.db import upsert
from shared.repository import Repository

_ACCESS_KEY = ("case_id", "organisation_id")


class CaseRepository(Repository[CaseFacts]):
    model = CaseFacts
    resource = "case"

    def visible(self, principal: Principal) -> Select[CaseFacts]:
        return super().visible(principal).where(self.scope(principal))

    @staticmethod
    def scope(principal: Principal) -> ColumnElement[bool]:
        """Which cases `principal` may see (access.md): the opening organisation's, those
        referred to its organisation, a regional coordinator's county, all for the
        national coordinator. The condition of `visible`, also for the queries that join
        the case facts to rows of their own (a case's assessments)."""
        if principal.sees_all_cases:
            return true()
        referred = select(CaseAccess.case_id).where(
            CaseAccess.organisation_id == principal.organisation_id
        )
        clauses = [
            CaseFacts.organisation_id == principal.organisation_id,
            CaseFacts.case_id.in_(referred),
        ]
        county = principal.coordinated_county
        if county is not None:
            clauses.append(CaseFacts.county == county)
        return or_(*clauses)

    async def keep_newest(self, facts: CaseEvent, now: datetime) -> None:
        """Keep `facts` unless newer ones are stored: one statement, so concurrent
        deliveries of one case's events cannot overwrite a newer version."""
        values = {**facts.model_dump(), "updated_at": now}
        await upsert(self.session, CaseFacts, values, key=("case_id",), newer="version")

    async def grant(self, case_id: uuid.UUID, organisation_id: uuid.UUID, now: datetime) -> None:
        """Let `organisation_id` see the case (idempotent)."""
        values = {"case_id": case_id, "organisation_id": organisation_id, "granted_at": now}
        await upsert(self.session, CaseAccess, values, key=_ACCESS_KEY)
