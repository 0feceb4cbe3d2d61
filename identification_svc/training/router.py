"""Routes of training: `/api/v1/training-sessions` (coordinators record sessions and
attendance; certificates), `/api/v1/me/training` and
`/api/v1/organisations/{id}/training` (the records), `/api/v1/training-vignettes` and
`/api/v1/practice-screenings` (practice).

Every answer that shows a practitioner's name says `Cache-Control: no-store`: no cache,
and not the gateway's idempotency records, keeps a copy.
"""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.responses import HTMLResponse

from identification_svc.fields import CountyCode
from identification_svc.state import Protector
from identification_svc.training.dependencies import (
    OrganisationTrainingReader,
    Practice,
    Trainee,
    TrainingManager,
    Trainings,
)
from identification_svc.training.models import TrainingParticipant, TrainingSession
from identification_svc.training.schemas import (
    MyTraining,
    OrganisationTraining,
    ParticipantChange,
    ParticipantIn,
    ParticipantOut,
    PracticeScreeningCreate,
    PracticeScreeningOut,
    TrainingSessionChange,
    TrainingSessionCreate,
    TrainingSessionOut,
    TrainingSessionPage,
    TrainingSessionSummary,
    TrainingVignette,
    TrainingVignettePage,
)
from shared.auth.deps import CurrentPrincipal
from shared.errors import error_responses
from shared.etag import IfMatch, set_etag
from shared.language import Language
from shared.pagination import PageQuery

SESSIONS = "/api/v1/training-sessions"
NO_STORE = "no-store"
# The certificate is a page of its own: nothing but its inline styles may run or load.
CERTIFICATE_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


async def _private(response: Response) -> None:
    response.headers["Cache-Control"] = NO_STORE


PRIVATE = [Depends(_private)]

router = APIRouter(tags=["training"])

SessionId = Annotated[uuid.UUID, Path(description="The training session's id.")]
ParticipantId = Annotated[uuid.UUID, Path(description="The participant record's id.")]
CatalogueVersion = Annotated[int | None, Query(ge=1, le=1_000_000)]


def _session(response: Response, row: TrainingSession, protector: Protector) -> TrainingSessionOut:
    set_etag(response, row.id, row.row_version)
    return TrainingSessionOut.of(row, protector)


def _participant(
    response: Response, row: TrainingParticipant, protector: Protector
) -> ParticipantOut:
    set_etag(response, row.id, row.row_version)
    return ParticipantOut.of(row, protector)


@router.post(
    SESSIONS,
    status_code=201,
    response_model=TrainingSessionOut,
    responses=error_responses(401, 403, 422, 503),
    dependencies=PRIVATE,
)
async def create_training_session(
    body: TrainingSessionCreate,
    principal: TrainingManager,
    trainings: Trainings,
    protector: Protector,
    response: Response,
) -> TrainingSessionOut:
    """Record a session that was held: when, where (a county, or online), who trained,
    the catalogue and risk instrument versions taught (instrument versions are checked
    with the risk service), the categories invited, and its participants."""
    row = await trainings.create_session(principal, body)
    response.headers["Location"] = f"{SESSIONS}/{row.id}"
    return _session(response, row, protector)


@router.get(SESSIONS, response_model=TrainingSessionPage, responses=error_responses(401, 403, 422))
async def list_training_sessions(
    principal: TrainingManager,
    trainings: Trainings,
    page: PageQuery,
    catalogue_version: CatalogueVersion = None,
    county: Annotated[CountyCode | None, Query(description="Held in this county.")] = None,
) -> TrainingSessionPage:
    """The sessions the caller may see, the latest recorded first (without their people)."""
    rows, cursor = await trainings.page(
        principal, page, catalogue_version=catalogue_version, county=county
    )
    return TrainingSessionPage(
        items=[TrainingSessionSummary.summary_of(row) for row in rows], next_cursor=cursor
    )


@router.get(
    SESSIONS + "/{session_id}",
    response_model=TrainingSessionOut,
    responses=error_responses(401, 403, 404, 422),
    dependencies=PRIVATE,
)
async def get_training_session(
    session_id: SessionId,
    principal: TrainingManager,
    trainings: Trainings,
    protector: Protector,
    response: Response,
) -> TrainingSessionOut:
    """One session with its trainers and participants."""
    return _session(response, await trainings.get(principal, session_id), protector)


@router.patch(
    SESSIONS + "/{session_id}",
    response_model=TrainingSessionOut,
    responses=error_responses(401, 403, 404, 409, 412, 422, 503),
    dependencies=PRIVATE,
)
async def update_training_session(
    session_id: SessionId,
    body: TrainingSessionChange,
    principal: TrainingManager,
    trainings: Trainings,
    protector: Protector,
    response: Response,
    if_match: IfMatch = None,
) -> TrainingSessionOut:
    """Correct a session's facts; fields left out stay as they are."""
    row = await trainings.change_session(principal, session_id, body, if_match)
    return _session(response, row, protector)


@router.post(
    SESSIONS + "/{session_id}/participants",
    status_code=201,
    response_model=ParticipantOut,
    responses=error_responses(401, 403, 404, 409, 422),
    dependencies=PRIVATE,
)
async def add_training_participant(
    session_id: SessionId,
    body: ParticipantIn,
    principal: TrainingManager,
    trainings: Trainings,
    protector: Protector,
    response: Response,
) -> ParticipantOut:
    """Add a participant to a session (a user takes part in a session once: 409)."""
    row = await trainings.add_participant(principal, session_id, body)
    return _participant(response, row, protector)


@router.patch(
    SESSIONS + "/{session_id}/participants/{participant_id}",
    response_model=ParticipantOut,
    responses=error_responses(401, 403, 404, 409, 412, 422),
    dependencies=PRIVATE,
)
async def update_training_participant(
    session_id: SessionId,
    participant_id: ParticipantId,
    body: ParticipantChange,
    principal: TrainingManager,
    trainings: Trainings,
    protector: Protector,
    response: Response,
    if_match: IfMatch = None,
) -> ParticipantOut:
    """Record completion and the assessment's score, or correct a participant's record."""
    row = await trainings.change_participant(principal, session_id, participant_id, body, if_match)
    return _participant(response, row, protector)


_HTML: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The certificate, a printable HTML page",
        "content": {"text/html": {"schema": {"type": "string"}}},
    }
}


@router.get(
    SESSIONS + "/{session_id}/participants/{participant_id}/certificate",
    response_class=HTMLResponse,
    responses={**_HTML, **error_responses(401, 403, 404, 409, 422)},
)
async def get_training_certificate(
    session_id: SessionId,
    participant_id: ParticipantId,
    principal: CurrentPrincipal,
    trainings: Trainings,
    language: Language,
) -> HTMLResponse:
    """The certificate of completion, to print: for the participant, the managers of
    their organisation and coordinators. 409 while the training is not completed."""
    page = await trainings.certificate(principal, session_id, participant_id, language)
    return HTMLResponse(
        page,
        headers={
            "Cache-Control": NO_STORE,
            "Content-Language": language,
            "Vary": "Accept-Language",
            "Content-Security-Policy": CERTIFICATE_POLICY,
        },
    )


@router.get(
    "/api/v1/me/training",
    response_model=MyTraining,
    responses=error_responses(401),
    dependencies=PRIVATE,
)
async def get_my_training(principal: CurrentPrincipal, trainings: Trainings) -> MyTraining:
    """The caller's own training record, newest session first, and whether they are
    trained on the current catalogue version. Reading it brings the organisation recorded
    with each attendance up to date from the caller's token."""
    return await trainings.my_training(principal)


@router.get(
    "/api/v1/organisations/{organisation_id}/training",
    response_model=OrganisationTraining,
    responses=error_responses(401, 403, 404, 422),
    dependencies=PRIVATE,
)
async def get_organisation_training(
    organisation_id: Annotated[uuid.UUID, Path(description="The organisation's id.")],
    principal: OrganisationTrainingReader,
    trainings: Trainings,
    page: PageQuery,
) -> OrganisationTraining:
    """The training records of the organisation's members (without scores), for its
    managers and for coordinators (a regional one: members in its county)."""
    return await trainings.organisation_training(principal, organisation_id, page)


@router.get(
    "/api/v1/training-vignettes",
    response_model=TrainingVignettePage,
    responses=error_responses(401, 403, 422),
)
async def list_training_vignettes(
    principal: Trainee,
    practice: Practice,
    language: Language,
    catalogue_version: CatalogueVersion = None,
) -> TrainingVignettePage:
    """The vignettes to practise on (facts only), in code order."""
    vignettes = practice.vignettes(catalogue_version)
    return TrainingVignettePage(items=[TrainingVignette.localised(v, language) for v in vignettes])


@router.get(
    "/api/v1/training-vignettes/{code}",
    response_model=TrainingVignette,
    responses=error_responses(401, 403, 404, 422),
)
async def get_training_vignette(
    code: Annotated[str, Path(max_length=16, examples=["V1-01"])],
    principal: Trainee,
    practice: Practice,
    language: Language,
) -> TrainingVignette:
    """One vignette's story and facts."""
    return TrainingVignette.localised(practice.vignette(code), language)


@router.post(
    "/api/v1/practice-screenings",
    response_model=PracticeScreeningOut,
    responses=error_responses(401, 403, 409, 422),
)
async def create_practice_screening(
    body: PracticeScreeningCreate,
    principal: Trainee,
    practice: Practice,
    language: Language,
) -> PracticeScreeningOut:
    """Evaluate a screening exactly as a real one (same catalogue version rules, same
    validation, same engine), explain the outcome, and compare it with the vignette.
    Nothing is stored (no screening, case, person or event); it is counted in the
    training statistics only."""
    return await practice.practise(principal, body, language)
