"""The calls this service makes to the identification service, each with the caller's own
token (so identification applies the caller's scope), bounded by the shared client's
timeout: a dead or failing identification service is a 503, never a guess."""

import uuid
from typing import Annotated

from fastapi import Depends, Request
from pydantic import AwareDatetime, BaseModel

from referral_svc.cases.exceptions import CaseNotFound
from referral_svc.cases.schemas import IdentificationCase
from shared.web import IdentificationPart


class _Consent(BaseModel):
    id: uuid.UUID
    scope: str
    given: bool
    withdrawn_at: AwareDatetime | None = None


class _Consents(BaseModel):
    items: list[_Consent]


class Identification(IdentificationPart):
    async def case(self, case_id: uuid.UUID, token: str) -> IdentificationCase | None:
        """The case as the caller may see it there; None when absent or out of scope."""
        return await self.case_as(case_id, token, IdentificationCase)

    async def current_consent(self, case_id: uuid.UUID, scope: str, token: str) -> uuid.UUID | None:
        """The id of the case's current consent of `scope` (given and not withdrawn), or
        None. Anything else the service answers counts as no consent."""
        consents = await self.client.get_model(
            f"/api/v1/cases/{case_id}/consents",
            _Consents,
            token=token,
            what="unreadable consents",
            params={"scope": scope, "current": "true"},
        )
        if consents is None:
            raise CaseNotFound()
        current = (
            c.id for c in consents.items if c.given and c.withdrawn_at is None and c.scope == scope
        )
        return next(current, None)


async def identification(request: Request) -> Identification:
    return Identification(request)


IdentificationApi = Annotated[Identification, Depends(identification)]
