"""What the referral service consumes (docs/events.md), and what each event makes it do.

- `case.opened`, `case.status_changed`, `case.updated`: keep the newest case facts; when a
  child's case is presumed, refer it to child protection (unless it has such a referral
  standing).
- `risk.assessed`: keep the latest assessment of each instrument (`initial` drives
  matching and urgency, `pre_return` the repatriation's travel block).
- `consent.withdrawn` (scope `referral`): withdraw the case's open referrals at once.

What it publishes is written where the change happens: `referrals/notices.py`,
`repatriations/service.py`, `alerts/service.py`.
"""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from referral_svc.cases.schemas import CaseEvent, ConsentWithdrawn, RiskAssessed
from referral_svc.cases.service import CaseFactsService
from referral_svc.providers.snapshot import DirectorySnapshot
from referral_svc.referrals.service import ReferralService
from referral_svc.vocabulary import REFERRAL_CONSENT
from shared.db import utcnow
from shared.events.inbox import Event, Handler, payload_of
from shared.events.outbox import Outbox

PRESUMED = "presumed"
# A later decision that the person is no victim, or the case's closing, cancels the rule.
_STILL_A_VICTIM = frozenset({"presumed", "identified"})


def _occurred_at(event: Event) -> datetime:
    try:
        when = datetime.fromisoformat(event.occurred_at)
    except ValueError:
        return utcnow()
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def consumers(outbox: Outbox, directory: DirectorySnapshot) -> dict[str, Handler]:
    """The inbox handlers, writing their own events to `outbox`, matching over `directory`."""

    async def case_changed(session: AsyncSession, event: Event) -> None:
        payload = payload_of(event, CaseEvent)
        cases = CaseFactsService(session)
        await cases.learn(payload)
        # The event says the child's case became presumed (events may come late: the
        # newest facts must still be a child's case of a victim).
        if payload.is_child and payload.status == PRESUMED:
            case = await cases.newest(payload.case_id)
            if case.is_child and case.status in _STILL_A_VICTIM:
                await ReferralService(session, outbox, directory).refer_child_to_protection(
                    case, utcnow()
                )

    async def risk_assessed(session: AsyncSession, event: Event) -> None:
        await CaseFactsService(session).learn_risk(payload_of(event, RiskAssessed))

    async def consent_withdrawn(session: AsyncSession, event: Event) -> None:
        payload = payload_of(event, ConsentWithdrawn)
        if payload.scope == REFERRAL_CONSENT:
            await ReferralService(session, outbox, directory).withdraw_for_consent(
                payload.case_id, _occurred_at(event), utcnow()
            )

    return {
        "case.opened": case_changed,
        "case.status_changed": case_changed,
        "case.updated": case_changed,
        "risk.assessed": risk_assessed,
        "consent.withdrawn": consent_withdrawn,
    }
