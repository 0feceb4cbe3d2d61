"""Who else may see a case: organisations a referral was sent to, or that work on a
repatriation, as the referral part reports them in its events.

- A referral gives its provider's organisation access while the referral stands: sent,
  accepted, and after it ends in `completed` or `discontinued` (the provider keeps the
  record of the work it did). A referral `declined`, `expired` or `withdrawn` ends the
  provider's need to know, and its access.
- A repatriation gives every organisation working on it (consulates, partners abroad)
  access for good.

Events may arrive out of order and more than once. A referral only moves forward (sent,
then accepted, then an end), so the grant keeps the furthest status it has heard of, and a
late `referral.created` never reopens what a later status closed.
"""

import logging
import uuid
from collections.abc import Collection
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from identification_svc.cases.models import Case, CaseAccess
from identification_svc.cases.repository import CaseRepository
from shared.db import utcnow

logger = logging.getLogger("nirm.identification.access")

_REFERRAL_STAGE: Final = {"sent": 0, "accepted": 1}
_FINAL_STAGE: Final = 2
_GRANTING: Final = frozenset({"sent", "accepted", "completed", "discontinued"})


def referral_stage(status: str) -> int:
    """How far a referral has moved: 0 sent, 1 accepted, 2 any end (or unheard-of)."""
    return _REFERRAL_STAGE.get(status, _FINAL_STAGE)


class CaseAccessService:
    def __init__(self, session: AsyncSession) -> None:
        self.repository = CaseRepository(session)

    async def referral_heard(
        self,
        *,
        case_id: uuid.UUID,
        referral_id: uuid.UUID,
        organisation_id: uuid.UUID,
        status: str,
    ) -> None:
        case = await self._case(case_id)
        if case is None:
            return
        grants = await self.repository.access_grants(case_id, "referral", referral_id)
        grant = grants[0] if grants else None
        if grant is None:
            grant = CaseAccess(
                case_id=case_id,
                organisation_id=organisation_id,
                source="referral",
                source_id=referral_id,
                active=False,
            )
            self.repository.add(grant)
        elif referral_stage(status) < referral_stage(grant.source_status or ""):
            return
        was_active = grant.active
        grant.source_status = status
        grant.active = status in _GRANTING
        grant.updated_at = utcnow()
        if grant.active != was_active:
            self._touch(case)
        await self.repository.flush()

    async def repatriation_heard(
        self,
        *,
        case_id: uuid.UUID,
        repatriation_id: uuid.UUID,
        organisation_ids: Collection[uuid.UUID],
    ) -> None:
        case = await self._case(case_id)
        if case is None:
            return
        grants = await self.repository.access_grants(case_id, "repatriation", repatriation_id)
        new = set(organisation_ids) - {grant.organisation_id for grant in grants}
        now = utcnow()
        for organisation_id in new:
            self.repository.add(
                CaseAccess(
                    case_id=case_id,
                    organisation_id=organisation_id,
                    source="repatriation",
                    source_id=repatriation_id,
                    source_status=None,
                    active=True,
                    updated_at=now,
                )
            )
        if new:
            self._touch(case)
        await self.repository.flush()

    async def _case(self, case_id: uuid.UUID) -> Case | None:
        case = await self.repository.by_id(case_id)
        if case is None:
            # The referral part learns case ids from this service only, so an unknown one is
            # a fault upstream: logged, and acknowledged, since redelivery cannot fix it.
            logger.warning("event about unknown case %s ignored", case_id)
        return case

    @staticmethod
    def _touch(case: Case) -> None:
        # A case that became visible to someone must reach their next `updated_since` sync.
        case.updated_at = utcnow()
