"""The referral lifecycle: the transition table, who may move a referral, urgency, declines."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referral_svc.referrals.exceptions import IllegalReferralTransition, TransitionNotPermitted
from referral_svc.referrals.states import (
    OPEN_STATUSES,
    TRANSITIONS,
    ActorKind,
    DeclineReason,
    ReferralAction,
    ReferralStatus,
    Urgency,
    default_urgency,
    respond_by,
    transition,
    validate_decline,
)

S = ReferralStatus
A = ReferralAction
K = ActorKind


@pytest.mark.parametrize(
    ("source", "action", "actor", "target"),
    [
        (S.SENT, A.ACCEPT, K.PROVIDER_STAFF, S.ACCEPTED),
        (S.SENT, A.DECLINE, K.PROVIDER_STAFF, S.DECLINED),
        (S.SENT, A.ACCEPT, K.COORDINATOR, S.ACCEPTED),
        (S.SENT, A.EXPIRE, K.SYSTEM, S.EXPIRED),
        (S.ACCEPTED, A.COMPLETE, K.PROVIDER_STAFF, S.COMPLETED),
        (S.ACCEPTED, A.DISCONTINUE, K.COORDINATOR, S.DISCONTINUED),
        (S.SENT, A.WITHDRAW, K.REFERRER, S.WITHDRAWN),
        (S.ACCEPTED, A.WITHDRAW, K.COORDINATOR, S.WITHDRAWN),
        (S.ACCEPTED, A.WITHDRAW, K.SYSTEM, S.WITHDRAWN),
    ],
)
def test_the_lifecycle_of_referral_md(
    source: ReferralStatus, action: ReferralAction, actor: ActorKind, target: ReferralStatus
) -> None:
    assert transition(source, action, {actor}) == target


def test_the_table_has_one_row_per_status_and_action() -> None:
    keys = [(t.source, t.action) for t in TRANSITIONS]

    assert len(keys) == len(set(keys)) == 7


@pytest.mark.parametrize("status", [S.DECLINED, S.EXPIRED, S.COMPLETED, S.DISCONTINUED])
def test_a_closed_referral_cannot_move(status: ReferralStatus) -> None:
    for action in ReferralAction:
        with pytest.raises(IllegalReferralTransition) as raised:
            transition(status, action, set(ActorKind))
        assert raised.value.slug == "illegal-transition"
        assert raised.value.status == 409


def test_a_sent_referral_cannot_be_completed_before_it_is_accepted() -> None:
    with pytest.raises(IllegalReferralTransition):
        transition(S.SENT, A.COMPLETE, {K.PROVIDER_STAFF})


@pytest.mark.parametrize("action", [A.ACCEPT, A.DECLINE])
def test_only_the_provider_or_a_coordinator_answers(action: ReferralAction) -> None:
    for actor in (K.REFERRER, K.SYSTEM):
        with pytest.raises(TransitionNotPermitted) as raised:
            transition(S.SENT, action, {actor})
        assert raised.value.slug == "forbidden"
        assert raised.value.status == 403


def test_the_provider_cannot_withdraw_a_referral() -> None:
    with pytest.raises(TransitionNotPermitted):
        transition(S.SENT, A.WITHDRAW, {K.PROVIDER_STAFF})


def test_only_the_mechanism_expires_a_referral() -> None:
    with pytest.raises(TransitionNotPermitted):
        transition(S.SENT, A.EXPIRE, {K.COORDINATOR, K.PROVIDER_STAFF, K.REFERRER})


def test_one_of_the_callers_standings_suffices() -> None:
    assert transition(S.SENT, A.WITHDRAW, {K.PROVIDER_STAFF, K.REFERRER}) == S.WITHDRAWN


def test_a_referral_is_open_while_sent_or_accepted() -> None:
    assert frozenset({S.SENT, S.ACCEPTED}) == OPEN_STATUSES


@given(
    status=st.sampled_from(ReferralStatus),
    action=st.sampled_from(ReferralAction),
    actors=st.frozensets(st.sampled_from(ActorKind)),
)
def test_transition_agrees_with_the_table(
    status: ReferralStatus, action: ReferralAction, actors: frozenset[ActorKind]
) -> None:
    rows = [t for t in TRANSITIONS if t.source == status and t.action == action]
    if not rows:
        with pytest.raises(IllegalReferralTransition):
            transition(status, action, actors)
    elif rows[0].who.isdisjoint(actors):
        with pytest.raises(TransitionNotPermitted):
            transition(status, action, actors)
    else:
        assert transition(status, action, actors) == rows[0].target


# Urgency


def test_an_adult_at_low_risk_defaults_to_normal() -> None:
    assert default_urgency(False, "low", None) == Urgency.NORMAL


@pytest.mark.parametrize(("is_child", "risk"), [(True, "low"), (False, "high"), (True, None)])
def test_a_child_or_high_risk_is_at_least_high(is_child: bool, risk: str | None) -> None:
    assert default_urgency(is_child, risk, None) == Urgency.HIGH
    assert default_urgency(is_child, risk, Urgency.NORMAL) == Urgency.HIGH


def test_a_requested_higher_urgency_is_kept() -> None:
    assert default_urgency(True, "high", Urgency.EMERGENCY) == Urgency.EMERGENCY
    assert default_urgency(False, "medium", Urgency.HIGH) == Urgency.HIGH


@given(is_child=st.booleans(), risk=st.sampled_from((None, "low", "medium", "high")))
def test_requesting_more_urgency_never_lengthens_the_deadline(
    is_child: bool, risk: str | None
) -> None:
    deadlines = [
        respond_by(datetime(2025, 1, 1, tzinfo=UTC), default_urgency(is_child, risk, u))
        for u in (Urgency.NORMAL, Urgency.HIGH, Urgency.EMERGENCY)
    ]

    assert deadlines == sorted(deadlines, reverse=True)


@pytest.mark.parametrize(
    ("urgency", "hours"), [(Urgency.EMERGENCY, 2), (Urgency.HIGH, 24), (Urgency.NORMAL, 72)]
)
def test_the_deadline_follows_the_urgency(urgency: Urgency, hours: int) -> None:
    created = datetime(2025, 3, 1, 10, 30, tzinfo=UTC)

    assert respond_by(created, urgency) == created + timedelta(hours=hours)


def test_a_naive_creation_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        respond_by(datetime(2025, 3, 1, 10, 30), Urgency.HIGH)


# Declines


@pytest.mark.parametrize("reason", [r for r in DeclineReason if r is not DeclineReason.OTHER])
def test_a_listed_reason_needs_no_note(reason: DeclineReason) -> None:
    assert validate_decline(reason.value, None) is reason


def test_other_needs_a_note() -> None:
    assert validate_decline("other", "the person moved abroad") is DeclineReason.OTHER
    for note in (None, "", "   "):
        with pytest.raises(ValueError, match="note"):
            validate_decline("other", note)


def test_an_unknown_reason_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown decline reason"):
        validate_decline("too_busy", None)
