"""The one call this service makes to the identification service: a case, asked with the
caller's own token (so identification applies the caller's scope), bounded by the shared
client's timeout. A dead or failing identification service, or an answer that is not the
case asked for, is a 503, never a guess."""

import uuid

from risk_svc.cases.schemas import IdentificationCase
from shared.web import IdentificationPart


class Identification(IdentificationPart):
    async def case(self, case_id: uuid.UUID, token: str) -> IdentificationCase | None:
        """The case as the caller may see it there; None when absent or out of scope."""
        return await self.case_as(case_id, token, IdentificationCase)
