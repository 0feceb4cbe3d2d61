"""Case facts: kept current from the identification and referral services' events, and
asked once of the identification service when a request names a case no event has
brought yet. `CaseFactsService.get` is the load-and-authorise step of every case-bound
request."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from risk_svc.cases.exceptions import CaseNotFound
from risk_svc.cases.identification import Identification
from risk_svc.cases.models import CaseFacts
from risk_svc.cases.repository import CaseRepository
from risk_svc.cases.schemas import CaseEvent, ReferralCreated
from shared.auth.principal import Principal
from shared.db import utcnow


class CaseFactsService:
    def __init__(self, session: AsyncSession, identification: Identification | None = None) -> None:
        """`identification` is asked by `get` of a case not heard of yet; learning from
        events needs none."""
        self.cases = CaseRepository(session)
        self.identification = identification

    async def learn(self, event: CaseEvent) -> None:
        """`case.opened`, `case.status_changed` and `case.updated`: keep the newest version
        of the facts."""
        await self.cases.keep_newest(event, utcnow())

    async def learn_referral(self, event: ReferralCreated) -> None:
        """`referral.created`: the provider's organisation may see the case's assessments."""
        await self.cases.grant(event.case_id, event.provider_organisation_id, utcnow())

    async def get(self, principal: Principal, case_id: uuid.UUID) -> CaseFacts:
        """The case's facts if `principal` may see the case; CaseNotFound otherwise.

        A case not heard of yet is asked of the identification service with the caller's
        token, and the facts it answers are kept as the case's event would bring them.
        Then the rule here decides, as for any case: what identification shows the caller
        and this part has not heard of yet (a referral) arrives by its event.
        """
        facts = await self.cases.get(principal, case_id)
        if facts is not None:
            return facts
        if await self.cases.by_id(case_id) is None:
            assert self.identification is not None, "get needs the identification service"
            case = await self.identification.case(case_id, principal.token)
            if case is None:
                raise CaseNotFound()
            await self.learn(case.as_event())
        # Known now, or perhaps only since the first look (its event arrived in between).
        facts = await self.cases.get(principal, case_id)
        if facts is None:
            raise CaseNotFound()
        return facts
