"""The referral lifecycle as data: its transition table, urgency deadlines and decline reasons.

`transition` is the only place that decides whether a referral may move and who may move
it; routes and services call it and never encode a transition themselves.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from referral_svc.referrals.exceptions import IllegalReferralTransition, TransitionNotPermitted


class ReferralStatus(StrEnum):
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    COMPLETED = "completed"
    DISCONTINUED = "discontinued"
    WITHDRAWN = "withdrawn"


class ReferralAction(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    EXPIRE = "expire"
    COMPLETE = "complete"
    DISCONTINUE = "discontinue"
    WITHDRAW = "withdraw"


class ActorKind(StrEnum):
    """How the caller stands to one referral; the service derives it from the principal."""

    PROVIDER_STAFF = "provider_staff"  # a `provider` user of the receiving organisation
    COORDINATOR = "coordinator"
    REFERRER = "referrer"  # a practitioner of the referring organisation
    SYSTEM = "system"  # the mechanism itself: deadline expiry, consent withdrawal


@dataclass(frozen=True, slots=True)
class Transition:
    source: ReferralStatus
    action: ReferralAction
    target: ReferralStatus
    who: frozenset[ActorKind]


S = ReferralStatus
A = ReferralAction
_ANSWERING = frozenset({ActorKind.PROVIDER_STAFF, ActorKind.COORDINATOR})
# The system withdraws open referrals the moment an adult withdraws consent.
_WITHDRAWING = frozenset({ActorKind.REFERRER, ActorKind.COORDINATOR, ActorKind.SYSTEM})

TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.SENT, A.ACCEPT, S.ACCEPTED, _ANSWERING),
    Transition(S.SENT, A.DECLINE, S.DECLINED, _ANSWERING),
    Transition(S.SENT, A.EXPIRE, S.EXPIRED, frozenset({ActorKind.SYSTEM})),
    Transition(S.ACCEPTED, A.COMPLETE, S.COMPLETED, _ANSWERING),
    Transition(S.ACCEPTED, A.DISCONTINUE, S.DISCONTINUED, _ANSWERING),
    Transition(S.SENT, A.WITHDRAW, S.WITHDRAWN, _WITHDRAWING),
    Transition(S.ACCEPTED, A.WITHDRAW, S.WITHDRAWN, _WITHDRAWING),
)

_BY_SOURCE_AND_ACTION: Mapping[tuple[ReferralStatus, ReferralAction], Transition] = (
    MappingProxyType({(t.source, t.action): t for t in TRANSITIONS})
)

# A referral is open while some action can still move it.
OPEN_STATUSES: frozenset[ReferralStatus] = frozenset(t.source for t in TRANSITIONS)


def transition(
    status: ReferralStatus, action: ReferralAction, actor_kinds: Collection[ActorKind]
) -> ReferralStatus:
    """The status `action` moves a referral to from `status`, if one of `actor_kinds` may
    take it: 409 `IllegalReferralTransition` from a status that does not allow it, 403
    `TransitionNotPermitted` for callers who may not."""
    row = _BY_SOURCE_AND_ACTION.get((status, action))
    if row is None:
        raise IllegalReferralTransition(f"cannot {action} a {status} referral")
    if row.who.isdisjoint(actor_kinds):
        raise TransitionNotPermitted(f"{action} is for {', '.join(sorted(row.who))} only")
    return row.target


class Urgency(StrEnum):
    EMERGENCY = "emergency"
    HIGH = "high"
    NORMAL = "normal"


RESPONSE_TIME: Mapping[Urgency, timedelta] = MappingProxyType(
    {
        Urgency.EMERGENCY: timedelta(hours=2),
        Urgency.HIGH: timedelta(hours=24),
        Urgency.NORMAL: timedelta(hours=72),
    }
)


def default_urgency(is_child: bool, risk_level: str | None, requested: Urgency | None) -> Urgency:
    """The referral's urgency: what was asked for, raised to the floor the case sets."""
    floor = Urgency.HIGH if is_child or risk_level == "high" else Urgency.NORMAL
    if requested is None:
        return floor
    # The shorter the deadline, the more urgent.
    return min(requested, floor, key=RESPONSE_TIME.__getitem__)


def respond_by(created_at: datetime, urgency: Urgency) -> datetime:
    if created_at.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")
    return created_at + RESPONSE_TIME[urgency]


class DeclineReason(StrEnum):
    NO_CAPACITY = "no_capacity"
    NOT_ELIGIBLE = "not_eligible"
    CANNOT_ENSURE_SAFETY = "cannot_ensure_safety"
    PERSON_REFUSED = "person_refused"
    OTHER = "other"


def validate_decline(reason: str, note: str | None) -> DeclineReason:
    """The decline reason, checked; `other` needs a note saying what the reason is.

    Raises ValueError, so a Pydantic validator calling it reports a 422 on the field.
    """
    try:
        decline_reason = DeclineReason(reason)
    except ValueError:
        allowed = ", ".join(DeclineReason)
        raise ValueError(f"unknown decline reason {reason!r}; one of: {allowed}") from None
    if decline_reason is DeclineReason.OTHER and not (note and note.strip()):
        raise ValueError("a decline for reason 'other' needs a note")
    return decline_reason
