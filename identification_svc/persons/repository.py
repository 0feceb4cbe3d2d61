"""Every query on persons and their blind indexes.

`visible`: a person is seen through its case, so exactly by those who may see the case
(`CaseRepository.scope`); what of the person they see is the service's decision.
"""

import uuid
from collections.abc import Collection

from sqlalchemy import Select, delete, select

from identification_svc.cases.repository import CaseRepository
from identification_svc.persons.models import Person, PersonMatchKey
from identification_svc.persons.protection import MatchKey
from shared.auth.principal import Principal
from shared.repository import Repository


class PersonRepository(Repository[Person]):
    model = Person
    resource = "person"

    def visible(self, principal: Principal) -> Select[Person]:
        visible_cases = CaseRepository.visible_ids(principal)
        return select(Person).where(Person.case_id.in_(visible_cases))

    async def of_case(self, principal: Principal, case_id: uuid.UUID) -> Person | None:
        statement = self.visible(principal).where(Person.case_id == case_id)
        person: Person | None = await self.session.scalar(statement)
        return person

    async def replace_match_keys(self, person: Person, keys: Collection[MatchKey]) -> None:
        await self.session.execute(
            delete(PersonMatchKey).where(PersonMatchKey.person_id == person.id)
        )
        self.session.add_all(
            PersonMatchKey(
                person_id=person.id, kind=key.kind, digest=key.digest, case_id=person.case_id
            )
            for key in keys
        )

    async def cases_matching(
        self, keys: Collection[MatchKey], *, other_than: uuid.UUID
    ) -> set[tuple[uuid.UUID, str]]:
        """(case, kind) for every other case whose person shares one of `keys`."""
        if not keys:
            return set()
        # A digest is taken over its kind too, so equal digests are of the same kind.
        statement = select(PersonMatchKey.case_id, PersonMatchKey.kind).where(
            PersonMatchKey.digest.in_([key.digest for key in keys]),
            PersonMatchKey.case_id != other_than,
        )
        return {(row.case_id, row.kind) for row in await self.session.execute(statement)}
