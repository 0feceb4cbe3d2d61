"""Use cases of assisted repatriation: registering one, completing its steps on evidence the
parts that own it hold, determinations, cancellation, and flagging overdue steps.

The pure procedure (procedure.py) decides who may complete which step, in which order, on
what it rests, when each is due, whether travel is blocked and where reception must be;
this module gathers the facts it needs — the caller's organisation, the case, the consent
in identification, the pre-return assessment from risk, the accepted referral in this
service's own database — stores what it answers, and announces it (docs/events.md). A
step's requirements are checked by one checker each (`RepatriationService.checkers`), in
the procedure's order. Every change first moves the repatriation's version by a
conditional update, so two changes racing can never both win. Services flush; the request
scope (or the overdue job) commits.
"""

import uuid
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from referral_svc.alerts.models import AlertKind
from referral_svc.alerts.service import AlertService
from referral_svc.cases.identification import Identification
from referral_svc.cases.models import CaseFacts, CaseRisk
from referral_svc.cases.repository import PRE_RETURN_INSTRUMENT
from referral_svc.cases.risk import Risk
from referral_svc.cases.service import CaseFactsService
from referral_svc.providers.repository import ProviderRepository
from referral_svc.referrals.models import Referral
from referral_svc.referrals.repository import ReferralRepository
from referral_svc.referrals.states import ReferralStatus
from referral_svc.repatriations import procedure
from referral_svc.repatriations.exceptions import (
    BestInterestsForChildOnly,
    ConsentNotCurrent,
    ConsentNotForChild,
    ConsentToReturnMissing,
    EscortRequired,
    EvidenceOfAnotherStep,
    NoBestInterestsInFavour,
    NoPreReturnAssessment,
    NotAPartner,
    NotAtDestination,
    NotDeterminationMaker,
    NotPreReturnAssessment,
    NotStepPerformer,
    ReferralNotAccepted,
    ReferralNotNamed,
    RepatriationEnded,
    RepatriationNotFound,
    RepatriationUnderWay,
    StepAlreadyCompleted,
    TravelBlocked,
    UnknownAssessment,
    UnknownPartner,
    UnknownReferral,
    UnmetSteps,
)
from referral_svc.repatriations.models import (
    Repatriation,
    RepatriationDetermination,
    RepatriationOrganisation,
    RepatriationStep,
)
from referral_svc.repatriations.procedure import (
    ACTIVE_STATUSES,
    STEPS,
    DeterminationKind,
    Direction,
    Qualifier,
    RepatriationStatus,
    Requirement,
    Step,
    Target,
)
from referral_svc.repatriations.repository import RepatriationRepository
from referral_svc.repatriations.schemas import (
    DeterminationCreate,
    DeterminationOut,
    Escort,
    Evidence,
    RepatriationCreate,
    RepatriationFilters,
    RepatriationOut,
    StepCompletion,
    StepOut,
)
from referral_svc.vocabulary import REPATRIATION_CONSENT
from shared.auth.principal import Principal
from shared.errors import ChangedMeanwhile
from shared.etag import check_if_match
from shared.events.outbox import Outbox
from shared.pagination import PageParams

REPATRIATION_CREATED = "repatriation.created"
REPATRIATION_STEP_COMPLETED = "repatriation.step_completed"
REPATRIATION_STEP_OVERDUE = "repatriation.step_overdue"


@dataclass(frozen=True, slots=True)
class Completion:
    """A step's completion as asked, with what its requirements are checked against."""

    principal: Principal
    repatriation: Repatriation
    case: CaseFacts
    body: StepCompletion
    identification: Identification
    risk: Risk


# A requirement's check: raises its problem when the requirement is not met, else answers
# the evidence the step then rests on (ids, stored with the step).
Checker = Callable[[Completion], Awaitable[dict[str, str]]]


def _qualifiers(principal: Principal, reception: Referral | None) -> frozenset[Qualifier]:
    return procedure.qualifiers(
        principal.organisation_kind,
        principal.organisation_id,
        reception.provider_organisation_id if reception is not None else None,
    )


def _done(repatriation: Repatriation) -> dict[Step, datetime]:
    return {Step(s.step): s.completed_at for s in repatriation.steps if s.completed_at is not None}


def _determinations(repatriation: Repatriation) -> list[procedure.Determination]:
    return [
        procedure.Determination(DeterminationKind(d.kind), d.in_favour, d.made_at)
        for d in repatriation.determinations
    ]


def _travel_block(
    repatriation: Repatriation, case: CaseFacts | None, pre_return: CaseRisk | None
) -> str | None:
    """Why travel may not be arranged yet; None when it may, or is no longer in question."""
    if not procedure.travel_in_question(repatriation.status, _done(repatriation)):
        return None
    return procedure.travel_block(
        case is not None and case.is_child,
        pre_return.level if pre_return else None,
        pre_return.assessed_at if pre_return else None,
        _determinations(repatriation),
    )


class RepatriationService:
    def __init__(
        self, session: AsyncSession, outbox: Outbox, targets: Mapping[Step, Target]
    ) -> None:
        self.session = session
        self.outbox = outbox
        self.targets = targets
        self.repatriations = RepatriationRepository(session)
        self.cases = CaseFactsService(session)
        self.referrals = ReferralRepository(session)
        self.providers = ProviderRepository(session)
        self.alerts = AlertService(session, outbox)
        # The check of each requirement a step may rest on, asked of the part that holds
        # the fact; `complete` runs them in the procedure's order, the first failing stops.
        self.checkers: Mapping[Requirement, Checker] = {
            Requirement.REPATRIATION_CONSENT: self._current_consent,
            Requirement.BEST_INTERESTS_DETERMINATION: self._best_interests_in_favour,
            Requirement.PRE_RETURN_ASSESSMENT: self._pre_return_assessment,
            Requirement.ACCEPTED_REFERRAL: self._reception_referral,
            Requirement.ESCORT: self._escort,
            Requirement.TRAVEL_NOT_BLOCKED: self._travel_not_blocked,
        }

    # --- registering

    async def create(
        self,
        principal: Principal,
        payload: RepatriationCreate,
        identification: Identification,
        now: datetime,
    ) -> Repatriation:
        """Register the request, which completes `request_registered`; the registering
        organisation and the partners named work on it from now on."""
        case = await CaseFactsService(self.session, identification).get(principal, payload.case_id)
        step = Step.REQUEST_REGISTERED
        if not procedure.may_complete(
            step, principal.roles, _qualifiers(principal, None), is_child=case.is_child
        ):
            raise NotStepPerformer(step)
        partners = await self._partner_organisations(payload.partners)
        if await self.repatriations.has_active(case.case_id):
            raise RepatriationUnderWay()
        repatriation = Repatriation(
            id=uuid.uuid4(),
            case_id=case.case_id,
            direction=payload.direction,
            country=payload.country,
            departure_place=payload.departure_place,
            return_place=payload.return_place,
            note=payload.note,
            status=procedure.status_after({step}),
            registered_by=principal.subject_id,
            registered_by_organisation_id=principal.organisation_id,
            version=1,
            created_at=now,
            updated_at=now,
        )
        due = procedure.due_dates(now, self.targets, completed={step: now})
        repatriation.steps = [
            RepatriationStep(
                step=s,
                position=position,
                due_at=due[s],
                completed_at=now if s is step else None,
                completed_by=principal.subject_id if s is step else None,
                completed_by_organisation_id=principal.organisation_id if s is step else None,
                note=payload.note if s is step else None,
                evidence={},
            )
            for position, s in enumerate(STEPS)
        ]
        organisation_ids = sorted({principal.organisation_id, *partners})
        repatriation.organisations = [
            RepatriationOrganisation(organisation_id=o) for o in organisation_ids
        ]
        self.repatriations.add(repatriation)
        try:
            await self.repatriations.flush()
        except IntegrityError as exc:
            # Another request registered one for the case meanwhile (the unique index).
            raise RepatriationUnderWay() from exc
        await self.outbox.publish(
            self.session,
            REPATRIATION_CREATED,
            {
                "repatriation_id": str(repatriation.id),
                "case_id": str(repatriation.case_id),
                "direction": repatriation.direction,
                "country": repatriation.country,
                "organisation_ids": [str(o) for o in organisation_ids],
            },
        )
        await self._announce_step(repatriation, step, RepatriationStatus(repatriation.status))
        return await self._reloaded(principal, repatriation)

    async def _partner_organisations(self, provider_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """The organisations of the partners named: active consulates or international
        organisations in the directory (422 on `partners` otherwise)."""
        if not provider_ids:
            return set()
        found = {
            uuid.UUID(p.id): p
            for p in await self.providers.directory(provider_ids=provider_ids, active_only=False)
        }
        organisations = set()
        for provider_id in provider_ids:
            facts = found.get(provider_id)
            if facts is None:
                raise UnknownPartner(provider_id)
            if not procedure.may_be_partner(facts.kind, facts.active):
                raise NotAPartner(facts.name)
            organisation_id = await self.providers.organisation_of(provider_id)
            assert organisation_id is not None
            organisations.add(organisation_id)
        return organisations

    # --- steps

    async def complete(
        self,
        principal: Principal,
        repatriation: Repatriation,
        step: Step,
        body: StepCompletion,
        now: datetime,
        *,
        identification: Identification,
        risk: Risk,
        if_match: str | None,
    ) -> Repatriation:
        """Complete `step` for the caller, in this order of checks: the caller is among
        the step's performers (403); the body carries only this step's evidence (422); the
        repatriation is under way, the step pending and every step it depends on done
        (409); then each of the step's requirements (`procedure.requirements`: for travel,
        the consent step's again, as it stands now, and a pre-return risk that does not
        block), checked with the part that holds the fact."""
        check_if_match(if_match, repatriation.id, repatriation.version)
        case = await self._case(repatriation)
        reception = await self._reception(repatriation)
        if not procedure.may_complete(
            step, principal.roles, _qualifiers(principal, reception), is_child=case.is_child
        ):
            raise NotStepPerformer(step)
        _only_this_steps_evidence(step, body, case.is_child)
        _still_under_way(repatriation)
        done = _done(repatriation)
        if step in done:
            raise StepAlreadyCompleted(step)
        unmet = procedure.unmet_dependencies(step, done)
        if unmet:
            raise UnmetSteps(step, unmet)
        completion = Completion(principal, repatriation, case, body, identification, risk)
        evidence: dict[str, str] = {}
        for requirement in procedure.requirements(step, is_child=case.is_child):
            evidence |= await self.checkers[requirement](completion)

        status = procedure.status_after({*done, step})
        await self._change(repatriation, {"status": status, "updated_at": now})
        await self.repatriations.complete_step(
            repatriation.id,
            step,
            {
                "completed_at": now,
                "completed_by": principal.subject_id,
                "completed_by_organisation_id": principal.organisation_id,
                "note": body.note,
                "evidence": evidence,
                "escort": body.escort.model_dump(exclude_none=True) if body.escort else None,
            },
        )
        await self._reschedule(repatriation, {**done, step: now})
        self.repatriations.join(repatriation, {principal.organisation_id})
        await self._announce_step(repatriation, step, status)
        return await self._reloaded(principal, repatriation)

    # --- the checkers of the requirements (`checkers`)

    async def _current_consent(self, completion: Completion) -> dict[str, str]:
        """The adult's current consent to repatriation, in identification; one named must
        be it."""
        current = await completion.identification.current_consent(
            completion.case.case_id, REPATRIATION_CONSENT, completion.principal.token
        )
        if current is None:
            raise ConsentToReturnMissing()
        named = completion.body.consent_id
        if named is not None and named != current:
            raise ConsentNotCurrent()
        return {"consent_id": str(current)}

    async def _best_interests_in_favour(self, completion: Completion) -> dict[str, str]:
        """The latest best-interests determination, in favour of return."""
        latest = _latest(completion.repatriation.determinations, DeterminationKind.BEST_INTERESTS)
        if latest is None or not latest.in_favour:
            raise NoBestInterestsInFavour()
        return {"determination_id": str(latest.id)}

    async def _pre_return_assessment(self, completion: Completion) -> dict[str, str]:
        """The pre-return assessment the step rests on: the one named — known from its
        event, or asked of the risk service when the event has not arrived (and kept) —
        or else the latest heard of."""
        case_id = completion.case.case_id
        kept = await self.cases.risk(case_id, PRE_RETURN_INSTRUMENT)
        named = completion.body.risk_assessment_id
        if named is None:
            if kept is None:
                raise NoPreReturnAssessment()
            return {"risk_assessment_id": str(kept.assessment_id)}
        if kept is None or kept.assessment_id != named:
            found = await completion.risk.assessment(named, completion.principal.token)
            if found is None or found.case_id != case_id:
                raise UnknownAssessment()
            if found.instrument != PRE_RETURN_INSTRUMENT:
                raise NotPreReturnAssessment(found.instrument)
            await self.cases.learn_risk(found)
        return {"risk_assessment_id": str(named)}

    async def _reception_referral(self, completion: Completion) -> dict[str, str]:
        """The accepted referral, of this case, to a provider at the destination."""
        repatriation, named = completion.repatriation, completion.body.referral_id
        if named is None:
            raise ReferralNotNamed()
        referral = await self.referrals.by_id(named)
        if referral is None or referral.case_id != repatriation.case_id:
            raise UnknownReferral()
        if referral.status != ReferralStatus.ACCEPTED:
            raise ReferralNotAccepted(referral.status)
        [provider] = await self.providers.directory(
            provider_ids=[referral.provider_id], active_only=False
        )
        direction = Direction(repatriation.direction)
        if not procedure.receives_at_destination(
            direction,
            repatriation.country,
            countries=provider.countries,
            national=provider.national,
            counties=provider.counties,
        ):
            raise NotAtDestination(procedure.destination(direction, repatriation.country))
        return {"referral_id": str(referral.id)}

    async def _escort(self, completion: Completion) -> dict[str, str]:
        """An escort named (stored with the step itself, not as evidence)."""
        if completion.body.escort is None:
            raise EscortRequired()
        return {}

    async def _travel_not_blocked(self, completion: Completion) -> dict[str, str]:
        """A pre-return risk, as last heard of, that does not block travel."""
        case = completion.case
        pre_return = await self.cases.risk(case.case_id, PRE_RETURN_INSTRUMENT)
        block = _travel_block(completion.repatriation, case, pre_return)
        if block is not None:
            raise TravelBlocked(block)
        return {}

    # --- determinations and cancellation

    async def determine(
        self,
        principal: Principal,
        repatriation: Repatriation,
        payload: DeterminationCreate,
        now: datetime,
        *,
        if_match: str | None,
    ) -> Repatriation:
        """Record a best-interests determination (child protection, for a child) or a
        mitigation plan (a coordinator). Either weighs a pre-return risk only when made
        after its assessment (procedure.travel_block)."""
        check_if_match(if_match, repatriation.id, repatriation.version)
        if not procedure.may_determine(payload.kind, principal.roles, _qualifiers(principal, None)):
            raise NotDeterminationMaker(payload.kind)
        case = await self._case(repatriation)
        if payload.kind is DeterminationKind.BEST_INTERESTS and not case.is_child:
            raise BestInterestsForChildOnly()
        _still_under_way(repatriation)
        await self._change(repatriation, {"updated_at": now})
        self.repatriations.add(
            RepatriationDetermination(
                id=uuid.uuid4(),
                repatriation_id=repatriation.id,
                kind=payload.kind,
                in_favour=payload.in_favour,
                note=payload.note,
                made_by=principal.subject_id,
                made_by_organisation_id=principal.organisation_id,
                made_at=now,
            )
        )
        self.repatriations.join(repatriation, {principal.organisation_id})
        return await self._reloaded(principal, repatriation)

    async def cancel(
        self,
        principal: Principal,
        repatriation: Repatriation,
        reason: str,
        now: datetime,
        *,
        if_match: str | None,
    ) -> Repatriation:
        check_if_match(if_match, repatriation.id, repatriation.version)
        _still_under_way(repatriation)
        await self._change(
            repatriation,
            {"status": RepatriationStatus.CANCELLED, "cancel_reason": reason, "updated_at": now},
        )
        return await self._reloaded(principal, repatriation)

    # --- the overdue job

    async def flag_overdue(
        self, repatriation_id: uuid.UUID, step: str, due_at: datetime, now: datetime
    ) -> bool:
        """Flag a step past its due date and alert the coordinators of the case's county,
        once: only the call whose conditional update wins announces it."""
        if not await self.repatriations.flag_overdue(repatriation_id, step, due_at, now):
            return False
        repatriation = await self.repatriations.by_id(repatriation_id)
        assert repatriation is not None
        case = await self.cases.cases.newest(repatriation.case_id)
        county = case.county if case is not None else None
        await self.outbox.publish(
            self.session,
            REPATRIATION_STEP_OVERDUE,
            {
                "repatriation_id": str(repatriation_id),
                "case_id": str(repatriation.case_id),
                "step": step,
                "due_at": due_at.isoformat(),
                "county": county,
            },
        )
        await self.alerts.raise_alert(
            AlertKind.REPATRIATION_STEP_OVERDUE,
            repatriation.case_id,
            county,
            f"Step {step} of repatriation {repatriation_id} was due {due_at.isoformat()}.",
            now,
            repatriation_id=repatriation_id,
            step=step,
        )
        return True

    # --- reading

    async def get(self, principal: Principal, repatriation_id: uuid.UUID) -> Repatriation:
        """The repatriation if `principal` may see it (404 otherwise): the load-and-authorise
        step of every route on one."""
        repatriation = await self.repatriations.get(principal, repatriation_id)
        if repatriation is None:
            raise RepatriationNotFound()
        return repatriation

    async def page(
        self, principal: Principal, filters: RepatriationFilters, page: PageParams, now: datetime
    ) -> tuple[list[RepatriationOut], str | None]:
        listed = self.repatriations.listed(principal, filters, now)
        rows, cursor = await self.repatriations.page(listed, page, key=Repatriation.created_at)
        return await self.views(rows, now), cursor

    async def views(
        self, repatriations: Sequence[Repatriation], now: datetime
    ) -> list[RepatriationOut]:
        case_ids = {r.case_id for r in repatriations}
        facts = await self.cases.cases.facts_of(case_ids)
        pre_return = await self.cases.cases.latest_risk(case_ids, PRE_RETURN_INSTRUMENT)
        return [
            _view(r, _travel_block(r, facts.get(r.case_id), pre_return.get(r.case_id)), now)
            for r in repatriations
        ]

    # --- helpers

    async def _case(self, repatriation: Repatriation) -> CaseFacts:
        case = await self.cases.cases.newest(repatriation.case_id)
        # Registering a repatriation needed the case's facts; they are never deleted.
        assert case is not None
        return case

    async def _reception(self, repatriation: Repatriation) -> Referral | None:
        """The accepted referral that reception rested on, once arranged."""
        [row] = [s for s in repatriation.steps if s.step == Step.RECEPTION_ARRANGED]
        referral_id = row.evidence.get("referral_id")
        return await self.referrals.by_id(uuid.UUID(referral_id)) if referral_id else None

    async def _change(self, repatriation: Repatriation, values: Mapping[str, Any]) -> None:
        if not await self.repatriations.change(repatriation, values):
            raise ChangedMeanwhile("repatriation")

    async def _reschedule(self, repatriation: Repatriation, done: Mapping[Step, datetime]) -> None:
        """Count the pending steps' due dates from the completions so far."""
        due = procedure.due_dates(repatriation.created_at, self.targets, completed=done)
        pending: dict[str, datetime] = {s: due[s] for s in STEPS if s not in done}
        await self.repatriations.move_due(repatriation.id, pending)

    async def _announce_step(
        self, repatriation: Repatriation, step: Step, status: RepatriationStatus
    ) -> None:
        await self.outbox.publish(
            self.session,
            REPATRIATION_STEP_COMPLETED,
            {
                "repatriation_id": str(repatriation.id),
                "case_id": str(repatriation.case_id),
                "step": str(step),
                "status": str(status),
            },
        )

    async def _reloaded(self, principal: Principal, repatriation: Repatriation) -> Repatriation:
        """The repatriation as the change left it, read again whole."""
        await self.repatriations.flush()
        fresh = await self.repatriations.get(principal, repatriation.id, fresh=True)
        assert fresh is not None
        return fresh


def _still_under_way(repatriation: Repatriation) -> None:
    if repatriation.status not in ACTIVE_STATUSES:
        raise RepatriationEnded(repatriation.status)


def _only_this_steps_evidence(step: Step, body: StepCompletion, is_child: bool) -> None:
    """Evidence given for another step is refused rather than ignored (422 on the field)."""
    given = {field for field, value in body if value is not None}
    misplaced = procedure.misplaced_evidence(step, given)
    if misplaced is not None:
        raise EvidenceOfAnotherStep(misplaced, procedure.EVIDENCE_STEP[misplaced])
    if body.consent_id is not None and is_child:
        raise ConsentNotForChild()


def _latest(
    determinations: Collection[RepatriationDetermination], kind: DeterminationKind
) -> RepatriationDetermination | None:
    of_kind = [d for d in determinations if d.kind == kind]
    return max(of_kind, key=lambda d: d.made_at) if of_kind else None


def _view(repatriation: Repatriation, travel_block: str | None, now: datetime) -> RepatriationOut:
    return RepatriationOut(
        id=repatriation.id,
        case_id=repatriation.case_id,
        direction=Direction(repatriation.direction),
        country=repatriation.country,
        departure_place=repatriation.departure_place,
        return_place=repatriation.return_place,
        note=repatriation.note,
        status=RepatriationStatus(repatriation.status),
        cancel_reason=repatriation.cancel_reason,
        steps=[_step_view(s, repatriation, now) for s in repatriation.steps],
        determinations=[DeterminationOut.model_validate(d) for d in repatriation.determinations],
        travel_block=travel_block,
        organisation_ids=sorted(o.organisation_id for o in repatriation.organisations),
        registered_by_organisation_id=repatriation.registered_by_organisation_id,
        created_at=repatriation.created_at,
        updated_at=repatriation.updated_at,
        version=repatriation.version,
    )


def _step_view(step: RepatriationStep, repatriation: Repatriation, now: datetime) -> StepOut:
    pending = step.completed_at is None
    return StepOut(
        step=Step(step.step),
        status="pending" if pending else "done",
        due_at=step.due_at,
        overdue=pending and repatriation.status in ACTIVE_STATUSES and step.due_at < now,
        completed_at=step.completed_at,
        completed_by=step.completed_by,
        completed_by_organisation_id=step.completed_by_organisation_id,
        note=step.note,
        evidence=Evidence.model_validate(step.evidence),
        escort=Escort.model_validate(step.escort) if step.escort else None,
    )
