"""The alerts' named problems (shared/errors.py)."""

from shared.errors import NotFound


class AlertNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("The alert does not exist or lies outside your scope.")
