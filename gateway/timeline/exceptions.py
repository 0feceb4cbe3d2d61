"""The named problems of a case's timeline: the case itself refused by identification."""

from shared.errors import Forbidden, NotFound


class CaseNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such case.")


class CaseNotReadable(Forbidden):
    def __init__(self) -> None:
        super().__init__("The case may not be read.")
