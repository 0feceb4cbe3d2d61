"""Which requests the audit log records whatever their answer, and what it calls them."""

import uuid

import pytest

from gateway.audit.actions import Action, classify, refused_action

CASE = uuid.UUID("0c5e0000-0000-4000-8000-000000000001")
OTHER = uuid.UUID("0c5e0000-0000-4000-8000-000000000002")
SESSION = "training_session"
PARTICIPANT = "training_participant"
# Reads whose answer is withheld when the event cannot be written.
PERSONAL_DATA_READS = {
    "case.person.read",
    "training.session.read",
    "training.certificate.read",
    "organisation.training.list",
}


@pytest.mark.parametrize(
    ("method", "path", "name", "resource_type", "resource_id", "case_id"),
    [
        ("POST", "/api/v1/cases", "case.create", "case", None, None),
        ("PATCH", f"/api/v1/cases/{CASE}", "case.update", "case", CASE, CASE),
        ("GET", f"/api/v1/cases/{CASE}/person", "case.person.read", "case", CASE, CASE),
        ("HEAD", f"/api/v1/cases/{CASE}/person", "case.person.read", "case", CASE, CASE),
        ("PUT", f"/api/v1/cases/{CASE}/person", "case.person.replace", "case", CASE, CASE),
        ("DELETE", f"/api/v1/cases/{CASE}/person", "case.person.delete", "case", CASE, CASE),
        ("GET", f"/api/v1/cases/{CASE}/person/extra", "case.person.read", "case", CASE, CASE),
        ("POST", f"/api/v1/cases/{CASE}/decisions", "case.decision.create", "case", CASE, CASE),
        ("GET", f"/api/v1/cases/{CASE}/decisions", "case.decision.list", "case", CASE, CASE),
        ("POST", f"/api/v1/cases/{CASE}/consents", "case.consent.create", "consent", None, CASE),
        ("GET", f"/api/v1/cases/{CASE}/consents", "case.consent.list", "consent", None, CASE),
        (
            "GET",
            f"/api/v1/cases/{CASE}/consents/{OTHER}",
            "case.consent.read",
            "consent",
            OTHER,
            CASE,
        ),
        (
            "POST",
            f"/api/v1/cases/{CASE}/consents/{OTHER}/withdraw",
            "case.consent.withdraw",
            "consent",
            OTHER,
            CASE,
        ),
        (
            "POST",
            f"/api/v1/cases/{CASE}/duplicates/{OTHER}",
            "case.duplicate.resolve",
            "case",
            OTHER,
            CASE,
        ),
        ("POST", "/api/v1/screenings", "screening.create", "screening", None, None),
        ("POST", "/api/v1/referrals", "referral.create", "referral", None, None),
        ("POST", f"/api/v1/referrals/{OTHER}/accept", "referral.accept", "referral", OTHER, None),
        ("POST", f"/api/v1/referrals/{OTHER}/decline", "referral.decline", "referral", OTHER, None),
        ("POST", f"/api/v1/referrals/{OTHER}/ACCEPT!", "referral.unknown", "referral", OTHER, None),
        ("POST", "/api/v1/repatriations", "repatriation.create", "repatriation", None, None),
        (
            "POST",
            f"/api/v1/repatriations/{OTHER}/steps/travel_arranged/complete",
            "repatriation.step.complete",
            "repatriation",
            OTHER,
            None,
        ),
        (
            "POST",
            f"/api/v1/repatriations/{OTHER}/cancel",
            "repatriation.cancel",
            "repatriation",
            OTHER,
            None,
        ),
        (
            "POST",
            f"/api/v1/repatriations/{OTHER}/determinations",
            "repatriation.determination.create",
            "repatriation",
            OTHER,
            None,
        ),
        ("POST", f"/api/v1/alerts/{OTHER}/acknowledge", "alert.acknowledge", "alert", OTHER, None),
        ("POST", "/api/v1/training-sessions", "training.session.create", SESSION, None, None),
        (
            "GET",
            f"/api/v1/training-sessions/{OTHER}",
            "training.session.read",
            SESSION,
            OTHER,
            None,
        ),
        (
            "PATCH",
            f"/api/v1/training-sessions/{OTHER}",
            "training.session.update",
            SESSION,
            OTHER,
            None,
        ),
        (
            "POST",
            f"/api/v1/training-sessions/{OTHER}/participants",
            "training.participant.create",
            SESSION,
            OTHER,
            None,
        ),
        (
            "PATCH",
            f"/api/v1/training-sessions/{CASE}/participants/{OTHER}",
            "training.participant.update",
            PARTICIPANT,
            OTHER,
            None,
        ),
        (
            "GET",
            f"/api/v1/training-sessions/{CASE}/participants/{OTHER}/certificate",
            "training.certificate.read",
            PARTICIPANT,
            OTHER,
            None,
        ),
        (
            "GET",
            f"/api/v1/organisations/{OTHER}/training",
            "organisation.training.list",
            "organisation",
            OTHER,
            None,
        ),
    ],
)
def test_the_audited_requests_are_named_by_resource_and_verb(
    method, path, name, resource_type, resource_id, case_id
) -> None:
    expected = Action(
        name,
        resource_type,
        resource_id,
        case_id,
        fail_closed=name in PERSONAL_DATA_READS,
        answer_warnings=name == "screening.create",
    )
    assert classify(method, path) == expected


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/cases"),
        ("GET", f"/api/v1/cases/{CASE}"),
        ("PUT", f"/api/v1/cases/{CASE}"),
        ("DELETE", "/api/v1/cases"),
        ("GET", f"/api/v1/cases/{CASE}/timeline"),
        ("GET", f"/api/v1/cases/{CASE}/duplicates/{OTHER}"),
        ("GET", "/api/v1/alerts"),
        ("GET", f"/api/v1/alerts/{OTHER}"),
        ("GET", f"/api/v1/alerts/{OTHER}/acknowledge"),
        ("GET", "/api/v1/referrals"),
        ("GET", f"/api/v1/referrals/{OTHER}"),
        ("GET", f"/api/v1/repatriations/{OTHER}/determinations"),
        ("GET", "/api/v1/screenings"),
        # Training: the list shows no names, one's own record is one's own, practice
        # stores nothing.
        ("GET", "/api/v1/training-sessions"),
        ("GET", "/api/v1/me/training"),
        ("GET", "/api/v1/training-vignettes"),
        ("POST", "/api/v1/practice-screenings"),
        ("GET", f"/api/v1/organisations/{OTHER}"),
        ("GET", "/api/v1/cases//person"),
        ("GET", "/api/v1"),
        ("GET", "/cases/x/person"),
        ("GET", "/health/ready"),
    ],
)
def test_other_requests_are_recorded_only_when_refused(method: str, path: str) -> None:
    assert classify(method, path) is None


def test_a_case_id_that_is_no_uuid_is_still_audited_without_an_id() -> None:
    assert classify("GET", "/api/v1/cases/not-a-uuid/person") == Action(
        "case.person.read", "case", None, None, fail_closed=True
    )


def test_a_duplicate_resolution_names_the_other_case_only_when_it_is_a_uuid() -> None:
    assert classify("POST", f"/api/v1/cases/{CASE}/duplicates/not-a-uuid") == Action(
        "case.duplicate.resolve", "case", None, CASE
    )


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/api/v1/users", Action("users.list", "users", None, None)),
        ("POST", "/api/v1/users", Action("users.create", "users", None, None)),
        ("PATCH", f"/api/v1/users/{OTHER}", Action("users.update", "users", OTHER, None)),
        ("GET", f"/api/v1/cases/{CASE}", Action("cases.read", "cases", CASE, None)),
        ("GET", "/api/v1/Évil%00", Action("unknown.list", "unknown", None, None)),
        ("OPTIONS", "/api/v1/me", Action("me.request", "me", None, None)),
        ("GET", "/elsewhere", Action("unknown.list", "unknown", None, None)),
    ],
)
def test_a_refused_request_is_named_after_its_first_segment(method, path, expected) -> None:
    assert refused_action(method, path) == expected
