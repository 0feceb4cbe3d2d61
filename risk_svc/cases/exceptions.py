"""The problems of case facts: a case the caller may not see, and an identification
service whose answer cannot be read."""

from shared.errors import NotFound, ServiceUnavailable


class CaseNotFound(NotFound):
    """The case does not exist, or this part's rule does not show it to the caller."""

    def __init__(self) -> None:
        super().__init__("No such case.")


class UnreadableCase(ServiceUnavailable):
    """Identification answered something that is not the case asked for."""

    def __init__(self) -> None:
        super().__init__("The identification service gave an unexpected answer.")
