"""The named problems of training: records out of the caller's sight, and sessions,
participants, instrument versions and practice screenings that cannot be recorded as asked."""

from collections.abc import Sequence

from identification_svc.training.vignettes import Vignette
from shared.errors import Conflict, FieldError, NotFound, Problem, ValidationProblem


class TrainingSessionNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("There is no training session with this id that you may see.")


class ParticipantNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("There is no participant with this id in this session that you may see.")


class OrganisationTrainingNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Only the organisation's own managers and coordinators read it.")


class AlreadyParticipating(Conflict):
    def __init__(self) -> None:
        super().__init__("This user already takes part in the session; change their record.")


class TrainingNotCompleted(Conflict):
    def __init__(self) -> None:
        super().__init__("The training is not completed: there is no certificate yet.")


class UnknownCatalogueVersion(ValidationProblem):
    def __init__(self, field: str = "catalogue_version") -> None:
        super().__init__(field, "There is no such catalogue version.")


class HeldNowhere(ValidationProblem):
    def __init__(self, message: str) -> None:
        super().__init__("county", message)


class VignetteNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("There is no vignette with this code.")


class UnknownVignette(ValidationProblem):
    def __init__(self) -> None:
        super().__init__("vignette", "There is no vignette with this code.")


class VignetteOfAnotherVersion(ValidationProblem):
    def __init__(self, vignette: Vignette) -> None:
        super().__init__(
            "catalogue_version",
            f"Vignette {vignette.code} is written for catalogue version "
            f"{vignette.catalogue_version}.",
        )


class ParticipantsRepeated(Problem):
    slug = "validation"

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("A user takes part in a session once.", errors=errors)


class InstrumentVersionsUnknown(Problem):
    slug = "validation"

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("Some instrument versions are unknown to the risk service.", errors=errors)
