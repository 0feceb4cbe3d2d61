"""Typed dependencies of the person routes: who reads personal data, and the person
service."""

from typing import Annotated

from fastapi import Depends

from identification_svc.cases.dependencies import Cases
from identification_svc.consents.dependencies import Consents
from identification_svc.persons.service import PersonService
from identification_svc.state import Protector
from shared.auth.deps import require
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.web import Session

PersonalDataReader = Annotated[Principal, Depends(require(Permission.READ_PERSONAL_DATA))]


async def person_service(
    session: Session, protector: Protector, cases: Cases, consents: Consents
) -> PersonService:
    return PersonService(session, protector, cases, consents)


Persons = Annotated[PersonService, Depends(person_service)]
