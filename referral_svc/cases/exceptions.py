"""The case facts' named problems (shared/errors.py)."""

from shared.errors import NotFound


class CaseNotFound(NotFound):
    """The case is not known here, or the caller may not see it (the two are one answer, so
    a case's existence is never given away)."""

    def __init__(self) -> None:
        super().__init__("The case does not exist or lies outside your scope.")
