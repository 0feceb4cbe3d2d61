"""The assisted repatriation procedure as data: its steps, who completes each, what each
needs first and rests on, its target times, the pre-return risk rule that may block travel,
and where reception must be.

Pure: the service passes the facts (roles, organisations, completed steps, times,
determinations, a provider's areas) and stores what these functions answer. Target times
are configuration; `DEFAULT_TARGETS` holds the ones of referral.md.
"""

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from shared.auth.policy import Role


class Step(StrEnum):
    REQUEST_REGISTERED = "request_registered"
    IDENTITY_DOCUMENTS = "identity_documents"
    CONSENT_TO_RETURN = "consent_to_return"
    PRE_RETURN_RISK_ASSESSMENT = "pre_return_risk_assessment"
    RECEPTION_ARRANGED = "reception_arranged"
    TRAVEL_ARRANGED = "travel_arranged"
    HANDOVER_COMPLETED = "handover_completed"
    FOLLOW_UP = "follow_up"


STEPS: tuple[Step, ...] = tuple(Step)  # in procedure order


class Direction(StrEnum):
    TO_ROMANIA = "to_romania"  # a Romanian victim identified abroad
    FROM_ROMANIA = "from_romania"  # a foreign victim identified in Romania


class RepatriationStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"  # set by an explicit cancellation with a reason, never derived


# The statuses in which steps are still worked on (and may fall overdue).
ACTIVE_STATUSES = (RepatriationStatus.OPEN, RepatriationStatus.IN_PROGRESS)


class Qualifier(StrEnum):
    """What the caller's organisation must be, beyond the caller holding the role."""

    INTERNATIONAL_ORG = "international_org"
    RECEIVING_PROVIDER = "receiving_provider"  # the provider that received the person
    CHILD_PROTECTION_ORG = "child_protection_org"


# The organisation kinds (the gateway's, in the token's `org_kind`) that qualify a caller.
_QUALIFYING_KINDS: Mapping[str, Qualifier] = MappingProxyType(
    {
        "international_org": Qualifier.INTERNATIONAL_ORG,
        "child_protection": Qualifier.CHILD_PROTECTION_ORG,
    }
)


def qualifiers(
    organisation_kind: str,
    organisation_id: uuid.UUID,
    receiving_organisation_id: uuid.UUID | None,
) -> frozenset[Qualifier]:
    """What the caller's organisation is, for the performers: an international
    organisation, child protection, the provider that received the person (the
    organisation of the accepted referral's provider that reception rests on)."""
    found = set()
    if organisation_kind in _QUALIFYING_KINDS:
        found.add(_QUALIFYING_KINDS[organisation_kind])
    if organisation_id == receiving_organisation_id:
        found.add(Qualifier.RECEIVING_PROVIDER)
    return frozenset(found)


# The directory kinds a repatriation may name as partners.
_PARTNER_KINDS = frozenset({"consulate", "international_org"})


def may_be_partner(provider_kind: str, active: bool) -> bool:
    """Whether a provider of the directory may be named a partner of a repatriation: an
    active consulate or international organisation."""
    return provider_kind in _PARTNER_KINDS and active


@dataclass(frozen=True, slots=True)
class Performer:
    role: Role
    qualifier: Qualifier | None = None
    for_child: bool | None = None  # None: whether or not the person is a child


class Requirement(StrEnum):
    """What completing a step rests on (the service checks each with the part that holds
    the fact, in the order `requirements` gives)."""

    REPATRIATION_CONSENT = "repatriation_consent"  # the adult's consent of that scope
    BEST_INTERESTS_DETERMINATION = "best_interests_determination"  # in favour of return
    PRE_RETURN_ASSESSMENT = "pre_return_assessment"
    ACCEPTED_REFERRAL = "accepted_referral"  # to a provider at the destination
    ESCORT = "escort"
    TRAVEL_NOT_BLOCKED = "travel_not_blocked"  # by the pre-return risk: see `travel_block`


@dataclass(frozen=True, slots=True)
class StepRule:
    step: Step
    performers: tuple[Performer, ...]
    depends_on: tuple[Step, ...]
    requires_for_adult: tuple[Requirement, ...] = ()
    requires_for_child: tuple[Requirement, ...] = ()
    # Checked after the adult's or the child's, whichever the person is.
    requires_for_both: tuple[Requirement, ...] = ()
    # Earlier steps whose requirements this step rests on again, as they stand now.
    rests_again_on: tuple[Step, ...] = ()


_COORDINATOR = Performer(Role.COORDINATOR)
_CONSUL = Performer(Role.CONSULAR_OFFICER)
_INTERNATIONAL_ORG = Performer(Role.PROVIDER, Qualifier.INTERNATIONAL_ORG)
_RECEIVING_PROVIDER = Performer(Role.PROVIDER, Qualifier.RECEIVING_PROVIDER)
_CHILD_PROTECTION_SOCIAL_WORKER = Performer(Role.SOCIAL_WORKER, Qualifier.CHILD_PROTECTION_ORG)

_S = Step
PROCEDURE: tuple[StepRule, ...] = (
    StepRule(_S.REQUEST_REGISTERED, (_CONSUL, _COORDINATOR, _INTERNATIONAL_ORG), ()),
    StepRule(_S.IDENTITY_DOCUMENTS, (_CONSUL, _COORDINATOR), (_S.REQUEST_REGISTERED,)),
    StepRule(
        _S.CONSENT_TO_RETURN,
        (
            # For a child the step is a best-interests determination, which only child
            # protection makes.
            Performer(Role.SOCIAL_WORKER, for_child=False),
            Performer(Role.SOCIAL_WORKER, Qualifier.CHILD_PROTECTION_ORG, for_child=True),
            _COORDINATOR,
        ),
        (_S.IDENTITY_DOCUMENTS,),
        requires_for_adult=(Requirement.REPATRIATION_CONSENT,),
        requires_for_child=(Requirement.BEST_INTERESTS_DETERMINATION,),
    ),
    StepRule(
        _S.PRE_RETURN_RISK_ASSESSMENT,
        (Performer(Role.SOCIAL_WORKER), _COORDINATOR),
        (_S.CONSENT_TO_RETURN,),
        requires_for_adult=(Requirement.PRE_RETURN_ASSESSMENT,),
        requires_for_child=(Requirement.PRE_RETURN_ASSESSMENT,),
    ),
    StepRule(
        _S.RECEPTION_ARRANGED,
        (_COORDINATOR,),
        (_S.PRE_RETURN_RISK_ASSESSMENT,),
        requires_for_adult=(Requirement.ACCEPTED_REFERRAL,),
        requires_for_child=(Requirement.ACCEPTED_REFERRAL,),
    ),
    StepRule(
        _S.TRAVEL_ARRANGED,
        (_COORDINATOR, _INTERNATIONAL_ORG),
        (_S.CONSENT_TO_RETURN, _S.PRE_RETURN_RISK_ASSESSMENT, _S.RECEPTION_ARRANGED),
        requires_for_child=(Requirement.ESCORT,),
        requires_for_both=(Requirement.TRAVEL_NOT_BLOCKED,),
        # Consent may be withdrawn, and child protection may decide against return, after
        # the consent step: travel rests on that step's basis as it stands now.
        rests_again_on=(_S.CONSENT_TO_RETURN,),
    ),
    StepRule(_S.HANDOVER_COMPLETED, (_RECEIVING_PROVIDER, _COORDINATOR), (_S.TRAVEL_ARRANGED,)),
    StepRule(_S.FOLLOW_UP, (_RECEIVING_PROVIDER, _COORDINATOR), (_S.HANDOVER_COMPLETED,)),
)

RULES: Mapping[Step, StepRule] = MappingProxyType({rule.step: rule for rule in PROCEDURE})


def _prerequisites(step: Step) -> frozenset[Step]:
    direct = RULES[step].depends_on
    return frozenset(direct).union(*(_prerequisites(s) for s in direct))


# Every step a step depends on, directly or through another: an out-of-order request is
# answered with all that is missing, not one step at a time.
_PREREQUISITES: Mapping[Step, frozenset[Step]] = MappingProxyType(
    {step: _prerequisites(step) for step in STEPS}
)


def requirements(step: Step, *, is_child: bool) -> tuple[Requirement, ...]:
    """What completing `step` rests on, in the order it is checked: the requirements of the
    steps it rests on again, then its own."""
    rule = RULES[step]
    again = tuple(r for s in rule.rests_again_on for r in requirements(s, is_child=is_child))
    own = rule.requires_for_child if is_child else rule.requires_for_adult
    return again + own + rule.requires_for_both


# Which step each piece of evidence a completion may carry belongs to (the fields of the
# completion's body): evidence given for another step is refused rather than ignored.
EVIDENCE_STEP: Mapping[str, Step] = MappingProxyType(
    {
        "consent_id": _S.CONSENT_TO_RETURN,
        "risk_assessment_id": _S.PRE_RETURN_RISK_ASSESSMENT,
        "referral_id": _S.RECEPTION_ARRANGED,
        "escort": _S.TRAVEL_ARRANGED,
    }
)


def misplaced_evidence(step: Step, given: Collection[str]) -> str | None:
    """The first field of evidence given (in `EVIDENCE_STEP`'s order) that belongs to
    another step than `step`."""
    return next((f for f, owner in EVIDENCE_STEP.items() if f in given and owner is not step), None)


def unmet_dependencies(step: Step, done_steps: Collection[Step]) -> list[Step]:
    """The steps still to complete before `step`, in procedure order."""
    prerequisites = _PREREQUISITES[step]
    return [s for s in STEPS if s in prerequisites and s not in done_steps]


def status_after(done_steps: Collection[Step]) -> RepatriationStatus:
    """The status of a repatriation that is not cancelled, from its completed steps."""
    if all(step in done_steps for step in STEPS):
        return RepatriationStatus.COMPLETED
    if any(step in done_steps for step in STEPS[1:]):
        return RepatriationStatus.IN_PROGRESS
    return RepatriationStatus.OPEN


def _permitted(
    performers: Sequence[Performer],
    roles: Collection[str],
    qualifiers: Collection[Qualifier],
    is_child: bool | None,
) -> bool:
    return any(
        p.role in roles
        and (p.qualifier is None or p.qualifier in qualifiers)
        and (p.for_child is None or p.for_child == is_child)
        for p in performers
    )


def may_complete(
    step: Step, roles: Collection[str], qualifiers: Collection[Qualifier], *, is_child: bool
) -> bool:
    """Whether a caller with these roles, whose organisation has these qualifiers, may
    complete the step for a child or an adult."""
    return _permitted(RULES[step].performers, roles, qualifiers, is_child)


class TargetUnit(StrEnum):
    DAYS = "days"
    WORKING_DAYS = "working_days"  # Monday to Friday


@dataclass(frozen=True, slots=True)
class Target:
    """How long after the previous step a step is due."""

    amount: int
    unit: TargetUnit = TargetUnit.DAYS


DEFAULT_TARGETS: Mapping[Step, Target] = MappingProxyType(
    {
        _S.REQUEST_REGISTERED: Target(0),
        _S.IDENTITY_DOCUMENTS: Target(5, TargetUnit.WORKING_DAYS),
        _S.CONSENT_TO_RETURN: Target(3),
        _S.PRE_RETURN_RISK_ASSESSMENT: Target(3),
        _S.RECEPTION_ARRANGED: Target(5),
        _S.TRAVEL_ARRANGED: Target(5),
        # On the travel date, which is the day travel is arranged for.
        _S.HANDOVER_COMPLETED: Target(0),
        # The reintegration check at 90 days closes the procedure.
        _S.FOLLOW_UP: Target(90),
    }
)


def add_working_days(moment: datetime, days: int) -> datetime:
    """`moment` moved on by `days` days Monday to Friday, at the same time of day.

    Weekdays are those of the moment's own time zone; public holidays are not counted out.
    """
    remaining = days
    result = moment
    while remaining > 0:
        result += timedelta(days=1)
        if result.weekday() < 5:
            remaining -= 1
    return result


def _after(moment: datetime, target: Target) -> datetime:
    if target.unit is TargetUnit.WORKING_DAYS:
        return add_working_days(moment, target.amount)
    return moment + timedelta(days=target.amount)


def due_dates(
    start: datetime,
    targets: Mapping[Step, Target] = DEFAULT_TARGETS,
    *,
    completed: Mapping[Step, datetime] | None = None,
) -> dict[Step, datetime]:
    """When each step is due: its target after the previous step, counted from when that
    step was completed if it was (`completed`), else from when it was due."""
    done = completed or {}
    due: dict[Step, datetime] = {}
    previous = start
    for step in STEPS:
        due[step] = _after(previous, targets[step])
        previous = done.get(step, due[step])
    return due


def overdue_steps(
    due: Mapping[Step, datetime], done_steps: Collection[Step], now: datetime
) -> list[Step]:
    """The steps not completed whose due time has passed, in procedure order."""
    return [s for s in STEPS if s not in done_steps and due[s] < now]


class DeterminationKind(StrEnum):
    BEST_INTERESTS = "best_interests"
    MITIGATION_PLAN = "mitigation_plan"


DETERMINATION_MAKERS: Mapping[DeterminationKind, tuple[Performer, ...]] = MappingProxyType(
    {
        DeterminationKind.BEST_INTERESTS: (_CHILD_PROTECTION_SOCIAL_WORKER,),
        DeterminationKind.MITIGATION_PLAN: (_COORDINATOR,),
    }
)


def may_determine(
    kind: DeterminationKind, roles: Collection[str], qualifiers: Collection[Qualifier]
) -> bool:
    return _permitted(DETERMINATION_MAKERS[kind], roles, qualifiers, None)


@dataclass(frozen=True, slots=True)
class Determination:
    kind: DeterminationKind
    in_favour: bool
    made_at: datetime


def travel_in_question(status: str, done_steps: Collection[Step]) -> bool:
    """Whether travel may still be blocked: not arranged yet, the repatriation under way."""
    return status in ACTIVE_STATUSES and Step.TRAVEL_ARRANGED not in done_steps


PRE_RETURN_ASSESSMENT_REQUIRED = "pre_return_assessment_required"
MITIGATION_PLAN_REQUIRED = "mitigation_plan_required"
BEST_INTERESTS_DETERMINATION_REQUIRED = "best_interests_determination_required"


def travel_block(
    is_child: bool,
    pre_return_level: str | None,
    pre_return_assessed_at: datetime | None,
    determinations: Sequence[Determination],
) -> str | None:
    """Why travel may not be arranged yet (a reason code), or None when it may (risk.md).

    A `high` pre-return level blocks. For an adult a coordinator's mitigation plan lifts the
    block; for a child only a best-interests determination in favour does. Either counts
    only if made after the assessment: one made before did not weigh that risk. The latest
    such determination decides, so a later one against return blocks again.
    """
    if pre_return_level is None or pre_return_assessed_at is None:
        return PRE_RETURN_ASSESSMENT_REQUIRED
    if pre_return_level != "high":
        return None
    lifting = DeterminationKind.BEST_INTERESTS if is_child else DeterminationKind.MITIGATION_PLAN
    weighed = [
        d for d in determinations if d.kind == lifting and d.made_at > pre_return_assessed_at
    ]
    if weighed and max(weighed, key=lambda d: d.made_at).in_favour:
        return None
    return BEST_INTERESTS_DETERMINATION_REQUIRED if is_child else MITIGATION_PLAN_REQUIRED


def destination(direction: Direction, country: str) -> str:
    """Where the person returns to: the country abroad, or Romania."""
    return country if direction is Direction.FROM_ROMANIA else "Romania"


def receives_at_destination(
    direction: Direction,
    country: str,
    *,
    countries: Collection[str],
    national: bool,
    counties: Collection[str],
) -> bool:
    """Whether a provider working in `countries` abroad, or nationally or in `counties` of
    Romania, receives the person where they return to: in the repatriation's country for a
    return from Romania, anywhere in Romania for a return to it."""
    if direction is Direction.FROM_ROMANIA:
        return country in countries
    return national or bool(counties)
