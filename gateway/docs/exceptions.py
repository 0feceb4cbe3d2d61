"""The named problems of the documentation routes."""

from shared.errors import NotFound


class NoSuchFile(NotFound):
    def __init__(self) -> None:
        super().__init__("No such file.")


class NoSuchProblemType(NotFound):
    def __init__(self) -> None:
        super().__init__("No such problem type.")
