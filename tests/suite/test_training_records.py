"""Through the gateway: a coordinator records a session and its participants; the
practitioner reads their own record and certificate, an organisation's manager its
members'; names are sealed at rest, audited when read, and kept by no cache."""

from typing import Any

import pytest
from sqlalchemy import text

from gateway.audit.service import AuditLog
from tests.support.suite import Suite, bearer
from tests.support.training import (
    SESSIONS,
    audit_events,
    identification_rows,
    national_coordinator,
    new_id,
    participant,
    record_session,
    session_body,
)


async def officer_of(suite: Suite, organisation: dict[str, Any], *roles: str) -> tuple[dict, str]:
    user = await suite.user(*(roles or ("police",)), organisation_id=organisation["id"])
    return user, await suite.token(user["username"])


async def test_a_session_with_its_participants_is_recorded_and_read_back(suite: Suite) -> None:
    coordinator = await national_coordinator(suite)
    unit = await suite.organisation(name="IPJ Iași", kind="police", county="RO-IS")
    officer, _ = await officer_of(suite, unit)
    body = session_body(
        participant(
            "Ana Pop", user_id=officer["id"], organisation_id=unit["id"], completed=True, score=86
        ),
        participant("Ion Vasile", kind="other", completed=False),
    )
    created = await suite.http.post(SESSIONS, json=body, headers=coordinator)
    assert created.status_code == 201, created.text
    assert created.headers["cache-control"] == "no-store"
    assert created.headers["etag"]
    session = created.json()
    assert created.headers["location"] == f"{SESSIONS}/{session['id']}"
    assert session["trainers"] == ["Maria Ionescu"]
    assert session["instrument_versions"] == [{"instrument": "initial", "version": 1}]
    assert [(p["name"], p["completed"], p["score"]) for p in session["participants"]] == [
        ("Ana Pop", True, 86),
        ("Ion Vasile", False, None),
    ]
    assert session["participants"][0]["organisation"] == {
        "id": unit["id"],
        "kind": "police",
        "county": "RO-IS",
    }

    read = await suite.http.get(f"{SESSIONS}/{session['id']}", headers=coordinator)
    assert read.status_code == 200
    assert read.json() == session
    assert read.headers["cache-control"] == "no-store"

    listed = await suite.http.get(SESSIONS, headers=coordinator)
    assert [s["id"] for s in listed.json()["items"]] == [session["id"]]
    assert "Ana Pop" not in listed.text
    assert "Maria" not in listed.text

    # Names are sealed at rest, never in the audit log.
    stored = str(await identification_rows(suite, "training_participants"))
    stored += str(await identification_rows(suite, "training_sessions"))
    assert "Ana Pop" not in stored
    assert "Ion Vasile" not in stored
    assert "Ionescu" not in stored
    events = await audit_events(suite)
    assert {"training.session.create", "training.session.read"} <= {e["action"] for e in events}
    assert "Ana Pop" not in str(events)
    # The list shows no names: not recorded.
    assert not [e for e in events if (e["method"], e["path"]) == ("GET", SESSIONS)]


async def test_the_practitioner_reads_their_record_and_prints_the_certificate(
    suite: Suite,
) -> None:
    coordinator = await national_coordinator(suite)
    unit = await suite.organisation(name="IPJ Iași", kind="police", county="RO-IS")
    officer, token = await officer_of(suite, unit)
    name = 'Ana <script>alert("x")</script> Pop'
    session = await record_session(
        suite,
        coordinator,
        participant(name, user_id=officer["id"], organisation_id=unit["id"], score=91),
        participant("Ion Vasile", kind="other", completed=False),
    )
    mine = await suite.http.get("/api/v1/me/training", headers=bearer(token))
    assert mine.status_code == 200, mine.text
    assert mine.headers["cache-control"] == "no-store"
    record = mine.json()
    assert (record["current_catalogue_version"], record["trained_on_current_version"]) == (1, True)
    [own] = record["records"]
    assert (own["name"], own["score"], own["session"]["id"]) == (name, 91, session["id"])
    certificate_path = own["certificate"]
    assert certificate_path.endswith(f"/participants/{own['participant_id']}/certificate")

    page = await suite.http.get(
        certificate_path, headers={**bearer(token), "Accept-Language": "en"}
    )
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-language"] == "en"
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert "Certificate of completion" in page.text
    assert "&lt;script&gt;" in page.text
    assert "<script" not in page.text
    assert "training.certificate.read" in {e["action"] for e in await audit_events(suite)}

    # Not completed: no certificate yet; someone else's: not found.
    external = next(p for p in session["participants"] if not p["completed"])
    unfinished = f"{SESSIONS}/{session['id']}/participants/{external['id']}/certificate"
    refused = await suite.http.get(unfinished, headers=coordinator)
    assert refused.status_code == 409
    assert refused.headers["content-type"] == "application/problem+json"
    colleague = await suite.headers_for("police")
    assert (await suite.http.get(certificate_path, headers=colleague)).status_code == 404


async def test_an_attendee_record_takes_the_organisation_of_their_token(suite: Suite) -> None:
    coordinator = await national_coordinator(suite)
    unit = await suite.organisation(name="IPJ Iași", kind="police", county="RO-IS")
    officer, token = await officer_of(suite, unit)
    # Recorded from a sign-in sheet that got the organisation wrong.
    await record_session(
        suite, coordinator, participant(user_id=officer["id"], kind="other", county="RO-CJ")
    )
    record = (await suite.http.get("/api/v1/me/training", headers=bearer(token))).json()
    assert record["records"][0]["organisation"] == {
        "id": unit["id"],
        "kind": "police",
        "county": "RO-IS",
    }


async def test_an_organisations_managers_read_its_members_records_without_scores(
    suite: Suite,
) -> None:
    coordinator = await national_coordinator(suite)
    unit = await suite.organisation(name="IPJ Iași", kind="police", county="RO-IS")
    officer, _ = await officer_of(suite, unit)
    _, manager = await officer_of(suite, unit, "police", "manager")
    await record_session(
        suite,
        coordinator,
        participant("Ana Pop", user_id=officer["id"], organisation_id=unit["id"], score=70),
        participant("Dan Ene", organisation_id=unit["id"], completed=False),
        participant("Someone Else", kind="ngo"),
    )
    path = f"/api/v1/organisations/{unit['id']}/training"
    answer = await suite.http.get(path, headers=bearer(manager))
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert sorted((r["name"], r["completed"]) for r in body["items"]) == [
        ("Ana Pop", True),
        ("Dan Ene", False),
    ]
    assert all("score" not in r for r in body["items"])
    assert (body["current_catalogue_version"], body["members_trained_on_current_version"]) == (1, 1)
    assert "organisation.training.list" in {e["action"] for e in await audit_events(suite)}

    national = await suite.http.get(path, headers=coordinator)
    assert len(national.json()["items"]) == 2
    regional_elsewhere = await suite.headers_for(
        "coordinator", name="CR Cluj", kind="national_agency", county="RO-CJ"
    )
    assert (await suite.http.get(path, headers=regional_elsewhere)).json()["items"] == []
    other_unit = await suite.organisation(name="IPJ Cluj", kind="police", county="RO-CJ")
    _, stranger = await officer_of(suite, other_unit, "manager")
    assert (await suite.http.get(path, headers=bearer(stranger))).status_code == 404
    officer_token = await suite.token(officer["username"])
    assert (await suite.http.get(path, headers=bearer(officer_token))).status_code == 403


async def test_participants_are_added_and_their_completion_recorded_with_if_match(
    suite: Suite,
) -> None:
    coordinator = await national_coordinator(suite)
    user = await suite.user("ngo_worker")
    session = await record_session(suite, coordinator)
    path = f"{SESSIONS}/{session['id']}/participants"
    added = await suite.http.post(
        path, json=participant(user_id=user["id"], kind="ngo", completed=False), headers=coordinator
    )
    assert added.status_code == 201, added.text
    again = await suite.http.post(
        path, json=participant(user_id=user["id"], kind="ngo"), headers=coordinator
    )
    assert again.status_code == 409

    one = f"{path}/{added.json()['id']}"
    stale = '"stale-1"'
    refused = await suite.http.patch(
        one, json={"completed": True}, headers={**coordinator, "If-Match": stale}
    )
    assert refused.status_code == 412
    done = await suite.http.patch(
        one,
        json={"completed": True, "score": 64},
        headers={**coordinator, "If-Match": added.headers["etag"]},
    )
    assert done.status_code == 200, done.text
    assert (done.json()["completed"], done.json()["score"]) == (True, 64)
    cleared = await suite.http.patch(one, json={"score": None}, headers=coordinator)
    assert cleared.json()["score"] is None
    removed = await suite.http.patch(one, json={"name": None}, headers=coordinator)
    assert removed.status_code == 422
    assert removed.json()["errors"][0]["field"] == "name"
    unknown = await suite.http.patch(f"{path}/{new_id()}", json={}, headers=coordinator)
    assert unknown.status_code == 404

    moved = await suite.http.patch(
        f"{SESSIONS}/{session['id']}",
        json={"online": True, "county": None, "trainers": ["Maria Ionescu", "Ion Pop"]},
        headers={
            **coordinator,
            "If-Match": (
                await suite.http.get(f"{SESSIONS}/{session['id']}", headers=coordinator)
            ).headers["etag"],
        },
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["online"], moved.json()["county"]) == (True, None)
    assert moved.json()["trainers"] == ["Maria Ionescu", "Ion Pop"]
    half = await suite.http.patch(
        f"{SESSIONS}/{session['id']}", json={"online": False}, headers=coordinator
    )
    assert half.status_code == 422
    assert half.json()["errors"][0]["field"] == "county"


async def test_what_was_taught_is_checked_before_anything_is_stored(suite: Suite) -> None:
    coordinator = await national_coordinator(suite)
    unknown_instrument = session_body(instrument_versions=[{"instrument": "initial", "version": 9}])
    response = await suite.http.post(SESSIONS, json=unknown_instrument, headers=coordinator)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "instrument_versions.0", "message": "is not a version the risk service knows"}
    ]
    unknown_catalogue = await suite.http.post(
        SESSIONS, json=session_body(catalogue_version=7), headers=coordinator
    )
    assert unknown_catalogue.json()["errors"][0]["field"] == "catalogue_version"
    nowhere = await suite.http.post(SESSIONS, json=session_body(county=None), headers=coordinator)
    assert nowhere.json()["errors"][0]["field"] == "county"
    twice = session_body(participant(user_id=new_id()), participant())
    twice["participants"][1]["user_id"] = twice["participants"][0]["user_id"]
    repeated = await suite.http.post(SESSIONS, json=twice, headers=coordinator)
    assert repeated.json()["errors"][0]["field"] == "participants.1.user_id"

    # The risk service down: nothing is recorded with versions nobody could check.
    suite.transport.apps.pop("risk")
    down = await suite.http.post(SESSIONS, json=session_body(), headers=coordinator)
    assert down.status_code == 503
    assert await identification_rows(suite, "training_sessions") == []
    online = await suite.http.post(
        SESSIONS,
        json=session_body(county=None, online=True, instrument_versions=[]),
        headers=coordinator,
    )
    assert online.status_code == 201, online.text


async def test_an_idempotent_repeat_neither_records_twice_nor_keeps_names_at_the_gateway(
    suite: Suite,
) -> None:
    coordinator = await national_coordinator(suite)
    headers = {**coordinator, "Idempotency-Key": "session-2026-11-20"}
    body = session_body(participant("Ana Pop"))
    first = await suite.http.post(SESSIONS, json=body, headers=headers)
    assert first.status_code == 201
    repeat = await suite.http.post(SESSIONS, json=body, headers=headers)
    assert repeat.status_code == 409
    assert len(await identification_rows(suite, "training_sessions")) == 1
    async with suite.app.state.database.engine.connect() as connection:
        kept = (await connection.execute(text("SELECT * FROM idempotency_records"))).all()
    assert "Ana Pop" not in str(kept)


async def test_a_record_read_that_cannot_be_audited_is_withheld(
    suite: Suite, monkeypatch: pytest.MonkeyPatch
) -> None:
    coordinator = await national_coordinator(suite)
    session = await record_session(suite, coordinator, participant("Ana Pop"))

    async def broken(_self: AuditLog, _event: object) -> None:
        raise ConnectionError("the database is gone")

    monkeypatch.setattr(AuditLog, "record", broken)
    read = await suite.http.get(f"{SESSIONS}/{session['id']}", headers=coordinator)
    assert read.status_code == 503
    assert "Ana Pop" not in read.text
