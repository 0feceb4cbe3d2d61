"""The problems of instrument versions: one not found, a published or retired one asked
to change, a draft that would not be a consistent instrument, and an assessment asking
for a version it may not be scored by."""

from collections.abc import Sequence

from risk_svc.instruments.models import InstrumentVersion
from shared.errors import Conflict, FieldError, NotFound, Problem, ValidationProblem


class InstrumentVersionNotFound(NotFound):
    def __init__(self, code: str, version: int) -> None:
        super().__init__(f"No version {version} of instrument '{code}'.")


class NothingToDraftFrom(NotFound):
    """A draft starts as a copy of the published version; the instrument has none."""

    def __init__(self, code: str) -> None:
        super().__init__(f"No published instrument '{code}' to start a draft from.")


class DraftExists(Conflict):
    """One draft per instrument at a time: two coordinators cannot fork it."""

    def __init__(self, draft: InstrumentVersion) -> None:
        super().__init__(f"Version {draft.version} of '{draft.code}' is already a draft; edit it.")


class VersionNotEditable(Conflict):
    def __init__(self, row: InstrumentVersion) -> None:
        super().__init__(
            f"Version {row.version} of '{row.code}' is {row.status}: only a draft changes."
        )


class InconsistentDraft(Problem):
    slug = "validation"

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("The draft would not be a consistent instrument.", errors=errors)


class InstrumentNotPublished(ValidationProblem):
    """An assessment names an instrument with no published version."""

    def __init__(self, code: str) -> None:
        super().__init__("instrument", f"No published instrument '{code}'.")


class NoSuchVersion(ValidationProblem):
    """An assessment names a version the instrument does not have."""

    def __init__(self, code: str, version: int) -> None:
        super().__init__("version", f"Instrument '{code}' has no version {version}.")


class VersionNotPublished(ValidationProblem):
    """An assessment names a draft or retired version: only the published one scores."""

    def __init__(self, row: InstrumentVersion, published: int) -> None:
        super().__init__(
            "version",
            f"Version {row.version} of '{row.code}' is {row.status}; assessments use the "
            f"published version {published}.",
        )
