"""Typed dependencies of the statistics routes: who reads statistics, and the case
statistics service (with the app's settled suppression patterns)."""

from typing import Annotated

from fastapi import Depends, Request

from identification_svc.statistics.service import StatisticsService
from identification_svc.statistics.settled import SettledStatistics
from shared.auth.deps import require
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.web import Session

StatisticsReader = Annotated[Principal, Depends(require(Permission.READ_STATISTICS))]


async def statistics_service(session: Session, request: Request) -> StatisticsService:
    settled: SettledStatistics = request.app.state.settled_statistics
    return StatisticsService(session, settled)


CaseStatistics = Annotated[StatisticsService, Depends(statistics_service)]
