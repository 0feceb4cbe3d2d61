"""The risk service: `create_app(settings)` builds it, doing no work at import time."""

import httpx
from fastapi import FastAPI

from risk_svc.assessments.router import router as assessments_router
from risk_svc.db import EVENTS
from risk_svc.events import HANDLERS
from risk_svc.instruments.router import router as instruments_router
from risk_svc.instruments.service import PinnedInstruments
from risk_svc.settings import Settings
from shared.app import ServiceParts, create_service_app

TAGS = [
    {
        "name": "risk-instruments",
        "description": "Versioned risk instruments: items, domains, weights, critical flags, "
        "measures and labels; coordinators draft and publish new versions.",
    },
    {
        "name": "risk-assessments",
        "description": "Individual risk assessments of a case, their history and the "
        "reassessments falling due.",
    },
]


def create_app(
    settings: Settings | None = None, *, transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    parts = ServiceParts(
        name="risk",
        title="NIRM risk service",
        routers=[instruments_router, assessments_router],
        event_tables=EVENTS,
        event_handlers=HANDLERS,
        openapi_tags=TAGS,
    )
    app = create_service_app(parts, settings or Settings(), transport=transport)
    app.state.pinned_instruments = PinnedInstruments()
    return app
