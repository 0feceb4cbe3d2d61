"""The repatriation domain's named problems, one class per meaning, each a subclass of a
problem of shared/errors.py carrying its detail and any extra member. ("Changed
meanwhile" is the suite's own `ChangedMeanwhile("repatriation")`.)"""

import uuid
from collections.abc import Mapping, Sequence

from referral_svc.repatriations.procedure import (
    BEST_INTERESTS_DETERMINATION_REQUIRED,
    MITIGATION_PLAN_REQUIRED,
    PRE_RETURN_ASSESSMENT_REQUIRED,
    DeterminationKind,
    Requirement,
    Step,
)
from shared.errors import (
    Conflict,
    ConsentRequired,
    Forbidden,
    IllegalTransition,
    NotFound,
    Problem,
    ValidationProblem,
)

# --- finding and registering


class RepatriationNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("The repatriation does not exist or lies outside your scope.")


class RepatriationUnderWay(Conflict):
    """One repatriation at a time per case."""

    def __init__(self) -> None:
        super().__init__("The case already has a repatriation under way.")


class UnknownPartner(ValidationProblem):
    def __init__(self, provider_id: uuid.UUID) -> None:
        super().__init__("partners", f"No provider {provider_id}.")


class NotAPartner(ValidationProblem):
    """A partner named that is not an active consulate or international organisation."""

    def __init__(self, name: str) -> None:
        super().__init__(
            "partners", f"{name} is not an active consulate or international organisation."
        )


# --- the procedure


class NotStepPerformer(Forbidden):
    def __init__(self, step: Step) -> None:
        super().__init__(f"{step} is not among the steps your role and organisation complete.")


class NotDeterminationMaker(Forbidden):
    def __init__(self, kind: DeterminationKind) -> None:
        super().__init__(f"A {kind} determination is not yours to make.")


class RepatriationEnded(IllegalTransition):
    """A change to a repatriation no longer under way (completed or cancelled)."""

    def __init__(self, status: str) -> None:
        super().__init__(f"The repatriation is {status}.")


class StepAlreadyCompleted(Conflict):
    def __init__(self, step: Step) -> None:
        super().__init__(f"{step} is already completed.")


class UnmetSteps(Problem):
    """A step asked for before the steps it depends on; names every one still missing."""

    slug = "unmet-steps"

    def __init__(self, step: Step, unmet: Sequence[Step]) -> None:
        names = [str(s) for s in unmet]
        super().__init__(
            f"{step} cannot be completed before: {', '.join(names)}.",
            extra={"unmet_steps": names},
        )


class BestInterestsForChildOnly(ValidationProblem):
    def __init__(self) -> None:
        super().__init__("kind", "A best-interests determination is made for a child's return.")


# --- the evidence a step rests on


class EvidenceOfAnotherStep(ValidationProblem):
    """Evidence given for another step is refused rather than ignored."""

    def __init__(self, field: str, owner: Step) -> None:
        super().__init__(field, f"{field} is evidence of {owner} only.")


class ConsentNotForChild(ValidationProblem):
    def __init__(self) -> None:
        super().__init__(
            "consent_id", "A child's return rests on a best-interests determination, not consent."
        )


class ConsentToReturnMissing(ConsentRequired):
    def __init__(self) -> None:
        super().__init__(
            "The adult's current consent to repatriation is not on record; record it first."
        )


class ConsentNotCurrent(ConsentRequired):
    def __init__(self) -> None:
        super().__init__("The consent named is not the current one of its scope.")


class EvidenceRequired(Problem):
    """The step rests on a fact the mechanism does not hold yet; `requirement` names it."""

    slug = "evidence-required"

    def __init__(self, detail: str, requirement: Requirement) -> None:
        super().__init__(detail, extra={"requirement": str(requirement)})


class NoBestInterestsInFavour(EvidenceRequired):
    def __init__(self) -> None:
        super().__init__(
            "A child returns only on a best-interests determination in favour, made by child "
            "protection.",
            Requirement.BEST_INTERESTS_DETERMINATION,
        )


class NoPreReturnAssessment(EvidenceRequired):
    def __init__(self) -> None:
        super().__init__(
            "No pre-return risk assessment of the case is known; assess the risk before "
            "return first (or name the assessment).",
            Requirement.PRE_RETURN_ASSESSMENT,
        )


class UnknownAssessment(ValidationProblem):
    def __init__(self) -> None:
        super().__init__("risk_assessment_id", "No assessment of this case has this id.")


class NotPreReturnAssessment(ValidationProblem):
    def __init__(self, instrument: str) -> None:
        super().__init__("risk_assessment_id", f"A {instrument} assessment, not a pre_return one.")


class ReferralNotNamed(ValidationProblem):
    def __init__(self) -> None:
        super().__init__("referral_id", "Reception rests on an accepted referral; name it.")


class UnknownReferral(ValidationProblem):
    def __init__(self) -> None:
        super().__init__("referral_id", "No referral of this case has this id.")


class ReferralNotAccepted(EvidenceRequired):
    def __init__(self, status: str) -> None:
        super().__init__(
            f"The referral is {status}; reception rests on an accepted one.",
            Requirement.ACCEPTED_REFERRAL,
        )


class NotAtDestination(ValidationProblem):
    """The referral's provider does not receive people where this person returns to."""

    def __init__(self, destination: str) -> None:
        super().__init__("referral_id", f"The referral's provider does not work in {destination}.")


class EscortRequired(ValidationProblem):
    def __init__(self) -> None:
        super().__init__("escort", "A child travels only with an escort; name them.")


_TRAVEL_BLOCKS: Mapping[str, str] = {
    PRE_RETURN_ASSESSMENT_REQUIRED: "No pre-return risk assessment is known.",
    MITIGATION_PLAN_REQUIRED: (
        "The pre-return risk is high: travel waits for a coordinator's mitigation plan made "
        "after the assessment."
    ),
    BEST_INTERESTS_DETERMINATION_REQUIRED: (
        "The pre-return risk is high: a child travels only on a best-interests determination "
        "in favour, by child protection, made after the assessment."
    ),
}


class TravelBlocked(Problem):
    """A pre-return risk blocks travel; `travel_block` names why (procedure.travel_block)."""

    slug = "travel-blocked"

    def __init__(self, reason: str) -> None:
        super().__init__(_TRAVEL_BLOCKS[reason], extra={"travel_block": reason})
