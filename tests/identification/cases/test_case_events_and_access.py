"""The case events the service publishes (docs/events.md), and the access it learns from
the referral part's events delivered to `/internal/events`."""

import json
import uuid
from datetime import datetime
from typing import Any

from tests.support.identification import POTENTIAL, PRESUMED, Caller, Callers, Service

CASE_PAYLOAD_KEYS = {
    "case_id",
    "version",
    "status",
    "is_child",
    "county",
    "gender",
    "exploitation_forms",
    "organisation_id",
    "is_foreign",
    "opened_at",
}


def instant(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


def referral(
    case: dict[str, Any], organisation: uuid.UUID, status: str, referral_id: str
) -> dict[str, Any]:
    return {
        "referral_id": referral_id,
        "case_id": case["id"],
        "provider_id": str(uuid.uuid4()),
        "provider_organisation_id": str(organisation),
        "services": ["shelter"],
        "status": status,
        "urgency": "normal",
        "respond_by": "2026-12-01T10:00:00+00:00",
    }


async def visible(service: Service, caller: Caller, case: dict[str, Any]) -> bool:
    response = await service.client.get(f"/api/v1/cases/{case['id']}", headers=caller.headers)
    assert response.status_code in (200, 404)
    return response.status_code == 200


async def test_opening_a_case_publishes_case_opened_with_the_contract_payload(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police, PRESUMED, citizenship="MD", forms=["labour"])
    [event] = await service.events("case.opened")
    assert event["source"] == "identification"
    assert event["topic"] == "case.opened"
    assert {**event["payload"], "opened_at": instant(event["payload"]["opened_at"])} == {
        "case_id": case["id"],
        "version": 1,
        "status": "presumed",
        "is_child": False,
        "county": "RO-IS",
        "gender": "female",
        "exploitation_forms": ["labour"],
        "organisation_id": str(police.organisation_id),
        "is_foreign": True,
        "opened_at": instant(case["created_at"]),
    }


async def test_each_decision_publishes_case_status_changed_with_the_previous_status(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police, POTENTIAL)
    await service.send(
        "POST",
        f"/api/v1/cases/{case['id']}/decisions",
        police,
        {"status": "presumed", "basis": "b"},
    )
    [event] = await service.events("case.status_changed")
    payload = event["payload"]
    assert set(payload) == CASE_PAYLOAD_KEYS | {"previous_status"}
    assert (payload["previous_status"], payload["status"]) == ("potential", "presumed")
    assert payload["version"] == (await service.case(police, case["id"]))["version"]


async def test_events_go_to_each_subscribed_part_and_carry_no_personal_data(
    service: Service, police: Caller
) -> None:
    case = await service.open_case(police)
    await service.send(
        "PUT",
        f"/api/v1/cases/{case['id']}/person",
        police,
        {"given_name": "Mirela", "family_name": "Vasilescu", "phone": "+40 744 555 666"},
    )
    destinations = await service.sql("SELECT topic, destination FROM outbox")
    assert ("case.opened", "service:risk") in destinations
    assert ("case.opened", "service:referral") in destinations
    bodies = json.dumps(await service.events())
    for secret in ("Mirela", "Vasilescu", "744"):
        assert secret not in bodies


async def test_a_referral_gives_the_providers_organisation_access_while_it_stands(
    service: Service, police: Caller, provider: Caller
) -> None:
    case = await service.open_case(police)
    referral_id = str(uuid.uuid4())
    assert not await visible(service, provider, case)

    response = await service.deliver(
        "referral.created", referral(case, provider.organisation_id, "sent", referral_id)
    )
    assert response.status_code == 200
    assert response.json() == {"status": "processed"}
    assert await visible(service, provider, case)
    listed = await service.client.get("/api/v1/cases", headers=provider.headers)
    assert [c["id"] for c in listed.json()["items"]] == [case["id"]]
    consents = await service.client.get(
        f"/api/v1/cases/{case['id']}/consents", headers=provider.headers
    )
    assert consents.status_code == 200

    await service.deliver(
        "referral.status_changed",
        {
            **referral(case, provider.organisation_id, "declined", referral_id),
            "previous_status": "sent",
        },
    )
    assert not await visible(service, provider, case)


async def test_a_new_grant_brings_the_case_into_the_providers_next_sync(
    service: Service, police: Caller, provider: Caller
) -> None:
    case = await service.open_case(police)
    await service.deliver(
        "referral.created", referral(case, provider.organisation_id, "sent", str(uuid.uuid4()))
    )
    synced = await service.client.get(
        "/api/v1/cases", params={"updated_since": case["updated_at"]}, headers=provider.headers
    )
    [item] = synced.json()["items"]
    assert item["updated_at"] > case["updated_at"]


async def test_late_or_repeated_referral_events_never_reopen_access(
    service: Service, police: Caller, provider: Caller
) -> None:
    case = await service.open_case(police)
    referral_id = str(uuid.uuid4())
    withdrawn = referral(case, provider.organisation_id, "withdrawn", referral_id)
    await service.deliver("referral.status_changed", withdrawn)
    await service.deliver(
        "referral.created", referral(case, provider.organisation_id, "sent", referral_id)
    )
    await service.deliver(
        "referral.status_changed", referral(case, provider.organisation_id, "accepted", referral_id)
    )
    assert not await visible(service, provider, case)


async def test_a_completed_referral_keeps_the_providers_access(
    service: Service, police: Caller, provider: Caller
) -> None:
    case = await service.open_case(police)
    referral_id = str(uuid.uuid4())
    for status in ("sent", "accepted", "completed"):
        await service.deliver(
            "referral.status_changed", referral(case, provider.organisation_id, status, referral_id)
        )
    assert await visible(service, provider, case)


async def test_a_repatriation_gives_the_consulate_access(
    service: Service, police: Caller, callers: Callers
) -> None:
    case = await service.open_case(police)
    consul = callers("consular_officer", organisation_kind="consulate")
    assert not await visible(service, consul, case)
    payload = {
        "repatriation_id": str(uuid.uuid4()),
        "case_id": case["id"],
        "direction": "from_romania",
        "country": "MD",
        "organisation_ids": [str(consul.organisation_id), str(police.organisation_id)],
    }
    assert (await service.deliver("repatriation.created", payload)).status_code == 200
    assert await visible(service, consul, case)
    assert (await service.deliver("repatriation.created", payload)).status_code == 200
    assert await service.count("case_access") == 2


async def test_the_same_event_delivered_twice_takes_effect_once(
    service: Service, police: Caller, provider: Caller
) -> None:
    case = await service.open_case(police)
    body = json.dumps(
        {
            "id": str(uuid.uuid4()),
            "topic": "referral.created",
            "source": "referral",
            "occurred_at": "2026-11-28T10:00:00+00:00",
            "payload": referral(case, provider.organisation_id, "sent", str(uuid.uuid4())),
        }
    ).encode()
    answers = [(await service.deliver_raw(body)).json()["status"] for _ in range(2)]
    assert answers == ["processed", "duplicate"]
    assert await service.count("case_access") == 1


async def test_unsigned_or_malformed_events_change_nothing(
    service: Service, police: Caller, provider: Caller
) -> None:
    case = await service.open_case(police)
    payload = referral(case, provider.organisation_id, "sent", str(uuid.uuid4()))
    body = json.dumps(
        {
            "id": str(uuid.uuid4()),
            "topic": "referral.created",
            "source": "referral",
            "occurred_at": "2026-11-28T10:00:00+00:00",
            "payload": payload,
        }
    ).encode()
    forged = await service.deliver_raw(body, secret="not-the-internal-secret")
    assert forged.status_code == 401
    malformed = await service.deliver("referral.created", {**payload, "case_id": "nope"})
    assert malformed.status_code == 422
    assert malformed.headers["content-type"] == "application/problem+json"
    assert await service.count("case_access") == 0
    assert await service.count("processed_events") == 0


async def test_an_event_about_an_unknown_case_is_acknowledged_and_grants_nothing(
    service: Service, provider: Caller
) -> None:
    ghost = {"id": str(uuid.uuid4())}
    response = await service.deliver(
        "referral.created", referral(ghost, provider.organisation_id, "sent", str(uuid.uuid4()))
    )
    assert response.status_code == 200
    assert await service.count("case_access") == 0
