"""Typed dependencies of the referral routes: the service, and a referral loaded and
authorised for what the route does with it (404 outside the caller's scope)."""

import uuid
from typing import Annotated

from fastapi import Depends, Request

from referral_svc.access import Answerer, ReferralsReader, Referrer
from referral_svc.referrals.models import Referral
from referral_svc.referrals.service import ReferralService
from shared.web import AppOutbox, Session


async def referral_service(
    request: Request, session: Session, outbox: AppOutbox
) -> ReferralService:
    return ReferralService(session, outbox, request.app.state.directory_snapshot)


Referrals = Annotated[ReferralService, Depends(referral_service)]


async def referral_for_read(
    referral_id: uuid.UUID, principal: ReferralsReader, referrals: Referrals
) -> Referral:
    return await referrals.get(principal, referral_id)


async def referral_for_answer(
    referral_id: uuid.UUID, principal: Answerer, referrals: Referrals
) -> Referral:
    """A referral the caller may answer or close: seen, and by a provider's staff or a
    coordinator (the state machine then says whether this one may)."""
    return await referrals.get(principal, referral_id)


async def referral_for_withdrawal(
    referral_id: uuid.UUID, principal: Referrer, referrals: Referrals
) -> Referral:
    """A referral the caller may withdraw: seen, and by a role that refers."""
    return await referrals.get(principal, referral_id)


ReadableReferral = Annotated[Referral, Depends(referral_for_read)]
AnsweredReferral = Annotated[Referral, Depends(referral_for_answer)]
WithdrawnReferral = Annotated[Referral, Depends(referral_for_withdrawal)]
