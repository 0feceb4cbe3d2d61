"""Use cases of screenings: evaluate and store one, read them back.

A screening is checked whole against the catalogue version it pins before anything is
written (an unknown or repeated code is a 422 naming `answers.N.indicator`), evaluated by
the pure engine, and stored with its inputs, its versions and its result. Without a case,
an indication opens one (`potential`, or `presumed` for a presumed victim) owned by the
caller's organisation; with a case, the screening joins it, and a presumed-victim outcome
makes a `potential` case `presumed`. The answers' notes are stored apart from the answers,
sealed like personal data: a note may name people.

The evaluation (`evaluated`) is the same for practice screenings (`training/`), which
store nothing. The answer may carry warnings for the screener from a `ScreenerCheck`
(the training warning, off by default: then none is asked and nothing is looked up).
"""

import json
import uuid
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from identification_svc.cases.exceptions import CaseNotFound
from identification_svc.cases.service import CaseFacts, CaseService, Opening, screening_basis
from identification_svc.cases.states import Status
from identification_svc.catalogue.service import CatalogueService, PinnedCatalogue
from identification_svc.fields import unique_forms
from identification_svc.persons.protection import PersonalDataProtector
from identification_svc.screening.exceptions import (
    AnswersDoNotFit,
    CaseClosed,
    ScreeningNotFound,
)
from identification_svc.screening.models import Screening
from identification_svc.screening.repository import ScreeningRepository
from identification_svc.screening.rules import ScreeningResult, evaluate
from identification_svc.screening.schemas import (
    AnswerIn,
    ScreeningAnswers,
    ScreeningCreate,
    ScreeningWarning,
)
from shared.auth.principal import Principal
from shared.db import new_id, utcnow
from shared.errors import FieldError
from shared.pagination import PageParams


class ScreenerCheck(Protocol):
    """A look at the screener before answering (the training warning, `training/`)."""

    async def warnings_for(self, principal: Principal) -> list[ScreeningWarning] | None: ...


class ScreeningService:
    def __init__(
        self,
        session: AsyncSession,
        protector: PersonalDataProtector,
        cases: CaseService,
        catalogues: CatalogueService,
        screener_check: ScreenerCheck | None = None,
    ) -> None:
        self.protector = protector
        self.repository = ScreeningRepository(session)
        self.cases = cases
        self.catalogues = catalogues
        self.screener_check = screener_check

    async def get(self, principal: Principal, screening_id: uuid.UUID) -> Screening:
        screening = await self.repository.get(principal, screening_id)
        if screening is None:
            raise ScreeningNotFound()
        return screening

    async def page(
        self, principal: Principal, case_id: uuid.UUID | None, params: PageParams
    ) -> tuple[Sequence[Screening], str | None]:
        if case_id is not None and not await self.cases.repository.is_visible(principal, case_id):
            raise CaseNotFound()
        statement = self.repository.listed(principal, case_id)
        return await self.repository.page(
            statement, params, key=Screening.created_at, descending=True
        )

    async def create(self, principal: Principal, data: ScreeningCreate) -> Screening:
        catalogue = await self.catalogues.pinned(data.catalogue_version)
        result = evaluated(catalogue, data)
        case = None
        if data.case_id is not None:
            case = await self.cases.visible_case(principal, data.case_id)
            if case.status == "closed":
                raise CaseClosed()
        forms = unique_forms(data.exploitation_forms)
        case_id = case.id if case is not None else None
        opens_case = case is None and result.outcome != "no_indication"
        if opens_case:
            case_id = new_id()  # now: the screening row refers to the case it opens
        screening = Screening(
            id=new_id(),
            case_id=case_id,
            organisation_id=principal.organisation_id,
            organisation_kind=principal.organisation_kind[:32] or None,
            organisation_county=principal.county[:16] or None,
            screened_by=principal.subject_id,
            catalogue_version=catalogue.version,
            rule_set_version=result.rule_set_version,
            exploitation_forms=forms,
            subject=data.subject.model_dump(mode="json"),
            context=data.context.model_dump(mode="json"),
            answers=[answer.model_dump(mode="json", exclude={"note"}) for answer in data.answers],
            outcome=result.outcome,
            result=result.to_dict(),
            created_at=utcnow(),
        )
        notes = {a.indicator: a.note for a in data.answers if a.note is not None}
        if notes:
            screening.answer_notes_sealed = self.protector.seal(
                json.dumps(notes), context=screening.sealed_context("answer_notes")
            )
        self.repository.add(screening)
        if case is not None and result.outcome == "presumed_victim":
            await self.cases.presume_from_screening(principal, case, screening.id)
        elif opens_case:
            await self.cases.open(
                principal, _facts(data, result), _opening(result, screening.id), case_id=case_id
            )
        await self.repository.flush()
        return screening

    async def warnings(self, principal: Principal) -> list[ScreeningWarning] | None:
        """What the screener is told with the answer, if anything. Without a screener check
        (the training warning is off) it looks at nothing."""
        if self.screener_check is None:
            return None
        return await self.screener_check.warnings_for(principal)


def evaluated(catalogue: PinnedCatalogue, data: ScreeningAnswers) -> ScreeningResult:
    """The one evaluation of a screening, real or practice: the answers checked whole
    against the pinned catalogue version (422 naming `answers.N.indicator`), then the
    engine."""
    _check_answers(data.answers, catalogue.codes)
    return evaluate(
        catalogue.indicators,
        {answer.indicator: answer.answer for answer in data.answers},
        age=data.subject.age,
        possibly_minor=data.subject.possibly_minor,
        exploitation_forms=unique_forms(data.exploitation_forms),
        act_recorded=data.context.act_recorded,
    )


def _check_answers(answers: Sequence[AnswerIn], codes: frozenset[str]) -> None:
    errors: list[FieldError] = []
    seen: set[str] = set()
    for index, answer in enumerate(answers):
        field = f"answers.{index}.indicator"
        if answer.indicator not in codes:
            errors.append(FieldError(field, "is not an indicator of this catalogue version"))
        elif answer.indicator in seen:
            errors.append(FieldError(field, "is answered more than once"))
        seen.add(answer.indicator)
    if errors:
        raise AnswersDoNotFit(errors)


def _facts(data: ScreeningCreate, result: ScreeningResult) -> CaseFacts:
    return CaseFacts(
        is_child=result.population == "child",
        county=data.context.county,
        gender=data.subject.gender,
        citizenship=data.subject.citizenship,
        exploitation_forms=data.exploitation_forms,
    )


def _opening(result: ScreeningResult, screening_id: uuid.UUID) -> Opening:
    status: Status = "presumed" if result.outcome == "presumed_victim" else "potential"
    return Opening(status, screening_basis(result.outcome), screening_id=screening_id)
