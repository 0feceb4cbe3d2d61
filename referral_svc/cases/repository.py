"""Every query on the case facts this service keeps, and the one rule of which cases a
principal may see here (`visible`)."""

import uuid
from typing import Any

from sqlalchemy import Select, and_, exists, or_, select

from referral_svc.cases.models import CaseFacts, CaseRisk
from referral_svc.referrals.models import Referral
from referral_svc.referrals.states import ReferralStatus
from shared.auth.principal import Principal
from shared.db import upsert
from shared.repository import Repository

INITIAL_INSTRUMENT = "initial"
PRE_RETURN_INSTRUMENT = "pre_return"

# A referral lets its provider's organisation see the case while it stands, and after the
# work is done (the same rule as the identification service's, cases/access.py there).
_GRANTING = (
    ReferralStatus.SENT,
    ReferralStatus.ACCEPTED,
    ReferralStatus.COMPLETED,
    ReferralStatus.DISCONTINUED,
)


class CaseRepository(Repository[CaseFacts]):
    model = CaseFacts
    resource = "case"

    # Static: the rule is also a condition of other packages' rules (repatriations).
    @staticmethod
    def visible(principal: Principal) -> Select[CaseFacts]:
        """The cases `principal` may see: a national coordinator all; a regional one those
        of its county; anyone those its organisation opened, referred, or was referred."""
        statement = select(CaseFacts)
        if principal.sees_all_cases:
            return statement
        organisation = principal.organisation_id
        related_by_referral = exists().where(
            Referral.case_id == CaseFacts.case_id,
            or_(
                Referral.referrer_organisation_id == organisation,
                and_(
                    Referral.provider_organisation_id == organisation,
                    Referral.status.in_(_GRANTING),
                ),
            ),
        )
        conditions = [CaseFacts.organisation_id == organisation, related_by_referral]
        if principal.coordinated_county is not None:
            conditions.append(CaseFacts.county == principal.coordinated_county)
        return statement.where(or_(*conditions))

    async def newest(self, case_id: uuid.UUID) -> CaseFacts | None:
        """The facts kept of a case, whatever its scope (for the mechanism's own work), read
        again: they are kept by statements that bypass the session (`keep_newest`)."""
        return await self.session.get(CaseFacts, case_id, populate_existing=True)

    async def facts_of(self, case_ids: set[uuid.UUID]) -> dict[uuid.UUID, CaseFacts]:
        rows = await self.session.scalars(select(CaseFacts).where(CaseFacts.case_id.in_(case_ids)))
        return {row.case_id: row for row in rows}

    async def latest_risk(
        self, case_ids: set[uuid.UUID], instrument: str = INITIAL_INSTRUMENT
    ) -> dict[uuid.UUID, CaseRisk]:
        rows = await self.session.scalars(
            select(CaseRisk).where(
                CaseRisk.case_id.in_(case_ids), CaseRisk.instrument == instrument
            )
        )
        return {row.case_id: row for row in rows}

    async def keep_newest(self, values: dict[str, Any]) -> None:
        """Store a case's facts unless a newer version is already kept (one statement, so
        two deliveries racing cannot both win)."""
        await upsert(self.session, CaseFacts, values, key=("case_id",), newer="version")

    async def keep_newest_risk(self, values: dict[str, Any]) -> None:
        await upsert(
            self.session,
            CaseRisk,
            values,
            key=("case_id", "instrument"),
            newer="assessed_at",
        )
