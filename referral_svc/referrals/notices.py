"""What each referral change tells the rest of the suite, in the transaction of the change
(docs/events.md): `referral.created` / `referral.status_changed` to the subscribed parts
and, signed with its own secret, to the provider's webhook when it has one. (Alerts for
the coordinators are raised through `alerts/service.py`.)
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from referral_svc.providers.repository import ProviderRepository
from referral_svc.providers.service import secret_ref
from referral_svc.referrals.models import Referral
from shared.events.outbox import Outbox

REFERRAL_CREATED = "referral.created"
REFERRAL_STATUS_CHANGED = "referral.status_changed"


def referral_payload(referral: Referral) -> dict[str, Any]:
    return {
        "referral_id": str(referral.id),
        "case_id": str(referral.case_id),
        "provider_id": str(referral.provider_id),
        "provider_organisation_id": str(referral.provider_organisation_id),
        "services": list(referral.services),
        "status": referral.status,
        "urgency": referral.urgency,
        "respond_by": referral.respond_by.isoformat(),
    }


class ReferralNotices:
    def __init__(self, session: AsyncSession, outbox: Outbox) -> None:
        self.session = session
        self.outbox = outbox
        self.providers = ProviderRepository(session)

    async def changed(self, referral: Referral, previous_status: str | None) -> None:
        """`referral.created` (no previous status) or `referral.status_changed`."""
        payload = referral_payload(referral)
        if previous_status is None:
            topic = REFERRAL_CREATED
        else:
            topic = REFERRAL_STATUS_CHANGED
            payload["previous_status"] = previous_status
        await self.outbox.publish(self.session, topic, payload)
        url, _secret = await self.providers.webhook(referral.provider_id)
        if url is not None:
            await self.outbox.send_webhook(
                self.session, topic, payload, url=url, secret_ref=secret_ref(referral.provider_id)
            )
