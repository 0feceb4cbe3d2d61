"""What the identification service publishes and consumes (docs/events.md, exactly).

Published, each written to the outbox in the transaction of the change it reports:
`case.opened`, `case.status_changed`, `case.updated` (a correction of the case, or the
person's data, changed a fact other parts keep), `consent.recorded`, `consent.withdrawn`.
Payloads carry the facts other parts need and never a name, a birth date, a document or a
contact.

Consumed: `referral.created` and `referral.status_changed` (the provider's organisation may
see the case while the referral stands) and `repatriation.created` (the organisations
working on it may see the case); see `cases.access`.
"""

import uuid
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from identification_svc.cases.access import CaseAccessService
from identification_svc.cases.models import Case
from identification_svc.consents.models import Consent
from shared.events.inbox import Event, Handler, payload_of
from shared.events.outbox import Outbox


def case_facts(case: Case) -> dict[str, Any]:
    """The payload of `case.opened` and `case.updated`: the whole current state other parts
    keep of a case, with its version (consumers keep the newest)."""
    return {
        "case_id": str(case.id),
        "version": case.row_version,
        "status": case.status,
        "is_child": case.is_child,
        "county": case.county,
        "gender": case.gender,
        "exploitation_forms": list(case.exploitation_forms),
        "organisation_id": str(case.opened_by_organisation_id),
        "is_foreign": case.is_foreign,
        "opened_at": case.created_at.isoformat(),
    }


async def case_opened(outbox: Outbox, session: AsyncSession, case: Case) -> None:
    await outbox.publish(session, "case.opened", case_facts(case))


async def case_updated(outbox: Outbox, session: AsyncSession, case: Case) -> None:
    await outbox.publish(session, "case.updated", case_facts(case))


async def case_status_changed(
    outbox: Outbox, session: AsyncSession, case: Case, previous_status: str
) -> None:
    payload = {**case_facts(case), "previous_status": previous_status}
    await outbox.publish(session, "case.status_changed", payload)


async def consent_recorded(outbox: Outbox, session: AsyncSession, consent: Consent) -> None:
    payload = {
        "case_id": str(consent.case_id),
        "consent_id": str(consent.id),
        "scope": consent.scope,
        "given": consent.given,
    }
    await outbox.publish(session, "consent.recorded", payload)


async def consent_withdrawn(outbox: Outbox, session: AsyncSession, consent: Consent) -> None:
    payload = {
        "case_id": str(consent.case_id),
        "consent_id": str(consent.id),
        "scope": consent.scope,
    }
    await outbox.publish(session, "consent.withdrawn", payload)


class ReferralFacts(BaseModel):
    """What this service reads of `referral.created` / `referral.status_changed`."""

    referral_id: uuid.UUID
    case_id: uuid.UUID
    provider_organisation_id: uuid.UUID
    status: str


class RepatriationFacts(BaseModel):
    """What this service reads of `repatriation.created`."""

    repatriation_id: uuid.UUID
    case_id: uuid.UUID
    organisation_ids: list[uuid.UUID]


async def _referral(session: AsyncSession, event: Event) -> None:
    facts = payload_of(event, ReferralFacts)
    await CaseAccessService(session).referral_heard(
        case_id=facts.case_id,
        referral_id=facts.referral_id,
        organisation_id=facts.provider_organisation_id,
        status=facts.status,
    )


async def _repatriation(session: AsyncSession, event: Event) -> None:
    facts = payload_of(event, RepatriationFacts)
    await CaseAccessService(session).repatriation_heard(
        case_id=facts.case_id,
        repatriation_id=facts.repatriation_id,
        organisation_ids=facts.organisation_ids,
    )


HANDLERS: Mapping[str, Handler] = {
    "referral.created": _referral,
    "referral.status_changed": _referral,
    "repatriation.created": _repatriation,
}
