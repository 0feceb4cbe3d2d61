"""The referral domain's errors, each carrying its problem type (shared/errors.py)."""

from referral_svc.referrals.states import IllegalTransition, TransitionNotPermitted
from shared.errors import Problem


class ConsentRequired(Problem):
    slug = "consent-required"


class NoFreePlace(Problem):
    slug = "no-capacity"


def refused_transition(exc: IllegalTransition | TransitionNotPermitted) -> Problem:
    """The pure state machine's refusal as a problem: 409 illegal, 403 not for this caller."""
    return Problem(str(exc), slug=exc.code)
