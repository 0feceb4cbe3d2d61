"""Case facts: kept current from the identification and referral services' events, and
fetched once from the identification service when a request names a case no event has
brought yet. `case_in_scope` is the load-and-authorise step of every case-bound request.
"""

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from risk_svc.cases.models import CaseFacts
from risk_svc.cases.repository import CaseRepository
from risk_svc.cases.schemas import CaseFactsIn, IdentificationCase, ReferralCreatedIn
from shared.auth.principal import Principal
from shared.db import utcnow
from shared.errors import NotFound, ServiceUnavailable, ValidationProblem
from shared.events.inbox import Event

# Looks a case up in the identification service as the caller: its JSON body, or None
# when the case does not exist or lies outside the caller's scope there.
FetchCase = Callable[[uuid.UUID], Awaitable[Any]]


async def on_case_changed(session: AsyncSession, event: Event) -> None:
    """`case.opened`, `case.status_changed` and `case.updated`: keep the newest version of
    the facts."""
    try:
        facts = CaseFactsIn.model_validate(event.payload)
    except ValidationError as exc:
        raise ValidationProblem("payload", f"Not a {event.topic} payload.") from exc
    await CaseRepository(session).store(facts, utcnow())


async def on_referral_created(session: AsyncSession, event: Event) -> None:
    """`referral.created`: the provider's organisation may see the case's assessments."""
    try:
        referral = ReferralCreatedIn.model_validate(event.payload)
    except ValidationError as exc:
        raise ValidationProblem("payload", f"Not a {event.topic} payload.") from exc
    await CaseRepository(session).grant(
        referral.case_id, referral.provider_organisation_id, utcnow()
    )


async def case_in_scope(
    session: AsyncSession, principal: Principal, case_id: uuid.UUID, fetch: FetchCase
) -> CaseFacts:
    """The case's facts if `principal` may see the case; NotFound otherwise.

    A case not heard of yet is asked of the identification service with the caller's
    token. Its answer applies the same scope rule with current data, so a case it shows
    the caller is one the caller may see: when the facts stored here do not show it yet
    (the referral's event is still on its way), the caller's organisation is granted
    access as that event would.
    """
    repository = CaseRepository(session)
    facts = await repository.get_visible(case_id, principal)
    if facts is not None:
        return facts
    if await repository.get(case_id) is not None:
        # Known, but perhaps only since the first look (its event arrived in between).
        facts = await repository.get_visible(case_id, principal)
        if facts is None:
            raise NotFound("No such case.")
        return facts
    body = await fetch(case_id)
    if body is None:
        raise NotFound("No such case.")
    try:
        case = IdentificationCase.model_validate(body)
    except ValidationError as exc:
        raise ServiceUnavailable("The identification service gave an unexpected answer.") from exc
    if case.id != case_id:
        raise ServiceUnavailable("The identification service gave an unexpected answer.")
    now = utcnow()
    await repository.store(case.facts(), now)
    facts = await repository.get_visible(case_id, principal)
    if facts is None:
        await repository.grant(case_id, principal.organisation_id, now)
        facts = await repository.get_visible(case_id, principal)
    assert facts is not None
    return facts
