"""The typed dependencies of the timeline's route: its service."""

from typing import Annotated

from fastapi import Depends

from gateway.state import State
from gateway.timeline.service import TimelineService


async def timeline_service(state: State) -> TimelineService:
    return TimelineService(state.forwarder, deadline=state.settings.forward_timeout_seconds)


Timelines = Annotated[TimelineService, Depends(timeline_service)]
