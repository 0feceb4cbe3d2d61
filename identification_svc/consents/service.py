"""Use cases of consents: record, list (or only the current ones), withdraw.

The current consent of a scope is the newest record of that scope, if it was given and is
not withdrawn: a later refusal, or the withdrawal of the newest consent, leaves none, even
if an older consent was never withdrawn (the person's latest word counts, and the check
fails closed). Withdrawal takes effect at once. On a child's case a consent is recorded
as the child's views (`childs_views`), since a child needs none. Notes are sealed like
personal data: they may name people.
"""

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from identification_svc import events
from identification_svc.cases.models import Case
from identification_svc.consents.exceptions import (
    AlreadyWithdrawn,
    ConsentNotFound,
    NothingToWithdraw,
)
from identification_svc.consents.models import Consent
from identification_svc.consents.repository import ConsentRepository
from identification_svc.consents.schemas import ConsentCreate, ConsentWithdrawal
from identification_svc.persons.protection import PersonalDataProtector
from shared.auth.principal import Principal
from shared.db import new_id, utcnow
from shared.etag import check_if_match
from shared.events.outbox import Outbox
from shared.pagination import PageParams


def current_consents(newest_first: Sequence[Consent]) -> list[Consent]:
    """Of consents listed newest first, the current one of each scope (see module doc)."""
    newest: dict[str, Consent] = {}
    for consent in newest_first:
        newest.setdefault(consent.scope, consent)
    return [c for c in newest.values() if c.given and c.withdrawn_at is None]


class ConsentService:
    def __init__(
        self, session: AsyncSession, outbox: Outbox, protector: PersonalDataProtector
    ) -> None:
        self.session = session
        self.outbox = outbox
        self.protector = protector
        self.repository = ConsentRepository(session)

    async def record(self, principal: Principal, case: Case, data: ConsentCreate) -> Consent:
        consent = Consent(
            id=new_id(),
            case_id=case.id,
            scope=data.scope,
            given=data.given,
            method=data.method,
            childs_views=case.is_child,
            recorded_by=principal.subject_id,
            organisation_id=principal.organisation_id,
            recorded_at=utcnow(),
        )
        consent.note_sealed = self.protector.seal_optional(
            data.note, context=consent.sealed_context("note")
        )
        self.repository.add(consent)
        await self.repository.flush()
        await events.consent_recorded(self.outbox, self.session, consent)
        return consent

    async def page(
        self,
        principal: Principal,
        case: Case,
        scope: str | None,
        current: bool,
        params: PageParams,
    ) -> tuple[Sequence[Consent], str | None]:
        if current:
            # At most one per scope: a single page, whatever the limit.
            newest = await self.repository.newest_first(principal, case.id, scope)
            return current_consents(newest), None
        statement = self.repository.of_case(principal, case.id, scope)
        return await self.repository.page(
            statement, params, key=Consent.recorded_at, descending=True
        )

    async def current(self, principal: Principal, case: Case, scope: str) -> Consent | None:
        newest = await self.repository.newest_first(principal, case.id, scope)
        found = current_consents(newest)
        return found[0] if found else None

    async def withdraw(
        self,
        principal: Principal,
        case: Case,
        consent_id: uuid.UUID,
        data: ConsentWithdrawal,
        if_match: str | None,
    ) -> Consent:
        consent = await self.repository.get(principal, consent_id)
        if consent is None or consent.case_id != case.id:
            raise ConsentNotFound()
        check_if_match(if_match, consent.id, consent.row_version)
        if not consent.given:
            raise NothingToWithdraw()
        if consent.withdrawn_at is not None:
            raise AlreadyWithdrawn()
        consent.withdrawn_at = utcnow()
        consent.withdrawn_by = principal.subject_id
        consent.withdrawal_note_sealed = self.protector.seal_optional(
            data.note, context=consent.sealed_context("withdrawal_note")
        )
        await self.repository.flush()
        await events.consent_withdrawn(self.outbox, self.session, consent)
        return consent
