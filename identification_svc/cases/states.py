"""The case status ladder: statuses, the decisions that move a case, and who may take them.

Owns the transition table (from statuses, decision, to status, roles allowed) and the one
function that checks a decision against it, refusing with the package's problems
(`cases.exceptions`). The service records each decision (who, role, organisation, when,
basis, note); no router or service encodes a transition of its own.

- `presumed`: a practitioner's reasoned decision on a `potential` case, by any role that
  may open or update a case.
- `identified` / `not_identified`: formal identification by a competent authority
  (police, prosecutor, or coordinator for the national agency). The authority may revise
  its own formal decision either way when new facts emerge, so each is reachable from the
  other; every revision is a decision record of its own.
- `closed`: from any open status, with one of `CLOSING_REASONS` (the service checks the
  reason), by any role that may update a case.
- `reopened`: a closed case returns to the status it had before it was closed. A person
  formally identified, or presumed, before the case was closed (for instance because they
  were unreachable) is still that when they come back; sending them back to `potential`
  would silently undo a formal decision and the assistance that depends on it. The caller
  passes that status (`previous_status`, from the closing decision record).

Roles are checked before the current status, so a role that may never take a decision is
told so (403) whatever the state of the case.
"""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Final, Literal

from identification_svc.cases.exceptions import DecisionNotPermitted, IllegalCaseTransition

Status = Literal["potential", "presumed", "identified", "not_identified", "closed"]
Decision = Literal["presumed", "identified", "not_identified", "closed", "reopened"]

STATUSES: Final[tuple[Status, ...]] = (
    "potential",
    "presumed",
    "identified",
    "not_identified",
    "closed",
)
DECISIONS: Final[tuple[Decision, ...]] = (
    "presumed",
    "identified",
    "not_identified",
    "closed",
    "reopened",
)
CLOSING_REASONS: Final = (
    "assistance_completed",
    "person_unreachable",
    "moved_abroad_and_referred",
    "deceased",
    "duplicate",
)

# access.md: "open / update a case" and "formal identification decision".
CASE_ROLES: Final = frozenset(
    {"police", "prosecutor", "labour_inspector", "social_worker", "ngo_worker", "coordinator"}
)
IDENTIFICATION_ROLES: Final = frozenset({"police", "prosecutor", "coordinator"})

BEFORE_CLOSING: Final = "before_closing"
"""The target of `reopened`: the status the case had before it was closed."""

_OPEN: Final[frozenset[Status]] = frozenset(
    {"potential", "presumed", "identified", "not_identified"}
)


@dataclass(frozen=True)
class Transition:
    decision: Decision
    from_statuses: frozenset[Status]
    to_status: Status | Literal["before_closing"]
    roles: frozenset[str]


TRANSITIONS: Final[tuple[Transition, ...]] = (
    Transition("presumed", frozenset({"potential"}), "presumed", CASE_ROLES),
    Transition(
        "identified",
        frozenset({"potential", "presumed", "not_identified"}),
        "identified",
        IDENTIFICATION_ROLES,
    ),
    Transition(
        "not_identified",
        frozenset({"potential", "presumed", "identified"}),
        "not_identified",
        IDENTIFICATION_ROLES,
    ),
    Transition("closed", _OPEN, "closed", CASE_ROLES),
    Transition("reopened", frozenset({"closed"}), BEFORE_CLOSING, CASE_ROLES),
)

_TRANSITION_OF: Final = {transition.decision: transition for transition in TRANSITIONS}


def apply_decision(
    current_status: Status,
    decision: Decision,
    roles: Collection[str],
    *,
    previous_status: Status | None = None,
) -> Status:
    """The status after `decision`, taken by a user holding `roles`, on a case in
    `current_status`. `previous_status` (the status before closing) is needed to reopen.

    Raises DecisionNotPermitted (403), IllegalCaseTransition (409); ValueError when
    reopening without a valid `previous_status`, which is a fault of the caller, not of the
    request.
    """
    transition = _TRANSITION_OF.get(decision)
    if transition is None:
        raise IllegalCaseTransition(current_status, decision)
    if transition.roles.isdisjoint(roles):
        raise DecisionNotPermitted(decision, roles)
    if current_status not in transition.from_statuses:
        raise IllegalCaseTransition(current_status, decision)
    if transition.to_status != BEFORE_CLOSING:
        return transition.to_status
    if previous_status is None or previous_status not in _OPEN:
        raise ValueError(
            f"reopening needs the status the case had before it was closed, got {previous_status!r}"
        )
    return previous_status
