"""The audit log through the real suite: what is recorded (who, what, when, from where,
why), who may read it, and that the chain shows a change, a gap or a missing end."""

import asyncio
import json
import logging
import uuid
from typing import Any

import pytest
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import text

from gateway.app import create_app
from gateway.audit.middleware import audit_event
from gateway.audit.repository import AuditRepository
from gateway.audit.service import AuditLog
from tests.gateway.conftest import Gateway, RecordingTransport, bearer
from tests.support.apps import client_for
from tests.support.referral import provider_body

PRESUMED_ADULT = ["DR.01", "DR.02", "EX.01", "EX.04", "CD.01", "CD.04"]


def screening(yes: list[str] = PRESUMED_ADULT) -> dict[str, Any]:
    return {
        "exploitation_forms": [],
        "subject": {"age": 24, "possibly_minor": False, "gender": "female", "citizenship": "RO"},
        "context": {"county": "RO-IS", "setting": "border_check", "act_recorded": False},
        "answers": [{"indicator": code, "answer": "yes"} for code in yes],
    }


async def open_case(suite: Gateway, headers: dict[str, str]) -> str:
    response = await suite.http.post("/api/v1/screenings", json=screening(), headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["case_id"])


async def settle(suite: Gateway) -> None:
    """Deliver every pending event between the services (their relays do not run alone)."""
    for _ in range(20):
        delivered = 0
        for transport in suite.transport.apps.values():
            relay = transport.app.state.relay  # type: ignore[attr-defined]
            if relay is not None:
                delivered += await relay.run_once()
        if not delivered:
            return


async def audit_events(suite: Gateway, **params: Any) -> list[dict[str, Any]]:
    _, token = await suite.user_token("auditor")
    response = await suite.http.get("/api/v1/audit-events", params=params, headers=bearer(token))
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def verify(suite: Gateway) -> dict[str, Any]:
    _, token = await suite.user_token("coordinator")
    response = await suite.http.get("/api/v1/audit-events/verify", headers=bearer(token))
    assert response.status_code == 200, response.text
    return dict(response.json())


async def sql(suite: Gateway, *statements: str) -> list[Any]:
    database = suite.app.state.database
    async with database.sessions() as session, session.begin():
        results = [await session.execute(text(s)) for s in statements]
        return list(results[-1]) if results[-1].returns_rows else []


async def without_append_only_triggers(suite: Gateway) -> None:
    """What someone with rights over the schema could do before tampering."""
    if suite.app.state.database.is_sqlite:
        await sql(
            suite,
            "DROP TRIGGER audit_events_append_only_update",
            "DROP TRIGGER audit_events_append_only_delete",
        )
    else:
        await sql(suite, "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")


async def test_reading_and_writing_personal_data_records_who_what_when_where_and_why(
    suite: Gateway,
) -> None:
    police, token = await suite.user_token("police")
    headers = bearer(token)
    case_id = await open_case(suite, headers)
    written = await suite.http.put(
        f"/api/v1/cases/{case_id}/person",
        json={"given_name": "Ana", "family_name": "Ionescu"},
        headers={**headers, "X-Purpose": "identification interview"},
    )
    assert written.status_code in {200, 201}, written.text
    context = {
        **headers,
        "X-Purpose": "planificarea asistenței",
        "X-Request-ID": "req-audit-1",
        "X-Forwarded-For": "203.0.113.7",
    }
    read = await suite.http.get(
        f"/api/v1/cases/{case_id}/person",
        headers={name.encode(): value.encode() for name, value in context.items()},
    )
    assert read.status_code == 200, read.text

    events = await audit_events(suite, case_id=case_id)
    assert [e["action"] for e in events] == [
        "case.person.read",
        "case.person.replace",
        "screening.create",
    ]
    newest = events[0]
    assert newest == {
        **newest,
        "method": "GET",
        "path": f"/api/v1/cases/{case_id}/person",
        "status": 200,
        "actor_id": police["id"],
        "actor_kind": "user",
        "actor_name": police["username"],
        "organisation_id": police["organisation_id"],
        "roles": ["police"],
        "resource_type": "case",
        "resource_id": case_id,
        "case_id": case_id,
        "request_id": "req-audit-1",
        "client_address": "127.0.0.1",
        "forwarded_for": "203.0.113.7",
        "purpose": "planificarea asistenței",
        "replayed": False,
    }
    assert events[1]["purpose"] == "identification interview"
    assert events[2]["resource_type"] == "screening"
    assert events[2]["resource_id"] is not None
    assert newest["sequence"] == events[1]["sequence"] + 1
    assert newest["prev_hash"] == events[1]["hash"]
    # The log holds who looked, never what they saw.
    assert "Ionescu" not in json.dumps(events)
    assert await verify(suite) == {
        **await verify(suite),
        "valid": True,
        "first_bad": None,
        "problem": None,
    }


async def test_decisions_and_consents_are_recorded_with_their_answer(suite: Gateway) -> None:
    _, token = await suite.user_token("police")
    case_id = await open_case(suite, bearer(token))
    consent = await suite.http.post(
        f"/api/v1/cases/{case_id}/consents",
        json={"scope": "referral", "given": True, "method": "written"},
        headers=bearer(token),
    )
    assert consent.status_code == 201, consent.text
    refused = await suite.http.post(
        f"/api/v1/cases/{case_id}/decisions",
        json={"status": "identified", "basis": "no authority named"},
        headers=bearer(token),
    )
    assert refused.status_code == 422
    listed = await suite.http.get(f"/api/v1/cases/{case_id}/consents", headers=bearer(token))
    assert listed.status_code == 200

    events = await audit_events(suite, case_id=case_id)
    assert [(e["action"], e["status"]) for e in events] == [
        ("case.consent.list", 200),
        ("case.decision.create", 422),
        ("case.consent.create", 201),
        ("screening.create", 201),
    ]
    assert events[2]["resource_id"] == consent.json()["id"]


async def test_a_referral_and_its_acceptance_are_recorded_under_their_case(
    suite: Gateway,
) -> None:
    _, police_token = await suite.user_token("police")
    police = bearer(police_token)
    coordinator_org = await suite.organisation(
        name="ANITP", kind="national_agency", county="national"
    )
    coordinator = await suite.user("coordinator", organisation_id=coordinator_org["id"])
    coordinating = bearer(await suite.token(coordinator["username"]))
    shelter_org = await suite.organisation(name="Asociația Speranța", kind="ngo", county="RO-IS")
    staff = await suite.user("provider", organisation_id=shelter_org["id"])
    shelter = await suite.http.post(
        "/api/v1/providers", json=provider_body(shelter_org["id"]), headers=coordinating
    )
    assert shelter.status_code == 201, shelter.text
    case_id = await open_case(suite, police)
    await suite.http.post(
        f"/api/v1/cases/{case_id}/consents",
        json={"scope": "referral", "given": True, "method": "written"},
        headers=police,
    )
    await settle(suite)
    referral = await suite.http.post(
        "/api/v1/referrals",
        json={"case_id": case_id, "provider_id": shelter.json()["id"], "services": ["shelter"]},
        headers=police,
    )
    assert referral.status_code == 201, referral.text
    referral_id = referral.json()["id"]
    accepted = await suite.http.post(
        f"/api/v1/referrals/{referral_id}/accept",
        headers=bearer(await suite.token(staff["username"])),
    )
    assert accepted.status_code == 200, accepted.text

    events = await audit_events(suite, case_id=case_id)
    assert [(e["action"], e["resource_id"]) for e in events[:2]] == [
        ("referral.accept", referral_id),
        ("referral.create", referral_id),
    ]
    assert events[0]["actor_name"] == staff["username"]
    assert events[0]["roles"] == ["provider"]


async def test_every_refusal_is_recorded_at_the_gateway_or_from_a_service(
    suite: Gateway,
) -> None:
    police, token = await suite.user_token("police")
    assert (await suite.http.get("/api/v1/cases")).status_code == 401
    assert (await suite.http.get("/api/v1/users", headers=bearer(token))).status_code == 403
    admin = await suite.admin()
    at_service = await suite.http.post("/api/v1/screenings", json=screening(), headers=admin)
    assert at_service.status_code == 403
    await suite.http.patch(f"/api/v1/users/{police['id']}", json={"active": False}, headers=admin)
    assert (await suite.http.get("/api/v1/cases", headers=bearer(token))).status_code == 401

    events = await audit_events(suite)
    refusals = [(e["action"], e["status"], e["actor_name"]) for e in events if e["status"] >= 400]
    assert refusals[:4] == [
        # A well-signed token of a disabled account: the log says whose it was.
        ("cases.list", 401, police["username"]),
        ("screening.create", 403, "admin"),
        ("users.list", 403, police["username"]),
        ("cases.list", 401, None),
    ]


async def test_failed_sign_ins_are_recorded_with_the_name_tried(suite: Gateway) -> None:
    assert (await suite.login("admin", "not the password")).status_code == 400
    client_id = str(uuid.uuid4())
    unknown = await suite.http.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": "x"},
    )
    assert unknown.status_code == 401
    events = await audit_events(suite, action="auth.token.refused")
    assert [(e["actor_name"], e["status"], e["actor_id"]) for e in events] == [
        (client_id, 401, None),
        ("admin", 400, None),
    ]


@pytest.mark.parametrize("roles", [("police",), ("admin",), ("provider",)])
async def test_only_coordinators_and_auditors_read_the_log(
    suite: Gateway, roles: tuple[str, ...]
) -> None:
    _, token = await suite.user_token(*roles)
    for path in ("/api/v1/audit-events", "/api/v1/audit-events/verify"):
        response = await suite.http.get(path, headers=bearer(token))
        assert response.status_code == 403
        assert response.json()["type"] == "/problems/forbidden"
        assert (await suite.http.get(path)).status_code == 401
    for reader in ("coordinator", "auditor"):
        _, allowed = await suite.user_token(reader)
        assert (
            await suite.http.get("/api/v1/audit-events", headers=bearer(allowed))
        ).status_code == 200


async def test_the_log_filters_by_actor_action_and_time_and_pages(suite: Gateway) -> None:
    police, token = await suite.user_token("police")
    for _ in range(3):
        await open_case(suite, bearer(token))
    by_id = await audit_events(suite, actor=police["id"])
    by_name = await audit_events(suite, actor=police["username"])
    assert len(by_id) == 3
    assert by_id == by_name
    first = by_id[-1]["occurred_at"]
    assert len(await audit_events(suite, actor=police["id"], **{"from": first})) == 3
    assert await audit_events(suite, actor=police["id"], to=first) == []
    assert len(await audit_events(suite, action="screening.create")) == 3

    _, auditor = await suite.user_token("auditor")
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 1, "actor": police["id"]}
        if cursor:
            params["cursor"] = cursor
        page = (
            await suite.http.get("/api/v1/audit-events", params=params, headers=bearer(auditor))
        ).json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [e["id"] for e in by_id]


@pytest.mark.parametrize(
    "params",
    [
        {"case_id": "not-a-uuid"},
        {"from": "2026-01-01T00:00:00"},
        {"from": "yesterday"},
        {"from": "2026-01-02T00:00:00Z", "to": "2026-01-01T00:00:00Z"},
        {"from": "0001-01-01T00:00:00+01:00"},
        {"to": "9999-12-31T23:59:59-05:00"},
        {"actor": "x" * 201},
        {"actor": ""},
        {"actor": "ana\x00"},
        {"actor": "line\nbreak"},
        {"action": "a" * 65},
        {"action": "case.person.read\x00"},
        {"action": "Robert'); DROP TABLE audit_events;--"},
        {"cursor": "garbage"},
        {"cursor": "W10"},
        {"limit": "0"},
        {"limit": "100000"},
        {"limit": "ten"},
    ],
)
async def test_hostile_queries_of_the_log_are_422_problems(
    suite: Gateway, params: dict[str, str]
) -> None:
    _, token = await suite.user_token("auditor")
    response = await suite.http.get("/api/v1/audit-events", params=params, headers=bearer(token))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"]


@pytest.mark.parametrize(
    "purpose",
    ["x" * 201, "line\nbreak", "tab\there", b"\xff\xfe not utf-8", "zero\u200bwidth"],
)
async def test_a_malformed_purpose_is_422_naming_the_header(suite: Gateway, purpose) -> None:
    _, token = await suite.user_token("police")
    value = purpose if isinstance(purpose, bytes) else purpose.encode()
    response = await suite.http.get(
        "/api/v1/cases", headers={b"Authorization": f"Bearer {token}".encode(), b"X-Purpose": value}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "X-Purpose"
    assert suite.forwarded == []


async def test_a_changed_event_is_found_by_verification(suite: Gateway) -> None:
    _, token = await suite.user_token("police")
    for _ in range(3):
        await open_case(suite, bearer(token))
    target = (await audit_events(suite))[1]
    await without_append_only_triggers(suite)
    await sql(suite, f"UPDATE audit_events SET status = 200 WHERE id = '{_stored(suite, target)}'")
    report = await verify(suite)
    assert report["valid"] is False
    assert report["first_bad"] == target["id"]
    assert report["problem"] == "altered"


async def test_a_deleted_event_is_a_gap_and_deleted_newest_events_a_short_chain(
    suite: Gateway,
) -> None:
    _, token = await suite.user_token("police")
    for _ in range(4):
        await open_case(suite, bearer(token))
    events = await audit_events(suite)
    await without_append_only_triggers(suite)
    await sql(suite, f"DELETE FROM audit_events WHERE id = '{_stored(suite, events[2])}'")
    report = await verify(suite)
    assert (report["valid"], report["first_bad"], report["problem"]) == (
        False,
        events[1]["id"],
        "gap",
    )
    for event in events[:3]:
        await sql(suite, f"DELETE FROM audit_events WHERE id = '{_stored(suite, event)}'")
    report = await verify(suite)
    assert (report["valid"], report["first_bad"], report["problem"]) == (
        False,
        None,
        "truncated",
    )
    assert report["head_sequence"] > report["events"]


def _stored(suite: Gateway, event: dict[str, Any]) -> str:
    """An event's id as its table stores it (SQLite keeps a UUID as 32 hex digits)."""
    return uuid.UUID(event["id"]).hex if suite.app.state.database.is_sqlite else event["id"]


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET status = 200", "DELETE FROM audit_events"],
)
async def test_the_events_table_refuses_changes(suite: Gateway, statement: str) -> None:
    _, token = await suite.user_token("police")
    await open_case(suite, bearer(token))
    with pytest.raises(Exception, match="append-only"):
        await sql(suite, statement)
    assert (await verify(suite))["valid"] is True


async def test_two_replicas_appending_at_once_keep_one_unbroken_chain(suite: Gateway) -> None:
    _, token = await suite.user_token("police")
    headers = bearer(token)
    case_id = await open_case(suite, headers)
    await suite.http.put(
        f"/api/v1/cases/{case_id}/person", json={"given_name": "Ana"}, headers=headers
    )
    replica = create_app(suite.settings, transport=RecordingTransport(suite.transport))
    async with client_for(replica, base_url="http://gateway") as other:

        async def read(client, index: int) -> int:
            if index % 5 == 0:
                return (await client.get("/api/v1/cases")).status_code
            path = f"/api/v1/cases/{case_id}/person"
            return (await client.get(path, headers=headers)).status_code

        statuses = await asyncio.gather(
            *(read(client, i) for i in range(20) for client in (suite.http, other))
        )
    assert sorted(set(statuses)) == [200, 401]
    report = await verify(suite)
    assert report["valid"] is True, report
    assert report["events"] == report["head_sequence"] == 2 + 40
    sequences = [row[0] for row in await sql(suite, "SELECT sequence FROM audit_events")]
    assert sorted(sequences) == list(range(1, 43))


async def test_events_recorded_at_once_share_commits_and_keep_one_unbroken_chain(
    suite: Gateway,
) -> None:
    database = suite.app.state.database
    commits = 0

    def counted(*_args: object) -> None:
        nonlocal commits
        commits += 1

    sqlalchemy_event.listen(database.engine.sync_engine, "commit", counted)
    try:
        events = [
            audit_event(
                {"type": "http", "method": "GET", "path": f"/api/v1/cases/{i}", "headers": []},
                None,
                None,
                [{"type": "http.response.start", "status": 401, "headers": []}],
            )
            for i in range(20)
        ]
        await asyncio.gather(*(suite.app.state.gateway.audit.record(e) for e in events))
    finally:
        sqlalchemy_event.remove(database.engine.sync_engine, "commit", counted)
    assert commits < len(events)
    assert sorted(e.sequence for e in events) == list(range(1, 21))
    report = await verify(suite)
    assert report["valid"] is True, report


async def test_every_event_of_a_shared_commit_that_fails_is_refused(
    suite: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(_self: AuditRepository, _events: object) -> None:
        raise ConnectionError("the database is gone")

    monkeypatch.setattr(AuditRepository, "append", broken)
    events = [
        audit_event(
            {"type": "http", "method": "GET", "path": "/api/v1/cases", "headers": []},
            None,
            None,
            [{"type": "http.response.start", "status": 401, "headers": []}],
        )
        for _ in range(5)
    ]
    outcomes = await asyncio.gather(
        *(suite.app.state.gateway.audit.record(e) for e in events), return_exceptions=True
    )
    assert all(isinstance(outcome, ConnectionError) for outcome in outcomes)


async def test_a_personal_data_read_that_cannot_be_recorded_is_withheld(
    suite: Gateway, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _, token = await suite.user_token("police")
    headers = bearer(token)
    case_id = await open_case(suite, headers)

    async def broken(_self: AuditLog, _event: object) -> None:
        raise ConnectionError("the database is gone")

    monkeypatch.setattr(AuditLog, "record", broken)
    written = await suite.http.put(
        f"/api/v1/cases/{case_id}/person", json={"given_name": "Ana"}, headers=headers
    )
    # A write is done at the service: its answer stands, the missing event is logged.
    assert written.status_code == 201, written.text
    with caplog.at_level(logging.ERROR, logger="nirm.audit"):
        read = await suite.http.get(f"/api/v1/cases/{case_id}/person", headers=headers)
    assert read.status_code == 503
    assert read.headers["content-type"] == "application/problem+json"
    assert read.headers["retry-after"]
    assert "Ana" not in read.text
    assert "audit event not recorded" in caplog.text
    assert "Ana" not in caplog.text
    assert (await suite.http.get("/api/v1/cases")).status_code == 401
