"""The named problems of consents. An action that needs a consent not on record answers
the suite's `ConsentRequired` (`shared.errors`)."""

from shared.errors import Conflict, NotFound


class ConsentNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("There is no consent with this id on this case.")


class NothingToWithdraw(Conflict):
    def __init__(self) -> None:
        super().__init__("A refusal has nothing to withdraw; record a new consent instead.")


class AlreadyWithdrawn(Conflict):
    def __init__(self) -> None:
        super().__init__("This consent is already withdrawn.")
