"""Object-level authorisation (OWASP API1) through the gateway: a practitioner of another
organisation — same role, same county — cannot read, list, change or infer any resource
of organisation A's case: the case, its person, screening, consents, risk assessment,
referral, repatriation, timeline and alerts. Every such request is 404, answered exactly
as for an id that does not exist (never 403, which would tell it exists); lists leave
A's out whatever the filters, `updated_since` or a cursor taken from A's own listing.
A provider sees what was referred to it only, and only what its services need.
"""

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from referral_svc.repatriations.overdue import flag_overdue_steps
from tests.suite.test_repatriation_flow import World
from tests.support.suite import Suite

LONG_AGO = "2000-01-01T00:00:00Z"


@pytest.fixture
async def world(suite: Suite) -> World:
    return await World(suite).build()


async def case_of_a(suite: Suite, world: World) -> dict[str, str]:
    """Organisation A's case with one of everything hanging from it; their ids."""
    http, a = suite.http, world.social_worker
    case_id = await world.presumed_case()
    screening = (await http.get("/api/v1/screenings", headers=a)).json()["items"][0]
    person = await http.put(
        f"/api/v1/cases/{case_id}/person", json={"given_name": "Ana"}, headers=a
    )
    assert person.status_code in (200, 201), person.text
    consent = await world.consent(case_id, "referral")
    await world.consent(case_id, "repatriation")
    assessment = await world.assess_before_return(case_id, a, [])
    referral_id = await world.reception_accepted(case_id, a)
    repatriation = await world.register(case_id)
    await suite.settle()
    return {
        "case_id": case_id,
        "screening_id": screening["id"],
        "consent_id": consent["id"],
        "assessment_id": assessment["id"],
        "referral_id": referral_id,
        "repatriation_id": repatriation["id"],
    }


def reads_and_changes(ids: dict[str, str]) -> list[tuple[str, str, Any]]:
    case = f"/api/v1/cases/{ids['case_id']}"
    repatriation = f"/api/v1/repatriations/{ids['repatriation_id']}"
    return [
        ("GET", case, None),
        ("PATCH", case, {"county": "RO-CJ"}),
        ("GET", f"{case}/person", None),
        ("PUT", f"{case}/person", {"given_name": "Someone else"}),
        ("POST", f"{case}/decisions", {"status": "identified", "basis": "x", "authority": "x"}),
        ("GET", f"{case}/consents", None),
        ("POST", f"{case}/consents", {"scope": "assistance", "given": True, "method": "verbal"}),
        ("POST", f"{case}/consents/{ids['consent_id']}/withdraw", None),
        ("GET", f"{case}/risk-assessments", None),
        ("GET", f"{case}/provider-matches?service=psychological", None),
        ("GET", f"{case}/timeline", None),
        ("GET", f"/api/v1/screenings/{ids['screening_id']}", None),
        ("GET", f"/api/v1/risk-assessments/{ids['assessment_id']}", None),
        ("GET", f"/api/v1/referrals/{ids['referral_id']}", None),
        ("POST", f"/api/v1/referrals/{ids['referral_id']}/withdraw", None),
        ("GET", repatriation, None),
        ("POST", f"{repatriation}/steps/identity_documents/complete", {}),
    ]


def stranger(ids: dict[str, str]) -> dict[str, str]:
    """The same paths with ids nothing has."""
    return {name: str(uuid.uuid4()) for name in ids}


def same_answer(one: Any, other: Any) -> bool:
    keep = ("status", "type", "title", "detail")
    return {k: one.json().get(k) for k in keep} == {k: other.json().get(k) for k in keep}


async def test_another_organisation_cannot_read_change_or_infer_anything_of_a_case(
    suite: Suite, world: World
) -> None:
    ids = await case_of_a(suite, world)
    other = await suite.organisation(name="DAS Pașcani", kind="social_services", county="RO-IS")
    b = await world.member("social_worker", other)
    unknown = stranger(ids)
    for (method, path, body), (_, unknown_path, _) in zip(
        reads_and_changes(ids), reads_and_changes(unknown), strict=True
    ):
        answer = await suite.http.request(method, path, json=body, headers=b)
        assert answer.status_code == 404, (method, path, answer.text)
        nothing = await suite.http.request(method, unknown_path, json=body, headers=b)
        assert same_answer(answer, nothing), (method, path, answer.text, nothing.text)
    refer = await suite.http.post(
        "/api/v1/referrals",
        json={
            "case_id": ids["case_id"],
            "provider_id": world.reception["id"],
            "services": ["psychological"],
        },
        headers=b,
    )
    assert refer.status_code == 404, refer.text
    # Nothing B tried changed anything.
    read = await suite.http.get(
        f"/api/v1/cases/{ids['case_id']}/person", headers=world.social_worker
    )
    assert read.json()["given_name"] == "Ana"
    case = await suite.http.get(f"/api/v1/cases/{ids['case_id']}", headers=world.social_worker)
    assert case.json()["county"] == "RO-IS"


async def test_lists_leave_another_organisations_out_whatever_the_filters_or_cursor(
    suite: Suite, world: World
) -> None:
    ids = await case_of_a(suite, world)
    await case_of_a(suite, world)  # a second, so that A's own listing has a next page
    other = await suite.organisation(name="DAS Pașcani", kind="social_services", county="RO-IS")
    b = await world.member("social_worker", other)
    lists: dict[str, list[dict[str, str]]] = {
        "/api/v1/cases": [
            {},
            {"county": "RO-IS"},
            {"status": "presumed"},
            {"updated_since": LONG_AGO},
        ],
        "/api/v1/screenings": [{}],
        "/api/v1/risk-assessments": [{"due_before": "2100-01-01T00:00:00Z"}],
        "/api/v1/referrals": [{}, {"case_id": ids["case_id"]}, {"updated_since": LONG_AGO}],
        "/api/v1/repatriations": [{}, {"case_id": ids["case_id"]}],
    }
    for path, filters in lists.items():
        mine = await suite.http.get(
            path, params={"limit": 1, **filters[0]}, headers=world.social_worker
        )
        assert mine.status_code == 200, (path, mine.text)
        for params in filters:
            listed = await suite.http.get(path, params=params, headers=b)
            assert listed.status_code == 200, (path, params, listed.text)
            assert listed.json()["items"] == [], (path, params)
        cursor = mine.json()["next_cursor"]
        if cursor is not None:
            followed = await suite.http.get(path, params={"cursor": cursor}, headers=b)
            assert followed.status_code in (200, 422), followed.text
            if followed.status_code == 200:
                assert followed.json()["items"] == [], path


async def test_alerts_stay_with_the_coordinators_of_their_county(
    suite: Suite, world: World
) -> None:
    ids = await case_of_a(suite, world)
    repatriation = await suite.http.get(
        f"/api/v1/repatriations/{ids['repatriation_id']}", headers=world.coordinator
    )
    [documents] = [s for s in repatriation.json()["steps"] if s["step"] == "identity_documents"]
    referral = suite.services["referral"].state
    later = datetime.fromisoformat(documents["due_at"]) + timedelta(hours=1)
    assert await flag_overdue_steps(referral.database, referral.outbox, referral.settings, later)
    await suite.settle()
    [alert] = (await suite.http.get("/api/v1/alerts", headers=world.coordinator)).json()["items"]
    cluj = await suite.organisation(name="Centrul Cluj", kind="national_agency", county="RO-CJ")
    elsewhere = await world.member("coordinator", cluj)
    assert (await suite.http.get("/api/v1/alerts", headers=elsewhere)).json()["items"] == []
    ack = await suite.http.post(f"/api/v1/alerts/{alert['id']}/acknowledge", headers=elsewhere)
    nothing = await suite.http.post(f"/api/v1/alerts/{uuid.uuid4()}/acknowledge", headers=elsewhere)
    assert ack.status_code == nothing.status_code == 404
    assert same_answer(ack, nothing)


async def test_a_provider_sees_only_what_was_referred_to_it_and_only_what_it_needs(
    suite: Suite, world: World
) -> None:
    ids = await case_of_a(suite, world)
    case = f"/api/v1/cases/{ids['case_id']}"
    await suite.http.put(
        f"{case}/person",
        json={"given_name": "Ana", "birth_date": "1996-05-01", "address": "Str. Lungă 3, Iași",
              "documents": [{"type": "passport", "number": "MD123", "country": "MD"}]},
        headers=world.social_worker,
    )  # fmt: skip
    # The provider the case was referred to: with consent to share, the person as its
    # services need it.
    await world.consent(ids["case_id"], "data_sharing")
    seen = await suite.http.get(f"{case}/person", headers=world.reception_staff)
    assert seen.status_code == 200, seen.text
    person = seen.json()
    assert person["view"] == "provider"
    assert person["given_name"] == "Ana"
    assert (person["birth_date"], person["address"], person["documents"]) == (None, None, [])
    referral = await suite.http.get(
        f"/api/v1/referrals/{ids['referral_id']}", headers=world.reception_staff
    )
    assert referral.status_code == 200
    # Another provider, never sent the case, sees none of it.
    elsewhere = await suite.organisation(name="Adăpost Vaslui", kind="ngo", county="RO-VS")
    staff = await world.member("provider", elsewhere)
    for path in (case, f"{case}/person", f"/api/v1/referrals/{ids['referral_id']}"):
        assert (await suite.http.get(path, headers=staff)).status_code == 404, path
    assert (await suite.http.get("/api/v1/referrals", headers=staff)).json()["items"] == []
