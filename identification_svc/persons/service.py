"""Use cases of a case's person: read it (as the caller may see it) and replace it.

Names, birth date, documents, phone and address are sealed before they reach the session
and opened only to answer a caller. Each write recomputes the person's blind indexes and
flags, on both cases, every other case whose person shares a document or the full name
and birth date, unless a person already resolved that pair (`cases.service`); flags are
for a person to review and link, nothing is merged.

Who sees what: whoever may open or update cases sees the whole record. A provider's staff
(a case referred to their organisation) see what assistance needs — names, estimated age,
gender, languages, phone — and, for an adult, only while the adult's `data_sharing`
consent is current (409 `/problems/consent-required` otherwise); a child needs none.
"""

import json
from datetime import date
from typing import Any, Final, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from identification_svc.cases.models import Case
from identification_svc.cases.service import CaseService
from identification_svc.consents.service import ConsentService
from identification_svc.persons.exceptions import (
    NoDataSharingConsent,
    NoPersonToMatch,
    PersonNotFound,
)
from identification_svc.persons.models import Person
from identification_svc.persons.protection import PersonalDataProtector
from identification_svc.persons.repository import PersonRepository
from identification_svc.persons.schemas import PersonData, PersonOut
from shared.auth.policy import Permission
from shared.auth.principal import Principal
from shared.db import new_id, utcnow
from shared.etag import check_if_match

View = Literal["full", "provider"]
SEALED_FIELDS: Final = ("given_name", "family_name", "birth_date", "documents", "phone", "address")
# What a provider's staff see of the person; everything else is left out of their view.
PROVIDER_FIELDS: Final = frozenset(
    {"given_name", "family_name", "estimated_age", "gender", "languages", "phone"}
)


class PersonService:
    def __init__(
        self,
        session: AsyncSession,
        protector: PersonalDataProtector,
        cases: CaseService,
        consents: ConsentService,
    ) -> None:
        self.protector = protector
        self.repository = PersonRepository(session)
        self.cases = cases
        self.consents = consents

    async def read(self, principal: Principal, case: Case) -> PersonOut:
        view: View = "full" if principal.can(Permission.MANAGE_CASES) else "provider"
        if (
            view == "provider"
            and not case.is_child
            and await self.consents.current(principal, case, "data_sharing") is None
        ):
            raise NoDataSharingConsent()
        person = await self.repository.of_case(principal, case.id)
        if person is None:
            raise PersonNotFound()
        return self._out(person, view)

    async def replace(
        self, principal: Principal, case: Case, data: PersonData, if_match: str | None
    ) -> tuple[PersonOut, bool]:
        """Replace the person's data as a whole; answers it and whether it was created."""
        person = await self.repository.of_case(principal, case.id)
        created = person is None
        now = utcnow()
        if person is None:
            if if_match is not None:
                raise NoPersonToMatch()
            person = Person(id=new_id(), case_id=case.id, created_at=now)
            self.repository.add(person)
        else:
            check_if_match(if_match, person.id, person.row_version)
        plain = data.model_dump(mode="json")
        for name in SEALED_FIELDS:
            value = plain[name]
            sealed = None
            if value not in (None, []):
                text = json.dumps(value) if name == "documents" else value
                sealed = self.protector.seal(text, context=person.sealed_context(name))
            setattr(person, f"{name}_sealed", sealed)
        person.estimated_age = data.estimated_age
        person.gender = data.gender
        person.citizenships = list(dict.fromkeys(data.citizenships))
        person.languages = list(dict.fromkeys(data.languages))
        person.updated_at = now
        person.updated_by = principal.subject_id
        await self.repository.flush()
        duplicates_changed = await self._flag_duplicates(person, data)
        await self.cases.person_stated(
            case,
            citizenships=person.citizenships,
            gender=data.gender,
            age=_age(data.birth_date),
            duplicates_changed=duplicates_changed,
        )
        return self._out(person, "full"), created

    async def _flag_duplicates(self, person: Person, data: PersonData) -> bool:
        keys = self.protector.match_keys(
            given_name=data.given_name,
            family_name=data.family_name,
            birth_date=data.birth_date,
            documents=[(d.type, d.number, d.country) for d in data.documents],
        )
        await self.repository.replace_match_keys(person, keys)
        # A pair a person has resolved (linked, or not duplicates) is never flagged again.
        resolved = await self.cases.repository.resolved_with(person.case_id)
        matches = {
            (other, kind)
            for other, kind in await self.repository.cases_matching(keys, other_than=person.case_id)
            if other not in resolved
        }
        before = await self.cases.repository.duplicate_flags(person.case_id)
        if matches == before:
            return False
        await self.cases.repository.replace_duplicate_flags(person.case_id, matches, utcnow())
        changed = {other for other, _ in matches ^ before}
        await self.cases.duplicates_changed(await self.cases.repository.by_ids(changed))
        return True

    def _out(self, person: Person, view: View) -> PersonOut:
        values: dict[str, Any] = {
            "estimated_age": person.estimated_age,
            "gender": person.gender,
            "citizenships": person.citizenships,
            "languages": person.languages,
        }
        for name in SEALED_FIELDS:
            sealed = getattr(person, f"{name}_sealed")
            if sealed is not None:
                text = self.protector.open(sealed, context=person.sealed_context(name))
                values[name] = json.loads(text) if name == "documents" else text
        if view == "provider":
            values = {name: value for name, value in values.items() if name in PROVIDER_FIELDS}
        return PersonOut(
            **values,
            id=person.id,
            view=view,
            version=person.row_version,
            updated_at=person.updated_at,
        )


def _age(birth_date: date | None) -> int | None:
    if birth_date is None:
        return None
    today = utcnow().date()
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )
