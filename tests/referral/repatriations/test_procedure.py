"""The assisted repatriation procedure: order, who completes what, due dates, travel block."""

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referral_svc.repatriations.procedure import (
    DEFAULT_TARGETS,
    PROCEDURE,
    STEPS,
    Determination,
    DeterminationKind,
    Qualifier,
    RepatriationStatus,
    Requirement,
    Step,
    Target,
    TargetUnit,
    add_working_days,
    due_dates,
    may_complete,
    may_determine,
    overdue_steps,
    status_after,
    travel_block,
    unmet_dependencies,
)

MONDAY = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
FRIDAY = datetime(2025, 3, 7, 9, 0, tzinfo=UTC)


def test_the_eight_steps_in_order() -> None:
    assert (
        [rule.step for rule in PROCEDURE]
        == list(STEPS)
        == [
            "request_registered",
            "identity_documents",
            "consent_to_return",
            "pre_return_risk_assessment",
            "reception_arranged",
            "travel_arranged",
            "handover_completed",
            "follow_up",
        ]
    )


def test_each_step_depends_on_the_one_before() -> None:
    for previous, rule in pairwise(PROCEDURE):
        assert previous.step in rule.depends_on


def test_travel_needs_consent_a_pre_return_assessment_and_reception() -> None:
    (travel,) = (r for r in PROCEDURE if r.step is Step.TRAVEL_ARRANGED)

    assert set(travel.depends_on) == {
        Step.CONSENT_TO_RETURN,
        Step.PRE_RETURN_RISK_ASSESSMENT,
        Step.RECEPTION_ARRANGED,
    }
    assert travel.requires_for_child == (Requirement.ESCORT,)


def test_a_step_out_of_order_names_every_unmet_step_in_order() -> None:
    done = {Step.REQUEST_REGISTERED, Step.CONSENT_TO_RETURN}

    assert unmet_dependencies(Step.TRAVEL_ARRANGED, done) == [
        Step.IDENTITY_DOCUMENTS,
        Step.PRE_RETURN_RISK_ASSESSMENT,
        Step.RECEPTION_ARRANGED,
    ]


def test_a_step_whose_dependencies_are_done_may_be_completed() -> None:
    assert unmet_dependencies(Step.REQUEST_REGISTERED, set()) == []
    assert unmet_dependencies(Step.IDENTITY_DOCUMENTS, {Step.REQUEST_REGISTERED}) == []


@given(done=st.frozensets(st.sampled_from(Step)), step=st.sampled_from(Step))
def test_every_step_before_is_unmet_until_done(done: frozenset[Step], step: Step) -> None:
    before = STEPS[: STEPS.index(step)]

    assert unmet_dependencies(step, done) == [s for s in before if s not in done]


def test_status_follows_the_steps_done() -> None:
    assert status_after({Step.REQUEST_REGISTERED}) is RepatriationStatus.OPEN
    assert status_after(set(STEPS[:3])) is RepatriationStatus.IN_PROGRESS
    assert status_after(set(STEPS)) is RepatriationStatus.COMPLETED


# Who completes a step


@pytest.mark.parametrize(
    ("step", "roles", "qualifiers", "allowed"),
    [
        (Step.REQUEST_REGISTERED, {"consular_officer"}, set(), True),
        (Step.REQUEST_REGISTERED, {"provider"}, {Qualifier.INTERNATIONAL_ORG}, True),
        (Step.REQUEST_REGISTERED, {"provider"}, set(), False),
        (Step.IDENTITY_DOCUMENTS, {"coordinator"}, set(), True),
        (Step.IDENTITY_DOCUMENTS, {"social_worker"}, set(), False),
        (Step.RECEPTION_ARRANGED, {"coordinator"}, set(), True),
        (Step.RECEPTION_ARRANGED, {"consular_officer"}, set(), False),
        (Step.TRAVEL_ARRANGED, {"provider"}, {Qualifier.INTERNATIONAL_ORG}, True),
        (Step.TRAVEL_ARRANGED, {"provider"}, {Qualifier.RECEIVING_PROVIDER}, False),
        (Step.HANDOVER_COMPLETED, {"provider"}, {Qualifier.RECEIVING_PROVIDER}, True),
        (Step.HANDOVER_COMPLETED, {"provider"}, {Qualifier.INTERNATIONAL_ORG}, False),
        (Step.FOLLOW_UP, {"provider"}, {Qualifier.RECEIVING_PROVIDER}, True),
        (Step.FOLLOW_UP, {"police"}, set(), False),
    ],
)
def test_who_completes_a_step(
    step: Step, roles: set[str], qualifiers: set[Qualifier], allowed: bool
) -> None:
    assert may_complete(step, roles, qualifiers, is_child=False) is allowed


def test_an_adults_consent_step_is_for_any_social_worker() -> None:
    assert may_complete(Step.CONSENT_TO_RETURN, {"social_worker"}, set(), is_child=False)


def test_a_childs_consent_step_is_for_a_child_protection_social_worker_or_a_coordinator() -> None:
    step = Step.CONSENT_TO_RETURN
    child_protection = {Qualifier.CHILD_PROTECTION_ORG}

    assert not may_complete(step, {"social_worker"}, set(), is_child=True)
    assert may_complete(step, {"social_worker"}, child_protection, is_child=True)
    assert may_complete(step, {"coordinator"}, set(), is_child=True)


def test_only_child_protection_determines_best_interests_and_coordinators_mitigate() -> None:
    bid = DeterminationKind.BEST_INTERESTS
    plan = DeterminationKind.MITIGATION_PLAN

    assert may_determine(bid, {"social_worker"}, {Qualifier.CHILD_PROTECTION_ORG})
    assert not may_determine(bid, {"social_worker"}, set())
    assert not may_determine(bid, {"coordinator"}, set())
    assert may_determine(plan, {"coordinator"}, set())
    assert not may_determine(plan, {"social_worker"}, {Qualifier.CHILD_PROTECTION_ORG})


# Due dates


def test_working_days_skip_the_weekend() -> None:
    assert add_working_days(FRIDAY, 1) == FRIDAY + timedelta(days=3)
    assert add_working_days(FRIDAY, 5) == FRIDAY + timedelta(days=7)
    assert add_working_days(MONDAY, 4) == FRIDAY
    saturday = FRIDAY + timedelta(days=1)
    assert add_working_days(saturday, 1) == FRIDAY + timedelta(days=3)


@given(
    start=st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)),
    days=st.integers(0, 60),
)
def test_working_days_land_on_a_weekday_and_take_at_most_a_calendar_week_per_five(
    start: datetime, days: int
) -> None:
    end = add_working_days(start, days)

    assert days == 0 or end.weekday() < 5
    assert days <= (end - start).days <= days + 2 * (days // 5 + 1)


def test_the_default_targets_chain_from_registration() -> None:
    due = due_dates(FRIDAY)

    assert due[Step.REQUEST_REGISTERED] == FRIDAY
    assert due[Step.IDENTITY_DOCUMENTS] == FRIDAY + timedelta(days=7)  # 5 working days
    consent = FRIDAY + timedelta(days=10)
    assert due[Step.CONSENT_TO_RETURN] == consent
    assert due[Step.PRE_RETURN_RISK_ASSESSMENT] == consent + timedelta(days=3)
    assert due[Step.RECEPTION_ARRANGED] == consent + timedelta(days=8)
    assert due[Step.TRAVEL_ARRANGED] == consent + timedelta(days=13)
    assert due[Step.HANDOVER_COMPLETED] == due[Step.TRAVEL_ARRANGED]
    assert due[Step.FOLLOW_UP] == consent + timedelta(days=103)


def test_a_step_is_due_its_target_after_the_previous_step_was_completed() -> None:
    early = MONDAY + timedelta(days=1)

    due = due_dates(
        MONDAY, completed={Step.REQUEST_REGISTERED: MONDAY, Step.IDENTITY_DOCUMENTS: early}
    )

    assert due[Step.IDENTITY_DOCUMENTS] == MONDAY + timedelta(days=7)
    assert due[Step.CONSENT_TO_RETURN] == early + timedelta(days=3)


def test_targets_are_configuration() -> None:
    targets = {**DEFAULT_TARGETS, Step.IDENTITY_DOCUMENTS: Target(2, TargetUnit.DAYS)}

    assert due_dates(FRIDAY, targets)[Step.IDENTITY_DOCUMENTS] == FRIDAY + timedelta(days=2)


def test_overdue_steps_are_those_not_done_past_their_due_time() -> None:
    due = due_dates(MONDAY)
    now = due[Step.CONSENT_TO_RETURN] + timedelta(minutes=1)

    done = {Step.REQUEST_REGISTERED}
    assert overdue_steps(due, done, now) == [Step.IDENTITY_DOCUMENTS, Step.CONSENT_TO_RETURN]


# The pre-return travel block

ASSESSED = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
BEFORE = ASSESSED - timedelta(days=1)
AFTER = ASSESSED + timedelta(days=1)


def bid(in_favour: bool, made_at: datetime) -> Determination:
    return Determination(DeterminationKind.BEST_INTERESTS, in_favour, made_at)


def plan(in_favour: bool, made_at: datetime) -> Determination:
    return Determination(DeterminationKind.MITIGATION_PLAN, in_favour, made_at)


def test_no_pre_return_assessment_blocks_travel() -> None:
    assert travel_block(False, None, None, []) == "pre_return_assessment_required"


@pytest.mark.parametrize("level", ["low", "medium"])
@pytest.mark.parametrize("is_child", [True, False])
def test_a_low_or_medium_pre_return_risk_does_not_block(level: str, is_child: bool) -> None:
    assert travel_block(is_child, level, ASSESSED, []) is None


def test_a_high_risk_blocks_an_adult_until_a_coordinators_mitigation_plan() -> None:
    assert travel_block(False, "high", ASSESSED, []) == "mitigation_plan_required"
    assert travel_block(False, "high", ASSESSED, [plan(True, AFTER)]) is None


def test_a_mitigation_plan_made_before_the_assessment_does_not_lift_the_block() -> None:
    assert travel_block(False, "high", ASSESSED, [plan(True, BEFORE)]) == "mitigation_plan_required"


def test_a_best_interests_determination_does_not_stand_for_an_adults_mitigation_plan() -> None:
    assert travel_block(False, "high", ASSESSED, [bid(True, AFTER)]) == "mitigation_plan_required"


def test_a_high_risk_blocks_a_child_even_with_a_mitigation_plan() -> None:
    assert (
        travel_block(True, "high", ASSESSED, [plan(True, AFTER)])
        == "best_interests_determination_required"
    )


def test_a_best_interests_determination_in_favour_made_after_it_lifts_a_childs_block() -> None:
    assert travel_block(True, "high", ASSESSED, [bid(True, AFTER)]) is None


def test_a_best_interests_determination_made_before_the_assessment_does_not_count() -> None:
    assert (
        travel_block(True, "high", ASSESSED, [bid(True, BEFORE)])
        == "best_interests_determination_required"
    )


def test_the_latest_determination_after_the_assessment_decides() -> None:
    later = AFTER + timedelta(hours=1)

    assert travel_block(True, "high", ASSESSED, [bid(True, AFTER), bid(False, later)]) is not None
    assert travel_block(True, "high", ASSESSED, [bid(False, AFTER), bid(True, later)]) is None
