"""The repatriation domain's errors, each carrying its problem type (shared/errors.py)."""

from collections.abc import Sequence

from referral_svc.repatriations.procedure import Requirement, Step
from shared.errors import Problem


class UnmetSteps(Problem):
    """A step asked for before the steps it depends on; names every one still missing."""

    slug = "unmet-steps"

    def __init__(self, step: Step, unmet: Sequence[Step]) -> None:
        names = [str(s) for s in unmet]
        super().__init__(
            f"{step} cannot be completed before: {', '.join(names)}.",
            extra={"unmet_steps": names},
        )


class EvidenceRequired(Problem):
    slug = "evidence-required"

    def __init__(self, detail: str, requirement: Requirement) -> None:
        super().__init__(detail, extra={"requirement": str(requirement)})


class TravelBlocked(Problem):
    slug = "travel-blocked"

    def __init__(self, detail: str, reason: str) -> None:
        super().__init__(detail, extra={"travel_block": reason})
