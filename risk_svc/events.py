"""What the risk service publishes and consumes (docs/events.md)."""

from collections.abc import Mapping
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from risk_svc.assessments.models import Assessment
from risk_svc.cases.schemas import CaseEvent, ReferralCreated
from risk_svc.cases.service import CaseFactsService
from shared.events.inbox import Event, Handler, payload_of

RISK_ASSESSED: Final = "risk.assessed"


async def on_case_changed(session: AsyncSession, event: Event) -> None:
    """`case.opened`, `case.status_changed` and `case.updated`."""
    await CaseFactsService(session).learn(payload_of(event, CaseEvent))


async def on_referral_created(session: AsyncSession, event: Event) -> None:
    await CaseFactsService(session).learn_referral(payload_of(event, ReferralCreated))


HANDLERS: Final[Mapping[str, Handler]] = {
    "case.opened": on_case_changed,
    "case.status_changed": on_case_changed,
    "case.updated": on_case_changed,
    "referral.created": on_referral_created,
}


def risk_assessed(row: Assessment) -> dict[str, Any]:
    """The `risk.assessed` payload of a stored assessment."""
    return {
        "case_id": str(row.case_id),
        "assessment_id": str(row.id),
        "instrument": row.instrument,
        "version": row.version,
        "level": row.level,
        "computed_level": row.computed_level,
        "domains": {domain["domain"]: domain["level"] for domain in row.domains},
        "measures": list(row.measures),
        "assessed_at": row.created_at.isoformat(),
    }
