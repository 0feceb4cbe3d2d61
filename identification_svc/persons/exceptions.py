"""The named problems of a case's person."""

from shared.errors import NotFound, PreconditionFailed


class PersonNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No personal data is recorded for this case.")


class NoPersonToMatch(PreconditionFailed):
    def __init__(self) -> None:
        super().__init__("No personal data is recorded yet to match If-Match.")
