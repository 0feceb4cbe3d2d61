"""Typed dependencies of the referral routes: the service, and a referral loaded and
authorised for what the route does with it (404 outside the caller's scope)."""

from typing import Annotated

from fastapi import Depends, Request

from referral_svc.referrals.models import Referral
from referral_svc.referrals.service import ReferralService
from shared.auth.deps import Loader
from shared.auth.policy import Permission
from shared.web import AppOutbox, Session

_REFERRAL_ID = "The referral's id."


async def referral_service(
    request: Request, session: Session, outbox: AppOutbox
) -> ReferralService:
    return ReferralService(session, outbox, request.app.state.directory_snapshot)


Referrals = Annotated[ReferralService, Depends(referral_service)]

referral = Loader(
    referral_service, ReferralService.get, key="referral_id", description=_REFERRAL_ID
)

ReadableReferral = Annotated[Referral, referral.requiring(Permission.READ_REFERRALS)]
# A referral the caller may answer or close: seen, and by a provider's staff or a
# coordinator (the state machine then says whether this one may).
AnsweredReferral = Annotated[Referral, referral.requiring(Permission.ANSWER_REFERRAL)]
# A referral the caller may withdraw: seen, and by a role that refers.
WithdrawnReferral = Annotated[Referral, referral.requiring(Permission.CREATE_REFERRAL)]
