"""The referral service: `create_app(settings)` builds it, doing no work at import time."""

from urllib.parse import urlsplit

import httpx
from fastapi import FastAPI

from referral_svc.alerts.router import router as alerts_router
from referral_svc.db import EVENTS
from referral_svc.events import consumers
from referral_svc.providers.router import router as providers_router
from referral_svc.providers.service import ProviderSecrets
from referral_svc.providers.snapshot import DirectorySnapshot
from referral_svc.referrals.expiry import DEADLINE_GAUGES, expiry_job
from referral_svc.referrals.router import router as referrals_router
from referral_svc.repatriations.overdue import overdue_job
from referral_svc.repatriations.router import router as repatriations_router
from referral_svc.settings import Settings
from referral_svc.statistics.router import router as statistics_router
from shared.app import ServiceParts, create_service_app
from shared.events.outbox import Outbox
from shared.outbound import OutboundPolicy

NAME = "referral"
_TAGS = [
    {"name": "providers", "description": "The directory of assistance providers"},
    {"name": "provider-matches", "description": "Which providers may take a case, best first"},
    {"name": "referrals", "description": "Cases sent to providers, and their answers"},
    {"name": "repatriations", "description": "Assisted return across a border, step by step"},
    {"name": "alerts", "description": "What the coordinators must look into"},
    {"name": "statistics", "description": "De-identified counts; small ones are suppressed."},
]


def create_app(
    settings: Settings | None = None, *, transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    settings = settings or Settings()
    secrets = ProviderSecrets()
    # Webhooks may call neither the suite's own parts nor the network it runs in.
    outbound = OutboundPolicy(
        allowed_hosts=settings.webhook_allowed_hosts,
        own_hosts=[urlsplit(url).hostname or "" for url in settings.service_urls.values()],
    )
    # The active directory, kept by the process for matching (routes, the expiry's next
    # best provider, the inbox's child referral).
    directory = DirectorySnapshot()
    parts = ServiceParts(
        name=NAME,
        title="NIRM referral service",
        routers=[
            providers_router,
            referrals_router,
            repatriations_router,
            alerts_router,
            statistics_router,
        ],
        event_tables=EVENTS,
        # The handlers' own outbox: the same tables, source and subscriptions as the one
        # the app factory gives the routes (an Outbox holds nothing else).
        event_handlers=consumers(Outbox(EVENTS, NAME, settings.subscriptions), directory),
        secret_resolver=secrets.resolve,
        outbound=outbound,
        openapi_tags=_TAGS,
        jobs=[
            (settings.expiry_interval_seconds, expiry_job),
            (settings.overdue_interval_seconds, overdue_job),
        ],
        gauges=DEADLINE_GAUGES,
    )
    app = create_service_app(parts, settings, transport=transport)
    # The relay asks for a provider's webhook secret only once the app runs.
    secrets.database = app.state.database
    app.state.directory_snapshot = directory
    app.state.outbound = outbound
    return app
