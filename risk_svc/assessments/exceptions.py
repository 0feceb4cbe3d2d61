"""The problems of risk assessments: one not found, answers the instrument version cannot
score, a judgement it refuses, and a county that is none."""

from collections.abc import Sequence

from shared.errors import FieldError, NotFound, Problem, ValidationProblem


class AssessmentNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such risk assessment.")


class InvalidAnswers(Problem):
    """Answers naming an item twice, an item the version lacks, or a child's item for an
    adult; `errors` names each answer."""

    slug = "validation"

    def __init__(self, detail: str, errors: Sequence[FieldError]) -> None:
        super().__init__(detail, errors=errors)


class InvalidJudgement(ValidationProblem):
    """A professional judgement lowering the computed level, or without a reason."""


class NotACounty(ValidationProblem):
    def __init__(self) -> None:
        super().__init__("county", "Not an ISO 3166-2:RO county code.")
