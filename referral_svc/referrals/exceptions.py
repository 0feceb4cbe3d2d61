"""The referral domain's named problems (shared/errors.py). The state machine
(`states.transition`) raises its two refusals itself: 409 illegal from this status, 403 not
for this caller."""

from shared.errors import (
    ConsentRequired,
    Forbidden,
    IllegalTransition,
    NotFound,
    Problem,
    ValidationProblem,
)


class IllegalReferralTransition(IllegalTransition):
    """The referral's status does not allow the action (whoever asks)."""


class TransitionNotPermitted(Forbidden):
    """The action is legal from this status, but not for this caller."""


class ReferralNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("The referral does not exist or lies outside your scope.")


class NoReferralConsent(ConsentRequired):
    def __init__(self) -> None:
        super().__init__(
            "The adult's current consent to referral is not on record; record it first."
        )


class NoFreePlace(Problem):
    """An acceptance found no free place left in a residential service it is for."""

    slug = "no-capacity"

    def __init__(self, service: str) -> None:
        super().__init__(f"The provider has no free {service} place left.")


class UnknownProvider(ValidationProblem):
    def __init__(self) -> None:
        super().__init__("provider_id", "No such provider.")
