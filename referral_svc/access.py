"""The permission each group of this service's routes needs, as typed principals.

One instance per permission, so a route and its load-and-authorise dependency share one
check per request (FastAPI caches a dependency by identity).
"""

from typing import Annotated

from fastapi import Depends

from shared.auth.deps import require
from shared.auth.policy import Permission
from shared.auth.principal import Principal

ProvidersReader = Annotated[Principal, Depends(require(Permission.READ_PROVIDERS))]
ProvidersManager = Annotated[Principal, Depends(require(Permission.MANAGE_PROVIDERS))]
CapacitySetter = Annotated[Principal, Depends(require(Permission.UPDATE_CAPACITY))]
ReferralsReader = Annotated[Principal, Depends(require(Permission.READ_REFERRALS))]
Referrer = Annotated[Principal, Depends(require(Permission.CREATE_REFERRAL))]
Answerer = Annotated[Principal, Depends(require(Permission.ANSWER_REFERRAL))]
RepatriationsReader = Annotated[Principal, Depends(require(Permission.READ_REPATRIATIONS))]
RepatriationWorker = Annotated[Principal, Depends(require(Permission.WORK_REPATRIATION))]
RepatriationCanceller = Annotated[Principal, Depends(require(Permission.CANCEL_REPATRIATION))]
AlertsHandler = Annotated[Principal, Depends(require(Permission.HANDLE_ALERTS))]
StatisticsReader = Annotated[Principal, Depends(require(Permission.READ_STATISTICS))]
