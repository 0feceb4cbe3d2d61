"""The identification service: `create_app(settings)` builds it, doing no work at import time.

It refuses to be built without the keys that protect personal data (`data_key`,
`index_key`): there is no default key that would silently be used in production.
"""

import httpx
from fastapi import FastAPI

from identification_svc.cases.router import router as cases_router
from identification_svc.catalogue.router import router as catalogue_router
from identification_svc.catalogue.service import PinnedCatalogues
from identification_svc.consents.router import router as consents_router
from identification_svc.db import EVENTS
from identification_svc.events import HANDLERS
from identification_svc.persons.protection import PersonalDataProtector
from identification_svc.persons.router import router as persons_router
from identification_svc.screening.router import router as screening_router
from identification_svc.settings import Settings, decode_key
from identification_svc.statistics.router import router as statistics_router
from identification_svc.statistics.settled import (
    REFRESH_INTERVAL_SECONDS,
    SettledStatistics,
    refresh_job,
)
from identification_svc.training.router import router as training_router
from shared.app import ServiceParts, create_service_app

OPENAPI_TAGS = [
    {
        "name": "indicator-catalogues",
        "description": "Versioned indicator catalogues; a published version never changes.",
    },
    {
        "name": "screenings",
        "description": "Indicator-based screenings with explainable, re-derivable outcomes.",
    },
    {"name": "cases", "description": "Cases, their status ladder and decision records."},
    {"name": "persons", "description": "A case's personal data, encrypted at rest."},
    {"name": "consents", "description": "Consents by scope, withdrawable at any time."},
    {"name": "statistics", "description": "De-identified counts; small ones are suppressed."},
    {
        "name": "training",
        "description": "Training sessions, attendance and certificates; practice screenings "
        "against vignettes, which store nothing.",
    },
]


class MissingKey(RuntimeError):
    """The service cannot protect personal data without its keys; it does not start."""


def protector_from(settings: Settings) -> PersonalDataProtector:
    missing = [name for name in ("data_key", "index_key") if getattr(settings, name) is None]
    if settings.data_key is None or settings.index_key is None:
        names = ", ".join(f"NIRM_IDENTIFICATION_{name.upper()}" for name in missing)
        raise MissingKey(f"{names} must be set (base64 of 32 random bytes each).")
    return PersonalDataProtector(
        decode_key(settings.data_key),
        decode_key(settings.index_key),
        [decode_key(key) for key in settings.retired_data_keys],
    )


def create_app(
    settings: Settings | None = None, *, transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    settings = settings or Settings()
    protector = protector_from(settings)
    parts = ServiceParts(
        name="identification",
        title="NIRM identification service",
        routers=[
            catalogue_router,
            screening_router,
            cases_router,
            persons_router,
            consents_router,
            statistics_router,
            training_router,
        ],
        event_tables=EVENTS,
        event_handlers=HANDLERS,
        openapi_tags=OPENAPI_TAGS,
        jobs=[(REFRESH_INTERVAL_SECONDS, refresh_job)],
    )
    app = create_service_app(parts, settings, transport=transport)
    app.state.protector = protector
    app.state.pinned_catalogues = PinnedCatalogues()
    app.state.settled_statistics = SettledStatistics(app.state.database)
    return app
