"""Use cases of assisted repatriation: registering one, completing its steps on evidence the
parts that own it hold, determinations, cancellation, and flagging overdue steps.

The pure procedure (procedure.py) decides who may complete which step, in which order,
when each is due and whether travel is blocked; this module gathers the facts it needs —
the caller's organisation, the case, the consent in identification, the pre-return
assessment from risk, the accepted referral in this service's own database — stores what
it answers, and announces it (docs/events.md). Every change first moves the repatriation's
version by a conditional update, so two changes racing can never both win. Services
flush; the request scope (or the overdue job) commits.
"""

import uuid
from collections.abc import Collection, Mapping, Sequence
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
from referral_svc.repatriations.models import (
    ACTIVE_STATUSES,
    Repatriation,
    RepatriationDetermination,
    RepatriationOrganisation,
    RepatriationStep,
)
from referral_svc.repatriations.problems import EvidenceRequired, TravelBlocked, UnmetSteps
from referral_svc.repatriations.procedure import (
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
from shared.errors import Conflict, ConsentRequired, Forbidden, NotFound, Problem, ValidationProblem
from shared.etag import check_if_match
from shared.events.outbox import Outbox
from shared.pagination import PageParams

REPATRIATION_CREATED = "repatriation.created"
REPATRIATION_STEP_COMPLETED = "repatriation.step_completed"
REPATRIATION_STEP_OVERDUE = "repatriation.step_overdue"

# The organisation kinds (the gateway's, in the token's `org_kind`) that qualify a caller.
_QUALIFYING_KINDS: Mapping[str, Qualifier] = {
    "international_org": Qualifier.INTERNATIONAL_ORG,
    "child_protection": Qualifier.CHILD_PROTECTION_ORG,
}
# The directory kinds a repatriation may name as partners.
_PARTNER_KINDS = frozenset({"consulate", "international_org"})
# Which step each piece of evidence in a completion belongs to.
_EVIDENCE_STEP: Mapping[str, Step] = {
    "consent_id": Step.CONSENT_TO_RETURN,
    "risk_assessment_id": Step.PRE_RETURN_RISK_ASSESSMENT,
    "referral_id": Step.RECEPTION_ARRANGED,
    "escort": Step.TRAVEL_ARRANGED,
}


def qualifiers(principal: Principal, reception: Referral | None) -> frozenset[Qualifier]:
    """What the caller's organisation is, for the procedure's performers: an international
    organisation, child protection, the provider that received the person (the provider
    of the accepted referral reception rests on)."""
    found = set()
    if principal.organisation_kind in _QUALIFYING_KINDS:
        found.add(_QUALIFYING_KINDS[principal.organisation_kind])
    if reception is not None and principal.organisation_id == reception.provider_organisation_id:
        found.add(Qualifier.RECEIVING_PROVIDER)
    return frozenset(found)


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
    """Why travel may not be arranged yet; None when it may, or is no longer in question
    (arranged, or the repatriation ended)."""
    if repatriation.status not in ACTIVE_STATUSES or Step.TRAVEL_ARRANGED in _done(repatriation):
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
            step, principal.roles, qualifiers(principal, None), is_child=case.is_child
        ):
            raise _not_performer(step)
        partners = await self._partner_organisations(payload.partners)
        if await self.repatriations.has_active(case.case_id):
            raise Conflict("The case already has a repatriation under way.")
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
            raise Conflict("The case already has a repatriation under way.") from exc
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
        return await self._reloaded(repatriation)

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
                raise ValidationProblem("partners", f"No provider {provider_id}.")
            if facts.kind not in _PARTNER_KINDS or not facts.active:
                raise ValidationProblem(
                    "partners",
                    f"{facts.name} is not an active consulate or international organisation.",
                )
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
        (409); the evidence holds, asked of the part that owns it (for travel, the consent
        step's too, as it stands now); travel is not blocked."""
        check_if_match(if_match, repatriation.id, repatriation.version)
        case = await self._case(repatriation)
        reception = await self._reception(repatriation)
        if not procedure.may_complete(
            step, principal.roles, qualifiers(principal, reception), is_child=case.is_child
        ):
            raise _not_performer(step)
        _only_this_steps_evidence(step, body, case)
        _still_under_way(repatriation)
        done = _done(repatriation)
        if step in done:
            raise Conflict(f"{step} is already completed.")
        unmet = procedure.unmet_dependencies(step, done)
        if unmet:
            raise UnmetSteps(step, unmet)
        requirements = _requirements(step, case.is_child)
        if step is Step.TRAVEL_ARRANGED:
            # Consent may be withdrawn, and child protection may decide against return, after
            # the consent step: travel rests on that step's basis as it stands now.
            requirements = _requirements(Step.CONSENT_TO_RETURN, case.is_child) + requirements
        evidence: dict[str, str] = {}
        for requirement in requirements:
            evidence |= await self._evidence(
                requirement, principal, repatriation, case, body, identification, risk
            )
        if step is Step.TRAVEL_ARRANGED:
            pre_return = await self.cases.risk(case.case_id, PRE_RETURN_INSTRUMENT)
            block = _travel_block(repatriation, case, pre_return)
            if block is not None:
                raise TravelBlocked(_BLOCKS.get(block, block), block)

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
        return await self._reloaded(repatriation)

    async def _evidence(
        self,
        requirement: Requirement,
        principal: Principal,
        repatriation: Repatriation,
        case: CaseFacts,
        body: StepCompletion,
        identification: Identification,
        risk: Risk,
    ) -> dict[str, str]:
        """Check one requirement of the step against the part that holds the fact; what
        the step then rests on."""
        if requirement is Requirement.REPATRIATION_CONSENT:
            current = await identification.current_consent(
                case.case_id, REPATRIATION_CONSENT, principal.token
            )
            if current is None:
                raise ConsentRequired(
                    "The adult's current consent to repatriation is not on record; record it first."
                )
            if body.consent_id is not None and body.consent_id != current:
                raise ConsentRequired("The consent named is not the current one of its scope.")
            return {"consent_id": str(current)}
        if requirement is Requirement.BEST_INTERESTS_DETERMINATION:
            latest = _latest(repatriation.determinations, DeterminationKind.BEST_INTERESTS)
            if latest is None or not latest.in_favour:
                raise EvidenceRequired(
                    "A child returns only on a best-interests determination in favour, made "
                    "by child protection.",
                    requirement,
                )
            return {"determination_id": str(latest.id)}
        if requirement is Requirement.PRE_RETURN_ASSESSMENT:
            return {"risk_assessment_id": str(await self._pre_return(principal, case, body, risk))}
        if requirement is Requirement.ACCEPTED_REFERRAL:
            return {"referral_id": str(await self._reception_referral(repatriation, body))}
        if requirement is Requirement.ESCORT and body.escort is None:
            raise ValidationProblem("escort", "A child travels only with an escort; name them.")
        return {}  # the escort is stored with the step itself

    async def _pre_return(
        self, principal: Principal, case: CaseFacts, body: StepCompletion, risk: Risk
    ) -> uuid.UUID:
        """The pre-return assessment the step rests on: the one named — known from its
        event, or asked of the risk service when the event has not arrived (and kept) —
        or else the latest heard of."""
        kept = await self.cases.risk(case.case_id, PRE_RETURN_INSTRUMENT)
        named = body.risk_assessment_id
        if named is None:
            if kept is None:
                raise EvidenceRequired(
                    "No pre-return risk assessment of the case is known; assess the risk "
                    "before return first (or name the assessment).",
                    Requirement.PRE_RETURN_ASSESSMENT,
                )
            return kept.assessment_id
        if kept is not None and kept.assessment_id == named:
            return named
        found = await risk.assessment(named, principal.token)
        if found is None or found.case_id != case.case_id:
            raise ValidationProblem("risk_assessment_id", "No assessment of this case has this id.")
        if found.instrument != PRE_RETURN_INSTRUMENT:
            raise ValidationProblem(
                "risk_assessment_id", f"A {found.instrument} assessment, not a pre_return one."
            )
        await self.cases.learn_risk(found)
        return named

    async def _reception_referral(
        self, repatriation: Repatriation, body: StepCompletion
    ) -> uuid.UUID:
        """The accepted referral, of this case, to a provider at the destination."""
        if body.referral_id is None:
            raise ValidationProblem(
                "referral_id", "Reception rests on an accepted referral; name it."
            )
        referral = await self.referrals.by_id(body.referral_id)
        if referral is None or referral.case_id != repatriation.case_id:
            raise ValidationProblem("referral_id", "No referral of this case has this id.")
        if referral.status != ReferralStatus.ACCEPTED:
            raise EvidenceRequired(
                f"The referral is {referral.status}; reception rests on an accepted one.",
                Requirement.ACCEPTED_REFERRAL,
            )
        [provider] = await self.providers.directory(
            provider_ids=[referral.provider_id], active_only=False
        )
        if Direction(repatriation.direction) is Direction.FROM_ROMANIA:
            at_destination = repatriation.country in provider.countries
            destination = repatriation.country
        else:
            at_destination = provider.national or bool(provider.counties)
            destination = "Romania"
        if not at_destination:
            raise ValidationProblem(
                "referral_id", f"The referral's provider does not work in {destination}."
            )
        return referral.id

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
        if not procedure.may_determine(payload.kind, principal.roles, qualifiers(principal, None)):
            raise Forbidden(f"A {payload.kind} determination is not yours to make.")
        case = await self._case(repatriation)
        if payload.kind is DeterminationKind.BEST_INTERESTS and not case.is_child:
            raise ValidationProblem(
                "kind", "A best-interests determination is made for a child's return."
            )
        _still_under_way(repatriation)
        await self._change(repatriation, {"updated_at": now})
        self.session.add(
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
        return await self._reloaded(repatriation)

    async def cancel(
        self,
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
        return await self._reloaded(repatriation)

    # --- the overdue job

    async def flag_overdue(
        self, repatriation_id: uuid.UUID, step: str, due_at: datetime, now: datetime
    ) -> bool:
        """Flag a step past its due date and alert the coordinators of the case's county,
        once: only the call whose conditional update wins announces it."""
        if not await self.repatriations.flag_overdue(repatriation_id, step, due_at, now):
            return False
        repatriation = await self.repatriations.get(repatriation_id)
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
        repatriation = await self.repatriations.get_visible(principal, repatriation_id)
        if repatriation is None:
            raise NotFound("The repatriation does not exist or lies outside your scope.")
        return repatriation

    async def page(
        self, principal: Principal, filters: RepatriationFilters, page: PageParams, now: datetime
    ) -> tuple[list[RepatriationOut], str | None]:
        rows, cursor = await self.repatriations.page(principal, filters, page, now)
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
            raise Problem("The repatriation changed meanwhile; read it again.", slug="conflict")

    async def _reschedule(self, repatriation: Repatriation, done: Mapping[Step, datetime]) -> None:
        """Count the pending steps' due dates from the completions so far."""
        due = procedure.due_dates(repatriation.created_at, self.targets, completed=done)
        for step in STEPS:
            if step not in done:
                await self.repatriations.move_due(repatriation.id, step, due[step])

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

    async def _reloaded(self, repatriation: Repatriation) -> Repatriation:
        await self.repatriations.flush()
        fresh = await self.repatriations.get(repatriation.id)
        assert fresh is not None
        return fresh


_BLOCKS: Mapping[str, str] = {
    procedure.PRE_RETURN_ASSESSMENT_REQUIRED: "No pre-return risk assessment is known.",
    procedure.MITIGATION_PLAN_REQUIRED: (
        "The pre-return risk is high: travel waits for a coordinator's mitigation plan made "
        "after the assessment."
    ),
    procedure.BEST_INTERESTS_DETERMINATION_REQUIRED: (
        "The pre-return risk is high: a child travels only on a best-interests determination "
        "in favour, by child protection, made after the assessment."
    ),
}


def _requirements(step: Step, is_child: bool) -> tuple[Requirement, ...]:
    rule = procedure.RULES[step]
    return rule.requires_for_child if is_child else rule.requires_for_adult


def _not_performer(step: Step) -> Forbidden:
    return Forbidden(f"{step} is not among the steps your role and organisation complete.")


def _still_under_way(repatriation: Repatriation) -> None:
    if repatriation.status not in ACTIVE_STATUSES:
        raise Problem(f"The repatriation is {repatriation.status}.", slug="illegal-transition")


def _only_this_steps_evidence(step: Step, body: StepCompletion, case: CaseFacts) -> None:
    """Evidence given for another step is refused rather than ignored (422 on the field)."""
    for field, owner in _EVIDENCE_STEP.items():
        if getattr(body, field) is not None and owner is not step:
            raise ValidationProblem(field, f"{field} is evidence of {owner} only.")
    if body.consent_id is not None and case.is_child:
        raise ValidationProblem(
            "consent_id", "A child's return rests on a best-interests determination, not consent."
        )


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
