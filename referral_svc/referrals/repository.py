"""Every query on referrals, and the one rule of which referrals a principal may see
(`visible`)."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, update

from referral_svc.cases.models import CaseFacts
from referral_svc.referrals.models import Referral
from referral_svc.referrals.schemas import ReferralFilters
from referral_svc.referrals.states import OPEN_STATUSES, ReferralStatus
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.pagination import PageParams
from shared.repository import Repository

# How many of a provider's latest acceptances its answer time is the median of.
_ACCEPTANCES_WEIGHED = 50


class ReferralRepository(Repository[Referral]):
    model = Referral
    resource = "referral"

    @staticmethod
    def visible(principal: Principal) -> Select[Referral]:
        """The referrals `principal` may see. A provider's organisation: those sent to it,
        nothing else of the case. The referring side (roles that refer): those its
        organisation sent, and every referral of the cases it opened — or, for a regional
        coordinator, of its county's cases. A national coordinator: all."""
        statement = select(Referral)
        if principal.sees_all_cases:
            return statement
        organisation = principal.organisation_id
        conditions = [Referral.provider_organisation_id == organisation]
        if principal.can(Permission.CREATE_REFERRAL):
            conditions.append(Referral.referrer_organisation_id == organisation)
            case_scope = [CaseFacts.organisation_id == organisation]
            if principal.coordinated_county is not None:
                case_scope.append(CaseFacts.county == principal.coordinated_county)
            conditions.append(
                Referral.case_id.in_(select(CaseFacts.case_id).where(or_(*case_scope)))
            )
        return statement.where(or_(*conditions))

    async def filtered_page(
        self, principal: Principal, filters: ReferralFilters, params: PageParams
    ) -> tuple[Sequence[Referral], str | None]:
        statement = self.visible(principal)
        if filters.case_id is not None:
            statement = statement.where(Referral.case_id == filters.case_id)
        if filters.provider_id is not None:
            statement = statement.where(Referral.provider_id == filters.provider_id)
        if filters.status is not None:
            statement = statement.where(Referral.status == filters.status)
        if filters.updated_since is None:
            return await self.page(statement, params, key=Referral.created_at)
        # A mobile client's sync: what changed since its last `updated_at`, in that order.
        return await self.page(
            statement.where(Referral.updated_at >= filters.updated_since),
            params,
            key=Referral.updated_at,
        )

    async def move(
        self, referral: Referral, target: ReferralStatus, values: dict[str, Any]
    ) -> bool:
        """Move `referral` to `target` only if nobody moved it since it was read (its status
        and version unchanged); whether it moved. The object is refreshed when it did."""
        result: Any = await self.session.execute(
            update(Referral)
            .where(
                Referral.id == referral.id,
                Referral.status == referral.status,
                Referral.version == referral.version,
            )
            .values(status=target, version=Referral.version + 1, **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return False
        await self.session.refresh(referral)
        return True

    async def open_of_case(self, case_id: uuid.UUID, created_by: datetime) -> Sequence[Referral]:
        """The case's open referrals created at or before `created_by`."""
        rows = await self.session.scalars(
            select(Referral)
            .where(
                Referral.case_id == case_id,
                Referral.status.in_(OPEN_STATUSES),
                Referral.created_at <= created_by,
            )
            .order_by(Referral.created_at)
        )
        return rows.all()

    async def due_for_expiry(self, now: datetime, limit: int) -> Sequence[uuid.UUID]:
        rows = await self.session.scalars(
            select(Referral.id)
            .where(Referral.status == ReferralStatus.SENT, Referral.respond_by <= now)
            .order_by(Referral.respond_by)
            .limit(limit)
        )
        return rows.all()

    async def count_past_deadline(self, now: datetime) -> int:
        """Referrals still unanswered past their deadline (the expiry job's backlog)."""
        statement = select(func.count()).where(
            Referral.status == ReferralStatus.SENT, Referral.respond_by <= now
        )
        return int(await self.session.scalar(statement) or 0)

    async def count_expired(self) -> int:
        statement = select(func.count()).where(Referral.status == ReferralStatus.EXPIRED)
        return int(await self.session.scalar(statement) or 0)

    async def services_of_case(
        self, case_id: uuid.UUID, statuses: Sequence[ReferralStatus]
    ) -> list[list[str]]:
        rows = await self.session.scalars(
            select(Referral.services).where(
                Referral.case_id == case_id, Referral.status.in_(statuses)
            )
        )
        return list(rows)

    async def providers_turned_down(self, case_id: uuid.UUID) -> set[uuid.UUID]:
        """Providers that declined the case or let a referral of it expire."""
        rows = await self.session.scalars(
            select(Referral.provider_id).where(
                Referral.case_id == case_id,
                Referral.status.in_((ReferralStatus.DECLINED, ReferralStatus.EXPIRED)),
            )
        )
        return set(rows)

    async def recent_accept_hours(self, provider_id: uuid.UUID) -> list[float]:
        """Hours from sending to acceptance of the provider's latest acceptances."""
        rows = await self.session.execute(
            select(Referral.created_at, Referral.accepted_at)
            .where(Referral.provider_id == provider_id, Referral.accepted_at.is_not(None))
            .order_by(Referral.accepted_at.desc())
            .limit(_ACCEPTANCES_WEIGHED)
        )
        return [
            (accepted - created).total_seconds() / 3600
            for created, accepted in rows
            if accepted is not None
        ]
