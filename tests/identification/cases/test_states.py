"""The case status ladder: which decisions move a case where, and who may take them."""

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from identification_svc.cases import states
from identification_svc.cases.exceptions import DecisionNotPermitted, IllegalCaseTransition
from identification_svc.cases.states import (
    CASE_ROLES,
    CLOSING_REASONS,
    DECISIONS,
    IDENTIFICATION_ROLES,
    STATUSES,
    TRANSITIONS,
    Decision,
    Status,
    apply_decision,
)

ALL_ROLES = (
    "police",
    "prosecutor",
    "labour_inspector",
    "social_worker",
    "ngo_worker",
    "provider",
    "coordinator",
    "auditor",
    "admin",
    "consular_officer",
    "system",
)
OPEN_STATUSES: tuple[Status, ...] = ("potential", "presumed", "identified", "not_identified")

ALLOWED = [
    ("potential", "presumed", "presumed"),
    ("potential", "identified", "identified"),
    ("presumed", "identified", "identified"),
    ("not_identified", "identified", "identified"),
    ("potential", "not_identified", "not_identified"),
    ("presumed", "not_identified", "not_identified"),
    ("identified", "not_identified", "not_identified"),
    ("potential", "closed", "closed"),
    ("presumed", "closed", "closed"),
    ("identified", "closed", "closed"),
    ("not_identified", "closed", "closed"),
]


@pytest.mark.parametrize(("current", "decision", "after"), ALLOWED)
def test_an_allowed_decision_moves_the_case_to_its_status(
    current: Status, decision: Decision, after: Status
) -> None:
    assert apply_decision(current, decision, {"coordinator"}) == after


@pytest.mark.parametrize("before_closing", OPEN_STATUSES)
def test_reopening_returns_the_case_to_its_status_before_closing(before_closing: Status) -> None:
    assert (
        apply_decision("closed", "reopened", {"social_worker"}, previous_status=before_closing)
        == before_closing
    )


def test_the_table_allows_exactly_the_transitions_listed_here() -> None:
    table = {
        (current, t.decision)
        for t in TRANSITIONS
        for current in t.from_statuses
        if t.decision != "reopened"
    }
    assert table == {(current, decision) for current, decision, _ in ALLOWED}
    assert {t.decision for t in TRANSITIONS} == set(DECISIONS)


@pytest.mark.parametrize(
    ("current", "decision"),
    [
        ("presumed", "presumed"),
        ("identified", "presumed"),
        ("not_identified", "presumed"),
        ("closed", "presumed"),
        ("identified", "identified"),
        ("closed", "identified"),
        ("not_identified", "not_identified"),
        ("closed", "not_identified"),
        ("closed", "closed"),
        ("potential", "reopened"),
        ("presumed", "reopened"),
        ("identified", "reopened"),
        ("not_identified", "reopened"),
    ],
)
def test_a_decision_not_allowed_from_the_current_status_is_an_illegal_transition(
    current: Status, decision: Decision
) -> None:
    with pytest.raises(IllegalCaseTransition) as refused:
        apply_decision(current, decision, {"coordinator"}, previous_status="presumed")
    assert refused.value.slug == "illegal-transition"
    assert (refused.value.current_status, refused.value.decision) == (current, decision)


def test_an_unknown_decision_is_an_illegal_transition() -> None:
    with pytest.raises(IllegalCaseTransition):
        apply_decision("potential", "promoted", {"coordinator"})  # type: ignore[arg-type]


@given(st.sampled_from(STATUSES), st.sampled_from(DECISIONS), st.sets(st.sampled_from(ALL_ROLES)))
def test_every_decision_either_moves_to_a_status_or_raises_a_typed_refusal(
    current: Status, decision: Decision, roles: set[str]
) -> None:
    try:
        after = apply_decision(current, decision, roles, previous_status="presumed")
    except (IllegalCaseTransition, DecisionNotPermitted):
        return
    assert after in STATUSES


# Who may decide


@pytest.mark.parametrize("role", ["police", "prosecutor", "coordinator"])
@pytest.mark.parametrize("decision", ["identified", "not_identified"])
def test_formal_identification_is_decided_by_police_prosecutors_and_coordinators(
    role: str, decision: Decision
) -> None:
    assert apply_decision("presumed", decision, {role}) == decision


@pytest.mark.parametrize(
    "role",
    ["labour_inspector", "social_worker", "ngo_worker", "provider", "auditor", "admin"],
)
@pytest.mark.parametrize("decision", ["identified", "not_identified"])
def test_other_roles_may_not_take_a_formal_identification_decision(
    role: str, decision: Decision
) -> None:
    with pytest.raises(DecisionNotPermitted) as refused:
        apply_decision("presumed", decision, {role})
    assert refused.value.slug == "forbidden"
    assert refused.value.roles == {role}


@pytest.mark.parametrize("role", sorted(CASE_ROLES))
def test_every_role_that_updates_cases_may_presume_close_and_reopen(role: str) -> None:
    assert apply_decision("potential", "presumed", {role}) == "presumed"
    assert apply_decision("identified", "closed", {role}) == "closed"
    assert apply_decision("closed", "reopened", {role}, previous_status="identified") == (
        "identified"
    )


@pytest.mark.parametrize("role", ["provider", "auditor", "admin", "consular_officer", "system"])
@pytest.mark.parametrize("decision", DECISIONS)
def test_roles_that_do_not_update_cases_may_take_no_decision(role: str, decision: Decision) -> None:
    current: Status = "closed" if decision == "reopened" else "potential"
    with pytest.raises(DecisionNotPermitted):
        apply_decision(current, decision, {role}, previous_status="potential")


def test_no_roles_at_all_may_take_no_decision() -> None:
    with pytest.raises(DecisionNotPermitted):
        apply_decision("potential", "presumed", ())


def test_one_permitted_role_among_several_is_enough() -> None:
    assert apply_decision("potential", "identified", ["auditor", "police"]) == "identified"


def test_the_role_is_checked_before_the_status() -> None:
    # A social worker may never identify: 403 whatever the status, never a 409 that reveals it.
    with pytest.raises(DecisionNotPermitted):
        apply_decision("closed", "identified", {"social_worker"})


def test_formal_identification_roles_are_a_subset_of_the_case_roles() -> None:
    assert {"police", "prosecutor", "coordinator"} == IDENTIFICATION_ROLES
    assert IDENTIFICATION_ROLES < CASE_ROLES
    assert {
        "police",
        "prosecutor",
        "labour_inspector",
        "social_worker",
        "ngo_worker",
        "coordinator",
    } == CASE_ROLES


# Reopening and closing


@pytest.mark.parametrize("previous", [None, "closed"])
def test_reopening_without_a_valid_status_before_closing_is_a_caller_fault(
    previous: Status | None,
) -> None:
    with pytest.raises(ValueError, match="before it was closed"):
        apply_decision("closed", "reopened", {"police"}, previous_status=previous)


def test_the_status_before_closing_is_not_needed_for_other_decisions() -> None:
    assert apply_decision("presumed", "closed", {"ngo_worker"}) == "closed"


def test_the_closing_reasons_are_the_five_of_the_domain() -> None:
    assert set(CLOSING_REASONS) == {
        "assistance_completed",
        "person_unreachable",
        "moved_abroad_and_referred",
        "deceased",
        "duplicate",
    }


def test_the_ladder_has_five_statuses_and_five_decisions() -> None:
    assert STATUSES == ("potential", "presumed", "identified", "not_identified", "closed")
    assert DECISIONS == ("presumed", "identified", "not_identified", "closed", "reopened")


def test_the_ladder_is_pure_and_imports_only_the_standard_library_and_its_problems() -> None:
    tree = ast.parse(Path(states.__file__).read_text(encoding="utf-8"))
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported <= {
        "collections.abc",
        "dataclasses",
        "typing",
        "identification_svc.cases.exceptions",
    }
