"""Routes of `/api/v1/cases/{case_id}/person`: the person's personal data, never part of
the case body."""

from fastapi import APIRouter, Response

from identification_svc.cases.dependencies import CaseManager, ManagedCase, PersonalDataCase
from identification_svc.persons.dependencies import PersonalDataReader, Persons
from identification_svc.persons.schemas import PersonData, PersonOut
from shared.errors import error_responses
from shared.etag import IfMatch, set_etag

router = APIRouter(prefix="/api/v1/cases/{case_id}/person", tags=["persons"])


def _answer(response: Response, person: PersonOut) -> PersonOut:
    set_etag(response, person.id, person.version)
    return person


@router.get("", response_model=PersonOut, responses=error_responses(401, 403, 404, 409, 422))
async def get_person(
    case: PersonalDataCase, principal: PersonalDataReader, persons: Persons, response: Response
) -> PersonOut:
    """The person's data as the caller may see it (`view`); a provider sees what its
    services need, and an adult's only with a current `data_sharing` consent."""
    return _answer(response, await persons.read(principal, case))


@router.put(
    "",
    response_model=PersonOut,
    responses={
        **error_responses(401, 403, 404, 409, 412, 422),
        201: {"description": "Recorded for the first time", "model": PersonOut},
    },
)
async def replace_person(
    body: PersonData,
    case: ManagedCase,
    principal: CaseManager,
    persons: Persons,
    response: Response,
    if_match: IfMatch = None,
) -> PersonOut:
    """Record or replace the person's data as a whole (200, or 201 when first recorded).
    A person matching another case's person flags both cases as possible duplicates."""
    person, created = await persons.replace(principal, case, body, if_match)
    if created:
        response.status_code = 201
    return _answer(response, person)
