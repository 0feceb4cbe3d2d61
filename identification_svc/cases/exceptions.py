"""The named problems of cases: a case out of the caller's sight, a decision the status
ladder or the caller's roles refuse, and a possible duplicate that cannot be resolved."""

from collections.abc import Collection

from shared.errors import Conflict, Forbidden, IllegalTransition, NotFound, ValidationProblem


class CaseNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("There is no case with this id that you may see.")


class IllegalCaseTransition(IllegalTransition):
    """The decision cannot be taken on a case in its current status (or is not a decision)."""

    def __init__(self, current_status: str, decision: str) -> None:
        super().__init__(
            f"A case that is '{current_status}' cannot take the decision '{decision}'.",
            extra={"current_status": current_status, "decision": decision},
        )
        self.current_status = current_status
        self.decision = decision


class DecisionNotPermitted(Forbidden):
    """None of the caller's roles may take this decision."""

    def __init__(self, decision: str, roles: Collection[str]) -> None:
        super().__init__(f"Your roles may not take the decision '{decision}'.")
        self.decision = decision
        self.roles = frozenset(roles)


class NoDuplicateOfItself(ValidationProblem):
    def __init__(self) -> None:
        super().__init__("other_case_id", "A case is no duplicate of itself.")


class DuplicateAlreadyResolved(Conflict):
    def __init__(self, resolution: str) -> None:
        super().__init__(
            f"These cases were already resolved as '{resolution}'.",
            extra={"resolution": resolution},
        )


class NotFlaggedAsDuplicates(NotFound):
    def __init__(self) -> None:
        super().__init__("These two cases are not flagged as possible duplicates.")
