"""Every query on consents.

`visible`: a consent is seen through its case, so exactly by those who may see the case
(`CaseRepository.scope`).
"""

import uuid
from collections.abc import Sequence

from sqlalchemy import Select, select

from identification_svc.cases.repository import CaseRepository
from identification_svc.consents.models import Consent
from shared.auth.principal import Principal
from shared.repository import Repository


class ConsentRepository(Repository[Consent]):
    model = Consent
    resource = "consent"

    def visible(self, principal: Principal) -> Select[Consent]:
        visible_cases = CaseRepository.visible_ids(principal)
        return select(Consent).where(Consent.case_id.in_(visible_cases))

    def of_case(
        self, principal: Principal, case_id: uuid.UUID, scope: str | None
    ) -> Select[Consent]:
        """The visible consents of a case, or of one scope of it."""
        statement = self.visible(principal).where(Consent.case_id == case_id)
        if scope is not None:
            statement = statement.where(Consent.scope == scope)
        return statement

    async def newest_first(
        self, principal: Principal, case_id: uuid.UUID, scope: str | None
    ) -> Sequence[Consent]:
        statement = self.of_case(principal, case_id, scope).order_by(
            Consent.recorded_at.desc(), Consent.id.desc()
        )
        return (await self.session.scalars(statement)).all()
