"""The named problems of the indicator catalogues."""

from collections.abc import Sequence

from shared.errors import Conflict, FieldError, NotFound, Problem, ValidationProblem


class CatalogueNotFound(NotFound):
    def __init__(self, version: int) -> None:
        super().__init__(f"There is no catalogue version {version}.")


class CatalogueNotPublished(ValidationProblem):
    def __init__(self, version: int) -> None:
        super().__init__(
            "catalogue_version", f"Catalogue version {version} does not exist or is a draft."
        )


class NoCataloguePublished(Conflict):
    def __init__(self) -> None:
        super().__init__("No indicator catalogue is published yet.")


class CatalogueFrozen(Conflict):
    def __init__(self, version: int) -> None:
        super().__init__(
            f"Catalogue version {version} is published or retired and never changes; "
            "draft a new version."
        )


class DraftExists(Conflict):
    def __init__(self) -> None:
        super().__init__("A draft version already exists; edit or publish it first.")


class NothingToDraftFrom(Conflict):
    def __init__(self) -> None:
        super().__init__("No published catalogue to draft from.")


class EmptyCatalogue(Conflict):
    def __init__(self) -> None:
        super().__init__("An empty catalogue cannot be published.")


class ChangesDoNotApply(Problem):
    """Edits of a draft a schema cannot judge alone (422, each field named)."""

    slug = "validation"

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("The changes cannot be applied to the draft.", errors=errors)
