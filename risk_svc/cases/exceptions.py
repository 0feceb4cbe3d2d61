"""The problems of case facts: a case the caller may not see (an identification service
whose answer cannot be read is shared.client's `UnreadableAnswer`)."""

from shared.errors import NotFound


class CaseNotFound(NotFound):
    """The case does not exist, or this part's rule does not show it to the caller."""

    def __init__(self) -> None:
        super().__init__("No such case.")
