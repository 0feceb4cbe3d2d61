"""The named problems of screenings."""

from collections.abc import Sequence

from shared.errors import Conflict, FieldError, NotFound, Problem


class ScreeningNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("There is no screening with this id that you may see.")


class CaseClosed(Conflict):
    def __init__(self) -> None:
        super().__init__("The case is closed; reopen it before screening again.")


class AnswersDoNotFit(Problem):
    """Answers naming codes the pinned catalogue version does not have, or one twice (422,
    each named `answers.N.indicator`)."""

    slug = "validation"

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("Some answers do not fit the catalogue version.", errors=errors)
