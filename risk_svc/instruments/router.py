"""Routes of `/api/v1/risk-instruments`: reading versions, and the coordinators' draft,
edit and publish cycle."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Response

from risk_svc.instruments.dependencies import CatalogueManager, Instruments, Reader
from risk_svc.instruments.models import InstrumentVersion, Status
from risk_svc.instruments.schemas import (
    CODE_PATTERN,
    MAX_VERSION,
    RiskInstrument,
    RiskInstrumentDraftChange,
    RiskInstrumentPage,
)
from shared.db import utcnow
from shared.errors import error_responses
from shared.etag import IfMatch, set_etag
from shared.language import Language, LanguageCode
from shared.pagination import PageQuery

router = APIRouter(prefix="/api/v1/risk-instruments", tags=["risk-instruments"])

InstrumentCode = Annotated[
    str, Path(pattern=CODE_PATTERN, description="`initial`, `pre_return`, …")
]
VersionNumber = Annotated[int, Path(ge=1, le=MAX_VERSION)]

DRAFT_CHANGE_EXAMPLES: dict[str, Any] = {
    "relabel": {
        "summary": "Rename the draft",
        "value": {
            "label": {
                "ro": "Evaluarea inițială a riscului, ediția a doua",
                "en": "Initial risk assessment, second edition",
            }
        },
    },
}


def _answer(response: Response, row: InstrumentVersion, language: LanguageCode) -> RiskInstrument:
    set_etag(response, row.id, row.row_version)
    return RiskInstrument.of(row, language)


@router.get("", responses=error_responses(401, 403, 422))
async def list_risk_instruments(
    principal: Reader,
    instruments: Instruments,
    page: PageQuery,
    language: Language,
    code: Annotated[str | None, Query(pattern=CODE_PATTERN)] = None,
    status: Status | None = None,
) -> RiskInstrumentPage:
    """Instrument versions with their items, domains, weights, flags, measures and labels.
    Drafts are listed to coordinators only."""
    rows, cursor = await instruments.page(principal, page, code=code, status=status)
    return RiskInstrumentPage(
        items=[RiskInstrument.of(row, language) for row in rows], next_cursor=cursor
    )


@router.get("/{code}/{version}", responses=error_responses(401, 403, 404, 422))
async def get_risk_instrument(
    code: InstrumentCode,
    version: VersionNumber,
    principal: Reader,
    instruments: Instruments,
    language: Language,
    response: Response,
) -> RiskInstrument:
    row = await instruments.get(principal, code, version)
    return _answer(response, row, language)


@router.post("/{code}", status_code=201, responses=error_responses(401, 403, 404, 409, 422))
async def create_risk_instrument_draft(
    code: InstrumentCode,
    principal: CatalogueManager,
    instruments: Instruments,
    language: Language,
    response: Response,
) -> RiskInstrument:
    """Start the next version of an instrument as a draft, copied from the published one."""
    row = await instruments.create_draft(principal, code, utcnow())
    response.headers["Location"] = f"{router.prefix}/{row.code}/{row.version}"
    return _answer(response, row, language)


@router.patch("/{code}/{version}", responses=error_responses(401, 403, 404, 409, 412, 422))
async def update_risk_instrument_draft(
    code: InstrumentCode,
    version: VersionNumber,
    change: Annotated[RiskInstrumentDraftChange, Body(openapi_examples=DRAFT_CHANGE_EXAMPLES)],
    principal: CatalogueManager,
    instruments: Instruments,
    language: Language,
    response: Response,
    if_match: IfMatch = None,
) -> RiskInstrument:
    """Replace parts of a draft; a published or retired version never changes (409)."""
    row = await instruments.update_draft(principal, code, version, change, if_match, utcnow())
    return _answer(response, row, language)


@router.post("/{code}/{version}/publish", responses=error_responses(401, 403, 404, 409, 412, 422))
async def publish_risk_instrument(
    code: InstrumentCode,
    version: VersionNumber,
    principal: CatalogueManager,
    instruments: Instruments,
    language: Language,
    response: Response,
    if_match: IfMatch = None,
) -> RiskInstrument:
    """Publish a draft: assessments use it from now on, and the version published before
    it is retired."""
    row = await instruments.publish(principal, code, version, if_match, utcnow())
    return _answer(response, row, language)
