"""Assessment use cases: score a case's answers against a published instrument version,
store inputs and result, publish `risk.assessed`; read a case's history and the
reassessments falling due.

A stored assessment keeps everything its result depends on (instrument version, answers,
child or not, judgement, time), and `evaluate` is the one way a result is computed, at
creation and whenever a stored one is re-evaluated.
"""

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from risk_svc.assessments.exceptions import AssessmentNotFound, InvalidAnswers, InvalidJudgement
from risk_svc.assessments.models import Assessment
from risk_svc.assessments.repository import AssessmentRepository
from risk_svc.assessments.schemas import RiskAnswer, RiskAssessmentCreate
from risk_svc.assessments.scoring import (
    AssessmentResult,
    Instrument,
    ItemNotApplicable,
    Judgement,
    JudgementLowersLevel,
    JudgementReasonRequired,
    UnknownItem,
    score,
)
from risk_svc.cases.models import CaseFacts
from risk_svc.events import RISK_ASSESSED, risk_assessed
from risk_svc.instruments.service import InstrumentService
from shared.auth.principal import Principal
from shared.errors import FieldError
from shared.events.outbox import Outbox
from shared.pagination import PageParams


def evaluate(row: Assessment, instrument: Instrument) -> AssessmentResult:
    """Score the stored inputs of `row` (raises the scoring engine's input errors)."""
    judgement = Judgement(**row.judgement) if row.judgement else None
    return score(
        instrument,
        {answer["item"]: answer["answer"] for answer in row.answers},
        is_child=row.is_child,
        judgement=judgement,
        assessed_at=row.created_at,
    )


class AssessmentService:
    def __init__(
        self, session: AsyncSession, outbox: Outbox, instruments: InstrumentService
    ) -> None:
        self.session = session
        self.outbox = outbox
        self.assessments = AssessmentRepository(session)
        self.instruments = instruments

    async def assess(
        self,
        principal: Principal,
        case: CaseFacts,
        request: RiskAssessmentCreate,
        now: datetime,
    ) -> Assessment:
        version = await self.instruments.for_assessment(
            principal, request.instrument, request.version
        )
        _refuse_duplicates(request.answers)
        row = Assessment(
            case_id=case.case_id,
            instrument_version_id=version.id,
            instrument=version.code,
            version=version.version,
            is_child=case.is_child,
            answers=[{"item": answer.item, "answer": answer.answer} for answer in request.answers],
            judgement=(
                {"level": request.judgement.level, "reason": request.judgement.reason}
                if request.judgement
                else None
            ),
            created_at=now,
            assessor_id=principal.subject_id,
            assessor_organisation_id=principal.organisation_id,
        )
        try:
            result = evaluate(row, version.instrument)
        except UnknownItem as exc:
            message = f"Not an item of {version.code} v{version.version}."
            raise _item_problem(exc, request.answers, message) from exc
        except ItemNotApplicable as exc:
            message = "Asked of children only; the person is an adult."
            raise _item_problem(exc, request.answers, message) from exc
        except JudgementLowersLevel as exc:
            raise InvalidJudgement("judgement.level", _sentence(exc)) from exc
        except JudgementReasonRequired as exc:
            raise InvalidJudgement("judgement.reason", _sentence(exc)) from exc
        row.domains = [
            {"domain": name, "score": domain.score, "level": domain.level}
            for name, domain in result.domains.items()
        ]
        row.computed_level = result.computed_level
        row.level = result.level
        row.critical_items = list(result.critical_items)
        row.unknown_items = list(result.unknown_items)
        row.incomplete = result.incomplete
        row.measures = list(result.measures)
        row.reassess_by = result.reassess_by
        self.assessments.add(row)
        await self.assessments.flush()
        await self.outbox.publish(self.session, RISK_ASSESSED, risk_assessed(row))
        return row

    async def get(self, principal: Principal, assessment_id: uuid.UUID) -> Assessment:
        row = await self.assessments.get(principal, assessment_id)
        if row is None:
            raise AssessmentNotFound()
        return row

    async def case_history(
        self, principal: Principal, case: CaseFacts, params: PageParams
    ) -> tuple[Sequence[Assessment], str | None]:
        return await self.assessments.page_for_case(principal, case.case_id, params)

    async def due_reassessments(
        self,
        principal: Principal,
        params: PageParams,
        *,
        before: datetime,
        county: str | None,
    ) -> tuple[Sequence[Assessment], str | None]:
        return await self.assessments.page_due(principal, params, before=before, county=county)


def _refuse_duplicates(answers: Iterable[RiskAnswer]) -> None:
    first: dict[str, int] = {}
    errors = []
    for index, answer in enumerate(answers):
        if answer.item in first:
            message = f"'{answer.item}' is answered twice (first at answers.{first[answer.item]})."
            errors.append(FieldError(f"answers.{index}.item", message))
        first.setdefault(answer.item, index)
    if errors:
        raise InvalidAnswers("An item is answered more than once.", errors)


def _item_problem(
    exc: UnknownItem | ItemNotApplicable, answers: Sequence[RiskAnswer], message: str
) -> InvalidAnswers:
    errors = [
        FieldError(f"answers.{index}.item", f"{answer.item}: {message}")
        for index, answer in enumerate(answers)
        if answer.item in exc.codes
    ]
    return InvalidAnswers(_sentence(exc), errors)


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return f"{text[:1].upper()}{text[1:]}."
