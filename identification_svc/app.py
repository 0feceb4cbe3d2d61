"""The identification service: `create_app(settings)` builds it, doing no work at import time."""

import httpx
from fastapi import FastAPI

from identification_svc.db import EVENTS
from identification_svc.settings import Settings
from shared.app import ServiceParts, create_service_app


def create_app(
    settings: Settings | None = None, *, transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    parts = ServiceParts(
        name="identification",
        title="NIRM identification service",
        routers=[],
        event_tables=EVENTS,
    )
    return create_service_app(parts, settings or Settings(), transport=transport)
