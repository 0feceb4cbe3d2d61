"""Every query on screenings.

`visible` says which screenings a caller may see: those its organisation made, and those
of the cases it may see (`CaseRepository.scope`, the one case scope); a national
coordinator sees all.
"""

import uuid

from sqlalchemy import Select, false, or_, select

from identification_svc.cases.repository import CaseRepository
from identification_svc.screening.models import Screening
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.repository import Repository


class ScreeningRepository(Repository[Screening]):
    model = Screening
    resource = "screening"

    def visible(self, principal: Principal) -> Select[Screening]:
        statement = select(Screening)
        if not principal.can(Permission.READ_CASES):
            return statement.where(false())
        if principal.sees_all_cases:
            return statement
        visible_cases = CaseRepository.visible_ids(principal)
        return statement.where(
            or_(
                Screening.organisation_id == principal.organisation_id,
                Screening.case_id.in_(visible_cases),
            )
        )

    def listed(self, principal: Principal, case_id: uuid.UUID | None) -> Select[Screening]:
        """The visible screenings, or those of one case."""
        statement = self.visible(principal)
        if case_id is not None:
            statement = statement.where(Screening.case_id == case_id)
        return statement
