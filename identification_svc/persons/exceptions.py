"""The named problems of a case's person."""

from shared.errors import ConsentRequired, NotFound, PreconditionFailed


class PersonNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No personal data is recorded for this case.")


class NoDataSharingConsent(ConsentRequired):
    def __init__(self) -> None:
        super().__init__(
            "The adult's current consent to share data (data_sharing) is not on record."
        )


class NoPersonToMatch(PreconditionFailed):
    def __init__(self) -> None:
        super().__init__("No personal data is recorded yet to match If-Match.")
