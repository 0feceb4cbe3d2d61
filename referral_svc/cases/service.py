"""Keeping the case facts current — from events, or from the identification service when
a request names a case not heard of yet — and finding a case for a caller (`get`, the
load-and-authorise step of every case-bound request)."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from referral_svc.cases.exceptions import CaseNotFound
from referral_svc.cases.identification import Identification
from referral_svc.cases.models import CaseFacts, CaseRisk
from referral_svc.cases.repository import INITIAL_INSTRUMENT, CaseRepository
from referral_svc.cases.schemas import CaseEvent, RiskAssessed
from referral_svc.providers import matching
from shared.auth.principal import Principal
from shared.db import utcnow

SAFETY_DOMAIN = "safety"


class CaseFactsService:
    """`identification` is what a case not heard of yet is asked of; without it (the
    mechanism's own work, which never asks on a caller's behalf) only the facts kept here
    count."""

    def __init__(self, session: AsyncSession, identification: Identification | None = None) -> None:
        self.cases = CaseRepository(session)
        self.identification = identification

    async def learn(self, event: CaseEvent) -> None:
        """Keep the event's facts if they are the newest."""
        await self.cases.keep_newest(
            {
                "case_id": event.case_id,
                "version": event.version,
                "status": event.status,
                "is_child": event.is_child,
                "county": event.county,
                "gender": event.gender,
                "exploitation_forms": sorted(set(event.exploitation_forms)),
                "organisation_id": event.organisation_id,
                "is_foreign": event.is_foreign,
                "opened_at": event.opened_at,
                "updated_at": utcnow(),
            }
        )

    async def newest(self, case_id: uuid.UUID) -> CaseFacts:
        """The newest facts kept of a case heard of."""
        facts = await self.cases.newest(case_id)
        assert facts is not None
        return facts

    async def learn_risk(self, event: RiskAssessed) -> None:
        await self.cases.keep_newest_risk(
            {
                "case_id": event.case_id,
                "instrument": event.instrument,
                "assessment_id": event.assessment_id,
                "level": event.level,
                "domains": event.domains,
                "measures": event.measures,
                "assessed_at": event.assessed_at,
            }
        )

    async def get(self, principal: Principal, case_id: uuid.UUID) -> CaseFacts:
        """The case if `principal` may see it here (404 otherwise). A case not heard of yet
        is asked of identification with the caller's token and kept, as its event would
        be; then this service's rule decides (docs/architecture.md, "Case facts kept from
        events")."""
        case = await self.cases.get(principal, case_id, fresh=True)
        if case is not None:
            return case
        if self.identification is not None and await self.cases.newest(case_id) is None:
            found = await self.identification.case(case_id, principal.token)
            if found is not None:
                await self.learn(found.as_event())
        # Known now, or perhaps only since the first look (its event arrived in between).
        case = await self.cases.get(principal, case_id, fresh=True)
        if case is None:
            raise CaseNotFound()
        return case

    async def risk(
        self, case_id: uuid.UUID, instrument: str = INITIAL_INSTRUMENT
    ) -> CaseRisk | None:
        """The latest assessment of the case with `instrument` heard of."""
        return (await self.cases.latest_risk({case_id}, instrument)).get(case_id)


def case_for_matching(case: CaseFacts, risk: CaseRisk | None) -> matching.CaseForMatching:
    """The case as matching sees it (the person's languages and the exploiters' county are
    not among the facts events carry, so they weigh nothing here)."""
    return matching.CaseForMatching(
        is_child=case.is_child,
        gender=case.gender if case.gender not in (None, "unknown") else None,
        county=case.county or "",
        exploitation_forms=frozenset(case.exploitation_forms),
        safety_level=risk.domains.get(SAFETY_DOMAIN) if risk is not None else None,
    )
