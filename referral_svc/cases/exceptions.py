"""The case facts' named problems (shared/errors.py)."""

from shared.errors import NotFound, ServiceUnavailable


class CaseNotFound(NotFound):
    """The case is not known here, or the caller may not see it (the two are one answer, so
    a case's existence is never given away)."""

    def __init__(self) -> None:
        super().__init__("The case does not exist or lies outside your scope.")


class UnreadableAnswer(ServiceUnavailable):
    """Another part of the suite answered something this service cannot read: a 503, never
    a guess."""

    def __init__(self, part: str, what: str) -> None:
        super().__init__(f"The {part} service answered {what}.")
