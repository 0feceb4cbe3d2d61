"""The named problems of identity: accounts not found, a name taken, a refused token."""

from shared.errors import Conflict, NotFound, Unauthenticated, ValidationProblem


class OrganisationNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such organisation.")


class UnknownOrganisation(ValidationProblem):
    """A user or client named an organisation that does not exist (a payload error)."""

    def __init__(self) -> None:
        super().__init__("organisation_id", "No organisation has this id.")


class UserNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such user.")


class ApiClientNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("No such API client.")


class OrganisationNotRegistered(NotFound):
    """An external issuer's token names an organisation never registered here."""

    def __init__(self) -> None:
        super().__init__("The token's organisation is not registered with the gateway.")


class UsernameTaken(Conflict):
    def __init__(self, username: str) -> None:
        super().__init__(f"The username '{username}' is taken (usernames ignore case).")


class SelfLockout(Conflict):
    """An administrator would lock themselves out of administration."""

    def __init__(self) -> None:
        super().__init__("Administrators cannot disable themselves or drop their own admin role.")


class AccountNotActive(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("The token's account is disabled or no longer exists.")


class BadRequestSignature(Unauthenticated):
    """The revocation list is asked for without a valid internal signature."""

    def __init__(self) -> None:
        super().__init__("The request signature is missing, wrong or too old.")
