"""Which requests the audit log records, and under what action name (pure; no I/O).

A request is recorded whatever its answer when its method and path are in `RULES`:
a case opened or corrected, personal data of a case, decisions, consents, resolutions of
possible duplicates, screenings, referrals and their transitions, repatriations and their
steps, determinations and cancellation, acknowledgements of alerts, and training records
(sessions, participants, certificates and an organisation's records: practitioners'
names). Any other
request is recorded only when it is refused for want of authentication or permission
(401, 403), under a name made the same way from its first path segment.

The action name is the resource and a verb: `case.person.read`, `referral.accept`,
`users.create`. The verb comes from the method, or is the rule's own (a transition, or a
fixed one such as `case.duplicate.resolve`).
"""

import re
import uuid
from dataclasses import dataclass

from gateway.forwarding.routes import API_PREFIX

_VERBS = {
    "GET": "read",
    "HEAD": "read",
    "POST": "create",
    "PUT": "replace",
    "PATCH": "update",
    "DELETE": "delete",
}
# A path segment used as a name in an action: short lower-case words, nothing else.
_WORD = re.compile(r"^[a-z][a-z_-]{0,39}$")
_READS = frozenset({"GET", "HEAD"})
_ANY_SEGMENT = "*"


@dataclass(frozen=True, slots=True)
class Rule:
    """Requests to record whatever their answer.

    `pattern` is the path below `/api/v1`, segment by segment: `{case}` is the case's id,
    `{id}` the resource's id, `{verb}` the action's verb (a transition's name), `*` any
    segment. `methods` empty means every method. With `below`, deeper paths match too.
    A `case` rule's resource is the case itself unless the pattern names another `{id}`
    (the other case of a possible duplicate)."""

    pattern: tuple[str, ...]
    noun: str
    resource_type: str
    methods: frozenset[str] = frozenset()
    # A GET of a collection is a `list`, not a `read`.
    collection: bool = False
    below: bool = False
    # The path holds personal data: a read of it fails closed (see `Action.fail_closed`).
    personal_data: bool = False
    # The action's verb whatever the method (`resolve`), unless the pattern has `{verb}`.
    verb: str | None = None
    # The answer's `warnings` (a screening's training warning) go into the event.
    warnings: bool = False


def _rule(
    path: str,
    noun: str,
    resource_type: str,
    *methods: str,
    verb: str | None = None,
    **options: bool,
) -> Rule:
    return Rule(
        tuple(path.split("/")), noun, resource_type, frozenset(methods), verb=verb, **options
    )


RULES: tuple[Rule, ...] = (
    _rule("cases", "case", "case", "POST"),
    _rule("cases/{case}", "case", "case", "PATCH"),
    _rule("cases/{case}/person", "case.person", "case", below=True, personal_data=True),
    _rule("cases/{case}/decisions", "case.decision", "case", collection=True),
    _rule("cases/{case}/consents", "case.consent", "consent", collection=True),
    _rule("cases/{case}/consents/{id}", "case.consent", "consent"),
    _rule("cases/{case}/consents/{id}/{verb}", "case.consent", "consent"),
    _rule("cases/{case}/duplicates/{id}", "case.duplicate", "case", "POST", verb="resolve"),
    _rule("screenings", "screening", "screening", "POST", warnings=True),
    _rule("referrals", "referral", "referral", "POST"),
    _rule("referrals/{id}/{verb}", "referral", "referral", "POST"),
    _rule("repatriations", "repatriation", "repatriation", "POST"),
    _rule("repatriations/{id}/steps/*/{verb}", "repatriation.step", "repatriation", "POST"),
    _rule(
        "repatriations/{id}/determinations", "repatriation.determination", "repatriation", "POST"
    ),
    # After the determinations: any other action on a repatriation (`cancel`).
    _rule("repatriations/{id}/{verb}", "repatriation", "repatriation", "POST"),
    _rule("alerts/{id}/{verb}", "alert", "alert", "POST"),
    # Training records name practitioners: reads of them fail closed, like a person's.
    _rule("training-sessions", "training.session", "training_session", "POST"),
    _rule(
        "training-sessions/{id}",
        "training.session",
        "training_session",
        "GET",
        "HEAD",
        "PATCH",
        personal_data=True,
    ),
    _rule(
        "training-sessions/{id}/participants", "training.participant", "training_session", "POST"
    ),
    _rule(
        "training-sessions/*/participants/{id}",
        "training.participant",
        "training_participant",
        "PATCH",
    ),
    _rule(
        "training-sessions/*/participants/{id}/certificate",
        "training.certificate",
        "training_participant",
        "GET",
        "HEAD",
        personal_data=True,
    ),
    _rule(
        "organisations/{id}/training",
        "organisation.training",
        "organisation",
        "GET",
        "HEAD",
        collection=True,
        personal_data=True,
    ),
)


@dataclass(frozen=True, slots=True)
class Action:
    name: str
    resource_type: str | None
    resource_id: uuid.UUID | None
    case_id: uuid.UUID | None
    # A read of personal data: its answer is withheld when it cannot be recorded.
    fail_closed: bool = False
    # The answer's warnings are recorded with the event.
    answer_warnings: bool = False


def classify(method: str, path: str) -> Action | None:
    """The action of a request the log records whatever its answer, or None."""
    segments = _below_api(path)
    if segments is None:
        return None
    for rule in RULES:
        if rule.methods and method not in rule.methods:
            continue
        captured = _match(rule, segments)
        if captured is None:
            continue
        verb = captured.get("verb", rule.verb)
        if verb is None:
            verb = "list" if rule.collection and method in _READS else _VERBS.get(method, "request")
        elif not _WORD.match(verb):
            verb = "unknown"
        case_id = as_uuid(captured.get("case"))
        resource_id = as_uuid(captured.get("id"))
        if rule.resource_type == "case" and "id" not in captured:
            resource_id = case_id
        fail_closed = rule.personal_data and method in _READS
        return Action(
            f"{rule.noun}.{verb}",
            rule.resource_type,
            resource_id,
            case_id,
            fail_closed,
            answer_warnings=rule.warnings,
        )
    return None


def refused_action(method: str, path: str) -> Action:
    """The action of a request refused with 401 or 403 that no rule records."""
    segments = _below_api(path) or []
    noun = segments[0] if segments and _WORD.match(segments[0]) else "unknown"
    item = len(segments) > 1
    verb = _VERBS.get(method, "request")
    if verb == "read" and not item:
        verb = "list"
    return Action(f"{noun}.{verb}", noun, as_uuid(segments[1]) if item else None, None)


def _below_api(path: str) -> list[str] | None:
    if not path.startswith(API_PREFIX + "/"):
        return None
    return path[len(API_PREFIX) + 1 :].split("/")


def _match(rule: Rule, segments: list[str]) -> dict[str, str] | None:
    if len(segments) < len(rule.pattern) or (len(segments) > len(rule.pattern) and not rule.below):
        return None
    captured: dict[str, str] = {}
    for expected, given in zip(rule.pattern, segments, strict=False):
        if expected.startswith("{"):
            if not given:
                return None
            captured[expected[1:-1]] = given
        elif expected != _ANY_SEGMENT and expected != given:
            return None
    return captured


def as_uuid(value: object) -> uuid.UUID | None:
    """`value` as a UUID if it is the text of one (from a path or an answer), else None."""
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
